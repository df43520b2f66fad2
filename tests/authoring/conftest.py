"""Helpers for the authoring tests: in-memory checks, tiny projects, the CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from themelion_docs.checker import PageSource, check_sources
from themelion_docs.cli import main
from themelion_docs.config import load_config
from themelion_docs.report import CheckReport

REPO = Path(__file__).resolve().parents[2]
LESSON_OK = REPO / "tests" / "fixtures" / "lesson_ok.md"
# The fixture lesson is short: these thresholds let it pass every rule.
SHORT_LESSON_RULES = {
    "Q010": {"min_words": 200},
    "Q011": {"min_words": {"o-que-e": 20, "como-funciona": 50, "na-pratica": 10, "quando-usar": 20,
                           "erros-comuns": 20}},
}


def check_text(text: str, rel: str = "backend/protocolos/licao.md", overrides=None, **kwargs) -> CheckReport:
    source = PageSource(path=f"content/{rel}", rel=rel, data=textwrap.dedent(text).encode("utf-8"))
    return check_sources([source], load_config(overrides=overrides, **kwargs))


def codes(report: CheckReport) -> set[str]:
    return {f.code for f in report.findings}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (mkdocs.yml + content/) as the working directory."""
    (tmp_path / "mkdocs.yml").write_text("site_name: teste\ndocs_dir: content\n", encoding="utf-8")
    (tmp_path / "content" / "backend").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli(capsys: pytest.CaptureFixture):
    """Run ``themelion ARGS`` in-process: (exit code, stdout, stderr)."""
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run
