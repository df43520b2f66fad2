"""The scaffold's own instruction text, recognised in a lesson.

``themelion new`` writes every part the author must write as
``TODO(themelion): <instruction>`` (rule L003 finds the marker). An author who
deletes only the marker keeps the instruction ("fonte primária 1, com link",
"nome do erro 1"), and that text would satisfy the checklist rules that look
for words such as RFC, OWASP or timeout. The phrases are not a second list
kept by hand: they are read from the scaffold template itself (the packaged
``data/templates/lesson.md.j2``, the same file as the project's
``templates/lesson.md.j2``): each template line holding ``{{ marker }}``
gives the instruction that follows it, up to its first parenthesis.

Pure apart from reading the packaged template once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from themelion_docs.lesson import Lesson, parse
from themelion_docs.text import fold, fold_uncached

TEMPLATE = ("data", "templates", "lesson.md.j2")
MARKER_VARIABLE = re.compile(r"\{\{\s*marker\s*\}\}")
_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_STATEMENT = re.compile(r"\{%.*?%\}")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"\{#.*?#\}", re.S)
MIN_WORDS = 3  # "fonte primária" alone is too common: keep the parenthesis then
_VALUE = "\x00"  # stands for a Jinja expression (a number, a title) inside a phrase
MIN_LETTERS = 8  # shorter leftovers ("| | |") are structure, not instructions


@dataclass(frozen=True)
class Phrase:
    text: str  # as the template writes it, "{n}" for each expression
    pattern: re.Pattern[str]  # over folded text
    words: tuple[str, ...]  # its literal words: every match holds them all (cheap substring tests first)
    on_page: re.Pattern[str]  # over a folded page: finds every line a match may be on


@dataclass(frozen=True)
class Leftover:
    line: int
    text: str  # the lesson's own words that match the phrase


def phrases_from_template(source: str) -> tuple[Phrase, ...]:
    """Every instruction that follows ``{{ marker }}`` in the template source."""
    found: dict[str, Phrase] = {}
    for raw in _COMMENT.sub("", source).split("\n"):
        match = MARKER_VARIABLE.search(raw)
        if match is None:
            continue
        rest = _STATEMENT.sub("", raw[match.end():])
        rest = _EXPRESSION.sub(_VALUE, rest)
        rest = rest.lstrip(" :").strip().strip("\"'")
        head = rest.split("(", 1)[0]
        rest = (head if len(head.split()) >= MIN_WORDS else rest).rstrip(" .,;:").strip()
        if sum(c.isalpha() for c in rest) < MIN_LETTERS:
            continue
        folded = fold(rest).split()
        words = [re.escape(w).replace(_VALUE, r"\S+") for w in folded]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")
        literal = tuple(sorted({w for w in folded if _VALUE not in w}, key=len, reverse=True))
        # the same phrase over a whole page: a match stays on one line, the boundary before it is
        # left out (the regex engine then scans for its first word; match_phrase decides)
        on_page = re.compile(r"[^\S\n]+".join(words) + r"(?!\w)")
        found.setdefault(rest, Phrase(rest.replace(_VALUE, "{n}"), pattern, literal, on_page))
    return tuple(found.values())


@lru_cache(maxsize=1)
def scaffold_phrases() -> tuple[Phrase, ...]:
    source = resources.files("themelion_docs").joinpath(*TEMPLATE).read_text(encoding="utf-8")
    return phrases_from_template(source)


@lru_cache(maxsize=1)
def _any_phrase() -> re.Pattern[str]:
    """One alternation of every phrase: a line is searched once, not once per phrase."""
    # Without each phrase's leading (?<!\w) the regex engine can scan for the first
    # word's letters (4x faster on the room); match_phrase checks that boundary itself.
    parts = [p.pattern.pattern.removeprefix(r"(?<!\w)") for p in scaffold_phrases()]
    return re.compile("|".join(f"(?:{part})" for part in parts) or r"(?!x)x")


def match_phrase(text: str, phrases: tuple[Phrase, ...] | None = None) -> str | None:
    """The part of ``text`` that is a scaffold instruction, as written there, or None."""
    folded = fold(text)
    if phrases is None:
        found = next((m for m in _any_phrase().finditer(folded)
                      if m.start() == 0 or not (folded[m.start() - 1].isalnum() or folded[m.start() - 1] == "_")),
                     None)
    else:
        found = next((m for p in phrases if (m := p.pattern.search(folded))), None)
    if not found:
        return None
    # fold keeps the length of Latin text, so the span maps back to the original
    return text[found.start():found.end()] if len(folded) == len(text) else found.group(0)


@dataclass(frozen=True)
class Scan:
    leftovers: tuple[Leftover, ...]  # instructions without the marker, anywhere (L004)
    placeholder_lines: frozenset[int]  # body lines outside code blocks to blank for the checklist


def scan(lesson: Lesson, marker: str) -> Scan:
    front_end = lesson.front_matter.end_line if lesson.front_matter.present else 0
    fences = tuple((f.line, f.end_line) for f in lesson.fences)
    return _scan(lesson.text, front_end, fences, marker)


@lru_cache(maxsize=64)
def _scan(text: str, front_end: int, fences: tuple[tuple[int, int], ...], marker: str) -> Scan:
    raws = text.split("\n")
    bares = [_INLINE_CODE.sub("", raw) if "`" in raw else raw for raw in raws]
    # Only the lines that may hold something are visited: those with the marker (none on a
    # finished page) and the candidates for an instruction.
    marked = {n for n, raw in enumerate(raws, start=1) if marker in raw} if marker in text else set()
    found: list[Leftover] = []
    lines: set[int] = set()
    for number in sorted(marked | _candidate_lines(bares)):
        raw, bare = raws[number - 1], bares[number - 1]
        body = number > front_end and not any(start <= number <= end for start, end in fences)
        if number in marked:
            if body and marker in bare:
                lines.add(number)
            continue
        hit = match_phrase(bare)
        if hit:
            found.append(Leftover(number, hit))
            if body:
                lines.add(number)
    return Scan(tuple(found), frozenset(lines))


def _candidate_lines(lines: list[str]) -> set[int]:
    """Numbers of the lines an instruction may be on, found with a few searches over the page.

    A match of ``match_phrase`` lies on one line and holds every literal word
    of its phrase: a phrase whose words are not all in the page cannot match
    (a substring test each, the longest word first), and for the others the
    phrase itself is searched over the page, line breaks excluded.
    """
    folded = fold_uncached("\n".join(lines))
    present = [phrase for phrase in scaffold_phrases() if all(word in folded for word in phrase.words)]
    if not present:
        return set()  # the common case
    breaks = [m.start() for m in _LINE_BREAK.finditer(folded)]
    candidates: set[int] = set()
    for phrase in present:
        if not phrase.words:
            return set(range(1, len(lines) + 1))  # a phrase of values only: every line
        candidates.update(bisect_right(breaks, m.start()) + 1 for m in phrase.on_page.finditer(folded))
    return candidates


_LINE_BREAK = re.compile("\n")


def leftovers(lesson: Lesson, marker: str) -> list[Leftover]:
    """Lines that hold a scaffold instruction without the marker (the marker is L003's)."""
    return list(scan(lesson, marker).leftovers)


def placeholder_lines(lesson: Lesson, marker: str) -> frozenset[int]:
    """Body lines outside code blocks that are scaffold text: the marker or an instruction."""
    return scan(lesson, marker).placeholder_lines


def is_placeholder(text: str, marker: str) -> bool:
    return marker in text or match_phrase(text) is not None


def content_lesson(lesson: Lesson, marker: str) -> Lesson:
    """The lesson as the checklist should measure it: scaffold text blanked out.

    Lines keep their numbers (a blanked line is empty), code blocks are kept;
    a lesson without scaffold text is returned as it is.
    """
    lines = placeholder_lines(lesson, marker)
    if not lines:
        return lesson
    return _reparsed(lesson.path, lesson.text, lines)


@lru_cache(maxsize=16)
def _reparsed(path: str, text: str, lines: frozenset[int]) -> Lesson:
    kept = ["" if number in lines else raw for number, raw in enumerate(text.split("\n"), start=1)]
    return parse(path, "\n".join(kept))
