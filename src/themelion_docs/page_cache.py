"""A memo of the checker's per-page work: an unchanged page costs a hash and a lookup.

The checker asks for two things per page, each under a key that names
everything the result depends on (see ``checker.lesson_key`` and
``checker.rules_key``): the parsed lesson (the page's path and bytes) and the
findings of the rules (the lesson, the effective configuration, the corpus of
front matter that prerequisites and ordering read, the example statuses).
Both keys also carry ``tool_fingerprint()``: the bytes of this package's code
and data, markdown-it's and Python's versions — editing a rule, a threshold in
rules.yaml or upgrading the parser invalidates everything, without a version
bump to remember.

``FileMemo`` keeps entries under the cache folder, each signed with an HMAC
whose key lives next to them (0600) so a tampered or truncated entry is a
miss, never a crash or a forged result; ``MemoryMemo`` keeps them in the
process as well, for ``mkdocs serve``'s rebuilds.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
FINGERPRINTED = (".py", ".yaml", ".yml", ".j2", ".js", ".json")
KEY_FILE = "memo.key"
DIGEST = hashlib.sha256().digest_size


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """What the checker's results depend on besides its inputs: its own code and data."""
    import markdown_it

    digest = hashlib.sha256(f"{sys.version}|markdown-it {markdown_it.__version__}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in FINGERPRINTED and path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class MemoryMemo:
    """Entries kept in this process (and, with ``backing``, also on disk)."""

    def __init__(self, backing: "FileMemo | None" = None, limit: int = 4096) -> None:
        self.entries: dict[str, Any] = {}
        self.backing = backing
        self.limit = limit
        self.used: set[str] = set()

    def get(self, key: str) -> Any | None:
        self.used.add(key)
        if key in self.entries:
            return self.entries[key]
        value = self.backing.get(key) if self.backing is not None else None
        if value is not None:
            self._keep(key, value)
        return value

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        self._keep(key, value)
        if self.backing is not None:
            self.backing.put(key, value)

    def _keep(self, key: str, value: Any) -> None:
        if len(self.entries) >= self.limit:
            self.entries.pop(next(iter(self.entries)))
        self.entries[key] = value

    def new_round(self) -> None:
        """Start counting what is used anew (``mkdocs serve``: one round per build)."""
        self.used = set()

    def prune(self) -> int:
        """Remove the stored entries this round did not use."""
        return self.backing.prune(self.used) if self.backing is not None else 0


class FileMemo:
    """Signed pickles under ``directory``, one file per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._key: bytes | None = None

    def get(self, key: str) -> Any | None:
        try:
            blob = (self.directory / key).read_bytes()
        except OSError:
            return None
        signature, payload = blob[:DIGEST], blob[DIGEST:]
        if len(signature) != DIGEST or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a stale class layout is a miss
            return None

    def put(self, key: str, value: Any) -> None:
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = self.directory / f".{key}.{os.getpid()}.tmp"
            temporary.write_bytes(self._sign(payload) + payload)
            os.replace(temporary, self.directory / key)
        except (OSError, pickle.PicklingError):
            pass  # a memo that cannot be written only costs the next run its time

    def prune(self, keep: set[str]) -> int:
        """Remove entries no key in ``keep`` names (after a whole-site run)."""
        removed = 0
        try:
            names = os.listdir(self.directory)
        except OSError:
            return 0
        for name in names:
            if name == KEY_FILE or name in keep:
                continue
            try:
                os.remove(self.directory / name)
                removed += 1
            except OSError:
                pass
        return removed

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret(), payload, hashlib.sha256).digest()

    def _secret(self) -> bytes:
        if self._key is None:
            path = self.directory / KEY_FILE
            try:
                self._key = path.read_bytes()
            except OSError:
                self._key = b""
            if len(self._key) < 32:
                self._key = secrets.token_bytes(32)
                try:
                    self.directory.mkdir(parents=True, exist_ok=True)
                    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(descriptor, "wb") as handle:
                        handle.write(self._key)
                except OSError:
                    pass
        return self._key
