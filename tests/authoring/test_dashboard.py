"""Quality dashboard and per-lesson status, from a CheckReport."""

from __future__ import annotations

from themelion_docs.config import load_config
from themelion_docs.dashboard import dashboard_markdown, format_date, item_states, lesson_rows, status_html
from themelion_docs.findings import Finding, Severity
from themelion_docs.report import CheckReport, PageReport, Waiver

CONFIG = load_config()


def f(code, severity=Severity.ERROR, message="m"):
    return Finding("content/backend/apis/a.md", 5, code, CONFIG.rule(code).name, severity, message)


LESSON = PageReport(
    "content/backend/apis/a.md", "backend/apis/a.md", "lesson",
    (f("Q020"), f("Q091", Severity.WARNING, "«rápido» <sem> número")),
    waivers=(Waiver("content/backend/apis/a.md", 9, "Q040", "escala", "lição conceitual"),),
    info={"title": "A | B", "module": "apis", "level": "iniciante", "order": 2, "words": 1800,
          "examples_run": 3, "examples_passed": 2, "ran_at": "2025-11-21T05:12:00+00:00"},
)
OTHER = PageReport("content/backend/protocolos/b.md", "backend/protocolos/b.md", "lesson", (),
                   info={"title": "B", "module": "protocolos", "level": "avancado", "order": 1, "words": 1600})
REPORT = CheckReport(pages=(LESSON, OTHER, PageReport("content/index.md", "index.md", "page", ())))


def test_item_state_is_error_waived_warning_or_ok():
    states = item_states(LESSON, CONFIG)
    assert states["Diagrama de sequência"] == "erro"
    assert states["Escala"] == "dispensado"
    assert states["Concretude"] == "aviso"
    assert states["Segurança"] == "ok"
    assert set(states) == {s.item for s in CONFIG.rules.values() if s.item}


def test_rows_are_lessons_in_module_order_with_missing_runner_keys_as_dash():
    rows = lesson_rows(REPORT, CONFIG)
    assert [r.rel for r in rows] == ["backend/protocolos/b.md", "backend/apis/a.md"]
    assert (rows[1].examples, rows[1].ran_at, rows[1].errors) == ("2/3", "21/11/2025 05:12 UTC", 1)
    assert (rows[0].examples, rows[0].ran_at) == ("—", "—")


def test_dashboard_has_a_row_per_lesson_with_errors_and_waiver_reasons():
    text = dashboard_markdown(REPORT, CONFIG, linkable={"backend/apis/a.md"})
    assert "[A \\| B](backend/apis/a.md) | APIs e web services | Iniciante | 1800 | 2/3 | 1 | 1 | 1 | 21/11/2025 05:12 UTC |" in text
    # Module and level by their Portuguese names (issue 21), not slugs; not linkable: plain title.
    assert "| B | Protocolos e comunicação | Avançado | 1600 | — | 0 | 0 | 0 | — |" in text
    assert "Q040 [escala] — lição conceitual" in text
    checklist = text.split("## Checklist")[1]
    assert "**erro**" in checklist and "dispensado" in checklist and "aviso" in checklist
    assert "index.md" not in text.split("## Dispensas")[0]  # only lessons are rows


def test_status_block_is_collapsed_escaped_and_links_the_dashboard():
    html = status_html(LESSON, CONFIG, "../../qualidade/")
    assert html.startswith('<details class="info themelion-status" data-search-exclude>')
    assert "<summary>Estado da verificação</summary>" in html
    assert "&lt;sem&gt;" in html and "<sem>" not in html
    assert "1 erro(s)" in html and "exemplos 2/3" in html and "lição conceitual" in html
    assert 'href="../../qualidade/"' in html


def test_dates_without_timezone_or_unparseable_are_kept_readable():
    assert format_date("2025-01-02T03:04:05") == "02/01/2025 03:04"
    assert format_date("ontem") == "ontem"
    assert format_date(None) == "—"


def test_the_date_follows_the_room_summary_and_is_all_that_differs_between_two_dates():
    undated = dashboard_markdown(REPORT, CONFIG)
    dated = dashboard_markdown(REPORT, CONFIG, generated_at="2026-12-07T15:50:00+00:00")
    summary = "2 lição(ões), 1 com erro; 1 erro(s), 1 aviso(s) e 1 dispensa(s) no site inteiro."
    assert f"\n{summary}\n" in undated
    assert f"\n{summary} Gerado em 07/12/2026 15:50 UTC.\n" in dated
    assert dated.replace(" Gerado em 07/12/2026 15:50 UTC.", "") == undated
