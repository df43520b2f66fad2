"""Examples: the runnable fences of a page, with their options and expected output."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, replace
from typing import Protocol, Sequence

from themelion_docs.fences import FenceInfo
from themelion_docs.findings import Finding

from .catalog import make_finding
from .dependencies import DependencyIndex, build_index, imports_of, read_environment
from .interpreters import find_node, node_version, python_version
from .exercises import ExerciseFence, exercise_drafts
from .options import OUTPUT_LANGUAGE, RUNNABLE_LANGUAGES, read_options
from .settings import RunnerSettings

RUNNER_VERSION = "2"  # 2: units run with no capability (/root masked); results made before rerun
"""Bump when a change of the runner changes results: it invalidates every cached result."""


class FenceLike(Protocol):
    """What the runner needs from a fence of the lesson model."""

    line: int
    end_line: int
    content_line: int
    language: str
    info: FenceInfo
    content: str
    follows_fence: bool


@dataclass(frozen=True)
class Example:
    """One runnable block of a page, ready for the runner."""

    path: str
    line: int
    """Line of the opening fence."""
    content_line: int
    """Line of the first line of code: line 1 of the block is this line of the page."""
    language: str
    """Runtime: ``python`` or ``javascript``."""
    code: str
    session: str | None
    expect: str | None
    timeout: float
    run: bool
    reason: str | None
    expected_output: str | None
    expected_output_line: int | None
    key: str = ""
    """Cache key: what the result depends on, and nothing else (no path, no line)."""
    last_in_unit: bool = True
    """Last block run by its interpreter: threads are joined and atexit runs after it."""
    imports: tuple[str, ...] = ()
    """Top-level modules the block imports (Python), for the cache key."""
    processes: int | None = None
    """Processes and threads its unit may hold (``processes``); None: the configured default."""
    exercise: str | None = None
    """Id of the practice exercise this run belongs to; None for a lesson's own block."""
    part: str | None = None
    """The exercise part this block is (``starter``, ``tests``, ``solution``)."""
    check: str | None = None
    """Which check of the exercise runs it: ``reference`` (solution + tests must pass) or
    ``starter`` (starter + tests must fail)."""


def build_examples(
    path: str, fences: Sequence[FenceLike], settings: RunnerSettings
) -> tuple[list[Example], list[Finding]]:
    """The examples of one page and the findings about their options."""
    findings: list[Finding] = []
    drafts: list[Example] = []
    drafted_at: dict[int, int] = {}  # fence index -> draft index
    session_runtime: dict[str, tuple[str, int]] = {}  # session -> (runtime, line of its first block)
    exercise_fences: list[ExerciseFence] = []
    for index, fence in enumerate(fences):
        language = fence.language.lower()
        if language == OUTPUT_LANGUAGE:
            previous = index - 1
            if fence.follows_fence and previous in drafted_at:
                position = drafted_at[previous]
                drafts[position] = replace(
                    drafts[position], expected_output=fence.content, expected_output_line=fence.line
                )
            else:
                findings.append(make_finding("E004", path, fence.line))
            continue
        runtime = RUNNABLE_LANGUAGES.get(language)
        if runtime is None:
            continue
        options, problems = read_options(
            fence.info, runtime, path, fence.line,
            default_timeout=settings.default_timeout, max_timeout=settings.max_timeout,
            default_processes=settings.max_processes, processes_ceiling=settings.processes_ceiling,
        )
        findings.extend(problems)
        if "exercise" in fence.info.options:
            # Parts of an exercise never run as they stand: exercises.py puts them together.
            exercise_fences.append(ExerciseFence(fence, runtime, options))
            continue
        run, reason = options.run, options.reason
        if options.session is not None and options.valid:
            first = session_runtime.setdefault(options.session, (runtime, fence.line))
            if first[0] != runtime:
                findings.append(make_finding("E007", path, fence.line, session=options.session,
                                             language=runtime, first=first[0], first_line=first[1]))
                run, reason = False, "sessão com blocos de outra linguagem"
        if not options.valid:
            run, reason = False, reason or "opções inválidas no bloco"
        drafted_at[index] = len(drafts)
        drafts.append(
            Example(
                path=path,
                line=fence.line,
                content_line=fence.content_line,
                language=runtime,
                code=fence.content,
                session=options.session,
                expect=options.expect,
                timeout=options.timeout,
                processes=options.processes,
                run=run,
                reason=reason,
                expected_output=None,
                expected_output_line=None,
            )
        )
    exercises, exercise_findings = exercise_drafts(path, exercise_fences, Example)
    drafts.extend(exercises)
    findings.extend(exercise_findings)
    drafts, import_findings = _check_imports(path, drafts, fences, settings)
    findings.extend(import_findings)
    # The tests of an exercise run twice (against the solution and the starter): one finding each.
    unique = list({(f.line, f.code, f.message): f for f in findings}.values())
    return _with_keys(drafts, settings), unique


def _check_imports(path: str, drafts: list[Example], fences: Sequence[FenceLike], settings: RunnerSettings
                   ) -> tuple[list[Example], list[Finding]]:
    """Each Python block's imports against the declared dependencies, before anything runs."""
    findings: list[Finding] = []
    checked = list(drafts)
    index: DependencyIndex | None = None
    page_code = "\n".join(f.content for f in fences)
    for position, example in enumerate(drafts):
        if example.language != "python":
            continue
        refs = imports_of(example.code)
        modules = tuple(dict.fromkeys(ref.module for ref in refs))
        problems: list[Finding] = []
        if settings.check_imports and example.run:
            for ref in refs:
                if ref.guarded or ref.module in _STDLIB:
                    continue
                if index is None:
                    index = dependency_index(settings)
                kind, providers = index.classify(ref.module)
                line = example.content_line + ref.line - 1
                if kind == "missing":
                    problems.append(make_finding("E025", path, line, module=ref.module, package=providers[0],
                                                 install=settings.declared.install or _pip(providers[0])))
                elif kind == "undeclared" or (kind == "unknown" and f"{ref.module}.py" not in page_code):
                    package = providers[0] if providers else ref.module
                    problems.append(make_finding(
                        "E024", path, line, module=ref.module,
                        origin=f"do pacote {package}" if providers else "que não está instalado nem é da biblioteca padrão",
                        where=settings.declared.where or _WHERE, package=package))
        if problems:
            findings.extend(problems)
            checked[position] = replace(example, imports=modules, run=False,
                                        reason="importa o que não está declarado ou instalado")
        else:
            checked[position] = replace(example, imports=modules)
    return checked, findings


# The builder's own stdlib names: a fast path that keeps stdlib-only pages from
# reading the environment at all (the index still decides for everything else).
_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}

_WHERE = "o grupo examples de [project.optional-dependencies] no pyproject.toml do projeto"


def _pip(package: str) -> str:
    return f"python -m pip install {package}"


def dependency_index(settings: RunnerSettings) -> DependencyIndex:
    return build_index(settings.declared, read_environment(settings.python, settings.cache_dir))


def unit_of(example: Example) -> tuple[str, str] | None:
    """Examples with the same unit share one interpreter (a session of a page)."""
    return (example.path, example.session) if example.session is not None else None


def _with_keys(drafts: list[Example], settings: RunnerSettings) -> list[Example]:
    runnable_by_unit: dict[object, list[int]] = {}
    for position, example in enumerate(drafts):
        if example.run:
            unit = unit_of(example) or ("single", position)
            runnable_by_unit.setdefault(unit, []).append(position)
    keyed = list(drafts)
    index = dependency_index(settings) if any(set(e.imports) - _STDLIB for e in drafts) else None
    for positions in runnable_by_unit.values():
        prefix: list[str] = []
        modules: list[str] = []
        for order, position in enumerate(positions):
            example = drafts[position]
            last = order == len(positions) - 1
            modules.extend(example.imports)  # a session block also depends on what earlier blocks imported
            packages = index.versions_for(modules) if index is not None else {}
            keyed[position] = replace(example, last_in_unit=last,
                                      key=example_key(example, prefix, last, settings, packages))
            prefix.append(example.code)
    for position, example in enumerate(keyed):
        if not example.key:
            keyed[position] = replace(example, key=example_key(example, [], True, settings))
    return keyed


def example_key(example: Example, prefix: Sequence[str], last: bool, settings: RunnerSettings,
                packages: dict[str, str] | None = None) -> str:
    if example.language == "javascript":
        interpreter = node_version(find_node(settings.node))
    else:
        interpreter = python_version(settings.python)
    payload = {
        "runner": RUNNER_VERSION,
        "interpreter": interpreter,
        "language": example.language,
        "code": example.code,
        "prefix": list(prefix),
        "options": {
            "session": example.session is not None,
            "last": last,
            "expect": example.expect,
            "timeout": example.timeout,
            "processes": example.processes,
            "run": example.run,
        },
        "limits": {
            "memory_mb": settings.memory_mb,
            "output_limit_bytes": settings.output_limit_bytes,
            "output_kill_factor": settings.output_kill_factor,
            "max_file_mb": settings.max_file_mb,
            "max_processes": settings.max_processes,
            "disk_mb": settings.disk_mb,
            "max_files": settings.max_files,
            "network": settings.network,
            "namespaces": settings.namespaces,
        },
    }
    if packages:  # only blocks that import third-party packages depend on their versions
        payload["packages"] = packages
    if example.language == "javascript":  # unit.V8_ADDRESS_RESERVE: results made without it differ
        payload["limits"]["v8_address_reserve_mb"] = 4096
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
