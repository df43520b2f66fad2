"""Baseline: known findings are accepted, new ones fail; robust to line shifts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from themelion_docs.baseline import BaselineError, apply_baseline, baseline_counts, dump_baseline, parse_baseline

from .conftest import check_text

DRAFT = """\
---
title: Rascunho
module: apis
---

## Como funciona

Texto.
"""


def write_lesson(project: Path, text: str, name: str = "rascunho.md") -> Path:
    path = project / "content" / "backend" / "apis" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_write_then_check_accepts_everything_and_says_how_many(project, cli):
    write_lesson(project, DRAFT)
    code, out, _ = cli("check", "--no-exec", "--write-baseline", "base.json")
    assert code == 0 and "linha de base gravada" in out
    total = sum(e["count"] for e in json.loads((project / "base.json").read_text(encoding="utf-8"))["findings"])
    code, out, _ = cli("check", "--no-exec", "--baseline", "base.json")
    assert code == 0
    assert f"{total} achado(s) aceitos" in out


def test_line_shifts_and_changed_figures_stay_absorbed_but_new_findings_fail(project, cli):
    write_lesson(project, DRAFT)
    cli("check", "--no-exec", "--write-baseline", "base.json")
    shifted = DRAFT.replace("## Como funciona", "Uma linha nova.\n\nOutra.\n\n## Como funciona")
    write_lesson(project, shifted)
    code, _, _ = cli("check", "--no-exec", "--baseline", "base.json")
    assert code == 0
    write_lesson(project, shifted + "\n## Erros comuns\n\n## Erros comuns\n")  # new: a duplicated section
    code, out, _ = cli("check", "--no-exec", "--baseline", "base.json")
    assert code == 1 and "S002" in out and "Q020" not in out


def test_a_second_occurrence_of_a_known_finding_is_new():
    text = "---\ntitle: P\n---\n\n!!! note\n    a\n"
    base = baseline_counts(check_text(text, rel="index.md"))
    twice = check_text(text + "\n!!! note\n    b\n", rel="index.md")
    result = apply_baseline(twice, base)
    assert result.absorbed == 1 and [f.code for f in result.report.findings] == ["L001"]


def test_fixed_findings_are_reported_as_stale():
    before = check_text("---\ntitle: P\n---\n\n!!! note\n    a\n", rel="index.md")
    after = check_text("---\ntitle: P\n---\n\n!!! note \"Nota\"\n    a\n", rel="index.md")
    result = apply_baseline(after, parse_baseline(dump_baseline(before)))
    assert result.absorbed == 0 and result.stale == 1
    assert result.report.meta["baseline_stale"] == 1


def test_json_report_carries_the_absorbed_count(project, cli):
    write_lesson(project, DRAFT)
    cli("check", "--no-exec", "--write-baseline", "base.json")
    code, out, _ = cli("check", "--no-exec", "--baseline", "base.json", "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["baseline_absorbed"] > 0


@pytest.mark.parametrize("content", ["não é json", '{"version": 99, "findings": []}', '{"version": 1, "findings": [1]}'])
def test_unusable_baseline_is_a_usage_error(project, cli, content):
    (project / "base.json").write_text(content, encoding="utf-8")
    write_lesson(project, DRAFT)
    code, _, err = cli("check", "--no-exec", "--baseline", "base.json")
    assert code == 2 and "linha de base" in err
    with pytest.raises(BaselineError):
        parse_baseline(content)


def test_missing_baseline_file_is_a_usage_error(project, cli):
    write_lesson(project, DRAFT)
    code, _, err = cli("check", "--no-exec", "--baseline", "nao-existe.json")
    assert code == 2 and "--write-baseline" in err
