"""Checklist rules read on the syntax tree of the lesson's Python examples."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from itertools import chain
from typing import Iterable, Iterator

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


# Necessary conditions in the text, so that only the blocks that may hold the construct are
# parsed (a page's Python is often half its bytes, and ast.parse costs more than markdown-it):
# the tree still decides. ``\\\n`` is a line continuation between the keyword and what follows.
_BARE_EXCEPT = re.compile(r"\bexcept(?:\s|\\\n)*:")
_TYPED_EXCEPT = re.compile(r"\bexcept(?:\s|\\\n)*[^\s:\\]")


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
    if not any("logging" in f.content and _uses_logging(python_tree(f)) for f in fences):
        yield context.finding(page, "Q071", fences[0].line)
    for fence in fences:
        if _BARE_EXCEPT.search(fence.content):
            for handler in _handlers(python_tree(fence)):
                if handler.type is None:
                    detail = ("o código de `### Pronto para produção` usa `except:` sem tipo, "
                              "que engole até KeyboardInterrupt")
                    yield context.finding(page, "Q072", fence.content_line + handler.lineno - 1, detail=detail)
    if not any(_TYPED_EXCEPT.search(f.content)
               and any(h.type is not None for h in _handlers(python_tree(f))) for f in fences):
        detail = "o código de `### Pronto para produção` não trata nenhuma exceção específica (`try/except TipoDeErro`)"
        yield context.finding(page, "Q072", fences[0].line, detail=detail)


def _handlers(tree: ast.Module | None) -> Iterator[ast.ExceptHandler]:
    if tree is None:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Try | ast.TryStar):
            yield from node.handlers


def _uses_logging(tree: ast.Module | None) -> bool:
    if tree is None:
        return False
    for node in chain(tree.body, ast.walk(tree)):  # imports are usually at the top: look there first
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
    # Blocks are parsed one at a time, and only until the answer is known.
    with_tests = (f for f in lesson.fences if f.language == "python" and is_run(f)
                  and "expect" not in f.info.options and "exercise" not in f.info.options
                  and ("assert" in f.content or "def test" in f.content)  # cheap filter before the tree
                  and _has_tests(python_tree(f)))
    first = next(with_tests, None)
    if first is None:
        yield context.finding(page, "Q080", lesson.sections[0].line)
        return
    if context.results is None:
        return
    if any(context.results.get(f.line, "not-run") == "passed" for f in chain([first], with_tests)):
        return
    status = context.results.get(first.line, "not-run")
    yield context.finding(page, "Q081", first.line, block_line=first.line, status=status)


def _has_tests(tree: ast.Module | None) -> bool:
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            return True
    return False


_WIDTH_RULES = ("C001", "C002")  # code lines, diagram lines: same check, each with its own limit and languages


@lesson_rule(*_WIDTH_RULES)
def wide_lines(page: Page, context: Context) -> Iterable[Finding]:
    """Lines wider than the lesson's column: example code (C001) and ASCII diagrams (C002).

    Each rule's limit and the fence languages it reads are data (``max_columns``, ``languages``).
    """
    lesson = page.lesson
    if lesson is None:
        return
    for code in _WIDTH_RULES:
        params = context.params(code)
        limit, languages = int(params["max_columns"]), {str(x).lower() for x in params["languages"]}
        for fence in lesson.fences:
            if fence.language.lower() not in languages:
                continue
            for offset, line in enumerate(fence.content.split("\n")):
                if len(line) > limit:
                    yield context.finding(page, code, fence.content_line + offset, length=len(line),
                                          max_columns=limit)
