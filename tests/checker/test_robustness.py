"""Bad input is a finding with a line, never a traceback, and never stops the run.

Every bad page is checked in the same run as the good lesson, which must
still come out clean.
"""

from __future__ import annotations

import pytest

from checker_helpers import GOOD_REL, check, codes, findings, line_of, mutate, page as page_of, with_code
from themelion_docs.lesson import parse

BAD_REL = "backend/apis/ruim.md"


def deep_list(levels: int) -> str:
    return "".join("  " * i + "- item\n" for i in range(levels))


BAD_PAGES = {
    # name: (bytes, code, line, part of the message)
    "empty file": (b"", "M002", 1, "vazia"),
    "whitespace only": (b"  \n\t\n   \n", "M002", 1, "vazia"),
    "non-UTF-8 byte": (b"---\ntitle: Sess\xc3\xa3o\n---\n\nSess\xe3o perdida\n", "M001", 5, "linha 5, coluna 5"),
    "unclosed front matter": (b"---\ntitle: Aberto\n\n## O que \xc3\xa9 e por que importa\n\nTexto.\n", "F002", 1,
                              "não há `---` de fechamento"),
    "front matter is a list": (b"---\n- title\n- module\n---\n\nTexto.\n", "F002", 2, "mas é uma lista"),
    "front matter is a string": (b"---\napenas um texto\n---\n\nTexto.\n", "F002", 2, "mas é um texto"),
    "front matter is a number": (b"---\n42\n---\n\nTexto.\n", "F002", 2, "mas é um número"),
    "tab in YAML": (b"---\ntitle: Tab\nobjectives:\n\t- Explicar\n---\n\nTexto.\n", "F002", 4, "tabulação"),
    "YAML syntax error": (b"---\ntitle: Erro\norder: 1: 2\nlevel: iniciante\n---\n\nTexto.\n", "F002", 3,
                          "erro de sintaxe YAML"),
    "YAML unhashable key": (b"---\ntitle: Chave\n? [a, b]\n: c\n---\n\nTexto.\n", "F002", None, "YAML"),
    "YAML unclosed bracket": (b"---\ntitle: [Aberto\n---\n\nTexto.\n", "F002", None, "YAML"),
    "lone delimiter": (b"---\n", "F002", 1, "fechamento"),
    "unclosed fence": (b"---\ntitle: Cerca\n---\n\n## O que \xc3\xa9 e por que importa\n\n```python\nprint(1)\n\n"
                       b"## Como funciona\n\nTexto.\n", "M003", 7, "```"),
    "unclosed tilde fence": (b"---\ntitle: Cerca\n---\n\n~~~~\ntexto\n", "M003", 5, "~~~~"),
    "oversized page": (b"x" * (1_048_576 + 1), "M004", 1, "1048577 bytes"),
    "200 levels of quotes": (("---\ntitle: Fundo\n---\n\n" + "> " * 200 + "fundo\n").encode(), "M005", 5, "máximo 30"),
    "200 levels of lists": (("---\ntitle: Fundo\n---\n\n" + deep_list(200)).encode(), "M005", None, "máximo 30"),
    "NUL and control bytes": (b"---\ntitle: Nulo\n---\n\n\x00\x01 texto \x7f\n", "S001", None, "falta a seção"),
}


@pytest.mark.parametrize("name", BAD_PAGES)
def test_bad_page_is_a_finding_and_the_good_page_is_still_clean(name, good_text):
    data, code, line, says = BAD_PAGES[name]
    report = check([(BAD_REL, data), (GOOD_REL, good_text)])

    assert findings(report, GOOD_REL) == ()
    hits = with_code(findings(report, BAD_REL), code)
    assert hits, [(f.line, f.code) for f in findings(report, BAD_REL)]
    if line is not None:
        assert line in [f.line for f in hits]
    assert any(says in f.message for f in hits), [f.message for f in hits]
    assert [p.path for p in report.failing_pages] == [f"docs/{BAD_REL}"]


@pytest.mark.parametrize("front_matter, code, says", [
    ("---\n---\n", "F004", "`title`"),
    ("---\ntitle:\n---\n", "F004", "`title`"),
    ("---\ntitle: T\norder: true\n---\n", "F005", "um booleano (True)"),
    ("---\ntitle: T\nobjectives: [1, null]\n---\n", "F005", "não é texto"),
    ("---\ntitle: T\nobjectives: Explicar tudo\n---\n", "F005", "mas é um texto"),
    ("---\ntitle: T\nprerequisites: protocolos/http\n---\n", "F005", "`prerequisites` deve ser uma lista"),
    ("---\ntitle: T\nprerequisites: [1, null]\n---\n", "F005", "`prerequisites`"),
    ("---\ntitle: T\nglossary: [keep-alive]\n---\n", "F005", "`glossary` deve ser um mapeamento termo: definição"),
    ("---\ntitle: T\nglossary:\n  keep-alive:\n---\n", "F005", "«keep-alive» não tem definição em texto"),
    ("---\ntitle: T\nglossary: {}\n---\n", "F005", "um mapeamento vazio"),
    ("---\ntitle: T\nwaive: Q040\n---\n", "F005", "`waive` deve ser um mapeamento"),
    ("---\ntitle: T\nwaive: {Q040: 5}\n---\n", "F011", "não tem motivo"),
    ("---\ntitle: T\nmodule: [protocolos]\n---\n", "F005", "`module` deve ser um texto"),
    ("---\ntitle: T\n1: um\n---\n", "F003", "`1`"),
    ("---\ntitle: T\norder: 2024-01-01\n---\n", "F005", "mas é uma data (2024-01-01)"),
])
def test_wrong_types_in_front_matter_are_findings(front_matter, code, says, good_text):
    report = check([(BAD_REL, front_matter + "\nTexto.\n"), (GOOD_REL, good_text)])
    assert findings(report, GOOD_REL) == ()
    assert any(says in f.message for f in with_code(findings(report, BAD_REL), code)), \
        [(f.code, f.message) for f in findings(report, BAD_REL)]


def alias_bomb(key: str, levels: int = 6) -> str:
    """YAML aliases that expand to 9**levels items ("billion laughs")."""
    lines = ['  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "---\ntitle: Bomba\nanchors:\n" + "\n".join(lines) + f"\n{key}: [*a{levels}]\n---\n\nTexto.\n"


@pytest.mark.parametrize("key", ["objectives", "sources", "prerequisites", "tags", "level", "order"])
def test_yaml_alias_bomb_gives_short_findings(key, good_text):
    report = check([(BAD_REL, alias_bomb(key)), (GOOD_REL, good_text)])
    assert findings(report, GOOD_REL) == ()
    bad = findings(report, BAD_REL)
    assert "F005" in codes(bad)
    assert max(len(f.message) for f in bad) < 500
    assert all(len(repr(value)) < 500 for value in page_of(report, BAD_REL).info.values())


def test_yaml_syntax_error_is_reported_at_the_line_of_the_error(good_text):
    text = mutate(good_text, "level: intermediario\n", "level: intermediario: avancado\n")
    found = findings(check([(GOOD_REL, text)]))
    assert [(f.code, f.line) for f in found] == [("F002", line_of(text, "level:"))]
    assert found[0].message.startswith("front matter inválido: erro de sintaxe YAML")


def test_unclosed_fence_swallows_the_rest_but_is_reported_where_it_opens(good_text):
    # The production code is never closed (and no later fence closes it: the exercise goes too).
    head, _, tail = good_text.partition("## Pratique\n")
    text = mutate(head + "## Referências\n" + tail.partition("## Referências\n")[2],
                  "    return None\n```\n", "    return None\n")
    opening = line_of(text, "```", start=line_of(text, "### Pronto para produção"))
    found = findings(check([(GOOD_REL, text)]))
    m003 = with_code(found, "M003")
    assert [f.line for f in m003] == [opening]
    # Everything after it became code: the later sections are missing, as the site would show.
    assert sorted(f.message for f in with_code(found, "S001")) == [
        "falta a seção `## Erros comuns`", "falta a seção `## Pratique`", "falta a seção `## Quando usar`",
        "falta a seção `## Referências`"]
    assert "nunca fechado" in m003[0].message and "```" in m003[0].hint


def test_byte_order_mark_is_ignored(good_text):
    assert findings(check([(GOOD_REL, "\ufeff" + good_text)])) == ()
    text = "\ufeff" + mutate(good_text, "tags: [http, conexoes]\n", "tags: [http, conexoes]\nautor: Ana\n")
    assert [(f.code, f.line) for f in findings(check([(GOOD_REL, text)]))] == [("F003", line_of(text, "autor:"))]


def test_crlf_line_endings_keep_the_lines_right(good_text):
    assert findings(check([(GOOD_REL, good_text.replace("\n", "\r\n"))])) == ()
    text = mutate(good_text, "tags: [http, conexoes]\n", "tags: [http, conexoes]\nautor: Ana\n")
    text = mutate(text, "## Como funciona\n", "## Como funciona\n\nO keep-alive é rápido.\n")
    lf = [(f.code, f.line) for f in findings(check([(GOOD_REL, text)]))]
    crlf = [(f.code, f.line) for f in findings(check([(GOOD_REL, text.replace("\n", "\r\n"))]))]
    assert crlf == lf == [("F003", line_of(text, "autor:")), ("Q091", line_of(text, "é rápido"))]


def test_old_mac_line_endings_keep_the_lines_right(good_text):
    text = mutate(good_text, "## Como funciona\n", "## Como funciona\n\nO keep-alive é rápido.\n")
    found = findings(check([(GOOD_REL, text.replace("\n", "\r"))]))
    assert [(f.code, f.line) for f in found] == [("Q091", line_of(text, "é rápido"))]


def test_deep_nesting_in_the_middle_of_a_lesson_points_at_the_nesting(good_text):
    text = mutate(good_text, "## Na prática\n", "> " * 200 + "fundo\n\n## Na prática\n")
    found = findings(check([(GOOD_REL, text)]))
    assert [(f.code, f.line) for f in found] == [("M005", line_of(text, "> > >"))]
    assert found[0].message.endswith("(máximo 30)")


def test_nesting_up_to_the_limit_is_fine():
    assert parse("x", "> " * 20 + "fundo\n").max_nesting <= 30
    report = check([(BAD_REL, "---\ntitle: Raso\n---\n\n" + deep_list(10))])
    assert "M005" not in codes(findings(report, BAD_REL))


@pytest.mark.parametrize("text", [
    "!!! note",
    '=== "Aba"',
    "| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n| só |",
    "## ",
    "#" * 7 + " título",
    "[link sem fim](",
    "```python {\n",
    '```python session="a\nprint(1)\n```',
    "<div>\n## Dentro de HTML\n</div>",
    "***\n---\n___",
    "- [ ] tarefa\n  1. sub\n     > citação\n     > ```\n     > código",
])
def test_odd_markdown_never_raises(text):
    lesson = parse("x.md", text)
    assert lesson.line_count >= 1
    check([(BAD_REL, text)])


def test_every_page_of_a_run_with_many_bad_pages_is_reported(good_text):
    pages = [(f"backend/apis/ruim{i}.md", data) for i, (data, *_) in enumerate(BAD_PAGES.values())]
    report = check([*pages, (GOOD_REL, good_text)])
    assert len(report.pages) == len(pages) + 1
    assert len(report.failing_pages) == len(pages)
    assert findings(report, GOOD_REL) == ()
