"""Rules for every page: readable, not empty, well-formed Markdown, a title."""

from __future__ import annotations

from typing import Iterable

from themelion_docs.findings import Finding
from themelion_docs.frontmatter import MAX_INTEGER_DIGITS
from themelion_docs.rules import page_rule
from themelion_docs.rules.context import Context, Page


@page_rule("M002", "M003", "M005")
def markdown_structure(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None:
        return
    if not lesson.text.strip():
        yield context.finding(page, "M002", 1)
        return
    for problem in lesson.problems:
        if problem.kind == "unclosed-fence":
            yield context.finding(page, "M003", problem.line, marker=problem.detail)
    limit = context.config.max_nesting
    if lesson.max_nesting > limit:
        line = lesson.nesting_line or lesson.body_offset + 1
        yield context.finding(page, "M005", line, depth=lesson.max_nesting, limit=limit)


@page_rule("M006")
def page_title(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None or not lesson.text.strip() or lesson.front_matter.problem:
        return
    if lesson.title is None:
        yield context.finding(page, "M006", 1)


@page_rule("P001", "F002", "F013")
def page_front_matter(page: Page, context: Context) -> Iterable[Finding]:
    """Non-lesson pages: the front matter must parse; lesson-only keys warn."""
    if page.is_lesson or page.lesson is None:
        return
    front_matter = page.lesson.front_matter
    if front_matter.problem:
        yield context.finding(page, "F002", front_matter.problem.line,
                              detail=describe_problem(front_matter.problem.kind, front_matter.problem.detail))
        return
    for duplicate in front_matter.duplicates:
        yield context.finding(page, "F013", duplicate.line, key=duplicate.key, first_line=duplicate.first_line)
    allowed = context.config.page_keys
    for key in front_matter.data:
        if key not in allowed:
            yield context.finding(page, "P001", front_matter.line_of(key), key=key, allowed=", ".join(allowed))


def describe_problem(kind: str, detail: str) -> str:
    return {
        "unclosed": "o bloco começa com `---` e não há `---` de fechamento",
        "tab": "há tabulação na indentação; o YAML só aceita espaços",
        "not-mapping": f"o YAML deve ser um mapeamento `chave: valor`, mas é {_type_name(detail)}",
        "number": f"um número inteiro com {detail} algarismos não é um valor aceito (máximo: "
                  f"{MAX_INTEGER_DIGITS}); `order` é a posição da lição no módulo, ex. `order: 3`",
    }.get(kind, f"erro de sintaxe YAML: {detail}")


def _type_name(name: str) -> str:
    return {"list": "uma lista", "str": "um texto", "int": "um número", "float": "um número"}.get(name, name)
