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


@dataclass(frozen=True)
class SourceMap:
    """Where the blocks of one unit live: ``content_lines[N]`` is line 1 of block N."""

    path: str
    content_lines: tuple[int, ...]

    def page_line(self, block: int, line: int) -> int | None:
        if 0 <= block < len(self.content_lines):
            return self.content_lines[block] + line - 1
        return None


def map_text(text: str, source: SourceMap) -> str:
    """Rewrite sandbox names in a traceback, stderr or stdout."""

    def frame(match: re.Match[str]) -> str:
        line = source.page_line(int(match[1]), int(match[2]))
        return f'File "{source.path}", line {line}' if line is not None else match[0]

    def colon(match: re.Match[str]) -> str:
        line = source.page_line(int(match[1]), int(match[2]))
        return f"{source.path}:{line}" if line is not None else match[0]

    text = _PY_FRAME.sub(frame, text)
    text = _COLON_LINE.sub(colon, text)
    return _BARE.sub(source.path, text)


def failing_line(traceback: str, language: str, source: SourceMap) -> int | None:
    """The page line of the innermost frame that belongs to the page."""
    if language == "javascript" or "Fatal Python error" in traceback:
        # a JS stack and a faulthandler dump list the innermost frame first
        matches = list(_COLON_LINE.finditer(traceback) if language == "javascript" else _PY_FRAME.finditer(traceback))[:1]
    else:
        matches = list(_PY_FRAME.finditer(traceback))[-1:]  # a Python traceback ends innermost
    for match in matches:
        return source.page_line(int(match[1]), int(match[2]))
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
