"""Rules across lessons (prerequisites, cycles, order) and per-page waivers."""

from __future__ import annotations

import json

import pytest

from checker_helpers import GOOD_REL, check, codes, findings, line_of, mutate, short, sources, with_code
from themelion_docs.checker import check_sources
from themelion_docs.reports import render_json, render_text

TAGS = "tags: [http, conexoes]\n"


def with_front_matter(good: str, extra: str, order: int | None = None) -> str:
    text = mutate(good, TAGS, TAGS + extra)
    return mutate(text, "order: 1\n", f"order: {order}\n") if order is not None else text


# ------------------------------------------------------------ prerequisites
def test_missing_prerequisite_is_reported_at_its_item(good_text):
    text = with_front_matter(good_text, "prerequisites:\n  - protocolos/http\n  - protocolos/htp\n")
    http = with_front_matter(good_text, "", order=2)
    report = check([(GOOD_REL, text), ("backend/protocolos/http.md", http)])
    found = findings(report)
    assert [(f.code, f.line) for f in found] == [("F009", line_of(text, "- protocolos/htp"))]
    assert found[0].message == "pré-requisito `protocolos/htp` não existe (quis dizer `protocolos/http`?)"
    assert findings(report, "backend/protocolos/http.md") == ()


def test_prerequisite_may_point_to_a_lesson_that_is_not_being_checked(good_text):
    """`themelion check one-file.md` still knows the rest of the site."""
    text = with_front_matter(good_text, "prerequisites: [protocolos/http]\n")
    context = sources([("backend/protocolos/http.md", with_front_matter(good_text, "", order=2))])
    report = check_sources(sources([(GOOD_REL, text)]), short(), context_sources=context)
    assert [p.rel for p in report.pages] == [GOOD_REL]
    assert findings(report) == ()


def test_prerequisite_with_md_suffix_resolves(good_text):
    text = with_front_matter(good_text, "prerequisites: [protocolos/http.md]\n")
    report = check([(GOOD_REL, text), ("backend/protocolos/http.md", with_front_matter(good_text, "", order=2))])
    assert findings(report) == ()


def test_prerequisite_cycle_across_three_lessons_is_reported_on_each(good_text):
    ring = {"a": "b", "b": "c", "c": "a"}
    pages = [(f"backend/protocolos/{name}.md",
              with_front_matter(good_text, f"prerequisites: [protocolos/{after}]\n", order=position))
             for position, (name, after) in enumerate(ring.items(), start=1)]
    clean = ("backend/apis/limites.md", mutate(good_text, "module: protocolos\n", "module: apis\n"))
    report = check([*pages, clean])
    cycles = {p.rel: [(f.code, f.line, f.message) for f in p.findings] for p in report.pages}
    line = line_of(pages[0][1], "prerequisites:")
    assert cycles == {
        "backend/apis/limites.md": [],
        "backend/protocolos/a.md": [("F010", line, "ciclo de pré-requisitos: "
                                     "protocolos/a → protocolos/b → protocolos/c → protocolos/a")],
        "backend/protocolos/b.md": [("F010", line, "ciclo de pré-requisitos: "
                                     "protocolos/b → protocolos/c → protocolos/a → protocolos/b")],
        "backend/protocolos/c.md": [("F010", line, "ciclo de pré-requisitos: "
                                     "protocolos/c → protocolos/a → protocolos/b → protocolos/c")],
    }


def test_a_chain_of_prerequisites_is_not_a_cycle(good_text):
    pages = [("backend/protocolos/a.md", with_front_matter(good_text, "", order=1)),
             ("backend/protocolos/b.md", with_front_matter(good_text, "prerequisites: [protocolos/a]\n", order=2)),
             ("backend/protocolos/c.md", with_front_matter(
                 good_text, "prerequisites: [protocolos/a, protocolos/b]\n", order=3))]
    assert check(pages).findings == ()


def test_same_order_in_different_modules_is_fine(good_text):
    other = mutate(good_text, "module: protocolos\n", "module: apis\n")
    assert check([(GOOD_REL, good_text), ("backend/apis/outra.md", other)]).findings == ()


def test_lesson_in_the_wrong_module_folder(good_text):
    report = check([("backend/apis/conexoes.md", good_text)])
    [finding] = findings(report, "backend/apis/conexoes.md")
    assert (finding.code, finding.line) == ("F006", line_of(good_text, "module:"))
    assert finding.message == "`module: protocolos`, mas a lição está na pasta `apis/`"


# ------------------------------------------------------------------ waivers
WAIVE_SCALE = 'waive:\n  Q040: "lição sobre a história do protocolo"\n'
LESS_SCALE = ("com 10.000 req/s", "com 200 req/s")


def test_valid_waiver_removes_the_finding_and_is_listed_in_the_report(good_text):
    text = with_front_matter(mutate(good_text, *LESS_SCALE), WAIVE_SCALE)
    report = check([(GOOD_REL, text)])
    assert findings(report) == ()
    [waiver] = report.waivers
    assert (waiver.code, waiver.name, waiver.line, waiver.reason) == (
        "Q040", "escala", line_of(text, "  Q040:"), "lição sobre a história do protocolo")
    assert report.summary()["waivers"] == 1

    text_report = render_text(report)
    assert f"docs/{GOOD_REL}:{waiver.line}: Q040 [escala] dispensada: lição sobre a história do protocolo" in text_report
    assert "1 dispensa" in text_report
    page = json.loads(render_json(report))["pages"][0]
    assert page["waivers"] == [{"code": "Q040", "name": "escala", "line": waiver.line,
                                "reason": "lição sobre a história do protocolo"}]


def test_waiver_by_rule_name_works_too(good_text):
    text = with_front_matter(mutate(good_text, *LESS_SCALE), 'waive:\n  escala: "conceitual"\n')
    report = check([(GOOD_REL, text)])
    assert findings(report) == ()
    assert [w.code for w in report.waivers] == ["Q040"]


def test_waiver_silences_only_its_own_page(good_text):
    waived = with_front_matter(mutate(good_text, *LESS_SCALE), WAIVE_SCALE)
    other = mutate(mutate(good_text, *LESS_SCALE), "order: 1\n", "order: 2\n")
    report = check([(GOOD_REL, waived), ("backend/protocolos/outra.md", other)])
    assert findings(report) == ()
    assert codes(findings(report, "backend/protocolos/outra.md")) == ["Q040"]


@pytest.mark.parametrize("waive, detail", [
    ("waive:\n  Q040:\n", "a dispensa de Q040 [escala] não tem motivo"),
    ('waive:\n  Q040: "   "\n', "a dispensa de Q040 [escala] não tem motivo"),
    ('waive:\n  Q999: "não existe"\n', "`waive` cita uma regra desconhecida: `Q999`"),
    ('waive:\n  F004: "sem descrição"\n', "a regra F004 [chave-obrigatoria-ausente] não pode ser dispensada"),
    ('waive:\n  M003: "bloco aberto"\n', "a regra M003 [bloco-nao-fechado] não pode ser dispensada"),
])
def test_invalid_waiver_is_reported_at_its_line_and_waives_nothing(good_text, waive, detail):
    text = with_front_matter(mutate(good_text, *LESS_SCALE), waive)
    report = check([(GOOD_REL, text), ("backend/protocolos/outra.md", mutate(good_text, "order: 1\n", "order: 2\n"))])
    f011 = with_code(findings(report), "F011")
    assert [f.line for f in f011] == [line_of(text, waive.split("\n")[1])]
    assert detail in f011[0].message
    assert "Q040" in codes(findings(report))
    assert report.waivers == ()
    assert findings(report, "backend/protocolos/outra.md") == ()


def test_waivers_are_ignored_on_pages_that_are_not_lessons():
    index = "---\ntitle: Protocolos\nwaive:\n  Q040: motivo\n---\n\n# Protocolos\n"
    report = check([("backend/protocolos/index.md", index)])
    assert report.waivers == ()
    assert [(f.code, f.line) for f in findings(report, "backend/protocolos/index.md")] == [("P001", 3)]
