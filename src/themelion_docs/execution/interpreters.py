"""Which interpreters run the blocks, and their versions (part of the cache key)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys


@functools.cache  # a fact about an executable on this machine
def python_version(python: str) -> str:
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return sys.version
    try:
        completed = subprocess.run(
            [python, "-I", "-c", "import sys; print(sys.version)"],
            capture_output=True, text=True, timeout=30, env={"PATH": os.environ.get("PATH", "")},
        )
    except (OSError, subprocess.TimeoutExpired):
        return "indisponível"
    return completed.stdout.strip() or "indisponível"


def find_node(configured: str | None) -> str | None:
    """The Node.js executable, or None when there is none to run."""
    if configured is not None:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    return shutil.which("node")


@functools.cache  # a fact about an executable on this machine
def node_version(node: str | None) -> str:
    if node is None:
        return "ausente"
    try:
        completed = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30,
                                   env={"PATH": os.environ.get("PATH", "")})
    except (OSError, subprocess.TimeoutExpired):
        return "ausente"
    return f"node {completed.stdout.strip()}" if completed.returncode == 0 else "ausente"
