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
