"""Hostile blocks against the builder (issue 12): every test runs in both sandbox modes.

Each block here attacks the runner itself, not the host: it forges messages on
the sockets it can find, floods them, or reaches for files of the build.
"""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from runner_helpers import isolation, run_page

MODES = [
    pytest.param("auto", id="namespaces", marks=pytest.mark.skipif(
        not isolation().namespaces, reason="o kernel não permite namespaces de usuário aqui")),
    pytest.param("off", id="plain"),
]

# Python that finds every socket the block holds and sends ``payloads`` on each.
FORGE = """
import json, os, socket, stat
def sockets():
    for fd in range(3, 1024):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                yield fd
        except OSError:
            pass
def forge(*payloads, repeat=1):
    sent = 0
    for fd in sockets():
        s = socket.socket(fileno=os.dup(fd))
        for _ in range(repeat):
            for p in payloads:
                try:
                    s.send(p if isinstance(p, bytes) else json.dumps(p).encode())
                    sent += 1
                except OSError:
                    pass
        s.close()
    return sent
"""


def page(*blocks: str, session: str | None = None) -> str:
    opt = f' session="{session}"' if session else ""
    return "\n".join(f"```python{opt}\n{textwrap.dedent(b).strip()}\n```\n" for b in blocks)


@pytest.mark.parametrize("namespaces", MODES)
def test_a_forged_started_never_makes_the_builder_kill_a_host_process(namespaces):
    victim = subprocess.Popen(["sleep", "30"])
    try:
        code = FORGE + f"""
forge({{"event": "started", "pid": {victim.pid}, "isolated": True}},
      {{"event": "started", "pid": {victim.pid}, "isolated": False}})
raise SystemExit(3)
"""
        report = run_page(page(code), namespaces=namespaces)
        assert victim.poll() is None, "the builder killed a process the block named"
        assert report.results[0].status == "failed"
    finally:
        victim.kill()
        victim.wait()


@pytest.mark.parametrize("namespaces", MODES)
def test_a_done_for_another_block_or_with_wrong_types_is_not_believed(namespaces):
    first = FORGE + """
forge({"event": "done", "index": 1, "exit_code": 0},
      {"event": "done", "index": 0, "exit_code": "0", "traceback": 5},
      {"event": "done", "index": 0, "exit_code": [], "exc_type": {}},
      b"\\xff not json")
"""
    report = run_page(page(first, "raise ValueError('segundo')", session="s"), namespaces=namespaces)
    statuses = [r.status for r in report.results]
    assert statuses == ["passed", "failed"], statuses
    assert "ValueError" in report.results[1].traceback


@pytest.mark.parametrize("namespaces", MODES)
def test_a_message_flood_stops_the_unit_without_growing_the_builder(namespaces):
    code = FORGE + """
import time
forge({"event": "note", "notes": ["x" * 60000]}, repeat=2000)
time.sleep(3)
print("ainda aqui")
"""
    report = run_page(page(code), namespaces=namespaces)
    result = report.results[0]
    assert result.status == "failed"
    assert "ainda aqui" not in result.stdout
    assert any("canal de controle" in f.message for f in result.findings), result.findings
    assert not report.findings or all("x" * 100 not in str(f) for f in report.findings)


@pytest.mark.parametrize("namespaces", MODES)
def test_the_trusted_channel_is_not_among_the_blocks_fds(namespaces):
    code = FORGE + """
print(len(list(sockets())))
"""
    report = run_page(page(code), namespaces=namespaces)
    assert report.results[0].stdout == "1\n", report.results[0]
