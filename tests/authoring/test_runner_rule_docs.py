"""The example runner's codes (E001-E023) are documented like every other rule.

Their texts live in execution/findings.yaml; config.py merges them into the
registry, so `themelion explain` and the author's guide show them.
"""

from __future__ import annotations

import re

import pytest

from themelion_docs.cli import main
from themelion_docs.config import load_config
from themelion_docs.execution import catalog

CONFIG = load_config()
RUNNER_CODES = sorted(catalog())
LABEL = re.compile(r"^(\S[^:\n]*):$")
DOC_FIELDS = ("why", "wrong", "right")


def explain_parts(text: str) -> dict[str, str]:
    """The labelled parts of `themelion explain`: label -> its (indented) text, dedented."""
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = LABEL.match(line)
        if match:
            current = parts.setdefault(match.group(1), [])
        elif current is not None:
            if line and not line.startswith("    "):
                current = None  # an unindented line ends the part (e.g. the waiver)
            else:
                current.append(line[4:])
    return {label: "\n".join(lines).strip() for label, lines in parts.items()}


def test_every_runner_code_is_in_the_registry_as_exemplos():
    assert RUNNER_CODES and all(re.fullmatch(r"E\d{3}", code) for code in RUNNER_CODES)
    for code in RUNNER_CODES:
        assert CONFIG.rule(code).family == "exemplos"


@pytest.mark.parametrize("code", RUNNER_CODES)
def test_explain_runner_code_prints_why_wrong_and_right(code, capsys, project):
    exit_code = main(["explain", code])
    out = capsys.readouterr().out
    assert exit_code == 0
    assert out.startswith(f"{code} [{catalog()[code].name}]")
    parts = explain_parts(out)
    for label in ("Por quê", "Errado", "Certo"):
        assert parts.get(label), f"{code}: parte «{label}» vazia ou ausente"
    assert parts["Errado"] != parts["Certo"]


@pytest.mark.parametrize("code", RUNNER_CODES)
def test_runner_code_has_its_own_summary_and_lesson_markdown_examples(code):
    spec = CONFIG.rule(code)
    # Its own sentence, not the message template turned into a summary.
    assert spec.summary and "…" not in spec.summary and "{" not in spec.summary
    assert spec.summary[0].isupper() and spec.summary.endswith(".")
    # Examples are Markdown as written in a lesson: they hold at least one fence.
    assert "```" in spec.wrong and "```" in spec.right
    # The runner still formats the same message and hint.
    assert (spec.message, spec.hint) == (catalog()[code].message, catalog()[code].hint)


def test_no_rule_of_any_family_lacks_why_wrong_or_right():
    missing = [
        f"{spec.code}.{field}"
        for spec in CONFIG.rules.values()
        for field in DOC_FIELDS
        if not str(getattr(spec, field)).strip()
    ]
    assert missing == []
    assert {spec.family for spec in CONFIG.rules.values()} >= {"exemplos", "pagina"}
