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

_ARROW_CHARS = "-=~.>< "
_NAME_GAP = re.compile(r"\S+(?: \S+)*")
_LABEL = re.compile(r"[^\s\-=~.<>|+*/\\_^v:]+(?:[ \-/.:][^\s\-=~<>|+*\\_^]+)*")


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
    """The messages of a sequence diagram, in order, as ``A → B: label``.

    Participants are the names on the first line with text; an arrow line is
    one with a run of ``-``/``=`` ending in ``>`` or starting with ``<``. Its
    ends are matched to the nearest participant columns.
    """
    lines = source.expandtabs(4).split("\n")
    participants: list[tuple[str, int]] = []
    steps: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if not participants and not _is_arrow(line) and not set(line.strip()) <= set("|+-=_ "):
            participants = [(m.group(0), m.start() + len(m.group(0)) // 2)
                            for m in re.finditer(r"\S+(?: \S+)*", line) if _has_letter(m.group(0))]
            continue
        for step in _arrows(line, participants):
            steps.append(step)
    if steps:
        return steps
    return [_clean(line) for line in lines if _has_letter(_clean(line))]


def _arrows(line: str, participants: list[tuple[str, int]]) -> list[str]:
    found = []
    for match in re.finditer(r"<?[-=~.]{2,}[^|]*?[-=~.]*>|<[-=~.]+[^|]*?[-=~.]{2,}", line):
        segment = match.group(0)
        if not ("-" in segment or "=" in segment):
            continue
        label = " ".join(_LABEL.findall(segment.strip("<>-=~. "))).strip()
        leftward = segment.startswith("<") and not segment.endswith(">")
        start, end = match.start(), match.end()
        source = _nearest(participants, end if leftward else start)
        target = _nearest(participants, start if leftward else end)
        if source and target and source != target:
            found.append(f"{source} → {target}" + (f": {label}" if label else ""))
        elif label:
            found.append(("← " if leftward else "→ ") + label)
    return found


def _nearest(participants: list[tuple[str, int]], column: int) -> str | None:
    if not participants:
        return None
    return min(participants, key=lambda p: abs(p[1] - column))[0]


def _is_arrow(line: str) -> bool:
    return bool(re.search(r"[-=]{2,}>|<[-=]{2,}", line))


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _clean(line: str) -> str:
    return " ".join(_LABEL.findall(line)).strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)
