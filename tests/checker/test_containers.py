"""Material's indented containers: admonitions, collapsibles and content tabs.

Plain CommonMark reads their four-space-indented body as an indented code
block; the lesson model must see prose as prose and fences as fences.
"""

from __future__ import annotations

from checker_helpers import GOOD_REL, check, codes, findings, line_of, mutate, with_code
from themelion_docs.lesson import parse

ADMONITION = '''## Como funciona

!!! note "Conexões ociosas"
    O servidor fecha a conexão depois de cinco segundos parada.

    ```python
    assert 5 > 0
    ```

Depois da nota.
'''

TABS = '''## Na prática

=== "Cliente"
    O cliente reaproveita o socket aberto.

    - primeiro item da aba

=== "Servidor"
    O servidor limita o número de conexões.
'''


def test_prose_inside_an_admonition_counts_as_prose():
    lesson = parse("x.md", ADMONITION)
    inside = [p for p in lesson.prose if p.container == "Conexões ociosas" and p.kind == "paragraph"]
    assert [(p.text, p.line, p.words) for p in inside] == [
        ("O servidor fecha a conexão depois de cinco segundos parada.", 4, 10)]
    # 2 words of the admonition title + 10 of its body + 3 after it
    assert lesson.sections[0].words == 15


def test_a_python_fence_inside_an_admonition_is_a_fence_not_indented_code():
    lesson = parse("x.md", ADMONITION)
    [fence] = lesson.fences
    assert (fence.language, fence.line, fence.indent, fence.closed) == ("python", 6, 4, True)
    assert fence.content == "assert 5 > 0\n"
    assert fence.section == 0


def test_prose_inside_content_tabs_counts_as_prose():
    lesson = parse("x.md", TABS)
    assert [(c.marker, c.title, c.line) for c in lesson.containers] == [("===", "Cliente", 3), ("===", "Servidor", 8)]
    body = [(p.kind, p.text, p.container) for p in lesson.prose if p.kind in ("paragraph", "list-item")]
    assert body == [
        ("paragraph", "O cliente reaproveita o socket aberto.", "Cliente"),
        ("list-item", "primeiro item da aba", "Cliente"),
        ("paragraph", "O servidor limita o número de conexões.", "Servidor"),
    ]
    assert lesson.fences == ()


def test_collapsible_blocks_and_nested_containers_are_seen():
    text = ('??? tip "Dica"\n    Texto da dica.\n\n'
            '???+ warning "Aviso aberto"\n    === "Aba interna"\n        Texto da aba.\n\n'
            '        ```python\n        print(1)\n        ```\n')
    lesson = parse("x.md", text)
    assert [(c.marker, c.kind, c.title) for c in lesson.containers] == [
        ("???", "tip", "Dica"), ("???+", "warning", "Aviso aberto"), ("===", "tab", "Aba interna")]
    assert [(p.text, p.container) for p in lesson.prose if p.kind == "paragraph"] == [
        ("Texto da dica.", "Dica"), ("Texto da aba.", "Aba interna")]
    assert [(f.language, f.line, f.indent) for f in lesson.fences] == [("python", 8, 8)]


def test_an_unindented_line_closes_the_container():
    lesson = parse("x.md", '!!! note "Nota"\n    Dentro.\nFora.\n')
    assert [(p.text, p.container) for p in lesson.prose if p.kind == "paragraph"] == [("Dentro.", "Nota"),
                                                                                       ("Fora.", None)]


def test_checklist_rules_read_inside_containers(good_text):
    # The production example moved into a tab still counts for Q070/Q071/Q072,
    # and a vague word inside an admonition is reported at its own line.
    start = good_text.index("```python\nimport logging")
    end = good_text.index("```\n", start + 3) + 4
    block = good_text[start:end]
    tabbed = '=== "Python"\n' + "".join(f"    {line}\n" if line else "\n" for line in block.splitlines())
    text = good_text[:start] + tabbed + good_text[end:]
    text = mutate(text, "## Quando usar\n", '## Quando usar\n\n!!! tip "Resumo"\n    O keep-alive é leve.\n')
    found = findings(check([(GOOD_REL, text)]))
    assert [(f.code, f.line) for f in found] == [("Q091", line_of(text, "é leve"))]


def test_a_security_admonition_satisfies_the_security_rule(good_text):
    text = mutate(good_text, "### Segurança\n\n", '!!! danger "Segurança"\n    ')
    text = mutate(text, "ataque de request\nsmuggling", "ataque de request\n    smuggling")
    assert "Q030" not in codes(findings(check([(GOOD_REL, text)])))
    assert with_code(findings(check([(GOOD_REL, mutate(text, '"Segurança"', '"Cuidado"'))])), "Q030")
