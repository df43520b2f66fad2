"""``themelion check --accept``: the real output into the ``output`` fence of the
blocks whose output diverged (E011), and nothing else.

Pure: the page's bytes, its parsed lesson and the example results in, the new
bytes and what was (or was not) changed out. Only the lines between the output
fence's opening and closing lines change; every other byte of the file (front
matter, other blocks, line endings, a BOM) stays as it was. A block is touched
only when E011 is its only finding: a block that failed, timed out or was not
run keeps its fence.

Lines of the old fence that still match the real output (``id: ...`` against
``id: 3f2b``) are kept where they are, so the author's ellipses survive; when
the result would not match the real output, the fence gets the output as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from themelion_docs.execution import ExampleResult
from themelion_docs.execution.output_match import ELLIPSIS, line_matches, normalized_lines, output_diff, output_matches
from themelion_docs.lesson import Lesson

ACCEPTED_CODE = "E011"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # the parser's idea of a line (normalize_newlines)


@dataclass(frozen=True)
class Accepted:
    block_line: int  # the python/javascript fence
    output_line: int  # the output fence whose content changed
    diff: str  # esperado -> novo


@dataclass(frozen=True)
class Refused:
    block_line: int
    reason: str


def acceptable(result: ExampleResult) -> bool:
    """E011 and nothing else: the block ran as its options say, only the printed text differs."""
    codes = {f.code for f in result.findings}
    return codes == {ACCEPTED_CODE} and result.example.expected_output_line is not None \
        and not result.truncated


def merged_output(expected: str, actual: str) -> str:
    """The real output, keeping the old lines that still match the line in the same place."""
    old, new = normalized_lines(expected), normalized_lines(actual)
    merged = [o if i < len(old) and o != ELLIPSIS and line_matches(o, n) else n
              for i, (o, n) in enumerate(zip(old + [""] * len(new), new))]
    text = "\n".join(merged)
    return text if output_matches(text, actual) else "\n".join(new)


def accept_outputs(data: bytes, lesson: Lesson, results: Mapping[int, ExampleResult]
                   ) -> tuple[bytes, list[Accepted], list[Refused]]:
    """``results``: fence line -> result, for this page. Returns the new bytes (``data`` when nothing changed)."""
    text = data.decode("utf-8")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _LINE.findall(text[len(bom):])
    fences = {f.line: f for f in lesson.fences}
    accepted: list[Accepted] = []
    refused: list[Refused] = []
    replacements: dict[int, tuple[int, list[str]]] = {}  # first content line -> (end line, new lines)
    for line, result in sorted(results.items()):
        if not acceptable(result):
            continue
        fence = fences.get(result.example.expected_output_line)
        if fence is None or not fence.closed or fence.end_line > len(lines):
            refused.append(Refused(line, "o bloco output não está fechado"))
            continue
        opening = lines[fence.line - 1]
        ending = re.search(r"(\r\n|\r|\n)$", opening)
        newline = ending.group(1) if ending else "\n"
        marker = re.match(r"\s*(`{3,}|~{3,})", opening)
        new_text = merged_output(fence.content, result.stdout)
        if marker and any(re.match(rf"\s*{re.escape(marker.group(1)[0])}{{{len(marker.group(1))},}}\s*$", row)
                          for row in new_text.split("\n")):
            refused.append(Refused(line, "a saída tem uma linha que fecharia o bloco output"))
            continue
        if any(ch in new_text for ch in "\x00\x1b") or "\r" in new_text:
            refused.append(Refused(line, "a saída tem caracteres de controle; copie-a à mão"))
            continue
        indent = opening[: len(opening) - len(opening.lstrip(" "))]
        rows = [(indent + row if row else "") + newline for row in new_text.split("\n")] if new_text else []
        replacements[fence.line] = (fence.end_line, rows)
        accepted.append(Accepted(line, fence.line, output_diff(fence.content, new_text)))
    if not replacements:
        return data, accepted, refused
    out: list[str] = []
    number = 1
    while number <= len(lines):
        out.append(lines[number - 1])
        if number in replacements:
            end_line, rows = replacements[number]
            out.extend(rows)
            number = end_line  # the closing fence line, kept as it was
            continue
        number += 1
    return (bom + "".join(out)).encode("utf-8"), accepted, refused
