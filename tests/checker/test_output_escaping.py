"""Issue 12, item 3: an example's output never becomes markup, in any container.

Each test builds a real page with ``mkdocs build --strict`` (the examples run
in the sandbox). The page holds one block per line-ending variant that a
renderer may honour and the rewrite once did not (lone ``\\r``, ``\\r\\n``,
vertical tab, form feed, NEL, U+2028, U+2029, NUL, plus a plain line): every
block prints a ``<script>`` after that break. The built HTML must hold no
``<script`` element coming from output (the theme's own scripts are all
``src=`` scripts or the search config, none carries the payload), and every
payload must be shown, escaped, inside the block's "Saída".
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest

BREAKS = {
    "cr": "\\r", "crlf": "\\r\\n", "vt": "\\x0b", "ff": "\\x0c", "nel": "\\x85",
    "ls": "\\u2028", "ps": "\\u2029", "nul": "\\x00", "plain": "\\n",
}


def _block(name: str, escape: str) -> str:
    return (f'```python\nprint("inicio-{name}{escape}<script>alert(\'{name}\')</script>")\n'
            f'print("<img src=x onerror=alert(1)>")\n```\n')


def _blocks() -> str:
    return "\n".join(_block(name, escape) for name, escape in BREAKS.items())


def _indent(text: str, prefix: str, blank: str = "") -> str:
    return "\n".join(prefix + line if line else blank for line in text.split("\n"))


# container -> (Markdown holding every block, extra markdown_extensions)
CONTAINERS = {
    "admonition": '!!! note "Nota"\n\n' + _indent(_blocks(), "    "),
    "details": '??? tip "Detalhes"\n\n' + _indent(_blocks(), "    "),
    "tab": '=== "Aba"\n\n' + _indent(_blocks(), "    ") + '\n=== "Outra"\n\n    texto\n',
    "bullet-list": "- item\n\n" + _indent(_blocks(), "  "),
    "ordered-list": "1. item\n\n" + _indent(_blocks(), "   "),
    "quote": "> citação\n>\n" + _indent(_blocks(), "> ", ">"),
    "quote-in-list": "- item\n\n  > citação\n  >\n" + _indent(_blocks(), "  > ", "  >"),
    "list-in-admonition": '!!! note "Nota"\n\n    - item\n\n' + _indent(_blocks(), "      "),
}

MKDOCS_YML = (
    "site_name: Teste\n"
    "docs_dir: docs\n"
    "theme: {name: material, language: pt-BR, font: false}\n"
    "plugins:\n  - search\n  - themelion\n"
    "markdown_extensions: [admonition, pymdownx.details, pymdownx.superfences, md_in_html, attr_list,\n"
    "  {pymdownx.tabbed: {alternate_style: true}}, tables]\n"
)


class _Page(HTMLParser):
    """Every <script> element and the text of every runner output block."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.outputs: list[str] = []
        self._depth = 0  # inside a themelion-output div
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            self.scripts.append(attributes.get("src") or "")
        if any(name.startswith("on") for name, _ in attrs):
            self.handlers.append(tag)
        if tag == "div":
            if self._depth:
                self._depth += 1
            elif "themelion-output" in (attributes.get("class") or "").split():
                self._depth = 1
                self.outputs.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._in_script and self.scripts:
            self.scripts[-1] += data
        if self._depth:
            self.outputs[-1] += data


def _build(root, page: str) -> tuple[subprocess.CompletedProcess, str]:
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Início\n\nSaídas hostis.\n\n" + page + "\n", encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
                            cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180)
    html = (root / "site" / "index.html").read_text(encoding="utf-8") if result.returncode == 0 else ""
    return result, html


@pytest.mark.parametrize("container", sorted(CONTAINERS))
def test_output_is_escaped_inside_every_container(tmp_path, container):
    result, html = _build(tmp_path, CONTAINERS[container])
    assert result.returncode == 0, result.stdout + result.stderr
    parsed = _Page()
    parsed.feed(html)
    assert not [s for s in parsed.scripts if "alert" in s], "output became a <script> element"
    assert "<script>alert" not in html and "<img src=x" not in html
    assert parsed.handlers == [], "output became an element with an event handler"
    shown = "\n".join(parsed.outputs)
    for name in BREAKS:
        # every payload is shown, as text, in an output block of the page
        assert f"<script>alert('{name}')</script>" in shown, (name, shown)
    assert shown.count("<img src=x onerror=alert(1)>") == len(BREAKS)
    assert "inicio-nul\\x00<script>" in shown  # NUL is shown as an escape, never written raw
    assert "\x00" not in html and "\r" not in html
