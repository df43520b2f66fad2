"""Required sections (contract §3): how titles match, and what is a finding."""

from __future__ import annotations

import pytest

from checker_helpers import GOOD_REL, check, codes, findings, line_of, mutate, with_code

OPENING = "## O que é e por que importa\n"


def section_findings(text: str):
    return [f for f in findings(check([(GOOD_REL, text)])) if f.code.startswith("S")]


@pytest.mark.parametrize("heading", [
    "O que é + Por que importa",
    "o que E e POR QUE importa",
    "O QUE É E POR QUE IMPORTA",
    "O que e e por que importa",
    "O que é +Por que importa",
    "O que é e porque importa",
])
def test_opening_section_title_ignores_case_accents_and_plus(good_text, heading):
    text = mutate(good_text, OPENING, f"## {heading}\n")
    assert findings(check([(GOOD_REL, text)])) == ()


@pytest.mark.parametrize("old, new", [
    ("## Como funciona\n", "## COMO FUNCIONA\n"),
    ("## Na prática\n", "## na pratica\n"),
    ("## Referências\n", "## Referencias\n"),
    ("## Erros comuns\n", "## Erros Comuns ##\n"),
])
def test_other_section_titles_ignore_case_and_accents(good_text, old, new):
    assert section_findings(mutate(good_text, old, new)) == []


def test_a_title_that_only_starts_like_a_section_is_not_that_section(good_text):
    text = mutate(good_text, OPENING, "## O que é\n")
    found = section_findings(text)
    assert [(f.code, f.line) for f in found] == [
        ("S005", line_of(text, "## O que é")),
        ("S001", line_of(text, "## Como funciona")),
    ]
    assert found[1].message == "falta a seção `## O que é e por que importa`"


def test_missing_last_section_is_reported_at_the_last_line(good_text):
    text = good_text.partition("## Referências\n")[0]
    found = with_code(section_findings(text), "S001")
    assert [(f.line, f.message) for f in found] == [
        (len(text.splitlines()), "falta a seção `## Referências`")]
    assert "O que é e por que importa → Como funciona → Na prática" in found[0].hint


def test_each_missing_section_is_its_own_finding(good_text):
    text = mutate(good_text, "## Como funciona\n", "### Como funciona\n")
    text = mutate(text, "## Quando usar\n", "### Quando usar\n")
    assert [f.message for f in with_code(section_findings(text), "S001")] == [
        "falta a seção `## Como funciona`", "falta a seção `## Quando usar`"]


def test_duplicated_section_points_to_the_first_one(good_text):
    text = mutate(good_text, "### Segurança\n", "## Como funciona\n\n### Segurança\n")
    first, second = line_of(text, "## Como funciona"), line_of(text, "## Como funciona", line_of(text, "### Quando"))
    found = section_findings(text)
    assert [(f.code, f.line) for f in found] == [("S002", second)]
    assert found[0].message == f"a seção `## Como funciona` aparece de novo (a primeira está na linha {first})"


def test_section_with_only_subsection_headings_is_empty(good_text):
    head, _, rest = good_text.partition("## Quando usar\n")
    _, _, tail = rest.partition("## Erros comuns\n")
    text = f"{head}## Quando usar\n\n### Ainda por escrever\n\n## Erros comuns\n{tail}"
    found = with_code(section_findings(text), "S003")
    assert [(f.line, f.message) for f in found] == [
        (line_of(text, "## Quando usar"), "a seção `## Quando usar` está vazia")]


def test_section_with_only_code_is_not_empty_but_too_shallow(good_text):
    head, _, rest = good_text.partition("## Referências\n")
    text = f"{head}## Referências\n\n```text\nRFC 9112\n```\n"
    found = findings(check([(GOOD_REL, text)]))
    assert "S003" not in codes(found)
    assert [f.line for f in with_code(found, "Q011")] == [line_of(text, "## Referências")]


def test_a_section_moved_far_away_gives_one_finding_where_it_now_stands(good_text):
    start, end = good_text.index("## Quando usar\n"), good_text.index("## Erros comuns\n")
    when = good_text[start:end]
    moved = mutate(good_text.replace(when, ""), "## Como funciona\n", when + "## Como funciona\n")
    found = section_findings(moved)
    assert [(f.code, f.line) for f in found] == [("S004", line_of(moved, "## Quando usar"))]
    assert found[0].message == ("a seção `## Quando usar` está fora de ordem: "
                                "deveria vir antes de `## Erros comuns`")


def test_a_last_section_moved_to_the_top_belongs_after_the_last_in_order(good_text):
    start = good_text.index("## Referências\n")
    references = good_text[start:]
    moved = mutate(good_text[:start], "## O que é", references.rstrip("\n") + "\n\n## O que é")
    found = section_findings(moved)
    assert [(f.code, f.line) for f in found] == [("S004", line_of(moved, "## Referências"))]
    assert found[0].message.endswith("deveria vir depois de `## Pratique`")


def test_headings_inside_admonitions_and_code_are_not_sections(good_text):
    text = mutate(good_text, "## Quando usar\n", "## Quando usar\n\n"
                  '!!! note "Resumo"\n    ## Curiosidades\n\n    Texto da nota.\n\n'
                  "```markdown\n## Como funciona\n```\n\n")
    assert section_findings(text) == []


def test_extra_section_is_a_warning_not_an_error(good_text):
    text = mutate(good_text, "## Referências\n", "## Curiosidades\n\nO keep-alive nasceu no HTTP/1.0.\n\n## Referências\n")
    report = check([(GOOD_REL, text)])
    assert [(f.code, f.severity.value) for f in findings(report)] == [("S005", "warning")]
    assert report.errors == 0 and not report.failing_pages
