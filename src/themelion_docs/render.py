"""Rewrite a lesson's Markdown before a renderer sees it.

Works on the lesson's own lines, using the fence positions of the lesson
model: the opening line of every fence loses the options the toolchain owns
(pymdownx.superfences drops a whole fence whose info string carries an
unknown ``key="value"``), and blocks get their real output inserted after
them. Renderer-neutral: the result is plain Markdown with Material's fence
options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from themelion_docs.fences import RENDERER_OPTIONS, render_info
from themelion_docs.lesson import Fence, Lesson


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
    for fence in lesson.fences:
        if not fence.closed:
            continue
        index = fence.line - 1
        if 0 <= index < len(lines):
            lines[index] = clean_opening(lines[index], fence)
        extra = inserts.get(fence.line)
        if extra:
            pad = " " * fence.indent
            block = "\n".join(pad + line if line else line for line in extra.rstrip("\n").split("\n"))
            by_end.setdefault(fence.end_line, []).append(block)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        for block in by_end.get(number, ()):
            out.extend(["", block, ""])
    return "\n".join(out)


def clean_opening(line: str, fence: Fence) -> str:
    if not fence.info.options and not fence.info.errors:
        return line
    stripped = line.lstrip(" ")
    indent = line[: len(line) - len(stripped)]
    marker_char = stripped[:1]
    marker = stripped[: len(stripped) - len(stripped.lstrip(marker_char))]
    keep = RENDERER_OPTIONS | EXTRA_RENDERER_OPTIONS.get(fence.language, frozenset())
    kept = {k: v for k, v in fence.info.options.items() if k in keep}
    return f"{indent}{marker}{render_info(fence.language or 'text', kept, keep)}"
