"""markdown-it block rule for Material's indented containers.

``!!! note "Título"`` (admonition), ``??? note`` / ``???+ note`` (details) and
``=== "Aba"`` (content tabs) open a container whose body is the following
lines indented by four spaces. Plain CommonMark would read that body as an
indented code block, hiding its prose and fences from every rule, so the
lesson parser registers this rule. Only the opening line is matched with a
pattern; the body is tokenized by markdown-it itself.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_OPENER = re.compile(r'^(?P<marker>!!!|\?\?\?\+?|===\+?)[ \t]*(?P<rest>.*)$')
_TITLE = re.compile(r'^(?P<kind>[\w-]+(?:[ \t]+[\w-]+)*)?[ \t]*(?:"(?P<title>[^"]*)")?[ \t]*$')


def container_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "themelion_container", _container_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )


def _container_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[begin:state.eMarks[start_line]]
    match = _OPENER.match(line)
    if not match:
        return False
    marker = match.group("marker")
    rest = match.group("rest").strip()
    kind, title = _split_title(marker, rest)
    if silent:
        return True

    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    body_indent = state.sCount[start_line] + 4
    next_line = start_line + 1
    last_content = start_line
    while next_line < end_line:
        if state.isEmpty(next_line):
            next_line += 1
            continue
        if state.sCount[next_line] < body_indent:
            break
        last_content = next_line
        next_line += 1
    block_end = last_content + 1

    token = state.push("container_open", "div", 1)
    token.markup = marker
    token.info = kind
    token.meta = {"title": title, "marker": marker}
    token.block = True
    token.map = [start_line, block_end]

    state.parentType = "blockquote"  # lets lists/fences nest as in a quote
    state.blkIndent = body_indent
    state.lineMax = block_end
    state.md.block.tokenize(state, start_line + 1, block_end)

    token = state.push("container_close", "div", -1)
    token.markup = marker
    token.block = True

    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = block_end
    return True


def _split_title(marker: str, rest: str) -> tuple[str, str | None]:
    if marker.startswith("="):
        # content tab: === "Rótulo"
        title = rest.strip().strip('"') if rest else None
        return "tab", title or None
    match = _TITLE.match(rest)
    if not match:
        return rest.split()[0] if rest.split() else "", None
    kind = (match.group("kind") or "").split()[0] if match.group("kind") else ""
    return kind, match.group("title")
