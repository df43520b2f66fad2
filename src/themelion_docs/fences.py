"""Fence info strings: ``python session="a" title="x.py"``.

The info string is the text after the opening backticks. Its first word is the
language; the rest are ``key="value"`` options (quotes optional for values
without spaces). Parsing never raises: problems come back as messages so the
caller can turn them into findings at the fence's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Options that Material / pymdownx.highlight understand and must reach them.
RENDERER_OPTIONS = frozenset({"title", "linenums", "hl_lines"})
# Options written back into the Markdown the renderer reads (``alt`` of a diagram too).
WRITTEN_BACK = RENDERER_OPTIONS | {"alt"}


@dataclass(frozen=True)
class FenceInfo:
    language: str
    options: dict[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def parse_info(info: str) -> FenceInfo:
    text = info.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    tokens, errors = _tokenize(text)
    if not tokens:
        return FenceInfo(language="", errors=tuple(errors))
    language = tokens[0].lstrip(".").lower()
    options: dict[str, str] = {}
    order: list[str] = []
    for token in tokens[1:]:
        key, sep, value = token.partition("=")
        key = key.strip()
        if not sep:
            errors.append(f"opção «{token}» sem valor: use chave=\"valor\"")
            continue
        if not key or not key.replace("_", "").replace("-", "").isalnum():
            errors.append(f"nome de opção inválido: «{key}»")
            continue
        if key in options:
            errors.append(f"opção «{key}» repetida")
        if key in WRITTEN_BACK and not quotable(value):
            errors.append(f"o valor de «{key}» tem aspas simples e duplas, e o Markdown não tem como "
                          f"escrevê-lo: use só um tipo de aspas dentro do valor (ou aspas tipográficas “ ”)")
        options[key] = value
        order.append(key)
    return FenceInfo(language=language, options=options, order=tuple(order), errors=tuple(errors))


def _tokenize(text: str) -> tuple[list[str], list[str]]:
    """Split on spaces outside quotes; quotes are removed from values."""
    tokens: list[str] = []
    errors: list[str] = []
    current: list[str] = []
    quote = ""
    in_token = False
    for char in text:
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in "\"'":
            quote = char
            in_token = True
        elif char.isspace():
            if in_token:
                tokens.append("".join(current))
                current, in_token = [], False
        else:
            current.append(char)
            in_token = True
    if quote:
        errors.append("aspas não fechadas nas opções do bloco")
    if in_token:
        tokens.append("".join(current))
    return tokens, errors


def render_info(language: str, options: dict[str, str], keep: frozenset[str] = RENDERER_OPTIONS) -> str:
    """Rebuild an info string with only the options in ``keep``."""
    parts = [language]
    for key, value in options.items():
        if key in keep and quotable(value):
            parts.append(f"{key}={quoted(value)}")
    return " ".join(parts)


def quotable(value: str) -> bool:
    """Whether a value can be written back: the renderers' quotes have no escape.

    pymdownx.superfences reads ``key="..."`` or ``key='...'``; a value holding
    both kinds of quote (or a line break) cannot be written at all.
    """
    return not ('"' in value and "'" in value) and "\n" not in value and "\r" not in value


def quoted(value: str) -> str:
    """``value`` in the quotes it does not contain (double quotes when it holds none)."""
    return f"'{value}'" if '"' in value else f'"{value}"'


def fence_marker(text: str, minimum: int = 3) -> str:
    """Backticks enough to fence ``text``: longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(minimum, longest + 1)
