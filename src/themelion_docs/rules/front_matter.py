"""Front matter of lessons (contract §2), page by page and across the corpus."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any, Iterable

from themelion_docs.findings import Finding
from themelion_docs.rules import lesson_rule
from themelion_docs.rules.context import Context, Page
from themelion_docs.rules.page import describe_problem
from themelion_docs.text import short_repr

_EXPECTED = {
    "text": ("um texto", 'title: "HTTP: semântica e cache"'),
    "integer": ("um número inteiro", "order: 2"),
    "text-list": ("uma lista de textos", "objectives:\n  - Explicar ...\n  - Comparar ..."),
    "mapping": ("um mapeamento chave: motivo", 'waive:\n  Q040: "motivo"'),
    "text-mapping": ("um mapeamento termo: definição, ambos textos",
                     'glossary:\n  keep-alive: "Reaproveitar a conexão TCP para várias requisições."'),
}


@lesson_rule("F001", "F002", "F003", "F004", "F005", "F006", "F007", "F008", "F013")
def schema(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None or not lesson.text.strip():
        return
    front_matter = lesson.front_matter
    if not front_matter.present:
        yield context.finding(page, "F001", 1)
        return
    if front_matter.problem:
        problem = front_matter.problem
        yield context.finding(page, "F002", problem.line, detail=describe_problem(problem.kind, problem.detail))
        return
    yield from duplicated_keys(page, context)
    data = front_matter.data
    types = context.config.key_types
    for key in data:
        if key not in types:
            close = difflib.get_close_matches(key, list(types), n=1)
            suggestion = f" (quis dizer `{close[0]}`?)" if close else ""
            yield context.finding(page, "F003", front_matter.line_of(key), key=key, suggestion=suggestion,
                                  allowed=", ".join(types))
    for key in context.config.required_keys:
        if key not in data or data[key] is None:
            expected, _ = _EXPECTED[types[key]]
            yield context.finding(page, "F004", front_matter.line_of(key) if key in data else 1,
                                  key=key, expected=expected)
    for key, kind in types.items():
        if key in data and data[key] is not None and not _has_type(data[key], kind):
            expected, example = _EXPECTED[kind]
            yield context.finding(page, "F005", front_matter.line_of(key), key=key, expected=expected,
                                  actual=_describe(data[key]), example=example)
    yield from _module(page, context, data)
    level = data.get("level")
    if isinstance(level, str) and level not in context.config.levels:
        yield context.finding(page, "F007", front_matter.line_of("level"), value=level,
                              levels=", ".join(context.config.levels))
    objectives = data.get("objectives")
    if isinstance(objectives, list):
        bounds = context.params("F008")
        if not bounds["min"] <= len(objectives) <= bounds["max"]:
            yield context.finding(page, "F008", front_matter.line_of("objectives"), count=len(objectives),
                                  min=bounds["min"], max=bounds["max"])


def duplicated_keys(page: Page, context: Context) -> Iterable[Finding]:
    for duplicate in page.lesson.front_matter.duplicates:
        yield context.finding(page, "F013", duplicate.line, key=duplicate.key, first_line=duplicate.first_line)


def _module(page: Page, context: Context, data: dict[str, Any]) -> Iterable[Finding]:
    module = data.get("module")
    if not isinstance(module, str):
        return
    line = page.lesson.front_matter.line_of("module")
    modules = context.config.modules
    if module not in modules:
        close = difflib.get_close_matches(module, list(modules), n=1)
        detail = f"módulo desconhecido: `{module}`" + (f" (quis dizer `{close[0]}`?)" if close else "")
        yield context.finding(page, "F006", line, detail=detail, modules=", ".join(modules))
    elif page.module_dir and page.module_dir != module:
        detail = f"`module: {module}`, mas a lição está na pasta `{page.module_dir}/`"
        yield context.finding(page, "F006", line, detail=detail, modules=", ".join(modules))


@lesson_rule("F011")
def waivers(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None or lesson.front_matter.problem:
        return
    waive = lesson.front_matter.data.get("waive")
    if not isinstance(waive, dict):
        return
    for key, reason in waive.items():
        line = lesson.front_matter.key_lines.get(f"waive.{key}", lesson.front_matter.line_of("waive"))
        spec = context.config.resolve(str(key))
        if spec is None:
            detail = f"`waive` cita uma regra desconhecida: `{key}`"
        elif not spec.waivable:
            detail = f"a regra {spec.code} [{spec.name}] não pode ser dispensada (só regras de seções e do checklist)"
        elif not isinstance(reason, str) or not reason.strip():
            detail = f"a dispensa de {spec.code} [{spec.name}] não tem motivo"
        else:
            continue
        yield context.finding(page, "F011", line, detail=detail)


@lesson_rule("F009", "F010", "F012")
def prerequisites(page: Page, context: Context) -> Iterable[Finding]:
    entry = context.corpus.get(page.lesson_id or "")
    if entry is None or page.lesson is None:
        return
    front_matter = page.lesson.front_matter
    for index, prerequisite in enumerate(entry.prerequisites):
        if prerequisite not in context.corpus:
            close = difflib.get_close_matches(prerequisite, [i for i in context.corpus if i != entry.lesson_id], n=1)
            suggestion = f" (quis dizer `{close[0]}`?)" if close else ""
            yield context.finding(page, "F009", front_matter.line_of_item("prerequisites", index),
                                  value=prerequisite, suggestion=suggestion)
    cycle = find_cycle(entry.lesson_id, context.corpus)
    if cycle:
        yield context.finding(page, "F010", entry.prerequisites_line, cycle=" → ".join(cycle))
    if isinstance(entry.order, int) and not isinstance(entry.order, bool):
        for other in sorted(context.corpus.values(), key=lambda e: e.lesson_id):
            if other.lesson_id != entry.lesson_id and other.module == entry.module and other.order == entry.order:
                yield context.finding(page, "F012", front_matter.line_of("order"), order=entry.order, other=other.path)
                break


def find_cycle(start: str, corpus: dict[str, Any]) -> list[str] | None:
    """The shortest prerequisite cycle through ``start``, as ids, or None."""
    paths = [[start]]
    seen = {start}
    while paths:
        next_paths = []
        for path in paths:
            entry = corpus.get(path[-1])
            for prerequisite in sorted(entry.prerequisites if entry else ()):
                if prerequisite == start:
                    return [*path, start]
                if prerequisite in corpus and prerequisite not in seen:
                    seen.add(prerequisite)
                    next_paths.append([*path, prerequisite])
        paths = next_paths
    return None


def _has_type(value: Any, kind: str) -> bool:
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "text-list":
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if kind == "mapping":
        return isinstance(value, dict)
    if kind == "text-mapping":
        return isinstance(value, dict) and bool(value) and all(
            isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip() for k, v in value.items())
    return True


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"um booleano ({value})"
    if isinstance(value, int | float):
        return f"um número ({value})"
    if isinstance(value, str):
        return "um texto vazio" if not value.strip() else f"um texto («{value[:40]}»)"
    if isinstance(value, list):
        bad = next((v for v in value if not isinstance(v, str) or not v.strip()), None)
        return f"uma lista com um item que não é texto ({short_repr(bad)})" if value else "uma lista vazia"
    if isinstance(value, dict):
        bad = next((k for k, v in value.items() if not (isinstance(k, str) and k.strip()
                                                        and isinstance(v, str) and v.strip())), None)
        if bad is not None:
            return f"um mapeamento em que «{str(bad)[:40]}» não tem definição em texto"
        return "um mapeamento vazio" if not value else "um mapeamento"
    if isinstance(value, date):  # YAML reads 2024-01-01 as a date, not as text
        return f"uma data ({value})"
    return type(value).__name__
