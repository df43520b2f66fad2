"""The practice exercises of ``## Pratique``: what the learner reads around the tests.

The runner checks that each exercise's tests pass with its reference solution and fail
with its starter code (E040-E043); these rules check the section has an exercise, and
that each exercise has a statement before its code and a hint.
"""

from __future__ import annotations

from typing import Iterable

from themelion_docs.findings import Finding
from themelion_docs.lesson import Fence, Lesson
from themelion_docs.rules import lesson_rule
from themelion_docs.rules.checklist import content, section_index
from themelion_docs.rules.context import Context, Page
from themelion_docs.text import fold

SECTION = "pratique"
HINT_TITLE = "dica"


def exercise_fences(lesson: Lesson) -> dict[str, list[Fence]]:
    """The fences of each exercise id, in page order."""
    found: dict[str, list[Fence]] = {}
    for fence in lesson.fences:
        exercise = fence.info.options.get("exercise", "").strip()
        if exercise:
            found.setdefault(exercise, []).append(fence)
    return found


@lesson_rule("X001", "X002", "X003", "X004")
def practice(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None:
        return
    position = section_index(lesson, context, SECTION)
    exercises = exercise_fences(lesson)
    for exercise, fences in exercises.items():
        for fence in fences:
            if fence.section != position:
                where = lesson.sections[fence.section].title if fence.section is not None else "(antes das seções)"
                yield context.finding(page, "X004", fence.line, exercise=exercise, section=where)
    if position is None:
        return  # S001 already says the section is missing
    section = lesson.sections[position]
    mine = {name: [f for f in fences if f.section == position] for name, fences in exercises.items()}
    mine = {name: fences for name, fences in mine.items() if fences}
    if not any(f.info.options.get("part") == "tests" for fences in mine.values() for f in fences):
        yield context.finding(page, "X001", section.line)
    minimum = context.params("X002")["min_words"]
    for exercise, fences in mine.items():
        first = fences[0]
        statement = [p for p in lesson.section_prose(position)
                     if p.kind != "heading" and p.subsection == first.subsection and p.line < first.line
                     and not _is_hint(p.container)]
        if sum(p.words for p in statement) < minimum:
            yield context.finding(page, "X002", first.line, exercise=exercise, min_words=minimum)
        hints = [c for c in lesson.containers
                 if c.section == position and c.subsection == first.subsection and _is_hint(c.title)]
        if not hints:
            yield context.finding(page, "X003", fences[-1].line, exercise=exercise)


def _is_hint(title: str | None) -> bool:
    return bool(title) and fold(title).strip().lower().startswith(HINT_TITLE)
