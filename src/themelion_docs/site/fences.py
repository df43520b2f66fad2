"""Custom fences for pymdownx.superfences: ASCII ``diagram`` figures and ``output`` blocks.

Wired in mkdocs.yml (``custom_fences``) with ``!!python/name:``; plain
functions of the fence's text, so any Python-Markdown renderer can use them.

A diagram becomes a ``<figure>``: the drawing in a ``<pre>`` that scrolls
sideways and never wraps (a wrapped arrow is a wrong arrow), its title as
``<figcaption>``, and a text alternative: the messages the diagram draws,
read from its arrows (``Cliente → Servidor: GET /a``), or the author's
``alt`` when the fence has one.
"""

from __future__ import annotations

import html
import re
from typing import Any

DIAGRAM_OPTIONS = frozenset({"title", "alt"})
OUTPUT_OPTIONS = frozenset({"title"})



def validate_diagram(language: str, inputs: dict[str, str], options: dict[str, Any],
                     attrs: dict[str, Any], md: Any) -> bool:
    return _validate(inputs, options, attrs, DIAGRAM_OPTIONS)


def validate_output(language: str, inputs: dict[str, str], options: dict[str, Any],
                    attrs: dict[str, Any], md: Any) -> bool:
    return _validate(inputs, options, attrs, OUTPUT_OPTIONS)


def _validate(inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], known: frozenset[str]) -> bool:
    for key, value in inputs.items():
        if key in known:
            options[key] = value
        else:
            attrs[key] = value
    return True


def format_diagram(source: str, language: str, class_name: str, options: dict[str, Any], md: Any,
                   **kwargs: Any) -> str:
    title = str(options.get("title") or "").strip()
    alt = str(options.get("alt") or "").strip()
    name = f"Diagrama: {title}" if title else "Diagrama"
    steps = [] if alt else describe_diagram(source)
    if alt:
        alternative = f"<p>{_e(alt)}</p>"
    elif steps:
        alternative = "<ol>" + "".join(f"<li>{_e(step)}</li>" for step in steps) + "</ol>"
    else:
        alternative = "<p>Diagrama sem mensagens legíveis em texto; leia o desenho linha a linha.</p>"
    caption = f'<span class="themelion-diagram__title">{_e(title)}</span>' if title else ""
    return (
        f'<figure class="themelion-diagram">'
        f'<div class="themelion-diagram__scroll" tabindex="0" role="region" aria-label="{_e(name)}">'
        f'<pre class="themelion-diagram__art">{_e(source.rstrip())}</pre></div>'
        f"<figcaption>{caption}"
        f'<details class="themelion-diagram__alt"><summary>Descrição do diagrama em texto</summary>'
        f"{alternative}</details></figcaption></figure>"
    )


def format_output(source: str, language: str, class_name: str, options: dict[str, Any], md: Any,
                  **kwargs: Any) -> str:
    """The author's expected output, drawn like the runner's "Saída" blocks."""
    title = str(options.get("title") or "Saída").strip()
    return (f'<div class="themelion-output themelion-output--expected highlight">'
            f'<span class="filename">{_e(title)}</span><pre><code>{_e(source)}</code></pre></div>')


def describe_diagram(source: str) -> list[str]:
    """The messages of an ASCII sequence diagram, in order, as ``A → B: label``.

    Participants are the names on the first line with text and no arrow.
    With lifelines (``|``), each stretch between two of them that carries a
    run of ``-``/``=`` with a head (``>`` at its end or ``<`` at its start) is
    a message, its ends matched to the nearest participant; without
    lifelines, ``A ---> B`` and ``A --- texto ---> B`` are read as messages.
    A diagram with no message gives its lines of text instead.
    """
    lines = source.expandtabs(4).split("\n")
    participants: list[tuple[str, int]] = []
    steps: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if not participants and not _ARROW.search(line) and _has_letter(line):
            participants = [(m.group(0), m.start() + len(m.group(0)) // 2)
                            for m in re.finditer(r"\S+(?: \S+)*", line) if _has_letter(m.group(0))]
            continue
        steps.extend(_messages(line, participants))
    if steps:
        return steps
    return [text for text in (_clean(line) for line in lines) if _has_letter(text)]


_ARROW = re.compile(r"[-=]{2,}>|<[-=]{2,}|[-=]>|<[-=]")
_HEAD_RUN = re.compile(r"\s*<?[-=]{2,}>?\s*")


def _messages(line: str, participants: list[tuple[str, int]]) -> list[str]:
    bars = [index for index, char in enumerate(line) if char == "|"]
    if len(bars) >= 2:
        edges = [-1, *bars, len(line)]
        segments = [line[a + 1:b] for a, b in zip(edges, edges[1:])]
        found = []
        for index, (left, right) in enumerate(zip(bars, bars[1:]), start=1):
            ends = participants or [(_clean(segments[index - 1]), left), (_clean(segments[index + 1]), right)]
            step = _lifeline_message(segments[index], left, right, [e for e in ends if e[0]])
            if step:
                found.append(step)
        return found
    if not _ARROW.search(line):
        return []
    parts = [_clean(part) for part in _HEAD_RUN.split(line.strip().strip("+|"))]
    parts = [part for part in parts if part]
    leftward = "<" in line and ">" not in line
    if len(parts) == 2:
        first, second = parts
        return [f"{second} → {first}" if leftward else f"{first} → {second}"]
    if len(parts) == 3:
        first, label, second = parts
        return [f"{second} → {first}: {label}" if leftward else f"{first} → {second}: {label}"]
    return []


def _lifeline_message(segment: str, left: int, right: int, participants: list[tuple[str, int]]) -> str | None:
    text = segment.strip()
    if sum(text.count(c) for c in "-=") < 2:
        return None
    rightward, leftward = text.endswith(">"), text.startswith("<")
    if rightward == leftward:
        return None
    label = text.strip("<>-= ").strip()
    sender = _nearest(participants, right if leftward else left)
    receiver = _nearest(participants, left if leftward else right)
    if sender and receiver and sender != receiver:
        return f"{sender} → {receiver}" + (f": {label}" if label else "")
    return (f"← {label}" if leftward else f"→ {label}") if label else None


def _nearest(participants: list[tuple[str, int]], column: int) -> str | None:
    if not participants:
        return None
    return min(participants, key=lambda p: abs(p[1] - column))[0]


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _clean(line: str) -> str:
    """The words of a line without box-drawing and arrow characters."""
    return " ".join(re.sub(r"[|+<>]|[-=_~.]{2,}", " ", line).split())


def _e(text: str) -> str:
    return html.escape(text, quote=True)
