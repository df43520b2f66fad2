"""Lesson model: ``parse(path, text)`` -> ``Lesson``.

One markdown-it parse per page, shared by every rule. Every element carries
the 1-based line of the Markdown file as the author sees it (front matter
included). Parsing never raises for any text; structural problems found while
parsing (unclosed fence, runaway nesting) are recorded as ``ParseProblem``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from themelion_docs.containers import container_plugin
from themelion_docs.fences import FenceInfo, parse_info
from themelion_docs.frontmatter import FrontMatter, split

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


@dataclass(frozen=True)
class ParseProblem:
    line: int
    kind: str  # "unclosed-fence" | "deep-nesting"
    detail: str = ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    section: int | None  # index of the enclosing level-2 section


@dataclass(frozen=True)
class Prose:
    """A run of prose text (paragraph, list item, table cell row, heading)."""

    kind: str
    text: str
    line: int
    words: int
    section: int | None
    subsection: str | None
    container: str | None  # title or kind of the enclosing admonition/tab


@dataclass(frozen=True)
class Fence:
    line: int
    end_line: int
    content_line: int
    language: str
    info: FenceInfo
    raw_info: str
    content: str
    closed: bool
    follows_fence: bool
    section: int | None
    subsection: str | None
    indent: int  # columns of indentation of the opening line (inside containers)


@dataclass(frozen=True)
class Table:
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    section: int | None
    subsection: str | None


@dataclass(frozen=True)
class Container:
    marker: str  # "!!!", "???", "???+", "==="
    kind: str
    title: str | None
    line: int
    section: int | None
    subsection: str | None


@dataclass(frozen=True)
class ListBlock:
    line: int
    ordered: bool
    items: tuple[str, ...]
    item_lines: tuple[int, ...]
    section: int | None


@dataclass(frozen=True)
class Section:
    title: str
    key: str  # normalised title, see normalize_title
    line: int
    end_line: int  # last line of the section (inclusive)
    words: int
    subsections: tuple[Heading, ...]


@dataclass(frozen=True)
class Lesson:
    path: str
    text: str
    line_count: int
    body_offset: int
    front_matter: FrontMatter
    sections: tuple[Section, ...]
    headings: tuple[Heading, ...]
    prose: tuple[Prose, ...]
    fences: tuple[Fence, ...]
    tables: tuple[Table, ...]
    containers: tuple[Container, ...]
    lists: tuple[ListBlock, ...]
    links: tuple[tuple[int, str], ...]
    problems: tuple[ParseProblem, ...] = field(default=())
    max_nesting: int = 0
    nesting_line: int = 0  # line of the first token at max_nesting

    @property
    def words(self) -> int:
        return sum(block.words for block in self.prose if block.kind != "heading")

    @property
    def title(self) -> str | None:
        title = self.front_matter.data.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        h1 = next((h for h in self.headings if h.level == 1), None)
        return h1.text if h1 else None

    def section_prose(self, index: int) -> tuple[Prose, ...]:
        return tuple(p for p in self.prose if p.section == index)

    def section_fences(self, index: int) -> tuple[Fence, ...]:
        return tuple(f for f in self.fences if f.section == index)


@lru_cache(maxsize=1024)  # every rule looks sections up by title: normalise each title once
def normalize_title(text: str) -> str:
    """Case-, accent- and '+'-insensitive key for matching section titles."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("+", " e ")
    words = re.findall(r"[a-z0-9]+", plain)
    return " ".join(words)


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # 200 parser levels hold ~100 nested lists; markdown-it-py's recursion only
    # breaks near 1000, and deeper input falls back to _shallow_markdown().
    md = MarkdownIt("commonmark", {"maxNesting": 200}).enable("table").use(container_plugin)
    return md


@lru_cache(maxsize=1)
def _shallow_markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"maxNesting": 20}).enable("table").use(container_plugin)


_NESTING_OPEN = frozenset({"bullet_list_open", "ordered_list_open", "blockquote_open", "container_open"})
_NESTING_CLOSE = frozenset({"bullet_list_close", "ordered_list_close", "blockquote_close", "container_close"})


def parse(path: str, text: str) -> Lesson:
    text = normalize_newlines(text)
    front_matter, body_offset = split(text)
    lines = text.split("\n")
    body = "\n".join(lines[body_offset:]) if front_matter.problem is None or front_matter.problem.kind != "unclosed" else ""
    runaway = False
    try:
        tokens = _markdown().parse(body)
    except RecursionError:
        tokens, runaway = _shallow_markdown().parse(body), True
    builder = _Builder(path=path, lines=lines, offset=body_offset)
    builder.walk(tokens)
    if runaway:
        builder.problems.append(ParseProblem(body_offset + 1, "deep-nesting", "runaway"))
        builder.max_nesting = max(builder.max_nesting, 1000)
    return Lesson(
        path=path,
        text=text,
        # A final newline ends the last line; it does not start another one.
        line_count=len(lines) - 1 if len(lines) > 1 and text.endswith("\n") else len(lines),
        body_offset=body_offset,
        front_matter=front_matter,
        sections=builder.finish_sections(len(lines)),
        headings=tuple(builder.headings),
        prose=tuple(builder.prose),
        fences=tuple(builder.fences),
        tables=tuple(builder.tables),
        containers=tuple(builder.containers),
        lists=tuple(builder.lists),
        links=tuple(builder.links),
        problems=tuple(builder.problems),
        max_nesting=builder.max_nesting,
        nesting_line=builder.nesting_line,
    )


def normalize_newlines(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class _SectionDraft:
    title: str
    line: int
    subsections: list[Heading]


class _Builder:
    """Walks the flat token stream once, tracking section and containers."""

    def __init__(self, path: str, lines: list[str], offset: int) -> None:
        self.path = path
        self.lines = lines
        self.offset = offset
        self.headings: list[Heading] = []
        self.prose: list[Prose] = []
        self.fences: list[Fence] = []
        self.tables: list[Table] = []
        self.containers: list[Container] = []
        self.lists: list[ListBlock] = []
        self.links: list[tuple[int, str]] = []
        self.problems: list[ParseProblem] = []
        self.max_nesting = 0
        self.nesting_line = 0
        self._drafts: list[_SectionDraft] = []
        self._subsection: str | None = None
        self._container_stack: list[str] = []
        self._previous_block: str = ""
        self._quotes = 0  # block quotes open around the current token

    # -- helpers -------------------------------------------------------
    def _line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + 1 + self.offset

    @property
    def _section(self) -> int | None:
        return len(self._drafts) - 1 if self._drafts else None

    def _add_prose(self, kind: str, text: str, line: int) -> None:
        text = text.strip()
        if not text:
            return
        container = self._container_stack[-1] if self._container_stack else None
        self.prose.append(Prose(kind, text, line, count_words(text), self._section, self._subsection, container))

    # -- walk ----------------------------------------------------------
    def walk(self, tokens: list[Token]) -> None:
        index = 0
        depth = 0  # lists, quotes and containers currently open
        depth_lists: list[tuple[Token, list[str], list[int]]] = []
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind in _NESTING_OPEN:
                depth += 1
                if depth > self.max_nesting:
                    self.max_nesting = depth
                    self.nesting_line = self._line(token) if token.map else self.nesting_line
            elif kind in _NESTING_CLOSE:
                depth -= 1
            if kind == "blockquote_open":
                self._quotes += 1
            elif kind == "blockquote_close":
                self._quotes -= 1
            if kind == "heading_open":
                inline = tokens[index + 1]
                self._heading(token, inline)
                index += 3
                self._previous_block = "heading"
                continue
            if kind == "inline":
                self._inline(token, tokens[index - 1] if index else None, depth_lists)
            elif kind in ("fence", "code_block"):
                self._fence(token)
            elif kind == "table_open":
                index = self._table(tokens, index)
                self._previous_block = "table"
                continue
            elif kind == "container_open":
                title = token.meta.get("title")
                self.containers.append(Container(token.meta.get("marker", ""), token.info, title,
                                                 self._line(token), self._section, self._subsection))
                self._container_stack.append(title or token.info)
                if title:
                    self._add_prose("container-title", title, self._line(token))
            elif kind == "container_close":
                if self._container_stack:
                    self._container_stack.pop()
            elif kind in ("bullet_list_open", "ordered_list_open"):
                depth_lists.append((token, [], []))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                opened, items, item_lines = depth_lists.pop()
                self.lists.append(ListBlock(self._line(opened), opened.type == "ordered_list_open",
                                            tuple(items), tuple(item_lines), self._section))
            if token.nesting != -1 and kind not in ("inline",) and token.block:
                if kind not in ("list_item_open", "bullet_list_open", "ordered_list_open",
                                "paragraph_open", "blockquote_open", "container_open"):
                    self._previous_block = kind
                elif kind == "paragraph_open":
                    self._previous_block = "paragraph"
            index += 1


    def _heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1])
        text = _plain_text(inline)
        line = self._line(token)
        nested = bool(self._container_stack) or token.level > 0
        if level == 2 and not nested:
            self._drafts.append(_SectionDraft(text, line, []))
            self._subsection = None
        heading = Heading(level, text, line, self._section)
        if level == 3 and self._drafts and not nested:
            self._drafts[-1].subsections.append(heading)
            self._subsection = text
        self.headings.append(heading)
        self._add_prose("heading", text, line)

    def _inline(self, token: Token, opener: Token | None,
                lists: list[tuple[Token, list[str], list[int]]]) -> None:
        text = _plain_text(token)
        line = self._line(token)
        kind = "paragraph"
        if lists and opener is not None and opener.type == "paragraph_open" and opener.level >= 2:
            kind = "list-item"
            lists[-1][1].append(text)
            lists[-1][2].append(line)
        self._add_prose(kind, text, line)
        for child in token.children or ():
            if child.type == "link_open":
                self.links.append((line, str(child.attrGet("href") or "")))

    def _fence(self, token: Token) -> None:
        start = token.map[0] if token.map else 0
        end = token.map[1] if token.map else start + 1
        line = start + 1 + self.offset
        if token.type == "code_block":
            # An indented code block: not an example, but it is code, not prose.
            self._previous_block = "code_block"
            return
        closed = self._is_closed(token, start, end)
        end_line = end + self.offset
        if not closed:
            self.problems.append(ParseProblem(line, "unclosed-fence", token.markup))
        info = parse_info(token.info)
        opening = self.lines[start + self.offset] if start + self.offset < len(self.lines) else ""
        indent = len(opening) - len(opening.lstrip(" "))
        self.fences.append(Fence(
            line=line,
            end_line=end_line,
            content_line=line + 1,
            language=info.language,
            info=info,
            raw_info=token.info,
            content=token.content,
            closed=closed,
            follows_fence=self._previous_block == "fence",
            section=self._section,
            subsection=self._subsection,
            indent=indent,
        ))
        self._previous_block = "fence"

    def _is_closed(self, token: Token, start: int, end: int) -> bool:
        """Whether the fence's last line is its closing fence (markdown-it ends an
        unclosed fence at the end of its container without saying so).

        The line still carries the markers of the block quotes around the fence
        (a line ``> ~~~`` closes a fence opened in a quote): one ``>`` per open quote is removed first.
        """
        if end - start < 2:
            return False
        last = self.lines[end - 1 + self.offset] if end - 1 + self.offset < len(self.lines) else ""
        for _ in range(self._quotes):
            last = last.lstrip(" \t")
            if last.startswith(">"):
                last = last[1:]
        last = last.strip()
        marker = token.markup[0] if token.markup else "`"
        return len(last) >= len(token.markup) and set(last) == {marker}

    def _table(self, tokens: list[Token], index: int) -> int:
        opener = tokens[index]
        header: list[str] = []
        rows: list[tuple[str, ...]] = []
        current: list[str] = []
        row_line = self._line(opener)
        in_head = False
        index += 1
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                current = []
                row_line = self._line(token)
            elif token.type == "tr_close":
                if in_head:
                    header = current
                else:
                    rows.append(tuple(current))
                    self._add_prose("table-row", " ".join(current), row_line)
            elif token.type == "inline":
                current.append(_plain_text(token))
            index += 1
        self.tables.append(Table(self._line(opener), tuple(header), tuple(rows), self._section, self._subsection))
        return index + 1

    def finish_sections(self, total_lines: int) -> tuple[Section, ...]:
        sections = []
        for position, draft in enumerate(self._drafts):
            end = self._drafts[position + 1].line - 1 if position + 1 < len(self._drafts) else total_lines
            words = sum(p.words for p in self.prose if p.section == position and p.kind != "heading")
            sections.append(Section(draft.title, normalize_title(draft.title), draft.line, end, words,
                                    tuple(draft.subsections)))
        return tuple(sections)


def _plain_text(inline: Token) -> str:
    """Text of an inline token without inline code, markup or URLs."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "code_inline":
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()
