"""Rewrite a lesson's Markdown before a renderer sees it.

Works on the lesson's own lines, using the fence positions of the lesson
model: the opening line of every fence loses the options the toolchain owns
(pymdownx.superfences drops a whole fence whose info string carries an
unknown ``key="value"``), and blocks get their real output inserted after
them. The reference solution of a practice exercise (``part="solution"``) is
left out: the build runs it, the learner does not see it. Renderer-neutral:
the result is plain Markdown with Material's fence options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from themelion_docs.fences import RENDERER_OPTIONS, quotable, render_info
from themelion_docs.lesson import Fence, Lesson
from themelion_docs.safe_text import printable


# Options a custom fence of the site understands (```diagram alt="..." gives the
# figure its own text alternative); kept only for that language.
EXTRA_RENDERER_OPTIONS = {"diagram": frozenset({"alt"})}


@dataclass(frozen=True)
class Insert:
    """Markdown to put right after the fence that closes at ``after_line``."""

    after_line: int
    markdown: str


def rewrite(lesson: Lesson, inserts: Mapping[int, str] | None = None) -> str:
    """The whole file (front matter included) with fences cleaned.

    ``inserts`` maps a fence's opening line to Markdown placed after its
    closing line, indented like the fence.
    """
    lines = lesson.text.split("\n")
    inserts = inserts or {}
    by_end: dict[int, list[str]] = {}
    hidden: set[int] = set()
    for fence in lesson.fences:
        if not fence.closed:
            continue
        if is_hidden(fence):
            hidden.update(range(fence.line, fence.end_line + 1))
            continue
        index = fence.line - 1
        if 0 <= index < len(lines):
            lines[index] = clean_opening(lines[index], fence)
        extra = inserts.get(fence.line)
        if extra and 0 < fence.end_line <= len(lines):
            prefix = container_prefix(lines[fence.end_line - 1])
            by_end.setdefault(fence.end_line, []).append(_indented(printable(extra), prefix))
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in hidden:
            continue
        out.append(line)
        for block in by_end.get(number, ()):
            blank = container_prefix(line).rstrip()
            out.extend([blank, block, blank])
    return "\n".join(out)


def is_hidden(fence: Fence) -> bool:
    """A fence the learner never sees: the reference solution of an exercise."""
    options = fence.info.options
    return "exercise" in options and options.get("part") == "solution"


_MARKER = re.compile(r"`{3,}|~{3,}")


def container_prefix(line: str) -> str:
    """What comes before the fence marker on a fence line: the containers' indentation.

    Spaces for admonitions, tabs and list items, ``> `` for block quotes (and
    any mix, e.g. ``  > `` for a quote inside a list item). The closing line
    of a fence carries exactly the prefix every line of its container needs.
    """
    match = _MARKER.search(line)
    return line[: match.start()] if match else line[: len(line) - len(line.lstrip(" "))]


def _indented(text: str, prefix: str) -> str:
    """Every line of ``text`` inside the container: blank lines keep a quote's ``>``."""
    blank = prefix.rstrip()
    return "\n".join(prefix + line if line else blank for line in text.rstrip("\n").split("\n"))


def clean_opening(line: str, fence: Fence) -> str:
    if not fence.info.options and not fence.info.errors:
        return line
    match = _MARKER.search(line)
    if match is None:
        return line
    keep = RENDERER_OPTIONS | EXTRA_RENDERER_OPTIONS.get(fence.language, frozenset())
    kept = {k: v for k, v in fence.info.options.items() if k in keep and quotable(v)}
    return f"{line[: match.end()]}{render_info(fence.language or 'text', kept, keep)}"
