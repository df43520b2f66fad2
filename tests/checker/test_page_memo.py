"""The per-page memo: an unchanged page is neither parsed nor re-checked, and every
input a page's findings depend on invalidates it (edit, rule threshold, another
lesson's front matter it refers to, example statuses, the tool itself)."""

from __future__ import annotations

import pytest

import themelion_docs.checker as checker
from checker_helpers import GOOD_ID, GOOD_REL, SHORT, mutate, outcome_runner, short, sources
from themelion_docs.checker import check_sources
from themelion_docs.page_cache import FileMemo, MemoryMemo

SECOND_REL = "backend/protocolos/keepalive.md"


@pytest.fixture
def counted(monkeypatch):
    """How many times the checker parsed a page and ran the rules of a page, by path."""
    calls = {"parse": [], "rules": []}
    real_parse, real_rules = checker.parse, checker.run_checks

    def parse(path, text):
        calls["parse"].append(path)
        return real_parse(path, text)

    def run_checks(page, context):
        calls["rules"].append(page.path)
        return real_rules(page, context)

    monkeypatch.setattr(checker, "parse", parse)
    monkeypatch.setattr(checker, "run_checks", run_checks)
    return calls


@pytest.fixture
def site(good_text):
    second = mutate(mutate(good_text, "order: 1\n", "order: 2\n"),
                    "level: intermediario\n", f"level: intermediario\nprerequisites: [{GOOD_ID}]\n")
    return {GOOD_REL: good_text, SECOND_REL: second}


def run(pages, memo, config=None, salt="v1", execute=None):
    return check_sources(sources(list(pages.items())), config or short(), execute=execute, memo=memo, salt=salt)


def reset(calls):
    calls["parse"].clear()
    calls["rules"].clear()


def test_an_unchanged_site_is_neither_parsed_nor_checked_again(tmp_path, site, counted):
    first = run(site, MemoryMemo(FileMemo(tmp_path)))
    reset(counted)
    again = run(site, MemoryMemo(FileMemo(tmp_path)))  # a new process: only the files remain
    assert counted == {"parse": [], "rules": []}
    assert again == first


def test_an_edit_recomputes_only_the_edited_page(tmp_path, site, counted):
    memo = MemoryMemo(FileMemo(tmp_path))
    run(site, memo)
    reset(counted)
    edited = {**site, SECOND_REL: site[SECOND_REL] + "\nMais um parágrafo.\n"}
    run(edited, memo)
    assert counted == {"parse": [f"docs/{SECOND_REL}"], "rules": [f"docs/{SECOND_REL}"]}


def test_a_rule_threshold_change_reruns_the_rules_but_not_the_parse(tmp_path, site, counted):
    memo = MemoryMemo(FileMemo(tmp_path))
    assert not run(site, memo).errors
    reset(counted)
    stricter = short(overrides={**SHORT, "Q010": {"min_words": 5000}})
    report = run(site, memo, config=stricter)
    assert counted["parse"] == [] and len(counted["rules"]) == 2
    assert any(f.code == "Q010" for f in report.findings)


def test_front_matter_of_a_prerequisite_rechecks_its_dependents(tmp_path, site, counted):
    memo = MemoryMemo(FileMemo(tmp_path))
    run(site, memo)
    reset(counted)
    moved = {**site, GOOD_REL: mutate(site[GOOD_REL], "module: protocolos", "module: apis")}
    run(moved, memo)
    assert sorted(counted["rules"]) == sorted(f"docs/{rel}" for rel in site)  # the dependent too
    assert counted["parse"] == [f"docs/{GOOD_REL}"]


def test_example_statuses_are_part_of_the_key(tmp_path, site, counted):
    memo = MemoryMemo(FileMemo(tmp_path))
    passed = run(site, memo, execute=outcome_runner("passed"))
    reset(counted)
    failed = run(site, memo, execute=outcome_runner("failed"))
    assert len(counted["rules"]) == 2
    assert passed.findings != failed.findings


def test_another_tool_version_misses(tmp_path, site, counted):
    run(site, MemoryMemo(FileMemo(tmp_path)), salt="v1")
    reset(counted)
    run(site, MemoryMemo(FileMemo(tmp_path)), salt="v2")
    assert len(counted["parse"]) == 2 and len(counted["rules"]) == 2


def test_a_tampered_or_truncated_entry_is_a_miss_not_a_crash(tmp_path, site, counted):
    first = run(site, MemoryMemo(FileMemo(tmp_path)))
    entries = [p for p in tmp_path.iterdir() if p.name != "memo.key"]
    for number, entry in enumerate(entries):
        data = bytearray(entry.read_bytes())
        if number % 2:
            data[-1] ^= 0xFF  # a flipped byte: the signature no longer matches
        else:
            data = data[:10]  # truncated
        entry.write_bytes(bytes(data))
    reset(counted)
    assert run(site, MemoryMemo(FileMemo(tmp_path))) == first
    assert len(counted["parse"]) == 2 and len(counted["rules"]) == 2


def test_prune_keeps_only_the_entries_of_the_last_whole_run(tmp_path, site):
    run(site, MemoryMemo(FileMemo(tmp_path)))
    edited = {**site, SECOND_REL: site[SECOND_REL] + "\nOutro parágrafo.\n"}
    memo = MemoryMemo(FileMemo(tmp_path))
    run(edited, memo)
    assert memo.prune() == 2  # the old lesson and its rules entry
    assert len([p for p in tmp_path.iterdir() if p.name != "memo.key"]) == 4


def test_the_plugin_rebuild_of_an_unchanged_site_parses_nothing(tmp_path, good_text, monkeypatch):
    """What `mkdocs serve` does on every reload: a new build in the same process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config

    from checker_helpers import HOME, write_site

    write_site(tmp_path, {"index.md": HOME, GOOD_REL: good_text}, plugin="{execute: false}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    build(load_mkdocs_config(str(tmp_path / "mkdocs.yml")))
    parsed = []
    real_parse = checker.parse
    monkeypatch.setattr(checker, "parse", lambda path, text: parsed.append(path) or real_parse(path, text))
    build(load_mkdocs_config(str(tmp_path / "mkdocs.yml")))
    assert parsed == []
    lesson = tmp_path / "docs" / GOOD_REL
    lesson.write_text(good_text + "\nUm parágrafo novo.\n", encoding="utf-8")
    build(load_mkdocs_config(str(tmp_path / "mkdocs.yml")))
    assert parsed == [f"docs/{GOOD_REL}"]
