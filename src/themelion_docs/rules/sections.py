"""Required sections (contract §3): presence, order, duplicates, emptiness."""

from __future__ import annotations

from typing import Iterable

from themelion_docs.findings import Finding
from themelion_docs.rules import lesson_rule
from themelion_docs.rules.context import Context, Page


@lesson_rule("S001", "S002", "S003", "S004", "S005")
def required_sections(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None or not lesson.text.strip():
        return
    specs = context.config.sections
    order_text = " → ".join(spec.title for spec in specs)
    first_seen: dict[str, int] = {}
    misplaced = _misplaced(lesson, context)
    for position, section in enumerate(lesson.sections):
        spec = context.config.section_for(section.title)
        if spec is None:
            yield context.finding(page, "S005", section.line, title=section.title)
            continue
        if spec.key in first_seen:
            yield context.finding(page, "S002", section.line, title=spec.title, first=first_seen[spec.key])
            continue
        first_seen[spec.key] = section.line
        if position in misplaced:
            yield context.finding(page, "S004", section.line, title=spec.title, where=misplaced[position],
                                  order=order_text)
        if _is_empty(lesson, position):
            yield context.finding(page, "S003", section.line, title=spec.title)
    for rank, spec in enumerate(specs):
        if spec.key not in first_seen:
            following = [first_seen[s.key] for s in specs[rank + 1:] if s.key in first_seen]
            line = min(following) if following else lesson.line_count
            yield context.finding(page, "S001", line, title=spec.title, order=order_text)


def _is_empty(lesson, position: int) -> bool:
    has_prose = any(p.kind != "heading" for p in lesson.section_prose(position))
    return not (has_prose or lesson.section_fences(position) or any(t.section == position for t in lesson.tables))


def _misplaced(lesson, context: Context) -> dict[int, str]:
    """Sections outside the longest run already in contract order, with where each belongs.

    Moving one section far away then yields one finding, not one per section it jumped over.
    """
    specs = context.config.sections
    firsts: list[tuple[int, int]] = []  # (position in the page, rank in the contract)
    seen: set[str] = set()
    for position, section in enumerate(lesson.sections):
        spec = context.config.section_for(section.title)
        if spec is not None and spec.key not in seen:
            seen.add(spec.key)
            firsts.append((position, specs.index(spec)))
    keep = _longest_increasing([rank for _, rank in firsts])
    in_order = [firsts[i] for i in sorted(keep)]
    result: dict[int, str] = {}
    for index, (position, rank) in enumerate(firsts):
        if index in keep:
            continue
        later = [r for _, r in in_order if r > rank]
        if later:
            result[position] = f"antes de `## {specs[min(later)].title}`"
        else:
            result[position] = f"depois de `## {specs[max(r for _, r in in_order)].title}`"
    return result


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (n is at most a few dozen)."""
    best: list[list[int]] = []
    for i, value in enumerate(values):
        candidates = [best[j] for j in range(i) if values[j] < value]
        best.append(max(candidates, key=len, default=[]) + [i])
    return set(max(best, key=len, default=[]))
