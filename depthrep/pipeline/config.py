"""What the workflow does with a config before anything runs: the JSON schema (types, ranges,
unknown keys), and the plan's cross-references (runs, targets, states).

The workflow calls `check` while Snakemake parses it; so do the tests, in-process, with the
config Snakemake would build (config.yaml, then each --configfile merged over it key by key).
Errors name the setting by its path, e.g. `figures.fig6.widht: unknown setting`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml

from . import plan

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schemas" / "config.schema.yaml"


class ConfigError(plan.PlanError):
    """A setting the schema refuses, named by its path."""


def load(*files: str | Path) -> dict:
    """config.yaml with each file merged over it, as `snakemake --configfile` merges them."""
    from snakemake.utils import update_config

    config = read(ROOT / "config.yaml")
    for path in files:
        update_config(config, read(path))
    return config


def read(path: str | Path) -> dict:
    """One config file; a YAML error or a file without settings is named with the file (and line)."""
    try:
        with open(path) as stream:
            data = yaml.safe_load(stream)
    except yaml.YAMLError as err:
        raise ConfigError(f"{path} is not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise ConfigError(f"{path} holds no settings (it is empty or not a mapping of names to settings)")
    return data


def check(config: dict, schema: str | Path = SCHEMA) -> None:
    """Raise ConfigError or plan.PlanError naming the first setting that is wrong."""
    refuse_non_finite(config)
    validate(config, schema)
    plan.check(config)


def refuse_non_finite(value, where: str = "") -> None:
    """NaN and infinities (YAML's .nan, .inf, 1e999) pass a JSON schema's number checks; no
    setting of this project means them."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{where or 'the config'}: {value} is not a finite number")
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        refuse_non_finite(item, f"{where}.{key}" if where else str(key))


def validate(config: dict, schema: str | Path = SCHEMA) -> None:
    """The JSON schema, with the error said as `<path>: <what is wrong>`.

    Written on jsonschema rather than snakemake.utils.validate, whose message prints the whole
    schema section and the path only at the end.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    rules = yaml.safe_load(Path(schema).read_text())
    error = best_match(Draft202012Validator(rules).iter_errors(config))
    if error is None:
        return
    where = ".".join(str(part) for part in error.absolute_path) or "the config"
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known))
        names = ", ".join(f"{where}.{key}" if error.absolute_path else key for key in unknown)
        raise ConfigError(f"{names}: unknown setting{'s' if len(unknown) > 1 else ''}; the settings here are {known}")
    raise ConfigError(f"{where}: {error.message}")


def making_report(argv: list[str]) -> bool:
    """Whether this snakemake call builds the report (`--report FILE`) instead of running jobs."""
    return any(arg == "--report" or arg.startswith("--report=") for arg in argv)


def check_report(config: dict, record: str | Path) -> None:
    """A report shows results/ and must describe the run that made them: refuse a config that
    differs from the one recorded in results/provenance.json."""
    if not Path(record).is_file():
        return
    recorded = json.loads(Path(record).read_text()).get("config")
    if recorded is not None and recorded != config:
        raise ConfigError(
            f"the report shows the results in {Path(record).parent}/, made with preset {recorded.get('preset')!r}; the config "
            f"given now (preset {config.get('preset')!r}) differs from the one recorded in {record}. Build the report with "
            "the --configfile of that run, or with the recorded config: python -m depthrep.pipeline.provenance config "
            f"{record} > recorded.yaml, then --configfile recorded.yaml"
        )


def submits_to_slurm(argv: list[str]) -> bool:
    """Whether this snakemake call sends its jobs to Slurm: `--executor slurm`, or a `--profile`
    whose config.yaml says `executor: slurm` (such as this project's slurm/ profile)."""
    executor = _option(argv, "--executor", "-e")
    profile = _option(argv, "--profile")
    if executor is None and profile is not None:
        folder = next((p for p in (Path(profile), Path.home() / ".config/snakemake" / profile) if (p / "config.yaml").is_file()), None)
        executor = (yaml.safe_load((folder / "config.yaml").read_text()) or {}).get("executor") if folder else None
    return executor == "slurm"


def _option(argv: list[str], *names: str) -> str | None:
    """The value of the last of `names` given in argv (`--name value` or `--name=value`)."""
    value = None
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                value = argv[i + 1]
            elif arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
    return value


def main(argv: list[str] | None = None) -> int:
    """`python -m depthrep.pipeline.config [PRESET ...]`: check config.yaml with the presets merged
    over it, as the workflow will, and name the file or setting that is wrong."""
    import sys

    files = sys.argv[1:] if argv is None else argv
    try:
        check(load(*files))
    except plan.PlanError as err:
        print(f"config error: {err}", file=sys.stderr)
        return 1
    print(f"{' + '.join(['config.yaml', *files])}: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
