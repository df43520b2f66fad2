"""Runner settings from the project's options (mkdocs.yml) and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from themelion_docs.config import ConfigError
from themelion_docs.execution import RunnerSettings

DEFAULT_CACHE_DIR = ".themelion-cache"

_NUMERIC = {"default_timeout": float, "max_timeout": float, "memory_mb": int}


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
    try:
        return RunnerSettings(**values)
    except ValueError as error:  # e.g. default_timeout above max_timeout
        raise ConfigError(f"configuração do executor inválida: {error}") from error
