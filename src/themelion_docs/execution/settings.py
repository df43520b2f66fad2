"""How the example runner is configured (one immutable value per build)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .dependencies import Declaration

def _cpu_count() -> int:
    return os.cpu_count() or 1


# What lessons import in nearly every block (asyncio alone costs ~27 ms per fresh interpreter).
PRELOAD = ("asyncio", "http.server", "http.client", "sqlite3", "json", "hashlib", "hmac", "logging",
           "socket", "threading", "dataclasses", "typing", "random", "secrets", "base64", "urllib.parse",
           "datetime", "collections", "re", "struct", "time", "unittest", "contextlib", "functools")


@dataclass(frozen=True)
class RunnerSettings:
    """Limits and switches of the example runner.

    Every limit applies to one run unit: a standalone block, or a whole
    session (its blocks share one interpreter).
    """

    jobs: int = field(default_factory=_cpu_count)
    """Units run concurrently, at most this many."""
    default_timeout: float = 10.0
    """Wall-clock seconds per block when the fence has no ``timeout``."""
    max_timeout: float = 60.0
    """Largest ``timeout`` a fence may ask for."""
    memory_mb: int = 1024
    """Address space per process (RLIMIT_AS), in MiB."""
    output_limit_bytes: int = 64 * 1024
    """Bytes of stdout (and of stderr) kept per block; the rest is counted and cut."""
    output_kill_factor: int = 64
    """A block whose output exceeds ``output_limit_bytes`` times this is stopped."""
    max_file_mb: int = 64
    """Largest file a block may write (RLIMIT_FSIZE), in MiB."""
    max_processes: int = 128
    """Processes and threads a unit may hold at once (a fence may ask for more with ``processes``)."""
    processes_ceiling: int = 512
    """Largest ``processes`` a fence may ask for."""
    disk_mb: int = 256
    """Disk a unit may fill in its writable folders (/tmp, /var/tmp, /dev/shm, /run), in MiB:
    a tmpfs of this size with namespaces, a check while the block runs without."""
    max_files: int = 20000
    """Files and folders a unit may create there (the tmpfs's inodes)."""
    cache_dir: Path | None = None
    """Where results are cached (one JSON file per example); None disables the cache."""
    refresh: bool = False
    """Ignore cached results, run everything and rewrite the cache."""
    python: str = sys.executable
    preload: tuple[str, ...] = PRELOAD
    """Standard modules the fork server imports once, so units start with them loaded."""
    """Interpreter that runs the ``python`` blocks."""
    network: Literal["auto", "off"] = "auto"
    """``auto``: blocks see only loopback when the kernel allows a network
    namespace; ``off``: no network isolation."""
    node: str | None = None
    """Node.js for ``javascript`` blocks; None looks ``node`` up on PATH."""
    namespaces: Literal["auto", "off"] = "auto"
    """``auto``: user/pid/mount/net namespaces when the kernel allows them;
    ``off``: plain processes with a subreaper (weaker, for odd platforms)."""
    preload_packages: bool = True
    """Also import, once in the fork server, the declared packages that two or more
    pending blocks import (except those in ``never_preload``)."""
    never_preload: tuple[str, ...] = ("grpc",)
    """Packages unsafe to import before a fork (gRPC's core does not survive fork())."""
    declared: Declaration = Declaration()
    """The third-party packages blocks may import (see ``dependencies``)."""
    check_imports: bool = True
    """Refuse, before running, a block that imports what is not declared."""

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError("jobs must be >= 1")
        if not 0 < self.default_timeout <= self.max_timeout:
            raise ValueError("default_timeout must be in (0, max_timeout]")
        if not 0 < self.max_processes <= self.processes_ceiling:
            raise ValueError("max_processes must be in (0, processes_ceiling]")
        if self.network not in ("auto", "off") or self.namespaces not in ("auto", "off"):
            raise ValueError("network and namespaces are 'auto' or 'off'")
        if self.cache_dir is not None and not isinstance(self.cache_dir, Path):
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
