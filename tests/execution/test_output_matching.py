"""Expected output: trailing spaces, trailing blank lines, the ``...`` line."""

from __future__ import annotations

import pytest

from themelion_docs.execution.output_match import output_diff, output_matches


@pytest.mark.parametrize("expected, actual", [
    ("a\nb\n", "a\nb\n"),
    ("a   \nb\n", "a\nb  \n"),
    ("a\nb\n\n\n", "a\nb\n"),
    ("a\nb\n", "a\nb\n\n\n"),
    ("a\r\nb\r\n", "a\nb\n"),
    ("a\n...\nz\n", "a\nb\nc\nz\n"),
    ("a\n...\nz\n", "a\nz\n"),
    ("...\n", "anything\nat all\n"),
    ("...\n", ""),
    ("a\n...\n", "a\n"),
    ("...\nz\n...\n", "x\nz\ny\n"),
    ("", ""),
])
def test_outputs_that_match(expected, actual):
    assert output_matches(expected, actual)


@pytest.mark.parametrize("expected, actual", [
    ("a\nb\n", "a\nc\n"),
    ("a\n", "a\nb\n"),
    ("a\nb\n", "a\n"),
    (" a\n", "a\n"),              # leading spaces count
    ("a\n\nb\n", "a\nb\n"),       # blank lines inside count
    ("a\n...\nz\n", "a\nb\n"),
    ("....\n", "x\n"),
])
def test_outputs_that_do_not_match(expected, actual):
    assert not output_matches(expected, actual)


def test_diff_shows_both_texts():
    diff = output_diff("200 OK\n", "404 Not Found\n")
    assert "-200 OK" in diff and "+404 Not Found" in diff
    assert "esperado" in diff and "obtido" in diff


def test_long_diffs_are_cut():
    expected = "".join(f"linha {i}\n" for i in range(200))
    diff = output_diff(expected, "outra coisa\n", max_lines=10)
    assert len(diff.splitlines()) == 11
    assert "omitidas" in diff.splitlines()[-1]


@pytest.mark.parametrize("expected, actual", [
    ("levou ... ms\n", "levou 12,3 ms\n"),
    ("levou ... ms\n", "levou  ms\n"),  # none included, like doctest
    ("p50 = ... ms, p99 = ... ms\n", "p50 = 1,2 ms, p99 = 8,9 ms\n"),
    ("...fim\n", "texto longo até o fim\n"),
    ("início...\n", "início e o resto\n"),
    ("carregando...\n", "carregando...\n"),  # a literal ellipsis still matches itself
    ("a\n...\nlevou ... ms\n", "a\nb\nc\nlevou 3 ms\n"),
    ("a ... z\n", "a b z\n"),
])
def test_an_ellipsis_inside_a_line_matches_any_run_of_characters(expected, actual):
    assert output_matches(expected, actual)


@pytest.mark.parametrize("expected, actual", [
    ("levou ... ms\n", "levou 12,3 s\n"),
    ("levou ... ms\n", "gastou 12 ms\n"),
    ("a...a\n", "a\n"),  # the two ends may not overlap
    ("p50 = ... ms, p99 = ... ms\n", "p50 = 1 ms\n"),
    ("levou ... ms\n", "levou 1 ms\nlevou 2 ms\n"),  # in-line, it never spans lines
])
def test_an_ellipsis_inside_a_line_still_pins_the_rest_of_it(expected, actual):
    assert not output_matches(expected, actual)
