"""Portuguese prose on the site (family ``prosa``, codes ``L``).

L001 admonitions without a title (Material would show its English default),
L002 variants the room's glossary discourages, L003 placeholders left by
``themelion new``. Texts and thresholds are in data/rules.d/prosa.yaml, the
glossary in data/glossary.yaml.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import yaml

from themelion_docs.findings import Finding
from themelion_docs.lesson import Lesson
from themelion_docs.placeholders import leftovers
from themelion_docs.rules import page_rule
from themelion_docs.rules.checklist import section_index
from themelion_docs.rules.context import Context, Page
from themelion_docs.text import find_terms, fold, term_pattern

ADMONITION_MARKERS = frozenset({"!!!", "???", "???+"})
_INLINE_CODE = re.compile(r"`[^`\n]*`")


# -- glossary --------------------------------------------------------------
@dataclass(frozen=True)
class GlossaryTerm:
    preferred: str
    avoid: tuple[str, ...]
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...]
    accepted: tuple[str, ...] = ()


def glossary_from_data(data: dict) -> Glossary:
    terms = tuple(
        GlossaryTerm(str(t["preferred"]), tuple(map(str, t.get("avoid") or ())), tuple(map(str, t.get("except") or ())))
        for t in data.get("terms") or ()
    )
    return Glossary(terms=terms, accepted=tuple(map(str, data.get("accepted") or ())))


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    text = resources.files("themelion_docs").joinpath("data", "glossary.yaml").read_text(encoding="utf-8")
    return glossary_from_data(yaml.safe_load(text) or {})


@lru_cache(maxsize=8)
def _any_variant(glossary: Glossary):
    return term_pattern(tuple(v for term in glossary.terms for v in term.avoid) or ("\x00",))


@lru_cache(maxsize=8)
def _any_variant_text(glossary: Glossary) -> re.Pattern[str]:
    """Any discouraged variant, word boundaries left out: a cheap necessary condition."""
    variants = sorted({fold(v).rstrip("*") for term in glossary.terms for v in term.avoid}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, variants)) or "\x00")


def candidate_blocks(texts: list[str], glossary: Glossary) -> set[int]:
    """Indexes of the texts that may hold a discouraged variant: one search over all of them.

    A variant never holds the separator, so each raw match lies inside one text;
    ``glossary_hits`` then decides on those texts alone (most pages have none).
    """
    separator = "\n\x00\n"
    folded = [fold(text) for text in texts]
    starts, position = [], 0
    for text in folded:
        starts.append(position)
        position += len(text) + len(separator)
    joined = separator.join(folded)
    return {bisect_right(starts, m.start()) - 1 for m in _any_variant_text(glossary).finditer(joined)}


def glossary_hits(text: str, glossary: Glossary) -> list[tuple[str, str]]:
    """(variant found, preferred term) for each discouraged variant in ``text``."""
    folded = fold(text)
    if not _any_variant(glossary).search(folded):
        return []  # the common case: one search instead of one per term
    hits = []
    for term in glossary.terms:
        if not term.avoid:
            continue
        candidate = term_pattern(term.exceptions).sub(" ", folded) if term.exceptions else folded
        hits.extend((found, term.preferred) for found in find_terms(candidate, term.avoid))
    return hits


# -- rules -----------------------------------------------------------------
@page_rule("L001")
def untitled_admonitions(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None:
        return
    for container in lesson.containers:
        if container.marker in ADMONITION_MARKERS and container.title is None and container.kind:
            yield context.finding(page, "L001", container.line, marker=container.marker, kind=container.kind,
                                  default=container.kind.replace("-", " ").capitalize())


@page_rule("L002")
def glossary_terms(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None:
        return
    glossary = load_glossary()
    references = section_index(lesson, context, "referencias")  # cited titles are proper names
    blocks = [b for b in lesson.prose if references is None or b.section != references]
    candidates = candidate_blocks([b.text for b in blocks], glossary)
    for index, block in enumerate(blocks):
        if index not in candidates:
            continue
        for found, preferred in glossary_hits(block.text, glossary):
            yield context.finding(page, "L002", block.line, found=found, preferred=preferred)


@dataclass(frozen=True)
class Placeholder:
    where: str  # for the author: "a seção `## Como funciona`", "o front matter (`description`)"
    line: int  # first occurrence
    count: int


def find_placeholders(lesson: Lesson, marker: str) -> list[Placeholder]:
    """Every place that still holds ``marker``, grouped by section or front matter key.

    Works on the raw lines so that prose, headings, fences and front matter are
    all covered; outside code blocks, a marker in inline code (`` `TODO(...)` ``)
    is a mention, not a placeholder.
    """
    if marker not in lesson.text:
        return []  # a finished page: no line to visit
    lines = lesson.text.split("\n")
    in_fence = {n for f in lesson.fences for n in range(f.line, f.end_line + 1)}
    front_end = lesson.front_matter.end_line if lesson.front_matter.present else 0
    groups: dict[str, list[int]] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw if (number in in_fence or number <= front_end) else _INLINE_CODE.sub("", raw)
        if marker in text:
            groups.setdefault(_where(lesson, number, front_end), []).append(number)
    return [Placeholder(where, found[0], len(found)) for where, found in groups.items()]


def _where(lesson: Lesson, line: int, front_end: int) -> str:
    if line <= front_end:
        keys = [(n, k) for k, n in lesson.front_matter.key_lines.items() if "." not in k and n <= line]
        return f"o front matter (`{max(keys)[1]}`)" if keys else "o front matter"
    section = next((s for s in lesson.sections if s.line <= line <= s.end_line), None)
    if section is None:
        return "o início da página (antes da primeira seção)"
    sub = [h for h in section.subsections if h.line <= line]
    if sub:
        return f"`### {sub[-1].text}` (em `## {section.title}`)"
    return f"a seção `## {section.title}`"


@page_rule("L003")
def pending_placeholders(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None:
        return
    params = context.params("L003")
    marker = str(params["marker"])
    suppresses = ", ".join(params.get("suppresses") or ()) or "nenhuma"
    for placeholder in find_placeholders(lesson, marker):
        yield context.finding(page, "L003", placeholder.line, where=placeholder.where, count=placeholder.count,
                              marker=marker, suppresses=suppresses)


@page_rule("L004")
def scaffold_text(page: Page, context: Context) -> Iterable[Finding]:
    """The template's instructions left without their marker (placeholders.py)."""
    lesson = page.lesson
    if lesson is None:
        return
    marker = str(context.params("L003")["marker"])
    front_end = lesson.front_matter.end_line if lesson.front_matter.present else 0
    groups: dict[str, list] = {}
    for leftover in leftovers(lesson, marker):
        groups.setdefault(_where(lesson, leftover.line, front_end), []).append(leftover)
    for where, found in groups.items():
        yield context.finding(page, "L004", found[0].line, where=where, count=len(found), line=found[0].line,
                              text=found[0].text.strip(), marker=marker)
