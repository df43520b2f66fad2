"""The result cache: hits, misses, corruption, refresh, prune."""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from runner_helpers import PAGE, build, codes, run_page, settings_for
from themelion_docs.execution import RUNNER_VERSION, prune_cache
from themelion_docs.execution import cache
from themelion_docs.execution.cache import entry_path, load_outcome

PAGE_TEXT = """
```python
import os
print("rodou", os.getpid() > 0)
```

```python session="s"
x = 41
```

```python session="s"
print(x + 1)
```
"""


ISOLATION_RECORD = "isolation.record"  # what the runner detected, not a result
KEY = "cache.key"  # the HMAC key of the entries


def entries(cache_dir):
    """Result entries (and anything unexpected) in the cache folder."""
    return sorted(p.name for p in cache_dir.iterdir() if p.name not in (ISOLATION_RECORD, KEY))


def test_first_run_misses_and_stores_one_entry_per_example(tmp_path):
    report = run_page(PAGE_TEXT, cache_dir=tmp_path)
    assert (report.cache_hits, report.cache_misses) == (0, 3)
    assert [r.cached for r in report.results] == [False, False, False]
    keys = [r.example.key for r in report.results]
    assert entries(tmp_path) == sorted(f"{k}.json" for k in keys)


def test_second_run_is_served_from_the_cache(tmp_path):
    first = run_page(PAGE_TEXT, cache_dir=tmp_path)
    second = run_page(PAGE_TEXT, cache_dir=tmp_path)
    assert (second.cache_hits, second.cache_misses) == (3, 0)
    assert [r.cached for r in second.results] == [True, True, True]
    assert [(r.status, r.stdout) for r in second.results] == [(r.status, r.stdout) for r in first.results]


def test_cached_result_is_not_rerun(tmp_path):
    page = "```python\nimport time\nprint(time.time_ns())\n```\n"
    first = run_page(page, cache_dir=tmp_path).results[0].stdout
    assert run_page(page, cache_dir=tmp_path).results[0].stdout == first


def test_corrupt_entry_is_ignored_and_the_block_reruns(tmp_path):
    page = "```python\nimport time\nprint(time.time_ns())\n```\n"
    first = run_page(page, cache_dir=tmp_path).results[0]
    path = entry_path(tmp_path, first.example.key)
    for garbage in ("{not json", "", "themelion-runner 1\n[1, 2]", "themelion-runner 1\n{\"kind\": \"timeout\"}"):
        path.write_text(garbage)
        again = run_page(page, cache_dir=tmp_path)
        assert again.results[0].cached is False and again.cache_misses == 1
        assert again.results[0].stdout != first.stdout
        assert load_outcome(tmp_path, first.example.key) is not None  # rewritten


def test_unreadable_entry_is_ignored(tmp_path):
    page = "```python\nprint(1)\n```\n"
    first = run_page(page, cache_dir=tmp_path).results[0]
    path = entry_path(tmp_path, first.example.key)
    path.unlink()
    path.mkdir()  # reading a directory fails
    again = run_page(page, cache_dir=tmp_path)
    assert again.results[0].status == "passed" and not again.results[0].cached


def test_refresh_ignores_entries_but_rewrites_them(tmp_path):
    page = "```python\nimport time\nprint(time.time_ns())\n```\n"
    first = run_page(page, cache_dir=tmp_path).results[0]
    refreshed = run_page(page, cache_dir=tmp_path, refresh=True)
    assert refreshed.results[0].cached is False and refreshed.cache_misses == 1
    assert refreshed.results[0].stdout != first.stdout
    assert run_page(page, cache_dir=tmp_path).results[0].stdout == refreshed.results[0].stdout


def test_no_cache_dir_disables_the_cache(tmp_path):
    report = run_page(PAGE_TEXT, cache_dir=None)
    assert (report.cache_hits, report.cache_misses) == (0, 3)
    assert not any(r.cached for r in report.results)


def test_failures_are_cached_and_judged_again_with_current_lines(tmp_path):
    page = "```python\nimport time\nprint(time.time_ns())\n1 / 0\n```\n"
    first = run_page(page, cache_dir=tmp_path).results[0]
    moved = run_page("Um parágrafo novo.\n\nOutro.\n\n" + page, cache_dir=tmp_path).results[0]
    assert moved.cached and moved.stdout == first.stdout
    assert codes(moved.findings) == ["E010"]
    assert moved.findings[0].line == first.findings[0].line + 4
    assert f'File "{PAGE}", line {4 + 4}' in moved.traceback


def test_editing_the_output_fence_reuses_the_run(tmp_path):
    run_page("```python\nprint('a')\n```\n", cache_dir=tmp_path)
    report = run_page("```python\nprint('a')\n```\n```output\nb\n```\n", cache_dir=tmp_path)
    assert report.results[0].cached and codes(report.findings) == ["E011"]


def test_timeouts_are_not_cached(tmp_path):
    page = '```python timeout="1"\nimport time\ntime.sleep(30)\n```\n'
    first = run_page(page, cache_dir=tmp_path)
    assert first.results[0].status == "timeout"
    assert entries(tmp_path) == []


def test_infrastructure_errors_are_not_cached(tmp_path):
    report = run_page("```python\nprint(1)\n```\n", cache_dir=tmp_path, python="/nao/existe/python3")
    assert report.results[0].status == "failed"
    assert codes(report.findings) == ["E021"]
    assert entries(tmp_path) == []


def test_session_with_a_failure_is_fully_cached(tmp_path):
    page = """
```python session="s"
raise ValueError
```

```python session="s"
print("nunca")
```
"""
    run_page(page, cache_dir=tmp_path)
    again = run_page(page, cache_dir=tmp_path)
    assert again.cache_hits == 2
    assert [r.status for r in again.results] == ["failed", "not-run"]
    assert codes(again.results[1].findings) == ["E016"]


def test_entries_are_written_atomically_as_json(tmp_path):
    report = run_page("```python\nprint(1)\n```\n", cache_dir=tmp_path)
    text = entry_path(tmp_path, report.results[0].example.key).read_text()
    head, _, body = text.partition("\n")
    assert head.startswith("themelion-runner ")
    assert json.loads(body)["stdout"] == "1\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_prune_removes_entries_no_page_uses(tmp_path):
    report = run_page(PAGE_TEXT, cache_dir=tmp_path)
    keys = {r.example.key for r in report.results}
    stale = tmp_path / f"{'0' * 64}.json"
    stale.write_text("old")
    leftover = tmp_path / ".tmp-abc.json"
    leftover.write_text("")
    os.utime(leftover, (0, 0))
    unrelated = tmp_path / "LEIA-ME.txt"
    unrelated.write_text("não é do cache")
    settings_examples, _ = build(PAGE_TEXT, cache_dir=tmp_path)
    from runner_helpers import settings_for

    removed = prune_cache(settings_for(cache_dir=tmp_path), keys)
    assert removed == 2
    assert entries(tmp_path) == sorted([*(f"{k}.json" for k in keys), "LEIA-ME.txt"])
    assert {e.key for e in settings_examples} == keys


def test_prune_without_cache_dir_removes_nothing(tmp_path):
    from runner_helpers import settings_for

    assert prune_cache(settings_for(cache_dir=None), set()) == 0
    assert prune_cache(settings_for(cache_dir=tmp_path / "nao-existe"), set()) == 0


def test_a_run_wholly_from_the_cache_reports_the_isolation_without_probing_again(tmp_path, monkeypatch):
    from themelion_docs.execution import runner

    first = run_page(PAGE_TEXT, cache_dir=tmp_path)
    assert (tmp_path / ISOLATION_RECORD).is_file()

    def no_probe(*args, **kwargs):
        raise AssertionError("a fully cached run must not probe the machine")

    monkeypatch.setattr(runner, "detect_isolation", no_probe)
    second = run_page(PAGE_TEXT, cache_dir=tmp_path)
    assert (second.cache_hits, second.cache_misses) == (3, 0)
    assert (second.network_isolated, second.sandbox) == (first.network_isolated, first.sandbox)


def test_a_cached_result_keeps_the_time_its_block_really_ran(tmp_path):
    first = run_page(PAGE_TEXT, cache_dir=tmp_path)
    second = run_page(PAGE_TEXT, cache_dir=tmp_path)
    assert all(r.ran_at > 0 for r in first.results)
    assert [r.cached for r in second.results] == [True, True, True]
    assert [r.ran_at for r in second.results] == [r.ran_at for r in first.results]


# ---------------------------------------------------------------- integrity (issue 12)

CLOCK_PAGE = "```python\nimport time\nprint(time.time_ns())\n```\n"


def test_a_tampered_entry_is_rejected_and_the_block_reruns(tmp_path):
    first = run_page(CLOCK_PAGE, cache_dir=tmp_path).results[0]
    path = entry_path(tmp_path, first.example.key)
    head, _, body = path.read_text().partition("\n")
    assert head.startswith("themelion-runner ") and "hmac-sha256=" in head
    forged = json.loads(body) | {"stdout": "saída forjada\n"}
    path.write_text(head + "\n" + json.dumps(forged))  # the old MAC, a new body
    again = run_page(CLOCK_PAGE, cache_dir=tmp_path)
    assert again.results[0].cached is False and again.cache_misses == 1
    assert again.results[0].stdout not in (first.stdout, "saída forjada\n")
    assert load_outcome(tmp_path, first.example.key).stdout == again.results[0].stdout  # rewritten, signed


def test_an_entry_made_without_the_key_or_for_another_block_is_rejected(tmp_path):
    report = run_page(CLOCK_PAGE + "\n```python\nprint('outro')\n```\n", cache_dir=tmp_path)
    clock, other = (r.example.key for r in report.results)
    body = json.dumps(json.loads(entry_path(tmp_path, clock).read_text().partition("\n")[2]) | {"stdout": "x\n"})
    wrong_key = hmac.new(b"0" * 32, f"{RUNNER_VERSION}\n{clock}\n{body}".encode(), hashlib.sha256).hexdigest()
    entry_path(tmp_path, clock).write_text(f"themelion-runner {RUNNER_VERSION} hmac-sha256={wrong_key}\n{body}")
    assert load_outcome(tmp_path, clock) is None
    entry_path(tmp_path, clock).write_text(f"themelion-runner {RUNNER_VERSION}\n{body}")  # the format before the MAC
    assert load_outcome(tmp_path, clock) is None
    entry_path(tmp_path, clock).write_bytes(entry_path(tmp_path, other).read_bytes())  # a valid entry, moved
    assert load_outcome(tmp_path, clock) is None
    assert load_outcome(tmp_path, other) is not None


def test_the_cache_key_is_private_and_kept_by_prune(tmp_path):
    report = run_page(CLOCK_PAGE, cache_dir=tmp_path)
    key = tmp_path / KEY
    assert key.stat().st_mode & 0o777 == 0o600
    before = key.read_bytes()
    prune_cache(settings_for(cache_dir=tmp_path), set())
    assert key.read_bytes() == before and entries(tmp_path) == []
    assert report.results[0].status == "passed"


# `mkdocs serve`: an entry already read and verified is remembered while its file is unchanged.
def test_a_cached_result_read_once_is_not_read_again_while_its_file_is_unchanged(tmp_path, monkeypatch):
    page = "```python\nimport time\nprint(time.time_ns())\n```\n"
    first = run_page(page, cache_dir=tmp_path).results[0]
    reads = []
    real = cache._read_outcome
    monkeypatch.setattr(cache, "_read_outcome", lambda *args: reads.append(args) or real(*args))
    assert cache.load_outcome(tmp_path, first.example.key).stdout == first.stdout
    assert cache.load_outcome(tmp_path, first.example.key).stdout == first.stdout
    assert len(reads) == 1
    # Replaced (as store_outcome does, a new file), the entry is read again; removed, it is a miss.
    path = cache.entry_path(tmp_path, first.example.key)
    copy = path.with_name("copy")
    copy.write_bytes(path.read_bytes())
    os.replace(copy, path)
    assert cache.load_outcome(tmp_path, first.example.key) is not None and len(reads) == 2
    path.unlink()
    assert cache.load_outcome(tmp_path, first.example.key) is None
    rerun = run_page(page, cache_dir=tmp_path).results[0]
    assert rerun.cached is False and rerun.stdout != first.stdout


def test_a_new_cache_key_makes_every_remembered_entry_unreadable(tmp_path):
    first = run_page("```python\nprint(1)\n```\n", cache_dir=tmp_path).results[0]
    assert cache.load_outcome(tmp_path, first.example.key) is not None
    (tmp_path / cache.KEY_FILE).unlink()
    cache.cache_key(tmp_path, create=True)  # another key: entries signed with the old one are forgeries now
    assert cache.load_outcome(tmp_path, first.example.key) is None
