"""Prose rules (family prosa): L001 untitled admonitions, L002 glossary, L003 placeholders."""

from __future__ import annotations

from themelion_docs.config import load_config
from themelion_docs.rules.prose import Glossary, GlossaryTerm, glossary_hits, load_glossary

from .conftest import LESSON_OK, SHORT_LESSON_RULES, check_text, codes


def page(body: str) -> str:
    return "---\ntitle: Página\n---\n\n" + body


def findings(report, code):
    return [f for f in report.findings if f.code == code]


# -- L001 admonicao-sem-titulo --------------------------------------------------
def test_admonition_without_title_warns_with_the_english_default():
    report = check_text(page("!!! note\n    Texto da nota.\n\n??? warning\n    Outro.\n"), rel="index.md")
    found = findings(report, "L001")
    assert [f.line for f in found] == [5, 8]
    assert "«Note»" in found[0].message and "«Warning»" in found[1].message
    assert all(f.severity.value == "warning" for f in found)


def test_titled_admonitions_empty_titles_and_tabs_pass():
    body = '!!! note "Observação"\n    Texto.\n\n!!! tip ""\n    Sem barra de título.\n\n=== "Python"\n    Aba.\n'
    assert "L001" not in codes(check_text(page(body), rel="index.md"))


def test_admonition_inside_a_code_block_is_not_an_admonition():
    assert "L001" not in codes(check_text(page("```markdown\n!!! note\n    Texto.\n```\n"), rel="index.md"))


# -- L002 termo-do-glossario ------------------------------------------------------
def test_discouraged_variant_in_prose_warns_with_the_preferred_term():
    report = check_text(page("O servidor valida a request antes de responder.\n"), rel="index.md")
    [finding] = findings(report, "L002")
    assert finding.line == 5 and "«request»" in finding.message and "«requisição»" in finding.message


def test_preferred_terms_code_fixed_expressions_and_references_pass():
    body = ("O servidor valida a requisição em 2 ms.\n\n"
            "O objeto `request` do framework guarda os cabeçalhos.\n\n"
            "Um ataque de request smuggling explora proxies.\n\n"
            "```python\nrequest = montar()\n```\n\n"
            "O timeout e o cache são jargão aceito.\n\n"
            "## Referências\n\n- Browser Compatibility Data (MDN)\n")
    assert "L002" not in codes(check_text(page(body), rel="index.md"))


def test_glossary_matching_ignores_case_and_accents():
    glossary = Glossary((GlossaryTerm("criptografia", ("encriptação",)),))
    assert glossary_hits("A ENCRIPTACAO do disco", glossary) == [("encriptação", "criptografia")]


def test_glossary_data_keeps_the_accepted_jargon_out_of_the_avoid_lists():
    glossary = load_glossary()
    avoided = {variant for term in glossary.terms for variant in term.avoid}
    assert {"timeout", "cache", "deploy"} <= set(glossary.accepted)
    assert not avoided & set(glossary.accepted)
    assert all(term.preferred and term.avoid for term in glossary.terms)


# -- L003 marcador-pendente ---------------------------------------------------------
def test_placeholder_is_found_in_front_matter_heading_prose_and_fence():
    text = ("---\ntitle: Página\ndescription: \"TODO(themelion): resumo\"\n---\n\n"
            "## Como funciona\n\nTODO(themelion): explique.\n\n"
            "### TODO(themelion): um erro\n\n"
            "```python\n# TODO(themelion): código\n```\n")
    found = findings(check_text(text, rel="index.md"), "L003")
    assert [(f.line, f.severity.value) for f in found] == [(3, "error"), (8, "error"), (10, "error")]
    assert "`description`" in found[0].message
    assert "## Como funciona" in found[1].message
    assert "### TODO(themelion): um erro" in found[2].message and "2 marcador(es)" in found[2].message


def test_placeholder_mentioned_as_inline_code_is_not_a_placeholder():
    body = "Troque cada `TODO(themelion)` pelo texto real.\n"
    assert "L003" not in codes(check_text(page(body), rel="index.md"))


def test_placeholder_silences_the_volume_rules_while_it_is_on_the_page():
    lesson = LESSON_OK.read_text(encoding="utf-8")  # short: fails Q010/Q011 with the default thresholds
    measured = check_text(lesson, rel="backend/protocolos/a.md")
    assert {"Q010", "Q011"} <= codes(measured)
    draft = check_text(lesson.replace("## Referências", "## Referências\n\nTODO(themelion): mais fontes.\n", 1),
                       rel="backend/protocolos/a.md")
    assert codes(draft) == {"L003"}


def test_suppression_list_is_data_and_can_be_overridden():
    lesson = LESSON_OK.read_text(encoding="utf-8").replace("## Referências", "## Referências\n\nTODO(themelion).\n", 1)
    report = check_text(lesson, rel="backend/protocolos/a.md", overrides={"L003": {"suppresses": []}})
    assert {"L003", "Q010"} <= codes(report)


def test_fixture_lesson_passes_every_prose_rule():
    report = check_text(LESSON_OK.read_text(encoding="utf-8"), rel="backend/protocolos/a.md",
                        overrides=SHORT_LESSON_RULES)
    assert report.findings == ()


def test_prose_rules_live_in_rules_d_with_every_text():
    config = load_config()
    for code in ("L001", "L002", "L003"):
        spec = config.rule(code)
        assert spec.family == "prosa"
        assert all((spec.name, spec.summary, spec.message, spec.hint, spec.why, spec.wrong, spec.right))
    assert config.rule("L003").severity.value == "error"
    assert {config.rule(c).severity.value for c in ("L001", "L002")} == {"warning"}
