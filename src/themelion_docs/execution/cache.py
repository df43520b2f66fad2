"""Cached outcomes: one JSON file per example key under ``cache_dir``.

Writes are atomic (temporary file + ``os.replace``), so a reader sees a whole
entry or none; an entry that cannot be read is treated as absent.

An entry is believed only if it carries an HMAC-SHA256, over its example key
and its body, made with the cache's key (``cache.key``: random, 0600, created
by the first build). Blocks cannot reach the cache folder (Landlock, see
sandbox_child), and the key keeps it that way for anything else that can write
there but not read the key: an entry edited by hand, copied from another key,
or written by an older runner is treated as absent, and its block runs again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import time
from pathlib import Path

from .examples import RUNNER_VERSION
from .outcome import Outcome
from .settings import RunnerSettings

SUFFIX = ".json"
TEMPORARY_MAX_AGE = 3600.0
KEY_FILE = "cache.key"  # not *.json: prune_cache keeps it
KEY_BYTES = 32


def entry_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{key}{SUFFIX}"


def cache_key(cache_dir: Path, create: bool) -> bytes | None:
    """The cache's HMAC key; made (atomically, readable only by its owner) when ``create``."""
    path = cache_dir / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
        if not create:
            return None
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(temporary, path)  # never replaces a key another build made meanwhile
        except FileExistsError:
            if len(path.read_bytes()) != KEY_BYTES:  # a damaged key: entries made with it are lost anyway
                os.replace(temporary, path)
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass
    key = path.read_bytes()
    return key if len(key) == KEY_BYTES else None


def _mac(secret: bytes, key: str, body: str) -> str:
    return hmac.new(secret, f"{RUNNER_VERSION}\n{key}\n{body}".encode(), hashlib.sha256).hexdigest()


def _head(mac: str) -> str:
    return f"themelion-runner {RUNNER_VERSION} hmac-sha256={mac}"


# Outcomes this process already read and verified, with the stamp of their file and of the key
# file then: ``mkdocs serve`` rebuilds every page at each save, and an unchanged entry costs two
# stats instead of reading, verifying and decoding it again. A file replaced, edited or removed
# (or a new cache key) has another stamp: it is read again, or is a miss.
_LOADED: dict[tuple[str, str], tuple[tuple, Outcome]] = {}
LOADED_LIMIT = 50_000


def _stamp(path: Path) -> tuple[int, int, int, int]:
    status = os.stat(path)
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def load_outcome(cache_dir: Path, key: str) -> Outcome | None:
    try:
        stamp = (_stamp(entry_path(cache_dir, key)), _stamp(cache_dir / KEY_FILE))
    except OSError:
        return None
    known = _LOADED.get((str(cache_dir), key))
    if known is not None and known[0] == stamp:
        return known[1]
    outcome = _read_outcome(cache_dir, key)
    if outcome is not None:
        if len(_LOADED) >= LOADED_LIMIT:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[(str(cache_dir), key)] = (stamp, outcome)
    return outcome


def _read_outcome(cache_dir: Path, key: str) -> Outcome | None:
    try:
        secret = cache_key(cache_dir, create=False)
        if secret is None:
            return None
        text = entry_path(cache_dir, key).read_text(encoding="utf-8")
        head, _, body = text.partition("\n")
        if not hmac.compare_digest(head.encode(), _head(_mac(secret, key, body)).encode()):
            return None
        return Outcome.from_json(body)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def store_outcome(cache_dir: Path, key: str, outcome: Outcome) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    secret = cache_key(cache_dir, create=True)
    if secret is None:
        raise OSError(f"sem chave do cache em {cache_dir}")
    body = outcome.to_json()
    fd, temporary = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(_head(_mac(secret, key, body)) + "\n")
            f.write(body)
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
