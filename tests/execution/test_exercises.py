"""Practice exercises: the tests run against the hidden solution and against the starter."""

from __future__ import annotations

import textwrap

import pytest

from runner_helpers import PAGE, build, codes, fences_of, settings_for

from themelion_docs.examples import PageExamples, exercise_inserts
from themelion_docs.checker import ExampleOutcome
from themelion_docs.execution import build_examples, run_examples
from themelion_docs.execution.exercises import judge_exercises, without_exercises
from themelion_docs.execution.interpreters import find_node
from themelion_docs.lesson import parse
from themelion_docs.render import rewrite

STARTER = '''
```python exercise="dobro" part="starter"
def dobro(n):
    raise NotImplementedError("complete")
```
'''
TESTS = '''
```python exercise="dobro" part="tests"
assert dobro(21) == 42
assert dobro(-3) == -6
```
'''
SOLUTION = '''
```python exercise="dobro" part="solution"
def dobro(n):
    return 2 * n
```
'''


def exercise_run(markdown: str):
    """(verdicts, findings of the exercises, findings found before running, lesson results)."""
    settings = settings_for()
    examples, before = build_examples(PAGE, fences_of(markdown), settings)
    report = run_examples(examples, settings)
    own, practice = without_exercises(report.results)
    verdicts, findings = judge_exercises(practice)
    return verdicts, findings, before, own


def test_a_sound_exercise_is_verified_against_its_solution_and_its_starter():
    verdicts, findings, before, own = exercise_run(STARTER + TESTS + SOLUTION)
    assert (before, findings, own) == ([], [], [])
    [verdict] = verdicts
    assert (verdict.exercise, verdict.verified, verdict.starter_checked) == ("dobro", True, True)


def test_the_solution_runs_first_whatever_the_order_on_the_page():
    verdicts, findings, _, _ = exercise_run(TESTS + SOLUTION)
    assert findings == [] and verdicts[0].verified and not verdicts[0].starter_checked


def test_a_solution_that_fails_the_tests_is_e040_at_the_failing_assert():
    wrong = SOLUTION.replace("2 * n", "n + n if n > 0 else n")
    page = STARTER + TESTS + wrong
    verdicts, findings, _, _ = exercise_run(page)
    assert codes(findings) == ["E040"]
    text = textwrap.dedent(page).lstrip("\n")
    assert findings[0].line == text.split("\n").index("assert dobro(-3) == -6") + 1
    assert "«dobro» falhou nos testes" in findings[0].message and "AssertionError" in findings[0].message
    assert not verdicts[0].verified


def test_a_solution_that_crashes_before_the_tests_says_so():
    _, findings, _, _ = exercise_run(TESTS + SOLUTION.replace("return 2 * n", "return 2 * n\n1 / 0"))
    assert codes(findings) == ["E040"]
    assert "antes dos testes" in findings[0].message and "ZeroDivisionError" in findings[0].message


def test_tests_the_starter_already_passes_are_e041():
    lazy = STARTER.replace('raise NotImplementedError("complete")', "return n * 2")
    verdicts, findings, _, _ = exercise_run(lazy + TESTS + SOLUTION)
    assert codes(findings) == ["E041"]
    assert "passam com o código inicial" in findings[0].message
    assert not verdicts[0].verified


def test_a_starter_that_does_not_run_is_e042_and_its_tests_say_nothing_more():
    broken = STARTER.replace('raise NotImplementedError("complete")', "...\nnome_que_nao_existe")
    _, findings, _, _ = exercise_run(broken + TESTS + SOLUTION)
    assert codes(findings) == ["E042"]
    assert "NameError" in findings[0].message


@pytest.mark.parametrize("page, says", [
    (TESTS, 'falta part="solution"'),
    (STARTER + SOLUTION, 'falta part="tests"'),
    (TESTS + SOLUTION + SOLUTION, 'já tem um bloco part="solution"'),
])
def test_an_exercise_that_cannot_be_checked_is_e043_and_nothing_of_it_runs(page, says):
    examples, findings = build(page)
    assert codes(findings) == ["E043"] and says in findings[0].message
    assert examples == []


@pytest.mark.parametrize("info, code, says", [
    ('exercise="dobro" part="soluton"', "E002", 'use part="solution"'),
    ('exercise="dobro"', "E002", "falta a parte do exercício"),
    ('part="tests"', "E006", "sem exercise"),
    ('exercise="" part="tests"', "E002", "vazio"),
    ('exercise="dobro" part="tests" session="s"', "E002", "sessões próprias"),
    ('exercise="dobro" part="tests" expect="error"', "E002", "os testes decidem"),
])
def test_wrong_exercise_options_are_findings_at_the_fence(info, code, says):
    _, findings = build(f"```python {info}\nassert True\n```\n")
    found = [f for f in findings if f.code == code]
    assert found and says in (found[0].message + found[0].hint) and found[0].line == 1


def test_exercise_parts_never_run_as_lesson_blocks():
    examples, _ = build(STARTER + TESTS + SOLUTION + "\n```python\nprint('da lição')\n```\n")
    lesson_blocks = [e for e in examples if e.exercise is None]
    assert [e.code for e in lesson_blocks] == ["print('da lição')\n"]
    assert sorted((e.check, e.part) for e in examples if e.exercise) == [
        ("reference", "solution"), ("reference", "tests"), ("starter", "starter"), ("starter", "tests")]


def test_the_two_runs_of_the_tests_have_different_cache_keys():
    examples, _ = build(STARTER + TESTS + SOLUTION)
    keys = {(e.check, e.part): e.key for e in examples}
    assert keys[("reference", "tests")] != keys[("starter", "tests")]
    assert len(set(keys.values())) == 4


def test_the_cache_keeps_what_exercises_ran():
    settings = settings_for()
    examples, _ = build_examples(PAGE, fences_of(TESTS + SOLUTION), settings)
    report = run_examples(examples, settings)
    _, practice = without_exercises(report.results)
    page = PageExamples(ExampleOutcome(), {}, (), tuple(practice))
    assert page.cache_keys == {e.key for e in examples}


def test_the_page_hides_the_solution_and_says_what_was_verified():
    markdown = "## Pratique\n" + STARTER + TESTS + SOLUTION + "\nDepois.\n"
    lesson = parse(PAGE, markdown)
    verdicts, _, _, _ = exercise_run(markdown)
    page = rewrite(lesson, exercise_inserts(verdicts))
    assert "return 2 * n" not in page and 'part="solution"' not in page
    assert 'raise NotImplementedError("complete")' in page and "assert dobro(21) == 42" in page
    assert 'exercise=' not in page  # the renderer never sees the toolchain's options
    assert '!!! success "Verificado neste build"' in page
    assert page.index("assert dobro(-3)") < page.index("Verificado neste build") < page.index("Depois.")


def test_a_failing_exercise_is_shown_as_failing_not_verified():
    markdown = "## Pratique\n" + TESTS + SOLUTION.replace("2 * n", "n")
    verdicts, _, _, _ = exercise_run(markdown)
    page = rewrite(parse(PAGE, markdown), exercise_inserts(verdicts))
    assert "Verificado neste build" not in page and "Exercício com problema" in page


@pytest.mark.skipif(find_node(None) is None, reason="Node.js ausente: exercícios javascript não rodam")
def test_javascript_exercises_run_on_node():
    page = '''
```javascript exercise="soma" part="starter"
function soma(a, b) { throw new Error("complete"); }
```

```javascript exercise="soma" part="tests"
const assert = require("node:assert");
assert.strictEqual(soma(2, 3), 5);
```

```javascript exercise="soma" part="solution"
function soma(a, b) { return a + b; }
```
'''
    verdicts, findings, _, _ = exercise_run(page)
    assert findings == [] and verdicts[0].verified and verdicts[0].starter_checked
