"""Shared vocabulary of the checker tests (imported by the test modules).

The good lesson (``tests/fixtures/lesson_ok.md``) is short on purpose: it
passes every rule once the two size thresholds are lowered (``SHORT``).
``test_registry_thresholds.py`` pins the real registry numbers on generated text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from themelion_docs.checker import ExampleOutcome, PageSource, check_sources
from themelion_docs.config import CheckConfig, load_config
from themelion_docs.findings import Finding
from themelion_docs.report import CheckReport, PageReport

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Where the good lesson lives in a docs tree (module folder = `module:` key).
GOOD_REL = "backend/protocolos/conexoes.md"
GOOD_ID = "protocolos/conexoes"

# lesson_ok.md has 279 prose words; its thinnest sections have 23 (Na prática)
# and 15 (Referências). The margins are small on purpose: the Q010 and Q011
# failing cases remove a single paragraph.
SECTION_KEYS = ("o-que-e", "como-funciona", "na-pratica", "quando-usar", "erros-comuns")
SHORT: Mapping[str, Mapping] = {
    "Q010": {"min_words": 306},
    "Q011": {"min_words": {key: 20 for key in SECTION_KEYS}},
}


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def short(**kwargs) -> CheckConfig:
    """The lowered thresholds plus ``select``/``ignore`` or more overrides."""
    overrides = {**SHORT, **kwargs.pop("overrides", {})}
    return load_config(overrides=overrides, **kwargs)


Pages = Sequence[tuple[str, "str | bytes"]]


def sources(pages: Pages) -> list[PageSource]:
    return [PageSource(path=f"docs/{rel}", rel=rel, data=text if isinstance(text, bytes) else text.encode("utf-8"))
            for rel, text in pages]


def check(pages: Pages, config: CheckConfig | None = None,
          execute: Callable | None = None) -> CheckReport:
    """Check pages given as ``(path relative to docs_dir, text or bytes)``."""
    return check_sources(sources(pages), config or load_config(overrides=SHORT), execute=execute)


def page(report: CheckReport, rel: str) -> PageReport:
    return next(p for p in report.pages if p.rel == rel)


def findings(report: CheckReport, rel: str = GOOD_REL) -> tuple[Finding, ...]:
    return page(report, rel).findings


def codes(found: Iterable[Finding]) -> list[str]:
    return sorted({f.code for f in found})


def with_code(found: Iterable[Finding], code: str) -> list[Finding]:
    return [f for f in found if f.code == code]


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based line of the first line (from ``start``) that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def mutate(text: str, old: str, new: str) -> str:
    """Replace ``old`` once; fail loudly if the fixture drifted."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the fixture"
    return text.replace(old, new)


def outcome_runner(status: str) -> Callable:
    """An ``execute`` stand-in: every python block of every page got ``status``."""
    def execute(pages):
        outcomes = {}
        for item in pages:
            fences = item.lesson.fences if item.lesson else ()
            statuses = {f.line: status for f in fences if f.language == "python"}
            outcomes[item.path] = ExampleOutcome(statuses=statuses)
        return outcomes, {"examples": "simulados"}
    return execute


def plugin_rules_yaml(overrides: Mapping[str, Mapping] = SHORT) -> str:
    """The ``rules:`` option of the themelion plugin, as flow YAML for mkdocs.yml."""
    import json

    return json.dumps(overrides, ensure_ascii=False)  # JSON is valid YAML


def write_site(root: Path, pages: Mapping[str, str | bytes], plugin: str | None = None) -> Path:
    """A minimal MkDocs project: mkdocs.yml + docs/<rel> for each page; returns mkdocs.yml."""
    plugin = plugin if plugin is not None else "{rules: " + plugin_rules_yaml() + "}"
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: Teste\n"
        "docs_dir: docs\n"
        "theme: {name: material, language: pt-BR, font: false}\n"
        f"plugins:\n  - search\n  - themelion: {plugin}\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, pymdownx.superfences, pymdownx.details, tables]\n",
        encoding="utf-8")
    for rel, text in pages.items():
        file = root / "docs" / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            file.write_bytes(text)
        else:
            file.write_text(text, encoding="utf-8")
    return config


HOME = "---\ntitle: Início\n---\n\n# Início\n\nA sala Backend.\n"
