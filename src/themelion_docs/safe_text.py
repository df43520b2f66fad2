"""Text that came from an example (its output, a traceback) made safe to show.

An example's output is hostile input: it reaches the page, the terminal and
every machine-readable report. ``printable`` gives one plain, visible form:

- every line break any parser may honour (``\\r\\n``, a lone ``\\r``, ``\\v``,
  form feed, ``\\x1c``-``\\x1e``, NEL, U+2028, U+2029) becomes ``\\n``, so
  code that indents or prefixes each line (Markdown inside admonitions,
  lists and quotes) sees the same lines as the renderer;
- terminal escape sequences (ANSI CSI such as colours and "erase line", OSC
  such as titles and hyperlinks) are removed;
- any other control character (NUL included), DEL, C1 controls, the
  bidirectional overrides, lone surrogates and the noncharacters U+FFFE and
  U+FFFF are shown as an escape (``\\x00``, ``\\u202e``) instead of acting.

The result holds only characters valid in XML 1.0, so it can go into JUnit
and SARIF as it is; it still needs HTML escaping for a page.
"""

from __future__ import annotations

import re

# ESC [ params intermediates final | ESC ] ... (BEL | ESC \) | ESC + one byte; the C1 forms too.
# An OSC left open is dropped to the end of its line only, never the rest of the text.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_BREAKS = re.compile("\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with line breaks normalised and control characters inert (see the module).

    With ``newlines=False`` the line breaks are escaped too (``\\n``): for a
    value that must stay on one line (a terminal summary, a file name).
    """
    text = _ESCAPES.sub("", text)
    text = _BREAKS.sub("\n", text)
    text = _INVISIBLE.sub(_visible, text)
    if not newlines:
        text = text.replace("\n", "\\n")
    return text


def printable_tree(value: object) -> object:
    """``value`` (JSON-like: dicts, lists, strings) with every string made ``printable``."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_tree(k) if isinstance(k, str) else k: printable_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_tree(item) for item in value]
    return value
