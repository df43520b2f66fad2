"""Reading a block's imports parses it; a build reuses what the last build read (signed memo),
and a memo that says nothing new never hides an undeclared import."""

from __future__ import annotations

import pytest

from runner_helpers import PAGE, settings_for

import themelion_docs.execution.dependencies as dependencies
from themelion_docs.examples import execute
from themelion_docs.lesson import parse
from themelion_docs.page_cache import FileMemo, MemoryMemo
from themelion_docs.rules.context import Page

TEXT = "```python\nimport json\nprint(json.dumps([1]))\n```\n\n```python\nimport requests\n```\n"


def page(text: str = TEXT) -> Page:
    return Page(path=PAGE, rel=PAGE, lesson=parse(PAGE, text), size=len(text), kind="lesson")


@pytest.fixture
def fresh_process(monkeypatch):
    """Each build as if in a new process: nothing read yet; counts the parses."""
    parsed: list[str] = []
    real = dependencies._parse_imports
    monkeypatch.setattr(dependencies, "_KNOWN_IMPORTS", {})

    def counting(code):
        parsed.append(code)
        return real(code)

    monkeypatch.setattr(dependencies, "_parse_imports", counting)
    return parsed


def test_a_second_build_reads_imports_from_the_memo_and_still_reports_e024(tmp_path, fresh_process, monkeypatch):
    settings = settings_for()
    first, _ = execute([page()], settings, memo=MemoryMemo(FileMemo(tmp_path)), salt="s")
    assert len(fresh_process) == 2
    assert "E024" in [f.code for f in first[PAGE].outcome.findings]
    monkeypatch.setattr(dependencies, "_KNOWN_IMPORTS", {})  # a new build process
    fresh_process.clear()
    second, _ = execute([page()], settings, memo=MemoryMemo(FileMemo(tmp_path)), salt="s")
    assert fresh_process == []
    assert [f.code for f in second[PAGE].outcome.findings] == [f.code for f in first[PAGE].outcome.findings]


def test_edited_code_is_parsed_and_the_memo_keeps_only_this_builds_blocks(tmp_path, fresh_process, monkeypatch):
    settings = settings_for()
    execute([page()], settings, memo=MemoryMemo(FileMemo(tmp_path)), salt="s")
    monkeypatch.setattr(dependencies, "_KNOWN_IMPORTS", {})
    fresh_process.clear()
    edited = TEXT.replace("import requests", "import yaml")
    execute([page(edited)], settings, memo=MemoryMemo(FileMemo(tmp_path)), salt="s")
    assert fresh_process == ["import yaml\n"]
    entries = [FileMemo(tmp_path).get(p.name) for p in tmp_path.iterdir() if not p.name.startswith(".")]
    known = next(e for e in entries if isinstance(e, dict))
    assert len(known) == 2  # the json block and the edited one; the old «import requests» is gone


def test_another_tool_version_does_not_reuse_the_memo(tmp_path, fresh_process, monkeypatch):
    settings = settings_for()
    execute([page()], settings, memo=MemoryMemo(FileMemo(tmp_path)), salt="v1")
    monkeypatch.setattr(dependencies, "_KNOWN_IMPORTS", {})
    fresh_process.clear()
    execute([page()], settings, memo=MemoryMemo(FileMemo(tmp_path)), salt="v2")
    assert len(fresh_process) == 2
