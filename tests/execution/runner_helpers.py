"""Plain helpers of the example runner tests: pages written as Markdown."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from themelion_docs.execution import RunnerSettings, build_examples, run_examples
from themelion_docs.execution.isolation import detect_isolation
from themelion_docs.lesson import parse

PAGE = "content/backend/protocolos/http.md"


def fences_of(markdown: str):
    """The fences of a small page, from the lesson model itself (as the toolchain sees them)."""
    return list(parse(PAGE, textwrap.dedent(markdown).lstrip("\n")).fences)


def settings_for(**overrides) -> RunnerSettings:
    base = dict(jobs=2, default_timeout=5.0, max_timeout=20.0, cache_dir=None)
    return RunnerSettings(**(base | overrides))


def build(markdown: str, path: str = PAGE, **overrides):
    return build_examples(path, fences_of(markdown), settings_for(**overrides))


def run_page(markdown: str, path: str = PAGE, **overrides):
    settings = settings_for(**overrides)
    examples, findings = build_examples(path, fences_of(markdown), settings)
    assert not [f for f in findings if f.is_error], findings
    return run_examples(examples, settings)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def isolation():
    settings = settings_for()
    return detect_isolation(settings.python, settings.namespaces, settings.network)


needs_namespaces = pytest.mark.skipif(
    not isolation().namespaces, reason="o kernel não permite namespaces de usuário aqui"
)


def processes_with(token: str) -> list[int]:
    """Host pids whose command line mentions ``token``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if token.encode() in cmdline:
            found.append(int(entry))
    return found


def daemon_spawning_code(token: str) -> str:
    """Python that leaves two daemons behind: one in its own session, one from a double fork.

    Their command lines carry ``token`` (as ``sleep <token>1`` and ``sleep <token>2``),
    so a test can look for survivors with ``processes_with(f"sleep\\0{token}")``.
    """
    return f"""import os, subprocess, time
subprocess.Popen(["sleep", "{token}1"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{token}2"])
    os._exit(0)
os.wait()
"""
