"""Examples: the runnable fences of a page, with their options and expected output."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Protocol, Sequence

from themelion_docs.fences import FenceInfo
from themelion_docs.findings import Finding

from .catalog import make_finding
from .interpreters import find_node, node_version, python_version
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


def build_examples(
    path: str, fences: Sequence[FenceLike], settings: RunnerSettings
) -> tuple[list[Example], list[Finding]]:
    """The examples of one page and the findings about their options."""
    findings: list[Finding] = []
    drafts: list[Example] = []
    drafted_at: dict[int, int] = {}  # fence index -> draft index
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
        )
        findings.extend(problems)
        run, reason = options.run, options.reason
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
                run=run,
                reason=reason,
                expected_output=None,
                expected_output_line=None,
            )
        )
    return _with_keys(drafts, settings), findings


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
    for positions in runnable_by_unit.values():
        prefix: list[str] = []
        for order, position in enumerate(positions):
            example = drafts[position]
            last = order == len(positions) - 1
            keyed[position] = replace(example, last_in_unit=last,
                                      key=example_key(example, prefix, last, settings))
            prefix.append(example.code)
    for position, example in enumerate(keyed):
        if not example.key:
            keyed[position] = replace(example, key=example_key(example, [], True, settings))
    return keyed


def example_key(example: Example, prefix: Sequence[str], last: bool, settings: RunnerSettings) -> str:
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
            "run": example.run,
        },
        "limits": {
            "memory_mb": settings.memory_mb,
            "output_limit_bytes": settings.output_limit_bytes,
            "output_kill_factor": settings.output_kill_factor,
            "max_file_mb": settings.max_file_mb,
            "max_processes": settings.max_processes,
            "network": settings.network,
            "namespaces": settings.namespaces,
        },
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
