"""Issue 12, item 6: hostile front matter and fences end in findings, never in a traceback or a lost block.

- ``order:`` with 5,000 digits: PyYAML's int() raised ValueError, and since
  every page is context for every other, checking any page and the build broke;
- a key written twice: YAML keeps the last value in silence (F013 now);
- a fence closed inside a ``>`` quote was reported unclosed (M003);
- ``title='prazo "total".py'`` was written back as ``title="prazo "total".py"``
  and pymdownx.superfences dropped the whole block from the page.
"""

from __future__ import annotations

from html.parser import HTMLParser

from checker_helpers import GOOD_REL, HOME, check, findings, line_of, mutate, with_code, write_site
from test_mkdocs_site import mkdocs_build
from themelion_docs.cli import main

HUGE_ORDER = "order: " + "7" * 5000 + "\n"
OTHER_REL = "backend/protocolos/outra.md"


def huge_order(good: str) -> str:
    return mutate(good, "order: 1\n", HUGE_ORDER)


def test_a_huge_order_is_a_finding_at_its_line_and_the_other_pages_are_checked(good_text):
    bad = huge_order(good_text)
    other = mutate(good_text, "order: 1\n", "order: 2\n")
    report = check([(GOOD_REL, bad), (OTHER_REL, other)])
    (problem,) = findings(report, GOOD_REL)
    assert (problem.code, problem.line) == ("F002", line_of(bad, "order:"))
    assert "5000 algarismos" in problem.message and "order: 3" in problem.message
    assert findings(report, OTHER_REL) == ()


def test_checking_one_page_with_a_huge_order_in_the_site_as_context(tmp_path, monkeypatch, good_text, capsys):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: huge_order(good_text),
                          OTHER_REL: mutate(good_text, "order: 1\n", "order: 2\n")})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-exec", f"docs/{OTHER_REL}"]) == 0
    assert main(["check", "--no-exec", f"docs/{GOOD_REL}"]) == 1
    assert f"docs/{GOOD_REL}:5: F002" in capsys.readouterr().out


def test_a_strict_build_with_a_huge_order_fails_on_the_finding_not_on_a_traceback(tmp_path, good_text):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: huge_order(good_text)}, plugin="{execute: false}")
    result = mkdocs_build(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "Exceeds the limit" not in output
    assert f"docs/{GOOD_REL}:5: F002 [front-matter-invalido]" in output


def test_a_repeated_key_is_a_finding_at_the_repeated_line_nested_too(good_text):
    text = mutate(good_text, "tags: [http, conexoes]\n",
                  'tags: [http, conexoes]\nwaive:\n  Q040: "motivo um"\n  Q040: "motivo dois"\ntitle: "Outro"\n')
    found = with_code(findings(check([(GOOD_REL, text)])), "F013")
    assert [(f.line, f.message.split(" aparece")[0]) for f in found] == [
        (line_of(text, "motivo dois"), "a chave `waive.Q040`"),
        (line_of(text, 'title: "Outro"'), "a chave `title`"),
    ]
    assert f"já estava na linha {line_of(text, 'title:')}" in found[1].message


def test_a_page_that_is_not_a_lesson_reports_a_repeated_key_too():
    found = findings(check([("index.md", "---\ntitle: A\ntitle: B\n---\n\n# Início\n\nTexto.\n")]), "index.md")
    assert [(f.code, f.line) for f in found] == [("F013", 3)]


class _Blocks(HTMLParser):
    """Titles of code blocks, and whether each runner output sits inside a <blockquote>."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.outputs_in_quote: list[bool] = []
        self._quote = 0
        self._title = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "blockquote":
            self._quote += 1
        if tag == "span" and "filename" in classes:
            self._title = True
            self.titles.append("")
        if tag == "div" and "themelion-output" in classes:
            self.outputs_in_quote.append(self._quote > 0)

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self._quote -= 1
        if tag == "span":
            self._title = False

    def handle_data(self, data):
        if self._title:
            self.titles[-1] += data


def test_a_title_with_double_quotes_and_a_fence_in_a_quote_reach_the_page(tmp_path):
    page = ("# Início\n\nBlocos.\n\n"
            "```python title='prazo \"total\".py'\nprint(\"prazo-ok\")\n```\n\n"
            "> Citação com código:\n>\n> ```python\n> print(\"dentro-da-citacao\")\n> ```\n")
    write_site(tmp_path, {"index.md": page}, plugin="{}")
    result = mkdocs_build(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    parsed = _Blocks()
    parsed.feed(html)
    assert 'prazo "total".py' in parsed.titles  # the block is on the page, with its title
    assert "prazo-ok" in html
    # the quote's block ran and its output is shown inside the quote
    assert parsed.outputs_in_quote == [False, True]
    assert "dentro-da-citacao" in html
