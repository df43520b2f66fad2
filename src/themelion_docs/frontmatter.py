"""Front matter: split it from the body and load it with the line of each key.

Never raises on bad input: problems come back as ``FrontMatterProblem`` with a
1-based file line, and the caller turns them into findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

DELIMITER = "---"


@dataclass(frozen=True)
class FrontMatterProblem:
    line: int
    kind: str  # "unclosed" | "syntax" | "tab" | "not-mapping" | "number"
    detail: str


@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one mapping: YAML keeps the last value in silence."""

    key: str  # dotted for a nested mapping: ``waive.Q040``
    line: int  # the repeated occurrence (the value kept)
    first_line: int  # the previous occurrence (discarded)


# An integer with more digits than this is never meaningful in a front matter
# (``order`` is a small position); int() of more than 4300 digits even raises.
MAX_INTEGER_DIGITS = 30
_INT_TAG = "tag:yaml.org,2002:int"


@dataclass(frozen=True)
class FrontMatter:
    present: bool
    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)
    end_line: int = 0  # 1-based line of the closing delimiter; 0 when absent
    problem: FrontMatterProblem | None = None
    duplicates: tuple[DuplicateKey, ...] = ()

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1 if self.present else 0)

    def line_of_item(self, key: str, index: int) -> int:
        lines = self.item_lines.get(key, ())
        return lines[index] if index < len(lines) else self.line_of(key)


def split(text: str) -> tuple[FrontMatter, int]:
    """Return the parsed front matter and the number of lines before the body."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != DELIMITER:
        return FrontMatter(present=False), 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (DELIMITER, "..."):
            yaml_text = "\n".join(lines[1:index])
            return _load(yaml_text, end_line=index + 1), index + 1
    problem = FrontMatterProblem(1, "unclosed", "front matter aberto com '---' e nunca fechado")
    # Without a closing delimiter the whole file is unreliable as Markdown body.
    return FrontMatter(present=True, problem=problem), len(lines)


def _load(yaml_text: str, end_line: int) -> FrontMatter:
    offset = 1  # the YAML starts on file line 2
    try:
        node, data = _compose_and_construct(yaml_text)
    except _HugeNumber as error:
        return FrontMatter(present=True, end_line=end_line,
                           problem=FrontMatterProblem(error.line + offset, "number", str(error.digits)))
    except (ValueError, OverflowError, RecursionError) as error:  # a value PyYAML cannot build
        return FrontMatter(present=True, end_line=end_line,
                           problem=FrontMatterProblem(1 + offset, "syntax", type(error).__name__))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line + 1 + offset) if mark is not None else 1
        tab_line = _first_tab_line(yaml_text)
        if tab_line is not None and "\t" in yaml_text:
            return FrontMatter(present=True, end_line=end_line,
                               problem=FrontMatterProblem(tab_line + offset, "tab", "tabulação no YAML"))
        detail = getattr(error, "problem", None) or str(error).splitlines()[0]
        return FrontMatter(present=True, end_line=end_line,
                           problem=FrontMatterProblem(line, "syntax", str(detail)))
    if data is None:
        data = {}
        node = None
    if not isinstance(data, dict):
        return FrontMatter(present=True, end_line=end_line,
                           problem=FrontMatterProblem(2, "not-mapping", type(data).__name__))
    key_lines: dict[str, int] = {}
    item_lines: dict[str, tuple[int, ...]] = {}
    duplicates: list[DuplicateKey] = []

    def note(name: str, key_node: yaml.Node) -> None:
        line = key_node.start_mark.line + 1 + offset
        if name in key_lines:
            duplicates.append(DuplicateKey(name, line, key_lines[name]))
        key_lines[name] = line  # the last occurrence is the value YAML keeps

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            note(key, key_node)
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[key] = tuple(item.start_mark.line + 1 + offset for item in value_node.value)
            elif isinstance(value_node, yaml.MappingNode):
                for sub_key, _ in value_node.value:
                    note(f"{key}.{sub_key.value}", sub_key)
    data = {str(k): v for k, v in data.items()}
    return FrontMatter(present=True, data=data, key_lines=key_lines, item_lines=item_lines, end_line=end_line,
                       duplicates=tuple(duplicates))


# libyaml when available: the pure-Python loader is most of the cost of a page.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_and_construct(yaml_text: str) -> tuple[yaml.Node | None, object]:
    """One parse: the node tree (for key lines) and the data built from it."""
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _refuse_huge_numbers(node)
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _first_tab_line(yaml_text: str) -> int | None:
    for number, line in enumerate(yaml_text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            return number
    return None


class _HugeNumber(Exception):
    def __init__(self, line: int, digits: int) -> None:
        super().__init__(digits)
        self.line, self.digits = line, digits


def _refuse_huge_numbers(root: yaml.Node) -> None:
    """Raise ``_HugeNumber`` at the first integer too long to be a value (before PyYAML builds it)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # aliases share nodes
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG:
                digits = sum(c.isalnum() for c in str(node.value))
                if digits > MAX_INTEGER_DIGITS:
                    raise _HugeNumber(node.start_mark.line + 1, digits)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
