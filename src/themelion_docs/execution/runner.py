"""run_examples: plan units, use the cache, run the rest in parallel, judge.

Results come back in the order of the input, whatever the scheduling; only
durations vary between runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Sequence

from themelion_docs.findings import Finding
from themelion_docs.recent import Recent

from .cache import load_outcome, store_outcome
from .catalog import make_finding
from .dependencies import preload_candidates
from .examples import Example, dependency_index, unit_of
from .forkserver import ForkServer
from .interpreters import find_node, python_version
from .isolation import Isolation, detect_isolation
from .judge import Status, Verdict, judge
from .outcome import DETERMINISTIC_KINDS, Outcome
from .settings import RunnerSettings
from .tracebacks import SourceMap
from .unit import BlockJob, run_unit

Progress = Callable[[int, int, int], None]
"""progress(done, total, failures): called as examples finish."""


@dataclass(frozen=True)
class ExampleResult:
    example: Example
    status: Status
    stdout: str = ""
    stderr: str = ""
    traceback: str = ""
    """Traceback of the failure, with the Markdown path and lines."""
    exit_code: int | None = None
    """Exit status of the block; negative when a signal ended it; None when it did not end by itself."""
    duration: float = 0.0
    truncated: bool = False
    cached: bool = False
    findings: tuple[Finding, ...] = ()
    ran_at: float = 0.0
    """When the block really ran (Unix time), also for a result served from the cache; 0 if unknown."""


@dataclass(frozen=True)
class RunReport:
    results: list[ExampleResult]
    network_isolated: bool
    python_version: str
    node_available: bool
    cache_hits: int = 0
    cache_misses: int = 0
    findings: list[Finding] = field(default_factory=list)
    sandbox: str = ""
    """How the blocks were isolated on this machine, for the report."""


@dataclass(frozen=True)
class _Unit:
    positions: tuple[int, ...]
    """Indexes into the examples list, in run order."""
    source: SourceMap


def run_examples(
    examples: Sequence[Example], settings: RunnerSettings, progress: Progress | None = None
) -> RunReport:
    node = find_node(settings.node)
    results: list[ExampleResult | None] = [None] * len(examples)
    counter = _Counter(len(examples), progress)

    without_node = [p for p, e in enumerate(examples) if e.run and e.language == "javascript" and node is None]
    for position, example in enumerate(examples):
        if not example.run:
            results[position] = ExampleResult(example, "not-run")
        elif position in without_node:
            # One warning per build, on the first such block, counting the others: every
            # block still says "não executado" on its page, but the report is not a wall.
            warning = make_finding("E020", example.path, example.line,
                                   others=_others(len(without_node) - 1)) if position == without_node[0] else None
            results[position] = ExampleResult(example, "unavailable", findings=(warning,) if warning else ())

    units = _plan_units(examples, results)
    pending: list[_Unit] = []
    hits = misses = 0
    for unit in units:
        cached = _cached_outcomes(examples, unit, settings)
        if cached is None:
            pending.append(unit)
            misses += len(unit.positions)
            continue
        hits += len(unit.positions)
        _record(examples, unit, cached, settings, results, cached=True)
    counter.advance(results)

    # Detection forks probe processes: only pay for it when something runs. A run
    # served wholly from the cache reports the isolation its results were made under.
    isolation = _isolation(settings, node, detect=bool(pending))
    if pending:
        server_settings = _with_package_preload(settings, examples, pending)
        with ForkServer(server_settings, node) as server, ThreadPoolExecutor(max_workers=settings.jobs) as pool:
            futures: dict[Future, _Unit] = {
                pool.submit(_run_unit, server, isolation, examples, unit, settings): unit for unit in pending
            }
            remaining = set(futures)
            while remaining:
                done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for future in done:
                    unit = futures[future]
                    finished = time.time()
                    outcomes = [replace(outcome, ran_at=finished) for outcome in future.result()]
                    _store(examples, unit, outcomes, settings)
                    _record(examples, unit, outcomes, settings, results, cached=False)
                counter.advance(results)

    final = [r for r in results if r is not None]
    assert len(final) == len(examples)
    return RunReport(
        results=final,
        network_isolated=isolation.network,
        python_version=python_version(settings.python).split()[0],
        node_available=node is not None,
        cache_hits=hits,
        cache_misses=misses,
        findings=[f for result in final for f in result.findings],
        sandbox=isolation.describe(),
    )


def _with_package_preload(settings: RunnerSettings, examples: Sequence[Example], pending: list["_Unit"]
                          ) -> RunnerSettings:
    if not settings.preload_packages:
        return settings
    blocks = [examples[p].code for unit in pending for p in unit.positions if examples[p].language == "python"]
    if not any(set(examples[p].imports) - set(sys.stdlib_module_names) for unit in pending for p in unit.positions):
        return settings
    index = dependency_index(settings)
    extra = preload_candidates(index, blocks, never=settings.never_preload)
    return replace(settings, preload=settings.preload + extra) if extra else settings


_ISOLATION_RECORD = "isolation.record"  # not *.json: prune_cache keeps it


def _isolation(settings: RunnerSettings, node: str | None, detect: bool) -> Isolation:
    record = settings.cache_dir / _ISOLATION_RECORD if settings.cache_dir is not None else None
    wanted = {"python": os.path.realpath(settings.python), "namespaces": settings.namespaces,
              "network": settings.network}
    if not detect and record is not None:
        try:
            saved = json.loads(record.read_text(encoding="utf-8"))
            if saved.get("for") == wanted:
                return Isolation(**saved["isolation"])
        except (OSError, ValueError, TypeError, KeyError):
            pass  # no usable record: detect below
    isolation = detect_isolation(settings.python, settings.namespaces, settings.network, (node,) if node else ())
    if record is not None:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            temporary = record.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"for": wanted, "isolation": asdict(isolation)}), encoding="utf-8")
            os.replace(temporary, record)
        except OSError:
            pass  # the record only saves a probe next time
    return isolation


def _others(count: int) -> str:
    if count == 0:
        return ""
    return f" (e mais {count} bloco{'s' if count > 1 else ''} javascript neste build)"


def _plan_units(examples: Sequence[Example], results: list[ExampleResult | None]) -> list[_Unit]:
    grouped: dict[object, list[int]] = {}
    for position, example in enumerate(examples):
        if results[position] is None:
            grouped.setdefault(unit_of(example) or ("single", position), []).append(position)
    return [
        _Unit(tuple(positions), SourceMap(examples[positions[0]].path,
                                          tuple(examples[p].content_line for p in positions),
                                          tuple(examples[p].code.count("\n") + 1 for p in positions)))
        for positions in grouped.values()
    ]


def _run_unit(server: ForkServer, isolation: Isolation, examples: Sequence[Example], unit: _Unit,
              settings: RunnerSettings) -> list[Outcome]:
    jobs = [
        BlockJob(
            index=index,
            language=examples[position].language,
            code=examples[position].code,
            timeout=examples[position].timeout,
            last=index == len(unit.positions) - 1,
            stops_unit_on_failure=examples[position].expect is None,
            processes=examples[position].processes,
        )
        for index, position in enumerate(unit.positions)
    ]
    try:
        return run_unit(server, isolation, jobs, settings).outcomes
    except Exception as exc:  # noqa: BLE001 - one unit's trouble must not stop the build
        return [Outcome("infra-error", problem=f"{type(exc).__name__}: {exc}") for _ in jobs]


def _cached_outcomes(examples: Sequence[Example], unit: _Unit, settings: RunnerSettings) -> list[Outcome] | None:
    if settings.cache_dir is None or settings.refresh:
        return None
    outcomes = []
    for position in unit.positions:
        outcome = load_outcome(settings.cache_dir, examples[position].key)
        if outcome is None:
            return None  # a session reruns as a whole: its blocks share state
        outcomes.append(outcome)
    return outcomes


def _store(examples: Sequence[Example], unit: _Unit, outcomes: list[Outcome], settings: RunnerSettings) -> None:
    if settings.cache_dir is None:
        return
    for position, outcome in zip(unit.positions, outcomes):
        if _cacheable(outcome, outcomes):
            try:
                store_outcome(settings.cache_dir, examples[position].key, outcome)
            except (OSError, ValueError):
                pass  # a read-only or full cache directory only costs a rerun


def _cacheable(outcome: Outcome, unit_outcomes: list[Outcome]) -> bool:
    if outcome.kind == "interrupted":
        cause = outcome.interrupted_by
        return cause is not None and unit_outcomes[cause].kind in DETERMINISTIC_KINDS
    return outcome.kind in DETERMINISTIC_KINDS and not outcome.problem


# judge is pure: a rebuild of `mkdocs serve` that finds the same outcome for the same block looks
# its verdict up (every part of the key is a frozen value).
VERDICTS: Recent[Verdict] = Recent(limit=20_000)


def _record(examples: Sequence[Example], unit: _Unit, outcomes: list[Outcome], settings: RunnerSettings,
            results: list[ExampleResult | None], cached: bool) -> None:
    for position, outcome in zip(unit.positions, outcomes):
        example = examples[position]
        interrupted_line = None
        if outcome.interrupted_by is not None and outcome.interrupted_by < len(unit.positions):
            interrupted_line = examples[unit.positions[outcome.interrupted_by]].line
        verdict = VERDICTS.get((example, outcome, unit.source, settings, interrupted_line),
                               lambda: judge(example, outcome, unit.source, settings, interrupted_line))
        results[position] = ExampleResult(
            example=example,
            status=verdict.status,
            stdout=verdict.stdout,
            stderr=verdict.stderr,
            traceback=verdict.traceback,
            exit_code=outcome.exit_code,
            duration=outcome.duration,
            truncated=bool(outcome.stdout_cut or outcome.stderr_cut),
            cached=cached,
            ran_at=outcome.ran_at,
            findings=verdict.findings,
        )


class _Counter:
    """Reports progress from the calling thread only."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.progress = progress
        self.reported = -1

    def advance(self, results: Sequence[ExampleResult | None]) -> None:
        if self.progress is None:
            return
        done = sum(r is not None for r in results)
        if done == self.reported:
            return
        self.reported = done
        failures = sum(r is not None and r.status in ("failed", "timeout") for r in results)
        self.progress(done, self.total, failures)
