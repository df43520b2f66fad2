"""Threads and processes in examples: the process limit, not memory, bounds them;
exceeding it names the limit and the fence option that raises it."""

from __future__ import annotations

import pytest

from runner_helpers import build, codes, isolation, run_page

THREADS = """
```python{options}
import threading
liberar = threading.Event()
threads = []
try:
    for _ in range({count}):
        thread = threading.Thread(target=liberar.wait)
        thread.start()
        threads.append(thread)
finally:
    liberar.set()  # the threads end before the error reaches the runner
    for thread in threads:
        thread.join()
print("threads:", len(threads))
```
"""


def threads(count: int, options: str = "") -> str:
    return THREADS.format(count=count, options=options)


def test_a_hundred_threads_fit_the_default_limit():
    # Under the 1 GiB address-space limit, glibc's per-thread arenas and 8 MiB
    # stacks used to stop a block at ~20 threads, far below the process limit.
    [result] = run_page(threads(120)).results
    assert (result.status, result.stdout) == ("passed", "threads: 120\n"), result.findings


def test_two_units_running_at_once_do_not_share_the_limit():
    report = run_page(threads(100) + threads(100), jobs=2)
    assert [r.status for r in report.results] == ["passed", "passed"]


def test_a_pool_of_sixteen_processes_works():
    [result] = run_page("""
```python
from multiprocessing import Pool

def quadrado(numero):
    return numero * numero

with Pool(processes=16) as pool:
    print(sum(pool.map(quadrado, range(100))))
```
""").results
    assert (result.status, result.stdout) == ("passed", "328350\n"), result.findings


def test_past_the_limit_the_finding_names_it_and_the_option_that_raises_it():
    if not isolation().namespaces:
        pytest.skip("sem namespaces o limite é verificado por contagem de processos")
    [result] = run_page(threads(200)).results
    [finding] = result.findings
    assert finding.code == "E018"
    assert "limite de 128 processos/threads" in finding.message
    assert 'processes="N" (até 512)' in finding.hint


def test_processes_option_raises_the_limit_of_its_unit():
    [result] = run_page(threads(200, ' processes="256"')).results
    assert (result.status, result.stdout) == ("passed", "threads: 200\n"), result.findings


@pytest.mark.parametrize("value, problem", [
    ("abc", "não é um número inteiro positivo"),
    ("0", "não é um número inteiro positivo"),
    ("9999", "acima do máximo de 512"),
])
def test_processes_option_must_be_a_count_within_the_ceiling(value, problem):
    examples, findings = build(f'```python processes="{value}"\nprint(1)\n```\n')
    assert codes(findings) == ["E002"]
    assert problem in findings[0].message
    assert examples[0].run is False


def test_processes_joins_the_cache_key():
    plain, _ = build("```python\nprint(1)\n```\n")
    more, _ = build('```python processes="256"\nprint(1)\n```\n')
    assert plain[0].key != more[0].key
