"""Practice exercises: parts of a lesson's ``## Pratique`` checked at every build.

An exercise is a few fences with the same ``exercise="id"``, each a ``part``:

- ``starter``: the code the learner starts from (shown; optional);
- ``tests``: the tests the learner sees and must make pass (shown);
- ``solution``: the reference solution (never shown).

Two checks run, each as a unit of its own (a session no lesson block shares):

- *reference*: solution, then tests. The tests must pass (else E040): an exercise whose
  own answer fails teaches the learner to distrust the tests.
- *starter*: starter, then tests. The tests must fail (else E041): tests that the starter
  code already passes check nothing. The starter itself must run (else E042).

The runner does the running; this module only drafts the units and turns what the
runner found into what an author of an exercise reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from themelion_docs.findings import Finding

from .catalog import make_finding
from .options import BlockOptions
from .tracebacks import trim

REFERENCE, STARTER = "reference", "starter"


@dataclass(frozen=True)
class ExerciseFence:
    """A fence with ``exercise`` among its options, as build_examples read it."""

    fence: object  # FenceLike: line, end_line, content_line, content
    runtime: str
    options: BlockOptions


@dataclass(frozen=True)
class Exercise:
    id: str
    runtime: str
    parts: Mapping[str, ExerciseFence]
    line: int
    """Opening line of the exercise's first fence."""


@dataclass(frozen=True)
class ExerciseVerdict:
    """How an exercise fared at this build, for the page (under the tests) and the reports."""

    exercise: str
    tests_line: int
    solution_line: int
    verified: bool
    starter_checked: bool


def group_exercises(path: str, fences: Sequence[ExerciseFence]) -> tuple[list[Exercise], list[Finding]]:
    """The page's exercises, in page order, and E043 for every one that cannot be checked."""
    findings: list[Finding] = []
    parts: dict[str, dict[str, ExerciseFence]] = {}
    runtimes: dict[str, str] = {}
    broken: set[str] = set()
    for item in fences:
        exercise, part, line = item.options.exercise, item.options.part, item.fence.line
        if exercise is None or part is None:
            continue  # its options are wrong, and read_options said so at this line
        if not item.options.valid:
            broken.add(exercise)
        mine = parts.setdefault(exercise, {})
        first_runtime = runtimes.setdefault(exercise, item.runtime)
        refused = None
        if part in mine:
            refused = (f'já tem um bloco part="{part}" (linha {mine[part].fence.line})',
                       f'junte os dois num bloco só ou dê outro nome a este exercício (exercise="{exercise}-2")')
        elif item.runtime != first_runtime:
            refused = (f"mistura blocos {first_runtime} e {item.runtime}, que não compartilham estado",
                       f"escreva todas as partes do exercício em {first_runtime}")
        if refused is not None:
            findings.append(make_finding("E043", path, line, exercise=exercise, problem=refused[0], fix=refused[1]))
            broken.add(exercise)
            continue
        mine[part] = item
    exercises: list[Exercise] = []
    for exercise, mine in parts.items():
        first = min(item.fence.line for item in mine.values())
        missing = [part for part in ("tests", "solution") if part not in mine]
        if missing:
            names = " e ".join(f'part="{part}"' for part in missing)
            findings.append(make_finding(
                "E043", path, first, exercise=exercise, problem=f"falta {names}",
                fix=f'acrescente um bloco exercise="{exercise}" {names}: os testes rodam contra a solução '
                    "de referência a cada build"))
            continue
        if exercise in broken:
            continue
        exercises.append(Exercise(exercise, runtimes[exercise], dict(mine), first))
    return exercises, findings


def exercise_drafts(path: str, fences: Sequence[ExerciseFence], make: Callable[..., object]
                    ) -> tuple[list, list[Finding]]:
    """The blocks the runner runs for the page's exercises (``make`` builds an Example)."""
    exercises, findings = group_exercises(path, fences)
    drafts: list = []
    for exercise in exercises:
        tests = exercise.parts["tests"]
        checks = [(REFERENCE, "solução", exercise.parts["solution"], None)]
        if "starter" in exercise.parts:
            checks.append((STARTER, "código inicial", exercise.parts["starter"], "error"))
        for check, label, first, tests_expect in checks:
            session = f"exercício {exercise.id} · {label}"
            for item, expect in ((first, None), (tests, tests_expect)):
                drafts.append(make(
                    path=path, line=item.fence.line, content_line=item.fence.content_line,
                    language=exercise.runtime, code=item.fence.content, session=session, expect=expect,
                    timeout=item.options.timeout, processes=item.options.processes, run=True, reason=None,
                    expected_output=None, expected_output_line=None,
                    exercise=exercise.id, part=item.options.part, check=check))
    return drafts, findings


def judge_exercises(results: Iterable) -> tuple[list[ExerciseVerdict], list[Finding]]:
    """What the runs of the exercises mean: one verdict per exercise and the findings to report.

    The runner judged each block as a lesson block; here its E010 (the block failed) becomes
    E040 in a reference run and E042 for the starter, its E015 (the tests did not fail on the
    starter) becomes E041, and the E016 of the tests after a failed first block is dropped
    (the first block's finding already says it). Limits (time, memory, imports) stay as they are.
    """
    by_exercise: dict[tuple[str, str], list] = {}
    for result in results:
        example = result.example
        by_exercise.setdefault((example.path, example.exercise), []).append(result)
    verdicts: list[ExerciseVerdict] = []
    findings: list[Finding] = []
    for (path, exercise), runs in by_exercise.items():
        mine: list[Finding] = []
        for result in runs:
            mine.extend(_translated(result, exercise))
        tests = next(r.example for r in runs if r.example.part == "tests")
        solution = next(r.example for r in runs if r.example.part == "solution")
        verdicts.append(ExerciseVerdict(
            exercise=exercise, tests_line=tests.line, solution_line=solution.line,
            verified=not any(f.is_error for f in mine) and all(r.status == "passed" for r in runs),
            starter_checked=any(r.example.check == STARTER for r in runs)))
        findings.extend(mine)
    return verdicts, findings


def _translated(result, exercise: str) -> Iterable[Finding]:
    example = result.example
    for finding in result.findings:
        if finding.code == "E016":
            continue
        if finding.code == "E010":
            shown = trim(result.traceback or result.stderr) or "(sem traceback)"
            if example.check == REFERENCE:
                where = "nos testes" if example.part == "tests" else "antes dos testes (a solução falhou)"
                yield make_finding("E040", finding.path, finding.line, exercise=exercise, where=where,
                                   traceback=shown)
            else:
                yield make_finding("E042", finding.path, finding.line, exercise=exercise, traceback=shown)
        elif finding.code == "E015":
            yield make_finding("E041", finding.path, finding.line, exercise=exercise)
        else:
            yield finding


def without_exercises(results: Sequence) -> tuple[list, list]:
    """(the lesson's own results, the exercises' results), each in input order."""
    own = [r for r in results if r.example.exercise is None]
    return own, [r for r in results if r.example.exercise is not None]


