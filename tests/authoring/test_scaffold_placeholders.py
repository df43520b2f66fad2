"""Issue 21: the scaffold's own instruction text is not content.

A lesson made by `themelion new` with only the `TODO(themelion)` prefixes
removed must fail the checklist rules it used to pass (Q100/Q101 on
references without a link, Q110 on "### nome do erro 1", Q060 on an empty
table), with L004 naming the leftover; a lesson full of markers must not show
its checklist items as "ok" in the status block.
"""

from __future__ import annotations

from themelion_docs.config import load_config
from themelion_docs.dashboard import item_states, status_html
from themelion_docs.placeholders import phrases_from_template, scaffold_phrases
from themelion_docs.scaffold import LessonRequest, find_template, render_lesson

from .conftest import REPO, check_text, codes

MARKER = "TODO(themelion)"


def _scaffold() -> str:
    config = load_config()
    return render_lesson(find_template(REPO), LessonRequest("apis", "x", "X", "iniciante", 1), config)


def _without_prefixes(text: str) -> str:
    return text.replace(f"{MARKER}: ", "").replace(MARKER, "")


def test_phrases_come_from_the_template_not_from_a_second_list():
    source = (REPO / "templates" / "lesson.md.j2").read_text(encoding="utf-8")
    texts = {p.text for p in phrases_from_template(source)}
    assert {"nome do erro {n}", "fonte primária {n}, com link", "o jeito errado, e o que acontece por causa dele"} <= texts
    assert texts == {p.text for p in scaffold_phrases()}  # the packaged copy is the project's template
    # A new instruction in the template is recognised without touching the code.
    extra = phrases_from_template("## X\n\n{{ marker }}: descreva a fila de mensagens mortas (DLQ).\n")
    assert [p.text for p in extra] == ["descreva a fila de mensagens mortas"]


def test_scaffold_with_only_the_prefixes_removed_fails_the_checklist():
    report = check_text(_without_prefixes(_scaffold()), rel="backend/apis/x.md")
    found = codes(report)
    assert "L003" not in found
    assert {"Q100", "Q101", "Q110", "Q060", "L004"} <= found
    by_code = {}
    for f in report.findings:
        by_code.setdefault(f.code, []).append(f)
    assert any("0 referência(s)" in f.message for f in by_code["Q100"])
    assert any("0 erro(s)" in f.message for f in by_code["Q110"])
    leftovers = " ".join(f.message for f in by_code["L004"])
    for text in ("«fonte primária 1, com link»", "«nome do erro 1»", "«uma frase que resume a lição»",
                 "«liste as ameaças concretas»", "3 trecho(s)"):
        assert text in leftovers, text
    assert "`## Referências`" in leftovers and "`### nome do erro 2`" in leftovers
    assert all("Apagar só o prefixo" in f.hint for f in by_code["L004"])


def test_a_reference_without_link_in_the_templates_words_does_not_count():
    text = _scaffold().split("## Referências")[0].replace(MARKER, "Texto") + (
        "## Referências\n\n"
        "- fonte primária 1, com link\n"
        "- fonte primária 2, com link (RFC, especificação, documentação oficial)\n"
        "- [RFC 9110: HTTP Semantics](https://www.rfc-editor.org/rfc/rfc9110)\n")
    report = check_text(text, rel="backend/apis/x.md")
    q100 = [f for f in report.findings if f.code == "Q100"]
    assert q100 and "1 referência(s)" in q100[0].message


def test_real_references_and_mistakes_pass_and_no_leftover_is_reported():
    lesson = (REPO / "tests" / "fixtures" / "lesson_ok.md").read_text(encoding="utf-8")
    assert not {"L004", "Q100", "Q101", "Q110"} & codes(check_text(lesson))


def test_every_lesson_of_the_room_has_no_template_leftover():
    from themelion_docs.lesson import parse
    from themelion_docs.placeholders import leftovers

    for path in sorted((REPO / "content").rglob("*.md")):
        assert leftovers(parse(str(path), path.read_text(encoding="utf-8")), MARKER) == [], path


def test_a_lesson_full_of_markers_shows_its_checklist_as_pending_not_ok():
    config = load_config()
    report = check_text(_scaffold(), rel="backend/apis/x.md")
    assert codes(report) == {"L003"}  # still fails only on its placeholders
    page = report.pages[0]
    states = item_states(page, config)
    assert "ok" not in {states[item] for item in ("Fontes", "Erros comuns", "Profundidade", "Trade-offs")}
    assert states["Fontes"] == "pendente"
    html = status_html(page, config)
    assert "Fontes: pendente" in html and "Fontes: ok" not in html
