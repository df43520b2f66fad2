"""Without namespaces (namespaces="off"): a subreaper still tracks and kills the unit."""

from __future__ import annotations

import os
import uuid

import pytest

from runner_helpers import codes, daemon_spawning_code, processes_with, run_page
from themelion_docs.execution.isolation import landlock_abi


def test_plain_mode_runs_blocks_and_reports_no_network_isolation():
    report = run_page("```python\nprint('oi')\n```\n", namespaces="off")
    assert report.results[0].stdout == "oi\n"
    assert report.network_isolated is False
    assert "subreaper" in report.sandbox


def test_plain_mode_keeps_the_secret_out_of_the_environment(secret_in_builder_env):
    report = run_page("```python\nimport os\nprint('THEMELION_TEST_SECRET' in os.environ)\n```\n", namespaces="off")
    assert report.results[0].stdout == "False\n"


def test_plain_mode_kills_setsid_daemons():
    token = f"{uuid.uuid4().int % 10**6}.{os.getpid()}7"
    report = run_page(f"```python\n{daemon_spawning_code(token)}time.sleep(0.3)\n```\n", namespaces="off")
    assert report.results[0].status == "passed"
    assert processes_with(f"sleep\0{token}") == []


def test_plain_mode_counts_processes_and_stops_a_fork_storm():
    report = run_page("""
```python
import os, time
for _ in range(200):
    if os.fork() == 0:
        time.sleep(5)
        os._exit(0)
time.sleep(5)
```

```python
print("depois")
```
""", namespaces="off", max_processes=20)
    storm, after = report.results
    assert codes(storm.findings) == ["E018"]
    assert after.stdout == "depois\n"


GATE_UNREACHABLE = landlock_abi() >= 6 or os.geteuid() == 0
"""A block cannot signal its gate: Landlock keeps signals inside the unit (ABI 6),
or the block runs as nobody and the gate as root (a build run as root)."""


def test_plain_mode_parent_kill_ends_only_the_block():
    report = run_page("""
```python
import os
os.kill(os.getppid(), 9)
import time
time.sleep(5)
```

```python
print("depois")
```
""", namespaces="off")
    killed, after = report.results
    assert killed.status == "failed"
    if GATE_UNREACHABLE:
        assert codes(killed.findings) == ["E010"] and "PermissionError" in killed.findings[0].message
    else:
        assert codes(killed.findings) == ["E017"] and "SIGKILL" in killed.findings[0].message
    assert after.stdout == "depois\n"


@pytest.mark.skipif(GATE_UNREACHABLE, reason="aqui o bloco não consegue matar o gate (Landlock ABI 6 ou build como root)")
def test_plain_mode_lost_unit_is_not_cached(tmp_path):
    page = "```python\nimport os, time\nos.kill(os.getppid(), 9)\ntime.sleep(5)\n```\n"
    report = run_page(page, namespaces="off", cache_dir=tmp_path)
    assert codes(report.findings) == ["E017"]
    assert [p.name for p in tmp_path.iterdir() if p.name != "isolation.record"] == []
