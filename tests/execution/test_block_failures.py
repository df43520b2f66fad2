"""Each way a block can go wrong gives a finding for that block, and the run goes on."""

from __future__ import annotations

import os
import resource
import time

import pytest

from runner_helpers import PAGE, codes, isolation, run_page

FINE = """
```python
print("depois")
```
"""


def only(report, index=0):
    return report.results[index]


def test_busy_loop_and_long_sleep_hit_the_timeout_and_the_run_goes_on():
    started = time.monotonic()
    report = run_page("""
```python timeout="1"
while True:
    pass
```

```python timeout="1"
import time
time.sleep(100)
```
""" + FINE, jobs=3)
    elapsed = time.monotonic() - started
    busy, sleeping, fine = report.results
    for result in (busy, sleeping):
        assert result.status == "timeout"
        assert codes(result.findings) == ["E012"]
        assert "1 s" in result.findings[0].message
        assert result.exit_code is None
    assert fine.status == "passed" and fine.stdout == "depois\n"
    assert elapsed < 6


def test_allocating_4_gib_hits_the_memory_limit():
    report = run_page("""
```python
dados = bytearray(4 * 1024 ** 3)
```
""" + FINE, memory_mb=512)
    result = only(report)
    assert result.status == "failed"
    assert codes(result.findings) == ["E013"]
    assert "512 MiB" in result.findings[0].message and "MemoryError" in result.findings[0].message
    assert report.results[1].status == "passed"


def test_memory_error_can_be_the_expected_outcome():
    report = run_page("""
```python expect="MemoryError"
dados = bytearray(4 * 1024 ** 3)
```
""", memory_mb=512)
    assert only(report).status == "passed"


def test_printing_100_mb_is_cut_without_blowing_up_the_builder():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = run_page("""
```python
print("x" * 100_000_000)
```
""" + FINE, output_limit_bytes=64 * 1024)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    result = only(report)
    assert result.status == "failed" and result.truncated
    assert codes(result.findings) == ["E014"]
    assert len(result.stdout.encode()) == 64 * 1024
    assert "cortados" in result.findings[0].message and "encerrado" in result.findings[0].message
    assert grown_kib < 40 * 1024, f"the builder grew by {grown_kib} KiB"
    assert report.results[1].status == "passed"


def test_output_a_little_over_the_limit_is_kept_in_part_and_reported():
    report = run_page("""
```python
print("y" * 5000)
```
""", output_limit_bytes=1000)
    result = only(report)
    assert result.stdout == "y" * 1000
    assert result.truncated and codes(result.findings) == ["E014"]
    assert "4001 bytes cortados" in result.findings[0].message


def test_segfault_is_a_crash_finding_at_the_crashing_line():
    report = run_page("""
```python
import ctypes
ctypes.string_at(0)
```
""" + FINE)
    result = only(report)
    assert result.status == "failed"
    assert result.exit_code == -11
    [finding] = result.findings
    assert finding.code == "E017" and "SIGSEGV" in finding.message
    assert finding.line == 3
    assert f'File "{PAGE}", line 3' in finding.message
    assert "sandbox_child" not in finding.message
    assert report.results[1].status == "passed"


def test_os_exit_is_a_failure_with_its_exit_code():
    report = run_page("""
```python
import os, sys
print("antes", flush=True)
print("erro", file=sys.stderr, flush=True)
os._exit(3)
```
""" + FINE)
    result = only(report)
    assert (result.status, result.exit_code, result.stdout) == ("failed", 3, "antes\n")
    assert codes(result.findings) == ["E010"]
    assert "código de saída 3" in result.findings[0].message and "erro" in result.findings[0].message
    assert report.results[1].status == "passed"


def test_os_exit_satisfies_expect_error():
    report = run_page("""
```python expect="error"
import os
os._exit(3)
```
""")
    assert only(report).status == "passed"


def test_killing_the_parent_does_not_reach_the_builder():
    report = run_page("""
```python
import os, signal
try:
    os.kill(os.getppid(), signal.SIGKILL)
except OSError as erro:
    print("recusado", type(erro).__name__)
print("ainda aqui")
```
""" + FINE)
    assert os.getpid() > 0  # this process is alive to assert anything at all
    result = only(report)
    if isolation().namespaces:
        # the parent is the sandbox's init (pid 1), which a block cannot kill
        assert result.status == "passed" and result.stdout.endswith("ainda aqui\n")
    else:
        assert result.status == "failed" and codes(result.findings) == ["E017"]
    assert report.results[1].status == "passed"


def test_killing_the_builder_by_pid_is_impossible_from_a_block():
    if not isolation().namespaces:
        pytest.skip("sem namespaces o bloco roda como root no mesmo espaço de pids")
    report = run_page(f"""
```python expect="ProcessLookupError"
import os, signal
os.kill({os.getpid()}, signal.SIGKILL)
```
""")
    assert only(report).status == "passed"


def test_invalid_utf8_is_replaced_and_reported_as_a_warning():
    report = run_page("""
```python
import sys
sys.stdout.buffer.write(b"ol\\xe1 \\xff\\n")
```
""")
    result = only(report)
    assert result.stdout == "ol\ufffd \ufffd\n"
    assert codes(result.findings) == ["E019"]
    assert result.status == "passed"  # a warning does not fail the block


def test_bounded_fork_storm_hits_the_process_limit():
    report = run_page("""
```python
import os, time
filhos = []
for _ in range(200):
    pid = os.fork()
    if pid == 0:
        time.sleep(5)
        os._exit(0)
    filhos.append(pid)
```
""" + FINE, max_processes=20)
    result = only(report)
    assert result.status == "failed"
    assert codes(result.findings) == ["E018"]
    assert "20 processos" in result.findings[0].message
    assert report.results[1].status == "passed"


def test_threads_count_toward_the_process_limit_too():
    if not isolation().namespaces:
        pytest.skip("sem namespaces o limite é verificado por contagem de processos")
    report = run_page("""
```python
import threading, time
for _ in range(100):
    threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
```
""", max_processes=20)
    assert codes(only(report).findings) == ["E018"]


def test_writing_a_huge_file_hits_the_file_size_limit():
    report = run_page("""
```python
with open("grande.bin", "wb") as f:
    f.write(b"0" * (3 * 1024 * 1024))
```
""", max_file_mb=1)
    result = only(report)
    assert codes(result.findings) == ["E023"]
    assert "1 MiB" in result.findings[0].message


def test_syntax_error_points_at_the_markdown_line():
    report = run_page("""
Texto antes.

```python
x = 1
if x
    print(x)
```
""")
    [finding] = only(report).findings
    assert finding.code == "E010"
    assert finding.line == 5
    assert "SyntaxError" in finding.message and f'File "{PAGE}", line 5' in finding.message


def test_stderr_flood_is_cut_and_reported_as_well():
    report = run_page("""
```python
import sys
sys.stderr.write("e" * 3000)
```
""", output_limit_bytes=1000)
    result = only(report)
    assert codes(result.findings) == ["E014"]
    assert "stderr" in result.findings[0].message and len(result.stderr) == 1000
