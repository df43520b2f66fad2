"""Cached outcomes: one JSON file per example key under ``cache_dir``.

Writes are atomic (temporary file + ``os.replace``), so a reader sees a whole
entry or none; an entry that cannot be read is treated as absent.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from .examples import RUNNER_VERSION
from .outcome import Outcome
from .settings import RunnerSettings

SUFFIX = ".json"
TEMPORARY_MAX_AGE = 3600.0


def entry_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key}{SUFFIX}"


def load_outcome(cache_dir: Path, key: str) -> Outcome | None:
    try:
        text = entry_path(cache_dir, key).read_text(encoding="utf-8")
        head, _, body = text.partition("\n")
        if head != f"themelion-runner {RUNNER_VERSION}":
            return None
        return Outcome.from_json(body)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def store_outcome(cache_dir: Path, key: str, outcome: Outcome) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(f"themelion-runner {RUNNER_VERSION}\n")
            f.write(outcome.to_json())
        os.replace(temporary, entry_path(cache_dir, key))
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def prune_cache(settings: RunnerSettings, keep_keys: set[str]) -> int:
    """Remove the entries no page uses any more; returns how many were removed."""
    if settings.cache_dir is None or not settings.cache_dir.is_dir():
        return 0
    removed = 0
    stale_temporary = time.time() - TEMPORARY_MAX_AGE
    for entry in settings.cache_dir.iterdir():
        if not entry.name.endswith(SUFFIX):
            continue
        if entry.name.startswith(".tmp-"):
            remove = _older_than(entry, stale_temporary)  # a younger one may be a write in progress
        else:
            remove = entry.name[: -len(SUFFIX)] not in keep_keys
        if remove:
            try:
                entry.unlink()
                removed += 1
            except FileNotFoundError:
                pass
    return removed


def _older_than(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except OSError:
        return False
