"""Finding the project around the pages: mkdocs.yml, docs_dir, plugin options.

Reads mkdocs.yml as plain YAML (no MkDocs import): tags such as
``!!python/name:material.extensions.emoji.twemoji`` are kept as opaque strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

PLUGIN_NAME = "themelion"


class _TolerantLoader(yaml.SafeLoader):
    pass


def _opaque(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> str:
    return f"!{suffix}"


_TolerantLoader.add_multi_constructor("!", _opaque)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _opaque)


@dataclass(frozen=True)
class Project:
    root: Path
    docs_dir: Path
    options: Mapping[str, Any] = field(default_factory=dict)  # the themelion plugin's options
    config_file: Path | None = None
    site_url: str = ""  # mkdocs.yml's site_url ("" when unset)
    directory_urls: bool = True  # mkdocs.yml's use_directory_urls


class ProjectError(ValueError):
    pass


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else (start.parent, *start.parent.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    return None


def load_project(config_file: Path | None, fallback_root: Path) -> Project:
    if config_file is None:
        return Project(root=fallback_root, docs_dir=fallback_root)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProjectError(f"não foi possível ler {config_file}: {error}") from error
    if not isinstance(data, dict):
        raise ProjectError(f"{config_file} não é um mapeamento YAML")
    root = config_file.parent
    docs_dir = root / str(data.get("docs_dir", "docs"))
    return Project(root=root, docs_dir=docs_dir, options=plugin_options(data.get("plugins")), config_file=config_file,
                   site_url=str(data.get("site_url") or ""),
                   directory_urls=data.get("use_directory_urls", True) is not False)


def plugin_options(plugins: Any) -> dict[str, Any]:
    for entry in plugins or []:
        if isinstance(entry, Mapping) and PLUGIN_NAME in entry:
            return dict(entry[PLUGIN_NAME] or {})
    if isinstance(plugins, Mapping) and PLUGIN_NAME in plugins:
        return dict(plugins[PLUGIN_NAME] or {})
    return {}
