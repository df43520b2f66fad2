"""Runner settings from the project's options (mkdocs.yml) and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from themelion_docs.config import ConfigError
from themelion_docs.execution import RunnerSettings
from themelion_docs.execution.dependencies import Declaration, distribution_name

DEFAULT_DEPENDENCY_GROUP = "examples"

DEFAULT_CACHE_DIR = ".themelion-cache"

_NUMERIC = {"default_timeout": float, "max_timeout": float, "memory_mb": int, "max_processes": int,
            "processes_ceiling": int}


def runner_settings(options: Mapping[str, Any], root: Path, *, no_cache: bool = False, refresh: bool = False,
                    jobs: int | None = None) -> RunnerSettings:
    """``options`` are the plugin's options; relative cache paths are under ``root``."""
    values: dict[str, Any] = {}
    for name, kind in _NUMERIC.items():
        if options.get(name) is not None:
            value = options[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"a opção `{name}` precisa ser um número positivo, recebeu «{value}»")
            values[name] = kind(value)
    chosen_jobs = jobs if jobs is not None else options.get("jobs")
    if chosen_jobs is not None:
        values["jobs"] = int(chosen_jobs)
    cache = options.get("cache_dir", DEFAULT_CACHE_DIR)
    values["cache_dir"] = None if no_cache or not cache else (root / str(cache))
    values["refresh"] = bool(refresh)
    values["declared"] = declared_dependencies(options, root)
    try:
        return RunnerSettings(**values)
    except ValueError as error:  # e.g. default_timeout above max_timeout
        raise ConfigError(f"configuração do executor inválida: {error}") from error


def declared_dependencies(options: Mapping[str, Any], root: Path) -> Declaration:
    """The packages examples may import: the plugin option ``example_dependencies`` (a
    list of requirements), else the ``examples`` group of ``root/pyproject.toml``."""
    listed = options.get("example_dependencies")
    if listed is not None:
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            raise ConfigError("a opção `example_dependencies` precisa ser uma lista de pacotes, "
                              "ex. [fastapi, httpx>=0.27]")
        names = _names(listed, "example_dependencies")
        return Declaration(names, "a opção example_dependencies do plugin themelion no mkdocs.yml",
                           "python -m pip install " + " ".join(f"'{item}'" for item in listed))
    pyproject = root / "pyproject.toml"
    group: list[str] = []
    if pyproject.is_file():
        import tomllib

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"não foi possível ler {pyproject}: {error}") from error
        optional = (data.get("project") or {}).get("optional-dependencies") or {}
        group = optional.get(DEFAULT_DEPENDENCY_GROUP) or []
        if not isinstance(group, list) or not all(isinstance(item, str) for item in group):
            raise ConfigError(f"{pyproject}: [project.optional-dependencies] {DEFAULT_DEPENDENCY_GROUP} "
                              "precisa ser uma lista de requisitos")
    return Declaration(
        _names(group, f"pyproject.toml [{DEFAULT_DEPENDENCY_GROUP}]"),
        f"[project.optional-dependencies] {DEFAULT_DEPENDENCY_GROUP} do pyproject.toml",
        f'python -m pip install -e ".[{DEFAULT_DEPENDENCY_GROUP}]"',
    )


def _names(requirements: list[str], where: str) -> tuple[str, ...]:
    names = []
    for requirement in requirements:
        name = distribution_name(requirement)
        if name is None:
            raise ConfigError(f"requisito ilegível em {where}: «{requirement}»")
        names.append(name)
    return tuple(dict.fromkeys(names))
