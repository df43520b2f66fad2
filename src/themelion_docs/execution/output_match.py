"""Expected output (an ``output`` fence) against what a block printed.

Trailing whitespace of each line and trailing blank lines do not count; a line
that is exactly ``...`` stands for any number of lines, none included; inside a
line, ``...`` stands for any run of characters, none included (doctest's
ELLIPSIS): ``levou ... ms`` matches ``levou 12,3 ms``.
"""

from __future__ import annotations

import difflib

ELLIPSIS = "..."
DIFF_LINES = 40


def normalized_lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def output_matches(expected: str, actual: str) -> bool:
    pattern = normalized_lines(expected)
    text = normalized_lines(actual)
    # after[j]: pattern[i:] matches text[j:], computed from the last pattern line back.
    after = [j == len(text) for j in range(len(text) + 1)]
    for line in reversed(pattern):
        current = [False] * (len(text) + 1)
        for j in range(len(text), -1, -1):
            if line == ELLIPSIS:
                current[j] = after[j] or (j < len(text) and current[j + 1])
            else:
                current[j] = j < len(text) and after[j + 1] and line_matches(line, text[j])
        after = current
    return after[0]


def line_matches(pattern: str, line: str) -> bool:
    """One expected line against one actual line, ``...`` matching any characters."""
    if ELLIPSIS not in pattern:
        return pattern == line
    pieces = pattern.split(ELLIPSIS)
    first, last = pieces[0], pieces[-1]
    if len(first) + len(last) > len(line) or not line.startswith(first) or not line.endswith(last):
        return False
    position, end = len(first), len(line) - len(last)
    for piece in pieces[1:-1]:
        found = line.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def output_diff(expected: str, actual: str, max_lines: int = DIFF_LINES) -> str:
    """A unified diff (esperado → obtido), cut to ``max_lines`` lines."""
    lines = list(
        difflib.unified_diff(
            normalized_lines(expected), normalized_lines(actual),
            fromfile="esperado (bloco output)", tofile="obtido", lineterm="", n=2,
        )
    )
    if len(lines) > max_lines:
        hidden = len(lines) - max_lines
        lines = lines[:max_lines] + [f"[... mais {hidden} linhas de diferença omitidas]"]
    return "\n".join(lines)
