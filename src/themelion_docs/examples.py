"""Bridge between the checker and the example runner.

``execute(pages, settings)`` builds the examples of every page, runs them all
at once (the runner parallelises and caches), and hands back, per page, the
findings, the status of each block (for the Testes rule) and the results (for
rendering the output under each block). ``output_inserts`` turns results into
the Markdown that ``render.rewrite`` places after each block.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from themelion_docs.checker import ExampleOutcome
from themelion_docs.execution import (
    ExampleResult,
    RunnerSettings,
    build_examples,
    run_examples,
    with_stability,
)
from themelion_docs.execution.dependencies import code_digest, imports_of, remember_imports
from themelion_docs.execution.exercises import ExerciseVerdict, judge_exercises, without_exercises
from themelion_docs.fences import fence_marker
from themelion_docs.recent import Recent
from themelion_docs.safe_text import printable
from themelion_docs.rules.context import Page

Progress = Callable[[int, int, int], None]

BUILT: Recent[tuple[list, list]] = Recent(limit=2048)
"""Each page's examples and their option findings, for the next build of this process."""


@dataclass(frozen=True)
class PageExamples:
    outcome: ExampleOutcome
    results: Mapping[int, ExampleResult] = field(default_factory=dict)  # fence line -> result
    exercises: tuple[ExerciseVerdict, ...] = ()
    """The page's practice exercises as this build found them (their runs are not in ``results``)."""
    exercise_results: tuple[ExampleResult, ...] = ()

    @property
    def cache_keys(self) -> set[str]:
        """Keys of every result of the page, exercises included: what a prune must keep."""
        return {r.example.key for r in (*self.results.values(), *self.exercise_results)}


def execute(pages: Sequence[Page], settings: RunnerSettings, progress: Progress | None = None,
            repeat: int = 1, memo: Any = None, salt: str = "") -> tuple[dict[str, PageExamples], dict[str, Any]]:
    """``repeat`` > 1 runs every block that many times (give settings without a
    cache) and adds E030 where the runs differ. ``memo`` (page_cache) keeps the blocks'
    imports between builds: reading them parses every block, most of a warm build's cost."""
    imports_key = hashlib.sha256(f"imports|{salt}".encode()).hexdigest() if memo is not None else None
    if imports_key is not None:
        remember_imports(memo.get(imports_key) or {})
    built: dict[str, tuple[list, list]] = {}
    for page in pages:
        if page.lesson is None:
            continue
        lesson = page.lesson
        # The page's text and the settings name every input (the installed packages and the
        # interpreters' versions are read once per process): a rebuild of `mkdocs serve` looks it up.
        built[page.path] = BUILT.get((page.path, lesson.text, settings),
                                     lambda: build_examples(page.path, lesson.fences, settings))
    if imports_key is not None:  # only this build's blocks: edited code does not pile up
        memo.put(imports_key, {code_digest(e.code): imports_of(e.code)
                               for examples, _ in built.values() for e in examples if e.language == "python"})
    everything = [example for examples, _ in built.values() for example in examples]
    run = run_examples(everything, settings, progress=progress)
    if repeat > 1:
        again = [run_examples(everything, settings).results for _ in range(repeat - 1)]
        results = with_stability(run.results, again)
        run = replace(run, results=results, findings=[f for r in results for f in r.findings])
    by_page: dict[str, list[ExampleResult]] = {}
    exercise_runs: dict[str, list[ExampleResult]] = {}
    own, practice = without_exercises(run.results)
    for result in own:
        by_page.setdefault(result.example.path, []).append(result)
    for result in practice:
        exercise_runs.setdefault(result.example.path, []).append(result)
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    outcomes: dict[str, PageExamples] = {}
    for path, (_, build_findings) in built.items():
        results = by_page.get(path, [])
        verdicts, exercise_findings = judge_exercises(exercise_runs.get(path, []))
        findings = [*build_findings, *(f for r in results for f in r.findings), *exercise_findings]
        executed = [r for r in results if r.status not in ("not-run", "unavailable") or r.example.run]
        info = {
            "examples_run": sum(1 for r in results if r.status in ("passed", "failed", "timeout")),
            "examples_passed": sum(1 for r in results if r.status == "passed"),
            "examples_failed": sum(1 for r in results if r.status in ("failed", "timeout")),
            "examples_skipped": sum(1 for r in results if r.status in ("not-run", "unavailable")),
            "exercises": len(verdicts),
            "exercises_verified": sum(1 for v in verdicts if v.verified),
            "python": run.python_version,
            "ran_at": _last_run(results) or now,
            # one entry per block, for reports that list examples one by one (JUnit)
            "example_results": [
                {"line": r.example.line, "language": r.example.language, "status": r.status,
                 "seconds": round(r.duration, 3), "cached": r.cached}
                for r in results
            ],
        } if executed or verdicts else {}
        outcome = ExampleOutcome(
            findings=tuple(findings),
            statuses={r.example.line: r.status for r in results},
            info=info,
        )
        outcomes[path] = PageExamples(outcome, {r.example.line: r for r in results}, tuple(verdicts),
                                      tuple(exercise_runs.get(path, [])))
    hits, misses = getattr(run, "cache_hits", 0), getattr(run, "cache_misses", 0)
    passed = sum(1 for r in own if r.status == "passed")
    failed = sum(1 for r in own if r.status in ("failed", "timeout"))
    build_errors = {(f.path, f.line) for _, findings in built.values() for f in findings if f.is_error}
    counts = block_counts(own, build_errors)
    all_verdicts = [v for page in outcomes.values() for v in page.exercises]
    verified = sum(1 for v in all_verdicts if v.verified)
    exercises_text = (f"; {len(all_verdicts)} exercício{'s' if len(all_verdicts) != 1 else ''} "
                      f"({verified} verificado{'s' if verified != 1 else ''})") if all_verdicts else ""
    meta = {
        "examples": len(own),
        "exercises": len(all_verdicts),
        "exercises_verified": verified,
        "examples_passed": passed,
        "examples_failed": failed,
        "cache_hits": hits,
        "cache_misses": misses,
        "network_isolated": run.network_isolated,
        "node_available": run.node_available,
        "python": run.python_version,
        "examples_skipped": len(own) - passed - failed,
        # hits count every run, exercises' too: say out of how many ran or were looked up
        # (a run="no" block is neither: it is counted among the blocks, not the runs)
        "examples_summary": (f"{blocks_text(counts)}{exercises_text}; "
                             f"{hits} de {hits + misses} execuções do cache; "
                             f"rede isolada: {'sim' if run.network_isolated else 'não'}"),
    }
    return outcomes, meta


# Every block is in exactly one of these, so the parts add up to the total.
BLOCK_KINDS = (
    ("passed", "ok"),
    ("failed", "com falha"),
    ("skipped", "pulados (run=\"no\")"),
    ("invalid", "não executados por erro no bloco (opção inválida, dependência)"),
    ("interrupted", "não executados (sessão interrompida)"),
    ("unavailable", "sem Node.js"),
)


def block_counts(results: Sequence[ExampleResult], build_errors: set[tuple[str, int]] = frozenset()
                 ) -> dict[str, int]:
    """How many blocks ended in each kind of BLOCK_KINDS. ``build_errors``: (path, line) of the
    errors found before running (E001, E002 on the fence line, E024 on an import line): a
    block not run with one of them inside is "invalid", not skipped by its author."""
    counts = {kind: 0 for kind, _ in BLOCK_KINDS}
    for result in results:
        example = result.example
        if result.status == "passed":
            kind = "passed"
        elif result.status in ("failed", "timeout"):
            kind = "failed"
        elif result.status == "unavailable":
            kind = "unavailable"
        elif example.run:
            kind = "interrupted"
        elif any((example.path, line) in build_errors
                 for line in range(example.line, example.content_line + example.code.count("\n") + 1)):
            kind = "invalid"
        else:
            kind = "skipped"
        counts[kind] += 1
    return counts


def blocks_text(counts: Mapping[str, int]) -> str:
    """ "12 blocos: 9 ok, 1 com falha, 2 pulados (run="no")" — zero counts after the first two are left out."""
    total = sum(counts.values())
    parts = [f"{counts.get(kind, 0)} {label}" for position, (kind, label) in enumerate(BLOCK_KINDS)
             if position < 2 or counts.get(kind, 0)]
    return f"{total} bloco{'s' if total != 1 else ''}: " + ", ".join(parts)


def _last_run(results: Sequence[ExampleResult]) -> str | None:
    """When the page's examples last really ran (a cached result keeps its own time)."""
    moments = [r.ran_at for r in results if r.ran_at]
    if not moments:
        return None
    moment = _dt.datetime.fromtimestamp(max(moments), _dt.timezone.utc).replace(microsecond=0)
    return moment.isoformat()


def output_inserts(results: Mapping[int, ExampleResult]) -> dict[int, str]:
    """Markdown to place under each block, keyed by the block's fence line."""
    inserts: dict[int, str] = {}
    for line, result in results.items():
        example = result.example
        if not example.run:
            continue
        if result.status == "unavailable":
            inserts[line] = _block("Não executado", "não executado: Node.js ausente neste build", "skipped")
            continue
        if example.expected_output is not None and result.status == "passed":
            continue  # the author's own ```output fence is shown, and it matched
        text = result.stdout
        title = "Saída"
        if example.expect is not None and result.status == "passed":
            title = "Saída (erro esperado)"
            text = _join(text, _last_lines(result.traceback or result.stderr, 6))
        elif result.status == "not-run":
            title, text = "Não executado", "não executado: um bloco anterior da sessão falhou"
        elif result.status != "passed":
            title = "Saída (falhou)"
            text = _join(text, _last_lines(result.traceback or result.stderr, 12))
        if not text.strip() and result.status == "passed":
            continue  # nothing printed: no empty box under the code
        inserts[line] = _block(title, text, result.status)
    return inserts


def exercise_inserts(verdicts: Sequence[ExerciseVerdict]) -> dict[int, str]:
    """Markdown under the tests of each exercise: what this build checked of it."""
    inserts: dict[int, str] = {}
    for verdict in verdicts:
        if verdict.verified:
            starter = " e falham com o código inicial" if verdict.starter_checked else ""
            inserts[verdict.tests_line] = (
                '!!! success "Verificado neste build"\n'
                f"    Estes testes passam com a solução de referência{starter}. "
                "Complete o código até eles passarem com o seu.")
        else:
            inserts[verdict.tests_line] = (
                '!!! failure "Exercício com problema neste build"\n'
                "    A verificação deste exercício falhou; os autores foram avisados no relatório do build.")
    return inserts


def _block(title: str, text: str, status: str) -> str:
    text = printable(text)  # hostile output: no line break the Markdown would see and the rewrite would not
    fence = fence_marker(text)
    body = text if text.endswith("\n") else text + "\n"
    return f'{fence} {{ .text .themelion-output .themelion-output--{status} title="{title}" }}\n{body}{fence}'



def _last_lines(text: str, count: int) -> str:
    lines = [line for line in (text or "").rstrip("\n").split("\n") if line]
    return "\n".join(lines[-count:])


def _join(first: str, second: str) -> str:
    first = first.rstrip("\n")
    return f"{first}\n{second}" if first and second else first or second
