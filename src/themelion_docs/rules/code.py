"""Checklist rules read on the syntax tree of the lesson's Python examples."""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Iterable

from themelion_docs.findings import Finding
from themelion_docs.lesson import Fence
from themelion_docs.rules import lesson_rule
from themelion_docs.rules.checklist import fences_under, section_index
from themelion_docs.rules.context import Context, Page


def python_tree(fence: Fence) -> ast.Module | None:
    return _tree(fence.content)


@lru_cache(maxsize=512)
def _tree(code: str) -> ast.Module | None:
    """One parse per block for every rule that reads it (the tree is never mutated)."""
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the runner reports the syntax error at the block


def is_run(fence: Fence) -> bool:
    return fence.info.options.get("run", "yes") != "no"


@lesson_rule("Q071", "Q072")
def production_code(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    position = section_index(lesson, context, "na-pratica") if lesson else None
    if position is None:
        return
    label = context.params("Q070")["production"]
    fences = [f for f in fences_under(lesson, position, label) if f.language == "python"]
    if not fences:
        return  # Q070 reports the missing production code
    trees = [(f, python_tree(f)) for f in fences]
    parsed = [(f, t) for f, t in trees if t is not None]
    if not any(_uses_logging(t) for _, t in parsed):
        yield context.finding(page, "Q071", fences[0].line)
    handlers = [(f, h) for f, t in parsed if "try" in f.content
                for node in ast.walk(t) if isinstance(node, ast.Try | ast.TryStar) for h in node.handlers]
    for fence, handler in handlers:
        if handler.type is None:
            detail = "o código de `### Pronto para produção` usa `except:` sem tipo, que engole até KeyboardInterrupt"
            yield context.finding(page, "Q072", fence.content_line + handler.lineno - 1, detail=detail)
    if not any(h.type is not None for _, h in handlers):
        detail = "o código de `### Pronto para produção` não trata nenhuma exceção específica (`try/except TipoDeErro`)"
        yield context.finding(page, "Q072", fences[0].line, detail=detail)


def _uses_logging(tree: ast.Module) -> bool:
    for node in (*tree.body, *ast.walk(tree)):  # imports are usually at the top: look there first
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "logging" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "logging":
            return True
    return False


@lesson_rule("Q080", "Q081")
def tests(page: Page, context: Context) -> Iterable[Finding]:
    lesson = page.lesson
    if lesson is None or not lesson.sections:
        return
    # An exercise's tests are the learner's (the runner checks them, E040-E043), not the lesson's own.
    with_tests = [f for f in lesson.fences if f.language == "python" and is_run(f)
                  and "expect" not in f.info.options and "exercise" not in f.info.options
                  and ("assert" in f.content or "def test" in f.content)  # cheap filter before the tree
                  and _has_tests(python_tree(f))]
    if not with_tests:
        yield context.finding(page, "Q080", lesson.sections[0].line)
        return
    if context.results is None:
        return
    statuses = [(f, context.results.get(f.line, "not-run")) for f in with_tests]
    if not any(status == "passed" for _, status in statuses):
        fence, status = statuses[0]
        yield context.finding(page, "Q081", fence.line, block_line=fence.line, status=status)


def _has_tests(tree: ast.Module | None) -> bool:
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            return True
    return False


@lesson_rule("C001")
def long_code_lines(page: Page, context: Context) -> Iterable[Finding]:
    """Lines of example code wider than the lesson's column (the limit is data: ``max_columns``)."""
    lesson = page.lesson
    if lesson is None:
        return
    params = context.params("C001")
    limit, languages = int(params["max_columns"]), {str(x) for x in params["languages"]}
    for fence in lesson.fences:
        if fence.language.lower() not in languages:
            continue
        for offset, line in enumerate(fence.content.split("\n")):
            if len(line) > limit:
                yield context.finding(page, "C001", fence.content_line + offset, length=len(line),
                                      max_columns=limit)
