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
    highest = -1
    for position, section in enumerate(lesson.sections):
        spec = context.config.section_for(section.title)
        if spec is None:
            yield context.finding(page, "S005", section.line, title=section.title)
            continue
        if spec.key in first_seen:
            yield context.finding(page, "S002", section.line, title=spec.title, first=first_seen[spec.key])
            continue
        first_seen[spec.key] = section.line
        rank = specs.index(spec)
        if rank < highest:
            yield context.finding(page, "S004", section.line, title=spec.title, before=specs[highest].title,
                                  order=order_text)
        highest = max(highest, rank)
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
