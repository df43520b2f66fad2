"""Declared example dependencies: what a block may import, and what its result depends on.

A site declares the third-party packages its examples may import (by default
the ``examples`` group of ``[project.optional-dependencies]`` in the project's
pyproject.toml). Before anything runs, each block's imports are read from its
syntax tree and classified against the interpreter that will run it:

- standard library: fine;
- a module of a declared distribution, or of a distribution a declared one
  requires (``starlette`` under ``fastapi``): fine, and the installed versions
  of those distributions join the block's cache key, so an upgrade reruns the
  blocks that import them and only those;
- a declared distribution that is not installed: a finding with the install
  command, instead of an ImportError traceback at run time;
- any other module: a finding naming it, unless the page itself writes that
  module (``modulo.py``) or the import is guarded by ``except ImportError``.

The facts about the interpreter (its stdlib names, which distribution provides
each top-level module, versions and requirements) are read once per
interpreter and declaration: in this process when it is the interpreter that
runs the blocks, otherwise by asking that interpreter.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from . import environment_probe

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def distribution_name(requirement: str) -> str | None:
    """``"pyjwt[crypto]>=2.9"`` -> ``"pyjwt"`` (PEP 503 normalized), None when unreadable."""
    match = _NAME.match(requirement or "")
    return normalize(match.group(1)) if match else None


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class ImportRef:
    module: str
    """Top-level module name (``fastapi`` for ``from fastapi.testclient import X``)."""
    line: int
    """Line inside the block (1-based)."""
    guarded: bool = False
    """Inside ``try`` with an ``except ImportError`` (an optional import)."""
    dotted: str = ""
    """The whole module path imported (``fastapi.testclient``)."""


_KNOWN_IMPORTS: dict[str, tuple[ImportRef, ...]] = {}
"""Imports already read, by the block's code digest: filled by ``imports_of`` and by
``remember_imports`` (a build seeds it from the previous build's memo)."""


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def remember_imports(known: dict[str, tuple[ImportRef, ...]]) -> None:
    """Seed what ``imports_of`` knows (reading a block's imports parses it: ~1 ms a block)."""
    _KNOWN_IMPORTS.update(known)


def imports_of(code: str) -> tuple[ImportRef, ...]:
    """Absolute imports of a Python block; () when it does not parse (the run says why)."""
    digest = code_digest(code)
    known = _KNOWN_IMPORTS.get(digest)
    if known is None:
        known = _KNOWN_IMPORTS[digest] = _parse_imports(code)
    return known


def _parse_imports(code: str) -> tuple[ImportRef, ...]:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    found: list[ImportRef] = []
    guarded_lines = _guarded_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.append(ImportRef(name.split(".")[0], node.lineno, node.lineno in guarded_lines, name))
    found.sort(key=lambda ref: (ref.line, ref.module))
    return tuple(found)


def _guarded_lines(tree: ast.AST) -> frozenset[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        handled = set()
        for handler in node.handlers:
            if handler.type is None:
                handled.add("BaseException")
            for item in handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]:
                if isinstance(item, ast.Name):
                    handled.add(item.id)
                elif isinstance(item, ast.Attribute):
                    handled.add(item.attr)
        if handled & _IMPORT_ERRORS:
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return frozenset(lines)


@dataclass(frozen=True)
class Declaration:
    """What the site declares, and how an author installs it."""

    names: tuple[str, ...] = ()
    """Normalized distribution names."""
    where: str = ""
    """Where the declaration lives, for the findings (pyproject.toml [examples]...)."""
    install: str = ""
    """The command that installs the declared packages."""


@dataclass(frozen=True)
class Environment:
    """Facts about the interpreter that runs the blocks."""

    stdlib: frozenset[str]
    providers: Mapping[str, tuple[str, ...]]
    """Top-level module -> normalized distributions that provide it."""
    versions: Mapping[str, str]
    """Normalized distribution -> installed version."""
    requires: Mapping[str, tuple[str, ...]]
    """Normalized distribution -> normalized distributions it requires (no extras' markers)."""


@dataclass(frozen=True)
class DependencyIndex:
    declaration: Declaration
    environment: Environment
    allowed: frozenset[str] = field(default=frozenset())
    """Installed distributions a block may import: declared ones and what they require."""

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in self.declaration.names if name not in self.environment.versions)

    def classify(self, module: str) -> tuple[str, tuple[str, ...]]:
        """``("stdlib"|"allowed"|"missing"|"undeclared"|"unknown", distributions)``."""
        if module in self.environment.stdlib or module == "__future__":
            return "stdlib", ()
        providers = self.environment.providers.get(module, ())
        if providers:
            if any(p in self.allowed for p in providers):
                return "allowed", providers
            return "undeclared", providers
        guess = _known_import_names().get(module) or normalize(module)
        if guess in self.declaration.names:  # declared, not installed
            return "missing", (guess,)
        return "unknown", ()

    def versions_for(self, modules: Iterable[str]) -> dict[str, str]:
        """Installed versions of what these modules bring in (their distributions and requirements)."""
        picked: set[str] = set()
        todo = [p for m in modules for p in self.environment.providers.get(m, ()) if p in self.allowed]
        while todo:
            name = todo.pop()
            if name in picked or name not in self.environment.versions:
                continue
            picked.add(name)
            todo.extend(self.environment.requires.get(name, ()))
        return {name: self.environment.versions[name] for name in sorted(picked)}


@functools.cache  # constant data shipped with the package
def _known_import_names() -> Mapping[str, str]:
    import yaml
    from importlib import resources

    text = resources.files("themelion_docs.execution").joinpath("import_names.yaml").read_text(encoding="utf-8")
    return {str(k): normalize(str(v)) for k, v in (yaml.safe_load(text) or {}).items()}


def build_index(declaration: Declaration, environment: Environment) -> DependencyIndex:
    allowed: set[str] = set()
    todo = [name for name in declaration.names if name in environment.versions]
    while todo:
        name = todo.pop()
        if name in allowed:
            continue
        allowed.add(name)
        todo.extend(r for r in environment.requires.get(name, ()) if r in environment.versions)
    return DependencyIndex(declaration, environment, frozenset(allowed))


def read_environment(python: str, cache_dir: Path | None = None) -> Environment:
    """The facts of ``python``: from a record in ``cache_dir`` while its package
    folders are unchanged (scanning every installed distribution costs ~0.4 s,
    more than a warm build of a page), else read and recorded."""
    return _read_environment(os.path.realpath(python), str(cache_dir) if cache_dir else None)


@functools.cache  # per build process; the record below serves the next processes
def _read_environment(python: str, cache_dir: str | None) -> Environment:
    own = python == os.path.realpath(sys.executable)
    stamp = _package_folders_stamp() if own else None
    record = Path(cache_dir) / _RECORD if cache_dir and own else None
    raw = _load_record(record, python, stamp) if record else None
    if raw is None:
        raw = environment_probe.facts() if own else _ask(python)
        if record is not None:
            _save_record(record, python, stamp, raw)
    return Environment(
        stdlib=frozenset(raw["stdlib"]),
        providers={k: tuple(v) for k, v in raw["providers"].items()},
        versions=dict(raw["versions"]),
        requires={k: tuple(v) for k, v in raw["requires"].items()},
    )


_RECORD = "environment.record"  # not *.json: prune_cache keeps it


def _package_folders_stamp() -> list:
    """Installing, upgrading or removing a distribution changes its folder's mtime."""
    stamp = []
    for entry in sys.path:
        try:
            stamp.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            stamp.append([entry, None])
    return stamp


def _load_record(record: Path, python: str, stamp: list | None) -> dict | None:
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        if saved.get("python") == python and saved.get("stamp") == stamp:
            facts = saved["facts"]
            if all(isinstance(facts.get(k), t) for k, t in (("stdlib", list), ("providers", dict),
                                                           ("versions", dict), ("requires", dict))):
                return facts
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    return None


def _save_record(record: Path, python: str, stamp: list | None, facts: dict) -> None:
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        temporary = record.with_name(f".{record.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"python": python, "stamp": stamp, "facts": facts}), encoding="utf-8")
        os.replace(temporary, record)
    except OSError:
        pass  # the record only saves a scan next time


def _ask(python: str) -> dict:
    try:
        completed = subprocess.run(
            [python, "-I", environment_probe.__file__], capture_output=True, text=True, timeout=60,
            env={"PATH": os.environ.get("PATH", "")},
        )
        return json.loads(completed.stdout)
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return {"stdlib": sorted(sys.stdlib_module_names), "providers": {}, "versions": {}, "requires": {}}


def preload_candidates(index: DependencyIndex, blocks: Iterable[str], at_least: int = 2,
                       never: Iterable[str] = ()) -> tuple[str, ...]:
    """Third-party modules that ``at_least`` of these blocks import, for the fork server
    to import once (fastapi alone costs ~0.4 s per fresh interpreter)."""
    counts: dict[str, int] = {}
    skip = set(never)
    for code in blocks:
        for dotted in dict.fromkeys(ref.dotted for ref in imports_of(code) if not ref.guarded):
            top = dotted.split(".")[0]
            if top in skip or index.classify(top)[0] != "allowed":
                continue
            counts[dotted] = counts.get(dotted, 0) + 1
    return tuple(sorted(name for name, count in counts.items() if count >= at_least))
