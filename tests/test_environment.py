"""Pinned environments agree: pyproject.toml, requirements.lock (make's pip install) and the
conda environments of the rules (envs/*.yaml) name the same version of every package they
share, and every rule's environment holds what its script imports."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from depthrep.pipeline import code

ROOT = Path(__file__).resolve().parents[1]
ENV_FILES = sorted((ROOT / "envs").glob("*.yaml"))
WORKFLOW_FILES = [ROOT / "Snakefile", *sorted((ROOT / "rules").glob("*.smk"))]


def exact_pins(requirements: list[str], where: str) -> dict[str, str]:
    """{canonical name: version} of requirements that must each be pinned with ==."""
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{where}: {text!r} is not pinned with =="
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{where}: {requirement.name} is listed twice"
        pins[name] = specifiers[0].version
    return pins


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject_pins() -> dict[str, str]:
    project = pyproject()
    extras = [r for group in project.get("optional-dependencies", {}).values() for r in group]
    return exact_pins(project["dependencies"] + extras, "pyproject.toml")


def lock_lines() -> list[str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def environment(path: Path) -> tuple[list[str], list[str]]:
    """(conda dependencies, pip requirements) of a conda environment file."""
    conda, pip = [], []
    for entry in yaml.safe_load(path.read_text())["dependencies"]:
        if isinstance(entry, dict):
            pip += entry["pip"]
        else:
            conda.append(entry)
    return conda, pip


def test_the_lock_pins_each_package_once_exactly():
    for line in lock_lines():
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+", line), f"requirements.lock: {line!r} is not name==version"
    exact_pins(lock_lines(), "requirements.lock")


def test_every_pyproject_dependency_is_in_the_lock_at_its_pinned_version():
    lock = exact_pins(lock_lines(), "requirements.lock")
    for name, version in pyproject_pins().items():
        assert name in lock, f"{name} (pyproject.toml) is missing from requirements.lock"
        assert lock[name] == version, f"{name}: pyproject.toml pins {version}, requirements.lock {lock[name]}"


def test_there_are_environments_for_the_rules():
    assert {path.name for path in ENV_FILES} >= {"torch.yaml", "plotting.yaml"}


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.name)
def test_an_environment_pins_the_versions_of_pyproject_and_the_lock(env_file):
    conda, pip = environment(env_file)
    pins = exact_pins(pip, env_file.name)
    lock, project = exact_pins(lock_lines(), "requirements.lock"), pyproject_pins()
    for name, version in pins.items():
        assert name in lock, f"{env_file.name}: {name} is not in requirements.lock"
        assert version == lock[name], f"{env_file.name}: {name}=={version}, requirements.lock has {lock[name]}"
        assert name not in project or version == project[name], f"{env_file.name}: {name}=={version}, pyproject.toml pins {project[name]}"


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.name)
def test_an_environment_has_a_python_that_pyproject_allows(env_file):
    conda, _ = environment(env_file)
    pythons = [entry.split("=", 1)[1] for entry in conda if entry.startswith("python=")]
    assert len(pythons) == 1, f"{env_file.name}: give one python=X.Y"
    assert SpecifierSet(pyproject()["requires-python"]).contains(pythons[0]), f"{env_file.name}: python {pythons[0]}"
    assert "pip" in conda, f"{env_file.name}: the pip packages need pip"


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.name)
def test_an_environment_installs_nothing_by_path(env_file):
    """Snakemake copies the file into .snakemake/conda/ and conda runs pip there, where a relative
    path (-e .., ./pkg) points somewhere else; an absolute one exists only on one machine."""
    _, pip = environment(env_file)
    for entry in pip:
        assert not re.match(r"(-e|--editable|\.|/|~|file:)", entry), f"{env_file.name}: {entry!r} installs from a path"


def rule_scripts() -> dict[str, tuple[Path | None, Path]]:
    """{rule: (conda environment file or None, script)} of every rule that runs a script."""
    rules = {}
    for path in WORKFLOW_FILES:
        text = path.read_text()
        for match in re.finditer(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", text, re.M | re.S):
            body = match.group(2)
            script = re.search(r"^\s+script:\s+\"([^\"]+)\"", body, re.M)
            conda = re.search(r"^\s+conda:\s+\"([^\"]+)\"", body, re.M)
            if script:
                env = (path.parent / conda.group(1)).resolve() if conda else None
                rules[match.group(1)] = (env, (path.parent / script.group(1)).resolve())
    return rules


def imported_distributions(script: Path) -> set[str]:
    """The installed distributions a script needs, following its imports through depthrep."""
    _, outside = code.reached(script)
    distributions = metadata.packages_distributions()
    third_party = sorted(outside - set(sys.stdlib_module_names) - {"__future__"})
    missing = [module for module in third_party if module not in distributions]
    assert not missing, f"{script.name} imports {missing}, which no installed package provides"
    return {canonicalize_name(d) for module in third_party for d in distributions[module]}


def test_every_rule_that_runs_a_script_has_an_environment():
    rules = rule_scripts()
    assert "invert" in rules and "resnet_figure" in rules  # the parser found the rules
    for rule, (env, _) in rules.items():
        assert env is not None, f"rule {rule} has no conda: environment (snakemake --use-conda would run it outside one)"
        assert env in ENV_FILES, f"rule {rule}: {env} is not one of envs/*.yaml"


@pytest.mark.parametrize("rule", sorted(rule_scripts()))
def test_a_rules_environment_holds_every_package_its_script_imports(rule):
    env, script = rule_scripts()[rule]
    assert env is not None, f"rule {rule} has no conda: environment"
    pins = exact_pins(environment(env)[1], env.name)
    missing = imported_distributions(script) - set(pins)
    assert not missing, f"rule {rule}: {script.name} needs {sorted(missing)}, which {env.name} does not install"
