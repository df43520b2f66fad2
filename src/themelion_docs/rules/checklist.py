"""The quality checklist (contract §4) over the lesson's prose and structure."""

from __future__ import annotations

from typing import Iterable

from themelion_docs.findings import Finding
from themelion_docs.lesson import Lesson, normalize_title
from themelion_docs.placeholders import content_lesson, is_placeholder
from themelion_docs.rules import lesson_rule
from themelion_docs.rules.context import Context, Page
from themelion_docs.text import (
    contains_any,
    find_quantities,
    find_terms,
    fold,
    has_digit,
    magnitude_spread,
)


def content(page: Page, context: Context) -> Lesson | None:
    """The lesson as the checklist measures it: the scaffold's text (marker lines and
    the template's instructions, see placeholders.py) does not count as content."""
    if page.lesson is None:
        return None
    return content_lesson(page.lesson, str(context.params("L003")["marker"]))


def section_index(lesson: Lesson, context: Context, key: str) -> int | None:
    for position, section in enumerate(lesson.sections):
        spec = context.config.section_for(section.title)
        if spec is not None and spec.key == key:
            return position
    return None


def _body_prose(lesson: Lesson) -> list:
    return [p for p in lesson.prose if p.kind != "heading"]


def _first_body_line(lesson: Lesson) -> int:
    return lesson.sections[0].line if lesson.sections else lesson.body_offset + 1


@lesson_rule("Q010", "Q011")
def depth(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None or not lesson.sections:
        return
    minimum = context.params("Q010")["min_words"]
    if lesson.words < minimum:
        yield context.finding(page, "Q010", _first_body_line(lesson), words=lesson.words, min_words=minimum)
    per_section = context.params("Q011")["min_words"]
    for position, section in enumerate(lesson.sections):
        spec = context.config.section_for(section.title)
        if spec is None or spec.key not in per_section:
            continue
        if 0 < section.words < per_section[spec.key] or (section.words == 0 and _has_content(lesson, position)):
            yield context.finding(page, "Q011", section.line, title=spec.title, words=section.words,
                                  min_words=per_section[spec.key])


def _has_content(lesson: Lesson, position: int) -> bool:
    # An empty section is S003's finding; a section of only code is too shallow.
    return bool(lesson.section_fences(position) or any(t.section == position for t in lesson.tables))


@lesson_rule("Q020")
def sequence_diagram(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    position = section_index(lesson, context, "como-funciona") if lesson else None
    if position is None:
        return  # S001 already says the section is missing
    languages = set(context.params("Q020")["languages"])
    if not any(f.language in languages for f in lesson.section_fences(position)):
        yield context.finding(page, "Q020", lesson.sections[position].line)


@lesson_rule("Q030")
def security(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None or not lesson.sections:
        return
    params = context.params("Q030")
    heading_words = params["heading_words"]
    if any(h.level >= 3 and contains_any(h.text, heading_words) for h in lesson.headings):
        return
    if any(contains_any(f"{c.title or ''} {c.kind}", heading_words) for c in lesson.containers):
        return
    found = find_terms(" ".join(p.text for p in lesson.prose), params["terms"])
    if len(found) < params["min_terms"]:
        yield context.finding(page, "Q030", _first_body_line(lesson), count=len(found),
                              found=", ".join(found) or "nenhum")


@lesson_rule("Q040")
def scale(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None or not lesson.sections:
        return
    params = context.params("Q040")
    quantities = []
    for block in _body_prose(lesson):
        if has_digit(block.text):
            quantities.extend(find_quantities(block.text, params["units"]))
            if magnitude_spread(q.value for q in quantities) >= params["min_ratio"]:
                return  # enough: the rest of the page cannot change the verdict
    if magnitude_spread(q.value for q in quantities) < params["min_ratio"]:
        found = ", ".join(sorted({q.text for q in quantities})[:6]) or "nenhuma"
        yield context.finding(page, "Q040", _first_body_line(lesson), found=found)


@lesson_rule("Q050")
def failure_modes(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None or not lesson.sections:
        return
    params = context.params("Q050")
    found: list[str] = []
    for block in lesson.prose:
        found.extend(t for t in find_terms(block.text, params["terms"]) if t not in found)
        if len(found) >= params["min_terms"]:
            return
    if len(found) < params["min_terms"]:
        yield context.finding(page, "Q050", _first_body_line(lesson), count=len(found),
                              found=", ".join(found) or "nenhum", min_terms=params["min_terms"])


@lesson_rule("Q060", "Q061")
def trade_offs(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    position = section_index(lesson, context, "quando-usar") if lesson else None
    if position is None:
        return
    line = lesson.sections[position].line
    min_rows = context.params("Q060")["min_rows"]
    tables = [t for t in lesson.tables if t.section == position]
    filled = [sum(1 for row in t.rows if any(cell.strip() for cell in row)) for t in tables]  # "| | |" is empty
    if not any(count >= min_rows for count in filled):
        detail = f" (a maior tem {max(filled)})" if tables else ""
        yield context.finding(page, "Q060", tables[0].line if tables else line, min_rows=min_rows, detail=detail)
    text = " ".join(p.text for p in lesson.section_prose(position))
    dimensions = context.params("Q061")["dimensions"]
    missing = [name for name, words in dimensions.items() if not contains_any(text, words)]
    if missing:
        yield context.finding(page, "Q061", line, missing=" nem ".join(missing))


@lesson_rule("Q070")
def implementations(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    position = section_index(lesson, context, "na-pratica") if lesson else None
    if position is None:
        return
    params = context.params("Q070")
    section = lesson.sections[position]
    subsections = {normalize_title(h.text): h for h in section.subsections}
    for label in (params["minimal"], params["production"]):
        heading = subsections.get(normalize_title(label))
        if heading is None:
            detail = f"`## Na prática` não tem a subseção `### {label}`"
            yield context.finding(page, "Q070", section.line, detail=detail)
        elif not any(f.language == "python" for f in fences_under(lesson, position, label)):
            detail = f"`### {label}` não tem nenhum bloco ```python"
            yield context.finding(page, "Q070", heading.line, detail=detail)


def fences_under(lesson: Lesson, position: int, subsection: str) -> list:
    key = normalize_title(subsection)
    return [f for f in lesson.section_fences(position)
            if f.subsection is not None and normalize_title(f.subsection) == key]


@lesson_rule("Q090", "Q091")
def concreteness(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None or not lesson.sections:
        return
    params = context.params("Q090")
    prose = _body_prose(lesson)
    count = 0
    for block in prose:
        if has_digit(block.text):
            count += len(find_quantities(block.text, params["units"]))
            if count >= params["min_quantities"]:
                break
    if count < params["min_quantities"]:
        yield context.finding(page, "Q090", _first_body_line(lesson), count=count,
                              min_quantities=params["min_quantities"])
    if not context.config.is_enabled("Q091"):
        return
    vague = context.params("Q091")["words"]
    references = section_index(lesson, context, "referencias")
    for block in prose:
        if block.section == references or has_digit(block.text):
            continue
        words = find_terms(block.text, vague)
        if words:
            yield context.finding(page, "Q091", block.line, word=words[0])


@lesson_rule("Q100", "Q101")
def sources(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    if lesson is None or lesson.front_matter.problem:
        return
    patterns = context.params("Q101")["patterns"]
    position = section_index(lesson, context, "referencias")
    if position is not None:
        line = lesson.sections[position].line
        items = [item for block in lesson.lists if block.section == position for item in block.items]
        minimum = context.params("Q100")["min_items"]
        if len(items) < minimum:
            yield context.finding(page, "Q100", line, count=len(items), min_items=minimum)
        section_text = " ".join([p.text for p in lesson.section_prose(position)]
                                + [href for ln, href in lesson.links if line <= ln <= lesson.sections[position].end_line])
        if not _mentions_primary(section_text, patterns):
            yield context.finding(page, "Q101", line, where="`## Referências`")
    declared = lesson.front_matter.data.get("sources")
    texts = [s for s in declared if isinstance(s, str)] if isinstance(declared, list) else []  # F005 reports the rest
    marker = str(context.params("L003")["marker"])
    real = [s for s in texts if not is_placeholder(s, marker)]  # the scaffold's instruction is no source
    if texts and not _mentions_primary(" ".join(real), patterns):
        yield context.finding(page, "Q101", lesson.front_matter.line_of("sources"), where="`sources` do front matter")


def _mentions_primary(text: str, patterns: list[str]) -> bool:
    import re

    folded = fold(text)
    return any(re.search(_folded_pattern(pattern), folded) for pattern in patterns)


def _folded_pattern(pattern: str) -> str:
    """The pattern folded like the text («especificação» -> «especificacao»), touching
    only its non-ASCII letters: regex syntax such as ``\\d`` must keep its case."""
    return "".join(fold(char) if ord(char) > 127 else char for char in pattern)


@lesson_rule("Q110", "Q111")
def common_mistakes(page: Page, context: Context) -> Iterable[Finding]:
    lesson = content(page, context)
    position = section_index(lesson, context, "erros-comuns") if lesson else None
    if position is None:
        return
    section = lesson.sections[position]
    mistakes = section.subsections
    minimum = context.params("Q110")["min_mistakes"]
    if len(mistakes) < minimum:
        yield context.finding(page, "Q110", section.line, count=len(mistakes), min_mistakes=minimum)
    params = context.params("Q111")
    for heading in mistakes:
        texts = [p.text for p in lesson.section_prose(position) if p.subsection == heading.text]
        fences = fences_under(lesson, position, heading.text)
        texts += [f.content for f in fences] + [f.info.options.get("title", "") for f in fences]
        body = "\n".join(texts[1:] if texts and texts[0] == heading.text else texts)
        wrong = contains_any(body, params["wrong_markers"]) or any("expect" in f.info.options for f in fences)
        right = contains_any(body, params["right_markers"])
        missing = [label for label, ok in (("o jeito errado (❌)", wrong), ("o jeito certo (✅)", right)) if not ok]
        if missing:
            yield context.finding(page, "Q111", heading.line, title=heading.text, missing=" nem ".join(missing))
