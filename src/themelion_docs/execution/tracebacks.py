"""From sandbox names (``<themelion:N>``, block-relative lines) to the lesson.

Inside the sandbox block N of a unit is compiled as ``<themelion:N>`` with its
own line numbers. Here those references become the Markdown path and the
page's line numbers, for the block itself and for functions defined by earlier
blocks of the same session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PY_FRAME = re.compile(r'File "<themelion:(\d+)>", line (\d+)')
_COLON_LINE = re.compile(r"<themelion:(\d+)>:(\d+)")
_BARE = re.compile(r"<themelion:(\d+)>")

TRACEBACK_LINES = 30


# A block or line number wider than this is not one the runner wrote (the
# text comes from the block itself and may be forged): int() of thousands of
# digits raises, and such a number is never a line of a page anyway.
_MAX_DIGITS = 9


@dataclass(frozen=True)
class SourceMap:
    """Where the blocks of one unit live: ``content_lines[N]`` is line 1 of block N.

    ``line_counts[N]``, when known, is how many lines block N has: a frame
    pointing past the end of its block (a forged traceback line) maps to no
    line of the page.
    """

    path: str
    content_lines: tuple[int, ...]
    line_counts: tuple[int, ...] = ()

    def page_line(self, block: int | str, line: int | str) -> int | None:
        block, line = _number(block), _number(line)
        if block is None or line is None or not 0 <= block < len(self.content_lines) or line < 1:
            return None
        if block < len(self.line_counts) and line > self.line_counts[block]:
            return None
        return self.content_lines[block] + line - 1


def _number(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if value.isascii() and value.isdigit() and len(value) <= _MAX_DIGITS else None


# What a frame that names no line of the page becomes (a forged or impossible
# ``<themelion:N>`` reference): never the page's path with a made-up line.
OUTSIDE = "<fora da página>"


def map_text(text: str, source: SourceMap) -> str:
    """Rewrite sandbox names in a traceback, stderr or stdout."""

    def frame(match: re.Match[str]) -> str:
        line = source.page_line(match[1], match[2])
        return f'File "{source.path}", line {line}' if line is not None else f'File "{OUTSIDE}"'

    def colon(match: re.Match[str]) -> str:
        line = source.page_line(match[1], match[2])
        return f"{source.path}:{line}" if line is not None else OUTSIDE

    text = _PY_FRAME.sub(frame, text)
    text = _COLON_LINE.sub(colon, text)
    return _BARE.sub(source.path, text)


def failing_line(traceback: str, language: str, source: SourceMap) -> int | None:
    """The page line of the innermost frame that belongs to the page."""
    if language == "javascript" or "Fatal Python error" in traceback:
        # a JS stack and a faulthandler dump list the innermost frame first
        matches = list(_COLON_LINE.finditer(traceback) if language == "javascript" else _PY_FRAME.finditer(traceback))
    else:
        matches = list(_PY_FRAME.finditer(traceback))[::-1]  # a Python traceback ends innermost
    for match in matches:
        # A frame naming no line of the page (forged in an exception message) is skipped.
        line = source.page_line(match[1], match[2])
        if line is not None:
            return line
    return None


def trim(text: str, max_lines: int = TRACEBACK_LINES) -> str:
    """Keep the end of a long traceback: that is where the error is."""
    lines = text.rstrip("\n").split("\n")
    if len(lines) <= max_lines:
        return "\n".join(lines)
    return "\n".join([lines[0], f"  [... {len(lines) - max_lines} linhas omitidas]"] + lines[-(max_lines - 1):])



RUNNER_FILES = ("sandbox_child.py", "worker_child.py", "node_runner.js")


def without_runner_frames(text: str) -> str:
    """Drop the lines of a crash dump that point into the runner itself."""
    return "\n".join(line for line in text.split("\n") if not any(name in line for name in RUNNER_FILES))
