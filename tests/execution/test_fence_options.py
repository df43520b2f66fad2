"""Options of runnable fences, pairing with output fences, stripping for the renderer."""

from __future__ import annotations

import pytest

from runner_helpers import PAGE, build, codes
from themelion_docs.execution import strip_owned_options
from themelion_docs.findings import Severity


def test_plain_python_block_runs_alone_with_the_default_timeout():
    examples, findings = build("""
        ```python
        print(1)
        ```
    """, default_timeout=7.0)
    assert findings == []
    [example] = examples
    assert (example.language, example.session, example.expect, example.run, example.timeout) == ("python", None, None, True, 7.0)
    assert (example.line, example.content_line, example.code) == (1, 2, "print(1)\n")


def test_every_owned_option_is_read():
    examples, findings = build("""
        ```python session="cliente" expect="ValueError" timeout="2.5" title="a.py"
        raise ValueError
        ```

        ```python run="no" reason="fragmento"
        ...
        ```
    """)
    assert findings == []
    first, second = examples
    assert (first.session, first.expect, first.timeout, first.run) == ("cliente", "ValueError", 2.5, True)
    assert (second.run, second.reason) == (False, "fragmento")


def test_py_and_js_aliases_are_runnable_and_other_languages_are_not():
    examples, _ = build("""
        ```py
        print(1)
        ```

        ```js
        console.log(1)
        ```

        ```bash
        echo 1
        ```
    """)
    assert [e.language for e in examples] == ["python", "javascript"]


def test_unknown_option_is_an_error_with_a_suggestion():
    _, findings = build("""
        ```python sesion="a"
        pass
        ```
    """)
    [finding] = findings
    assert (finding.code, finding.name, finding.severity, finding.line) == ("E001", "opcao-desconhecida", Severity.ERROR, 1)
    assert "sesion" in finding.message and "session" in finding.hint


@pytest.mark.parametrize("option, value, fragment", [
    ("timeout", "abc", "número positivo"),
    ("timeout", "0", "número positivo"),
    ("timeout", "-3", "número positivo"),
    ("timeout", "inf", "número positivo"),
    ("timeout", "61", "acima do máximo"),
    ("expect", "3rro", "nome de exceção"),
    ("expect", "json.JSONDecodeError", "nome de exceção"),
    ("run", "talvez", '"no" ou "yes"'),
    ("session", " ", "vazio"),
])
def test_invalid_option_values_are_findings_not_exceptions(option, value, fragment):
    examples, findings = build(f"""
        ```python {option}="{value}"
        pass
        ```
    """, max_timeout=60.0)
    assert codes(findings) == ["E002"]
    assert fragment in findings[0].message and findings[0].hint
    assert findings[0].line == 1
    assert examples[0].run is False  # a block with broken options is not run


def test_dotted_exception_name_suggests_the_class_name():
    _, findings = build("""
        ```python expect="json.JSONDecodeError"
        pass
        ```
    """)
    assert 'expect="JSONDecodeError"' in findings[0].hint


def test_run_no_without_reason_is_an_error():
    examples, findings = build("""
        ```python run="no"
        fragmento()
        ```
    """)
    assert codes(findings) == ["E003"]
    assert examples[0].run is False


def test_reason_without_run_no_is_a_warning():
    _, findings = build("""
        ```python reason="sei lá"
        pass
        ```
    """)
    assert codes(findings) == ["E006"]
    assert findings[0].severity is Severity.WARNING


def test_malformed_info_string_is_reported():
    _, findings = build("""
        ```python session
        pass
        ```
    """)
    assert codes(findings) == ["E005"]


def test_javascript_blocks_may_share_a_session():
    _, findings = build("""
        ```javascript session="a"
        const x = 1;
        ```

        ```javascript session="a"
        console.log(x)
        ```
    """)
    assert findings == []


def test_a_session_with_python_and_javascript_blocks_is_refused():
    examples, findings = build("""
        ```python session="a"
        x = 1
        ```

        ```javascript session="a"
        console.log(x)
        ```
    """)
    assert codes(findings) == ["E007"]
    assert "«a»" in findings[0].message and "python" in findings[0].message
    assert [e.run for e in examples] == [True, False]


def test_renderer_options_are_allowed():
    _, findings = build("""
        ```python title="exemplo.py" linenums="1" hl_lines="1 2"
        pass
        ```
    """)
    assert findings == []


def test_output_fence_right_after_a_block_holds_its_expected_output():
    examples, findings = build("""
        ```python
        print("oi")
        ```
        ```output
        oi
        ```
    """)
    assert findings == []
    assert (examples[0].expected_output, examples[0].expected_output_line) == ("oi\n", 4)


def test_output_fence_after_prose_or_a_non_runnable_block_is_flagged():
    _, findings = build("""
        ```python
        print(1)
        ```

        Um parágrafo no meio.

        ```output
        1
        ```

        ```bash
        echo 1
        ```
        ```output
        1
        ```
        ```output
        de novo
        ```
    """)
    assert codes(findings) == ["E004", "E004", "E004"]
    assert [f.line for f in findings] == [7, 14, 17]


def test_findings_carry_the_page_path():
    _, findings = build("""
        ```python foo="1"
        pass
        ```
    """, path="content/backend/apis/rest.md")
    assert findings[0].path == "content/backend/apis/rest.md"
    assert findings[0].location() == "content/backend/apis/rest.md:1"


@pytest.mark.parametrize("info, stripped", [
    ('python session="a" expect="error" title="x.py"', 'python title="x.py"'),
    ('python run="no" reason="frag" hl_lines="1 3"', 'python hl_lines="1 3"'),
    ('python', 'python'),
    ('javascript timeout="3" linenums="1"', 'javascript linenums="1"'),
    ('python unknown="x"', 'python'),
    ('', ''),
])
def test_strip_owned_options_keeps_only_renderer_options(info, stripped):
    assert strip_owned_options(info) == stripped


def test_page_constant_is_a_lesson_path():
    assert PAGE.endswith(".md")


def test_run_yes_is_the_default_spelled_out():
    examples, findings = build("""
        ```python run="yes"
        pass
        ```
    """)
    assert findings == [] and examples[0].run is True


def test_fences_of_the_lesson_model_fit_the_runner():
    from themelion_docs.execution import build_examples
    from themelion_docs.lesson import parse
    from runner_helpers import settings_for

    text = '# Lição\n\n```python session="a" title="x.py"\nprint(1)\n```\n```output\n1\n```\n'
    lesson = parse(PAGE, text)
    examples, findings = build_examples(PAGE, lesson.fences, settings_for())
    assert findings == []
    [example] = examples
    assert (example.line, example.content_line, example.session) == (3, 4, "a")
    assert (example.expected_output, example.expected_output_line) == ("1\n", 6)
