"""The HTML of a page an earlier build rendered, reused when nothing it depends on changed.

Rendering Markdown (Python-Markdown, Pygments for every code block and output)
is most of a warm build, and it is the same work each time for a page whose
Markdown did not change. ``render_key`` names everything the HTML depends on:

- the page's final Markdown (after every plugin changed it), its path and URL;
- the URL of every file of the site (relative links and link checks read them);
- the Markdown settings (extensions, their options, link validation) and the
  code that runs them: the version of each extension's distribution, or the
  bytes of a module no distribution owns, plus this package's fingerprint.

A render is stored only when it logged nothing (a broken link's warning must
fail ``--strict`` again on the next build, not vanish with the cache). What is
kept is plain data (``RenderedPage``): the adapter turns it back into the
renderer's objects. No MkDocs import here.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

# Code every Markdown render runs, whatever the extensions list says.
ALWAYS_RUN = ("markdown", "mkdocs", "pygments")
DATA = ("data", "render_cache.yaml")


@dataclass(frozen=True)
class Heading:
    """One entry of the page's table of contents (title as HTML)."""

    title: str
    id: str
    level: int
    children: tuple["Heading", ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    """What a render leaves on the page, besides the HTML itself."""

    html: str
    toc: tuple[Heading, ...]
    title: str | None
    anchors: frozenset[str] | None
    # Links to anchors of other pages, by the linked page's path: {path: {anchor: link as written}}.
    links_to_anchors: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None


@lru_cache(maxsize=1)
def file_reading_extensions() -> Mapping[str, str]:
    """Extensions that read other files while rendering, with what they read (data/render_cache.yaml)."""
    import yaml

    text = resources.files("themelion_docs").joinpath(*DATA).read_text(encoding="utf-8")
    return dict((yaml.safe_load(text) or {}).get("file_reading_extensions") or {})


def uncacheable(extensions: Iterable[Any]) -> list[tuple[str, str]]:
    """The enabled extensions whose output depends on files the cache key cannot name."""
    reading = file_reading_extensions()
    return [(name, reading[name]) for name in sorted(extension_modules(extensions)) if name in reading]


def stable_repr(value: Any) -> str:
    """A description of a configuration value that is the same in every process.

    Mappings are sorted, functions and classes are named by module and
    qualified name (their ``repr`` carries a memory address), other objects by
    their type and attributes.
    """
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return repr(value)
    if isinstance(value, Mapping):
        items = sorted((stable_repr(key), stable_repr(item)) for key, item in value.items())
        return "{" + ", ".join(f"{key}: {item}" for key, item in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable_repr(item) for item in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(item) for item in value)) + "}"
    if callable(value) and hasattr(value, "__qualname__"):
        return f"<{getattr(value, '__module__', '?')}:{value.__qualname__}>"
    attributes = getattr(value, "__dict__", None)
    kind = f"{type(value).__module__}:{type(value).__qualname__}"
    return f"<{kind} {stable_repr(attributes)}>" if isinstance(attributes, dict) else f"<{kind}>"


def referenced_modules(value: Any) -> set[str]:
    """The modules named in a configuration value: extension names and the functions' modules."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            continue
        if isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif callable(item) and isinstance(getattr(item, "__module__", None), str):
            found.add(item.__module__)
    return found


def extension_modules(extensions: Iterable[Any]) -> set[str]:
    """The module of each Markdown extension, given by name (``toc``) or as an object."""
    modules = set()
    for extension in extensions or ():
        if isinstance(extension, str):
            modules.add(extension.split(":")[0])
        else:
            modules.add(type(extension).__module__)
    return modules


def code_versions(modules: Iterable[str]) -> str:
    """The version of the distribution behind each module, or the module's bytes if none owns it.

    ``toc`` (a built-in extension of Python-Markdown) counts as ``markdown``.
    """
    owners = _owners()
    parts = []
    for name in sorted(set(modules) | set(ALWAYS_RUN)):
        top = name.split(".")[0]
        distributions = owners.get(top) or (owners.get("markdown") if "." not in name and _is_builtin_extension(name)
                                            else None)
        if distributions:
            parts.append(f"{name}=" + ",".join(f"{d} {_version(d)}" for d in sorted(distributions)))
        else:
            parts.append(f"{name}#{_module_digest(name)}")
    return "|".join(parts)


def settings_key(settings: Mapping[str, Any], tool: str) -> str:
    """The Markdown settings and the code behind them, as one digest.

    ``settings`` holds the renderer's options as plain values (for MkDocs:
    ``markdown_extensions``, ``mdx_configs``, ``validation``,
    ``use_directory_urls``); ``tool`` is this package's fingerprint.
    """
    modules = extension_modules(settings.get("markdown_extensions") or ()) | referenced_modules(settings)
    text = f"{stable_repr(dict(settings))}\n{code_versions(modules)}\n{tool}\n{sys.version}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def files_key(urls: Iterable[tuple[str, str]]) -> str:
    """Every file of the site with its URL: one added, removed or moved changes every page's key."""
    digest = hashlib.sha256()
    for path, url in sorted(urls):
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0" + url.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def render_key(settings: str, files: str, path: str, url: str, markdown: str) -> str:
    """The name of one page's render: a different input is a different key."""
    digest = hashlib.sha256()
    for part in (settings, files, path, url):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(markdown.encode("utf-8", "surrogatepass"))
    return "html-" + digest.hexdigest()


@lru_cache(maxsize=1)
def _owners() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


@lru_cache(maxsize=None)
def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _is_builtin_extension(name: str) -> bool:
    return importlib.util.find_spec(f"markdown.extensions.{name}") is not None


@lru_cache(maxsize=None)
def _module_digest(name: str) -> str:
    """The bytes of a module no installed distribution owns (a project's own extension)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    origin = getattr(spec, "origin", None)
    if not origin or not Path(origin).is_file():
        return "ausente"
    return hashlib.sha256(Path(origin).read_bytes()).hexdigest()[:16]
