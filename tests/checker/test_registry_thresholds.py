"""The registry's real thresholds, pinned at the boundary on generated text.

Every test here uses the DEFAULT configuration (``load_config()``): one
below the threshold is a finding, the threshold itself is not.
"""

from __future__ import annotations

import pytest

from checker_helpers import GOOD_REL, check, findings, line_of, mutate, with_code
from themelion_docs.config import load_config
from themelion_docs.lesson import parse

DEFAULT = load_config()


def words(n: int) -> str:
    return " ".join(["palavra"] * n)


def pad_section(text: str, title: str, extra: int) -> str:
    """Add a paragraph of ``extra`` prose words right after ``## title``."""
    return mutate(text, f"## {title}\n", f"## {title}\n\n{words(extra)}\n")


def set_section_words(text: str, title: str, n: int) -> str:
    """Replace the body of ``## title`` with exactly ``n`` prose words."""
    head, _, rest = text.partition(f"## {title}\n")
    _, sep, tail = rest.partition("\n## ")
    return f"{head}## {title}\n\n{words(n)}\n" + (sep + tail if sep else "")


def default_findings(text: str, code: str):
    return with_code(findings(check([(GOOD_REL, text)], config=DEFAULT)), code)


def test_registry_thresholds_are_the_documented_ones():
    assert DEFAULT.rule("Q010").params["min_words"] == 1500
    assert DEFAULT.rule("Q011").params["min_words"] == {
        "o-que-e": 120, "como-funciona": 300, "na-pratica": 150,
        "quando-usar": 150, "erros-comuns": 150, "pratique": 30, "referencias": 10}
    assert DEFAULT.rule("Q090").params["min_quantities"] == 12
    assert (DEFAULT.rule("F008").params["min"], DEFAULT.rule("F008").params["max"]) == (2, 5)
    assert DEFAULT.max_page_bytes == 1_048_576
    assert DEFAULT.max_nesting == 30


@pytest.mark.parametrize("total, reported", [(1499, True), (1500, False)])
def test_lesson_needs_1500_prose_words(good_text, total, reported):
    current = parse("x", good_text).words
    text = pad_section(good_text, "Como funciona", total - current)
    assert parse("x", text).words == total
    hits = default_findings(text, "Q010")
    assert bool(hits) is reported
    if reported:
        assert hits[0].message == "a lição tem 1499 palavras de prosa; o mínimo é 1500"


@pytest.mark.parametrize("title, minimum", [
    ("O que é e por que importa", 120),
    ("Como funciona", 300),
    ("Na prática", 150),
    ("Quando usar", 150),
    ("Erros comuns", 150),
    ("Referências", 10),
])
@pytest.mark.parametrize("below", [True, False], ids=["min-1", "min"])
def test_each_section_has_its_own_minimum(good_text, title, minimum, below):
    text = set_section_words(good_text, title, minimum - 1 if below else minimum)
    at = line_of(text, f"## {title}")
    hits = [f for f in default_findings(text, "Q011") if f.line == at]
    assert bool(hits) is below
    if below:
        assert f"tem {minimum - 1} palavras de prosa; o mínimo é {minimum}" in hits[0].message


def test_code_and_diagrams_do_not_count_as_prose(good_text):
    code = "```python\n" + "\n".join(f"palavra = 'uma frase inteira {i}'" for i in range(400)) + "\n```\n"
    diagram = "```diagram\n" + "Cliente --- pede --> Servidor\n" * 100 + "```\n"
    text = mutate(good_text, "## Como funciona\n", f"## Como funciona\n\n{code}\n{diagram}")
    assert parse("x", text).words == parse("x", good_text).words


@pytest.mark.parametrize("count, reported", [(11, True), (12, False)])
def test_lesson_needs_12_quantities_with_units(count, reported):
    quantities = " ".join(f"A etapa {i} leva {i} ms." for i in range(1, count + 1))
    text = f"---\ntitle: Números\n---\n\n## O que é e por que importa\n\n{quantities}\n"
    hits = default_findings(text, "Q090")
    assert bool(hits) is reported
    if reported:
        assert hits[0].message == "a lição tem 11 quantidade(s) com unidade; o mínimo é 12"


@pytest.mark.parametrize("objectives, reported", [(1, True), (2, False), (5, False), (6, True)])
def test_lesson_has_two_to_five_objectives(good_text, objectives, reported):
    block = "".join(f"  - Explicar o ponto {i}\n" for i in range(objectives))
    text = mutate(good_text, "  - Explicar o custo de abrir uma conexão TCP com TLS\n"
                             "  - Configurar um pool de conexões com timeout e retentativas\n", block)
    assert bool(default_findings(text, "F008")) is reported


@pytest.mark.parametrize("terms, reported", [(3, True), (4, False)])
def test_security_without_a_heading_needs_four_terms(good_text, terms, reported):
    # The fixture's security paragraph names TLS, ataque and smuggling: three terms.
    text = mutate(good_text, "### Segurança\n", "### Conexões reaproveitadas\n")
    if terms == 4:
        text = mutate(text, "fim de cada mensagem.", "fim de cada mensagem (veja a OWASP).")
    assert bool(default_findings(text, "Q030")) is reported


@pytest.mark.parametrize("larger, reported", [("999 req/s", True), ("1.000 req/s", False)])
def test_scale_needs_two_orders_of_magnitude(good_text, larger, reported):
    text = mutate(good_text, "Com 100 req/s um único processo atende bem; com 10.000 req/s o limite de\n"
                             "65.536 portas e o pool de 50 conexões viram o gargalo.",
                  f"Com 100 req/s um único processo atende bem; com {larger} o pool vira o gargalo.")
    assert bool(default_findings(text, "Q040")) is reported


@pytest.mark.parametrize("extra, reported", [(0, False), (1, True)])
def test_page_size_limit_is_inclusive(good_text, extra, reported):
    filler = DEFAULT.max_page_bytes - len(good_text.encode()) - len("```text\n\n```\n") + extra
    data = (good_text + "```text\n" + "a" * filler + "\n```\n").encode()
    assert len(data) == DEFAULT.max_page_bytes + extra
    hits = default_findings(data, "M004")
    assert bool(hits) is reported
    if reported:
        assert hits[0].message == f"a página tem {len(data)} bytes, acima do limite de {DEFAULT.max_page_bytes} bytes"
