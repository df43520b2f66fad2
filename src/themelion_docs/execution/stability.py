"""Whether a block gives the same result when it runs again (``--repeat``).

The site shows the output of the run that went into the cache; a learner who
runs the code, and the next build without a cache, may see another. A block is
stable when every run ends the same way (passed, failed, timed out...) and
shows the same thing: the same stdout, or, when the author fixed the output
with an ``output`` fence, a match with it every time (its ``...`` absorb what
legitimately varies).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from .catalog import make_finding
from .runner import ExampleResult

STATUS_NAMES = {
    "passed": "passou",
    "failed": "falhou",
    "timeout": "tempo esgotado",
    "not-run": "não executado",
    "unavailable": "indisponível",
    "infra-error": "erro do executor",
}
SHOWN_CHARS = 80


def instability(runs: Sequence[ExampleResult]) -> str | None:
    """What differs between the runs of one block, in Portuguese; None when stable."""
    first = runs[0]
    for number, other in enumerate(runs[1:], start=2):
        if other.status != first.status:
            return (f"a execução 1 {STATUS_NAMES.get(first.status, first.status)} e a "
                    f"execução {number} {STATUS_NAMES.get(other.status, other.status)}")
        if first.example.expected_output is None and other.stdout != first.stdout:
            return _first_difference(first.stdout, other.stdout, number)
    return None


def _first_difference(one: str, other: str, number: int) -> str:
    left, right = one.splitlines(), other.splitlines()
    for line, (a, b) in enumerate(zip(left, right), start=1):
        if a != b:
            return (f"a saída muda na linha {line}: «{_short(a)}» (execução 1) e "
                    f"«{_short(b)}» (execução {number})")
    line = min(len(left), len(right)) + 1
    return (f"a saída muda a partir da linha {line}: a execução 1 tem {len(left)} linha(s) e a "
            f"execução {number}, {len(right)}")


def _short(text: str) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def with_stability(first: Sequence[ExampleResult], repeats: Sequence[Sequence[ExampleResult]]
                   ) -> list[ExampleResult]:
    """``first`` with an E030 finding on every block whose repeats differ from it.

    The runs list the same examples in the same order (the same pages, run again).
    """
    checked: list[ExampleResult] = []
    for position, result in enumerate(first):
        runs = [result, *(run[position] for run in repeats)]
        if not result.example.run:
            checked.append(result)
            continue
        detail = instability(runs)
        if detail is None:
            checked.append(result)
            continue
        finding = make_finding("E030", result.example.path, result.example.line, runs=len(runs), detail=detail)
        checked.append(replace(result, findings=(*result.findings, finding)))
    return checked
