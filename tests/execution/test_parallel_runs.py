"""Parallel runs: the order and content of results do not depend on scheduling."""

from __future__ import annotations

from runner_helpers import build, settings_for
from themelion_docs.execution import run_examples


def twenty_examples() -> str:
    blocks = []
    for i in range(20):
        if i % 5 == 0:
            body = f'```python session="s{i % 2}"\nprint("sessão", {i})\n```\n'
        elif i % 7 == 0:
            body = f"```python\nimport time\ntime.sleep(0.{i % 3})\nraise ValueError({i})\n```\n"
        elif i % 3 == 0:
            body = f"```python\nprint({i})\n```\n```output\n{i + 1}\n```\n"
        else:
            body = f"```python\nimport time\ntime.sleep(0.0{i % 4})\nprint({i} * 2)\n```\n"
        blocks.append(body)
    return "\nTexto.\n\n".join(blocks)


def comparable(report):
    return [(r.example.line, r.status, r.stdout, r.stderr, r.traceback, r.exit_code, r.findings)
            for r in report.results], report.findings


def test_same_twenty_examples_give_the_same_results_with_one_or_four_jobs():
    examples, _ = build(twenty_examples())
    assert len(examples) == 20
    sequential = run_examples(examples, settings_for(jobs=1))
    parallel = run_examples(examples, settings_for(jobs=4))
    assert comparable(sequential) == comparable(parallel)
    assert [r.example for r in parallel.results] == examples
    statuses = {r.status for r in parallel.results}
    assert statuses == {"passed", "failed"}  # the page mixes both, so the comparison means something


def test_progress_is_reported_up_to_the_total():
    examples, _ = build(twenty_examples())
    calls = []
    run_examples(examples, settings_for(jobs=4), progress=lambda done, total, failures: calls.append((done, total, failures)))
    assert calls[-1][0] == calls[-1][1] == 20
    assert calls[-1][2] > 0
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_empty_input_gives_an_empty_report():
    report = run_examples([], settings_for())
    assert report.results == [] and report.findings == []
