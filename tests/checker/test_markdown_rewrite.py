"""What the renderer receives: fences without the toolchain's own options."""

from themelion_docs.lesson import parse
from themelion_docs.render import rewrite


def rewritten(markdown: str) -> str:
    return rewrite(parse("licao.md", markdown))


def test_owned_options_are_stripped_and_materials_are_kept():
    text = '```python title="a.py" session="s" expect="ValueError" timeout="3" linenums="1"\nx = 1\n```\n'
    assert rewritten(text) == '```python title="a.py" linenums="1"\nx = 1\n```\n'


def test_a_diagram_keeps_its_text_alternative_but_code_does_not():
    text = ('```diagram title="Fluxo" alt="O cliente pede e o servidor responde"\nA -> B\n```\n\n'
            '```python alt="x"\nprint(1)\n```\n')
    assert rewritten(text) == ('```diagram title="Fluxo" alt="O cliente pede e o servidor responde"\nA -> B\n```\n\n'
                               '```python\nprint(1)\n```\n')


def test_a_fence_inside_an_admonition_keeps_its_indentation():
    text = '!!! note "Nota"\n    ```python run="no" reason="fragmento"\n    x\n    ```\n'
    assert rewritten(text) == '!!! note "Nota"\n    ```python\n    x\n    ```\n'


def test_inserted_output_goes_after_the_closing_fence_with_the_fence_indent():
    lesson = parse("licao.md", '!!! note "Nota"\n    ```python\n    print(1)\n    ```\n')
    out = rewrite(lesson, {2: "```text\n1\n```"})
    assert out == '!!! note "Nota"\n    ```python\n    print(1)\n    ```\n\n    ```text\n    1\n    ```\n\n'


def test_an_unclosed_fence_is_left_alone():
    text = '```python session="s"\nprint(1)\n'
    assert rewritten(text) == text


def test_a_title_holding_double_quotes_is_written_back_in_single_quotes():
    # issue 12, item 6: written back as title="prazo "total".py", superfences dropped the block
    text = '```python title=\'prazo "total".py\' session="s"\nx = 1\n```\n'
    assert rewritten(text) == '```python title=\'prazo "total".py\'\nx = 1\n```\n'


def test_a_title_with_both_kinds_of_quote_is_a_problem_and_is_not_written_back():
    lesson = parse("licao.md", '```python title="a\'"\'"b\'\nx = 1\n```\n')
    (fence,) = lesson.fences
    assert fence.info.options["title"] == "a'\"b"
    assert any("aspas simples e duplas" in problem for problem in fence.info.errors)
    assert rewrite(lesson) == "```python\nx = 1\n```\n"


def test_a_fence_closed_inside_a_quote_is_closed_and_loses_its_options():
    # issue 12, item 6: the closing "> ```" was reported as unclosed (M003)
    text = '> citação\n>\n> ```python session="s"\n> print(1)\n> ```\n\n- item\n\n  > ```python run="no" reason="r"\n  > x\n  > ```\n'
    lesson = parse("licao.md", text)
    assert [f.closed for f in lesson.fences] == [True, True]
    assert lesson.problems == ()
    assert rewritten(text) == ('> citação\n>\n> ```python\n> print(1)\n> ```\n\n- item\n\n'
                               '  > ```python\n  > x\n  > ```\n')


def test_an_unclosed_fence_inside_a_quote_is_still_unclosed():
    lesson = parse("licao.md", "> ```python\n> print(1)\n> ``\n\nfim\n")
    assert [f.closed for f in lesson.fences] == [False]
    assert [p.kind for p in lesson.problems] == ["unclosed-fence"]


def test_output_inserted_in_a_quote_or_a_list_stays_inside_it():
    quote = parse("licao.md", "> ```python\n> print(1)\n> ```\n")
    assert rewrite(quote, {1: "```text\n1\n\n2\n```"}) == (
        "> ```python\n> print(1)\n> ```\n>\n> ```text\n> 1\n>\n> 2\n> ```\n>\n")
    item = parse("licao.md", "1. passo\n\n   ```python\n   print(1)\n   ```\n")
    assert rewrite(item, {3: "```text\n1\n```"}) == (
        "1. passo\n\n   ```python\n   print(1)\n   ```\n\n   ```text\n   1\n   ```\n\n")


def test_inserted_output_has_no_line_break_the_rewrite_did_not_indent():
    lesson = parse("licao.md", '!!! note "Nota"\n    ```python\n    print(1)\n    ```\n')
    out = rewrite(lesson, {2: "```text\na\rb\u2028c\x0cd\x00e\x1b[2Kf\n```"})
    body = out.split("\n")[5:-2]
    assert body == ["    ```text", "    a", "    b", "    c", "    d\\x00ef", "    ```"]
