"""The standalone example site: a real `mkdocs build --strict` with the plugin.

Two builds (about 1.5 s each): the example as shipped (fails on the failing
lesson, and the dashboard must agree with `themelion check --format json`),
and the same site without the failing lesson (passes --strict).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import REPO

EXAMPLE = REPO / "examples" / "site"
FAILING = "docs/backend/apis/cache-rascunho.md"
PASSING = "docs/backend/protocolos/timeouts.md"
FINDING = re.compile(r"^(?P<level>WARNING|INFO)\s+-\s+(?P<path>\S+\.md):(?P<line>\d+): (?P<code>[A-Z]\d{3}) \[")


def build(site: Path) -> subprocess.CompletedProcess:
    # Examples are not executed here: the runner has its own tests; this pins the plugin's wiring.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "THEMELION_EXECUTE": "false"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site / "out")],
                          cwd=site, env=env, capture_output=True, text=True, timeout=120)


def findings(log: str) -> list[tuple[str, str, str]]:
    return [(m["level"], m["path"], m["code"]) for line in log.splitlines() if (m := FINDING.match(line))]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    site = tmp_path_factory.mktemp("exemplo") / "site"
    shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns("site", "out", ".themelion-cache"))
    return site, build(site)


def test_strict_build_fails_on_the_failing_lesson_with_its_codes(example):
    _, result = example
    assert result.returncode != 0 and "strict mode" in result.stdout + result.stderr
    found = findings(result.stderr)
    errors = {code for level, path, code in found if level == "WARNING" and path == FAILING}
    warnings = {code for level, path, code in found if level == "INFO" and path == FAILING}
    assert {"S001", "Q020", "Q070", "Q110"} <= errors
    assert {"L001", "L002"} <= warnings
    assert not [f for f in found if f[1] == PASSING]


class _Tables(HTMLParser):
    """Rows of the first table: (href of the first cell, texts of the cells)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str | None, list[str]]] = []
        self._tables = 0
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._tables += 1
        elif self._tables == 1 and tag == "tr":
            self._row, self._href = [], None
        elif self._row is not None and tag == "td":
            self._cell = []
        elif self._cell is not None and tag == "a" and not self._row and self._href is None:
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows.append((self._href, self._row))
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_dashboard_page_matches_the_json_report_of_the_same_content(example):
    site, _ = example
    page = site / "out" / "qualidade" / "index.html"
    assert page.is_file()
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    # Columns: Lição, Módulo, Nível, Palavras, Exemplos, Erros, Avisos, Dispensas, Última execução
    dashboard = {href.strip("./").rstrip("/") + ".md": int(cells[5]) for href, cells in parser.rows}

    result = subprocess.run([sys.executable, "-m", "themelion_docs", "check", "--no-exec", "--format", "json", "docs"],
                            cwd=site, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    expected = {p["path"].removeprefix("docs/"): sum(f["severity"] == "error" for f in p["findings"])
                for p in report["pages"] if p["kind"] == "lesson"}
    assert dashboard == expected
    assert expected[FAILING.removeprefix("docs/")] > 0 and expected[PASSING.removeprefix("docs/")] == 0


def test_lessons_show_their_status_and_the_guide_is_generated(example):
    site, _ = example
    lesson = (site / "out" / "backend" / "protocolos" / "timeouts" / "index.html").read_text(encoding="utf-8")
    assert "Estado da verificação" in lesson and "0 erro(s)" in lesson
    failing = (site / "out" / "backend" / "apis" / "cache-rascunho" / "index.html").read_text(encoding="utf-8")
    assert "S001" in failing
    for page in ("autores", "autores/contrato", "autores/regras", "autores/glossario", "autores/regras/l003"):
        assert (site / "out" / page / "index.html").is_file(), page
    rule = (site / "out" / "autores" / "regras" / "q010" / "index.html").read_text(encoding="utf-8")
    assert "250" in rule  # the example's own threshold (mkdocs.yml rules:), not the registry default


def test_without_the_failing_lesson_the_strict_build_passes(example, tmp_path):
    site, _ = example
    clean = tmp_path / "site"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("out"))
    (clean / FAILING).unlink()
    result = build(clean)
    assert result.returncode == 0, result.stderr
    assert not [f for f in findings(result.stderr) if f[0] == "WARNING"]


def test_the_lesson_header_is_html_not_raw_markdown(example):
    # issue 12, item 8: without md_in_html the header showed as "**Objetivos:**" and "{ .themelion-facts }"
    site, _ = example
    lesson = (site / "out" / "backend" / "protocolos" / "timeouts" / "index.html").read_text(encoding="utf-8")
    assert '<p class="themelion-facts">' in lesson and "<strong>Objetivos:</strong>" in lesson
    assert "**Objetivos:**" not in lesson and "{ .themelion" not in lesson


def test_a_site_without_md_in_html_stops_naming_what_to_add(example, tmp_path):
    site, _ = example
    broken = tmp_path / "site"
    shutil.copytree(site, broken, ignore=shutil.ignore_patterns("out"))
    config = broken / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("  - md_in_html\n") == 1
    config.write_text(text.replace("  - md_in_html\n", ""), encoding="utf-8")
    result = build(broken)
    assert result.returncode != 0
    assert "themelion: faltam extensões do Markdown de que o plugin depende: `md_in_html`." in result.stderr
    assert "Acrescente ao mkdocs.yml:\n\nmarkdown_extensions:\n  - md_in_html" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (broken / "out" / "backend" / "protocolos" / "timeouts" / "index.html").exists()
