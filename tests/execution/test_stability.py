"""--repeat: a block is stable when every run ends the same way and shows the same thing."""

from __future__ import annotations

from themelion_docs.execution import Example, ExampleResult, instability, with_stability


def example(expected_output: str | None = None, run: bool = True) -> Example:
    return Example(path="aula.md", line=7, content_line=8, language="python", code="print(1)",
                   session=None, expect=None, timeout=5.0, run=run, reason=None,
                   expected_output=expected_output, expected_output_line=None)


def result(status="passed", stdout="", ex=None) -> ExampleResult:
    return ExampleResult(ex or example(), status, stdout=stdout)


def test_same_status_and_output_is_stable():
    assert instability([result(stdout="a\n"), result(stdout="a\n"), result(stdout="a\n")]) is None


def test_a_status_change_is_named_in_portuguese():
    assert instability([result(), result("timeout")]) == "a execução 1 passou e a execução 2 tempo esgotado"


def test_the_first_changed_line_is_shown_with_both_texts():
    detail = instability([result(stdout="id: 1\nfim\n"), result(stdout="id: 1\nfim\n"),
                          result(stdout="id: 1\nfinal\n")])
    assert detail == "a saída muda na linha 2: «fim» (execução 1) e «final» (execução 3)"


def test_a_missing_line_is_counted():
    detail = instability([result(stdout="a\nb\n"), result(stdout="a\n")])
    assert detail == "a saída muda a partir da linha 2: a execução 1 tem 2 linha(s) e a execução 2, 1"


def test_with_an_output_fence_only_the_verdict_must_repeat():
    fixed = example(expected_output="agora: ...\n")
    assert instability([result(stdout="agora: 1\n", ex=fixed), result(stdout="agora: 2\n", ex=fixed)]) is None


def test_control_characters_in_the_detail_are_replaced():
    detail = instability([result(stdout="\x1b[2Ja\n"), result(stdout="b\n")])
    assert "\x1b" not in detail


def test_with_stability_adds_e030_at_the_fence_line_and_skips_blocks_that_did_not_run():
    skipped = example(run=False)
    first = [result(stdout="1\n"), result("not-run", ex=skipped)]
    again = [[result(stdout="2\n"), result("not-run", ex=skipped)]]
    checked = with_stability(first, again)
    [finding] = checked[0].findings
    assert (finding.code, finding.line, finding.path) == ("E030", 7, "aula.md")
    assert "em 2 execuções sem cache" in finding.message
    assert checked[1].findings == ()
