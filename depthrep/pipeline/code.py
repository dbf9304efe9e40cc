"""Which library code a job runs, as a digest Snakemake can watch.

Snakemake reruns a job when its script changes, but the code that decides the numbers lives in
the library. `digest(script)` follows the script's imports through depthrep (statically, with
ast, imports inside functions included) and hashes the source of every module it reaches. The
rules pass it as a parameter, so an edit of depthrep/engine/ reruns the inversions (and what
depends on them) and an edit of depthrep/plotting/resnet.py redraws only the ResNet figures.
Importing a module runs its package's __init__, so the digest covers those too.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the folder holding the depthrep package
PACKAGE = "depthrep"


def module_file(name: str) -> Path | None:
    """The file of a depthrep module, or None when `name` is not one (e.g. a function)."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def imports_of(path: Path, package: str) -> frozenset[str]:
    """Absolute names of the modules a file imports (relative imports resolved in `package`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names if module_file(f"{module}.{alias.name}")}
    return frozenset(found)


def reached(script: str | Path) -> tuple[dict[str, Path], set[str]]:
    """({depthrep module: file}, {top-level names of the other modules}) that `script` imports,
    following its imports through depthrep."""
    todo, seen, outside = [(Path(script), "")], {}, set()
    while todo:
        path, package = todo.pop()
        for name in imports_of(path, package):
            parts = name.split(".")
            if parts[0] != PACKAGE:
                outside.add(parts[0])
                continue
            for depth in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
                module = ".".join(parts[:depth])
                file = module_file(module)
                if file and module not in seen:
                    seen[module] = file
                    todo.append((file, module if file.name == "__init__.py" else module.rsplit(".", 1)[0]))
    return seen, outside


def digest(script: str | Path) -> str:
    """A short sha256 of the script and of every depthrep module it reaches."""
    modules, _ = reached(script)
    hashed = hashlib.sha256(Path(script).read_bytes())
    for name in sorted(modules):
        hashed.update(name.encode() + b"\0" + modules[name].read_bytes())
    return hashed.hexdigest()[:16]
