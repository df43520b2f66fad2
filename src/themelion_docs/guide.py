"""The author's guide (``/autores/``), generated from the registry.

``guide_pages(config, glossary)`` returns the pages as (src_uri, Markdown):
the contract, the rule index, one page per rule (the same ``RuleDoc`` that
``themelion explain`` prints) and the glossary. The prose lives in Jinja2
templates under ``data/guide/``; the values (modules, sections, keys, rules,
thresholds) come from the ``CheckConfig`` the checker runs with, so the guide
cannot drift from the checks. No MkDocs here: the plugin adds the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import jinja2

from themelion_docs.config import WAIVABLE_FAMILIES, CheckConfig, RuleSpec
from themelion_docs.explain import FAMILIES, rule_doc, rule_markdown, runner_findings
from themelion_docs.rules.prose import Glossary, load_glossary

PREFIX = "autores"
TYPE_NAMES = {"text": "texto", "integer": "número inteiro", "text-list": "lista de textos",
              "mapping": "mapeamento `chave: motivo`", "text-mapping": "mapeamento `termo: definição`"}
# The guide's first copy-paste command creates this lesson: it must not exist in the room
# (tests/authoring/test_guide.py checks it), or `themelion new` refuses it.
EXAMPLE_TARGET = "apis/minha-licao"
EXAMPLE_TITLE = "Minha lição: o que ela ensina"


@dataclass(frozen=True)
class GuidePage:
    src_uri: str
    content: str


def rule_uri(code: str, prefix: str = PREFIX) -> str:
    return f"{prefix}/regras/{code.lower()}.md"


@dataclass(frozen=True)
class RuleLinks:
    """Where a rule's page is on the built site, for the links of reports.

    ``site_url`` and ``directory_urls`` are mkdocs.yml's ``site_url`` and
    ``use_directory_urls``; ``published`` says whether the site has the
    author's guide (plugin option ``author_guide``). Without a ``site_url`` the
    link is the page's path inside the built site (``autores/regras/q100.html``).
    """

    site_url: str = ""
    directory_urls: bool = True
    published: bool = True
    prefix: str = PREFIX

    def path(self, code: str) -> str:
        page = rule_uri(code, self.prefix)[: -len(".md")]
        return page + "/" if self.directory_urls else page + ".html"

    def url(self, code: str) -> str | None:
        """Absolute when the site has a URL, else the path in the site; None without the guide."""
        if not self.published:
            return None
        return f"{self.site_url.rstrip('/')}/{self.path(code)}" if self.site_url else self.path(code)

    def absolute(self, code: str) -> str | None:
        """Only an absolute URL (SARIF's helpUri must be one)."""
        return self.url(code) if self.site_url and self.published else None


def guide_pages(config: CheckConfig, glossary: Glossary | None = None, docs_hint: str = "docs",
                prefix: str = PREFIX) -> list[GuidePage]:
    glossary = glossary or load_glossary()
    specs = sorted(config.rules.values(), key=lambda r: r.code)
    context = _context(config, glossary, specs, docs_hint)
    environment = _environment()
    pages = [
        GuidePage(f"{prefix}/index.md", environment.get_template("index.md.j2").render(**context)),
        GuidePage(f"{prefix}/contrato.md", environment.get_template("contrato.md.j2").render(**context)),
        GuidePage(f"{prefix}/regras/index.md", environment.get_template("regras.md.j2").render(**context)),
        GuidePage(f"{prefix}/glossario.md", environment.get_template("glossario.md.j2").render(**context)),
    ]
    pages += [GuidePage(rule_uri(spec.code, prefix), rule_markdown(rule_doc(spec, config))) for spec in specs]
    return pages


def _context(config: CheckConfig, glossary: Glossary, specs: list[RuleSpec], docs_hint: str) -> dict:
    marker_rule = config.rules.get("L003")
    items: dict[str, list[RuleSpec]] = {}
    for spec in specs:
        if spec.item:
            items.setdefault(spec.item, []).append(spec)
    families: dict[str, list[RuleSpec]] = {}
    for family in [*FAMILIES, *sorted({s.family for s in specs} - set(FAMILIES))]:
        members = [s for s in specs if s.family == family]
        if members:
            families[FAMILIES.get(family, family)] = members

    def rule_links(family: str) -> str:
        return ", ".join(f"[{s.code}](regras/{s.code.lower()}.md)" for s in specs if s.family == family)

    return {
        "rule_count": len(specs),
        "modules": dict(config.modules),
        "levels": list(config.levels),
        "sections": list(config.sections),
        "key_types": dict(config.key_types),
        "required_keys": list(config.required_keys),
        "type_names": TYPE_NAMES,
        "objectives": config.rules["F008"].params if "F008" in config.rules else {"min": 2, "max": 5},
        "items": items,
        "families": families,
        "waivable": [f"{s.code}" for s in specs if s.family in WAIVABLE_FAMILIES],
        "marker_rule": marker_rule,
        "marker": marker_rule.params.get("marker", "") if marker_rule else "",
        "suppresses": list(marker_rule.params.get("suppresses") or ()) if marker_rule else [],
        "rule": config.rules.get("L002"),
        "glossary": glossary,
        "lessons_dir": config.lessons_dir,
        "docs_hint": docs_hint,
        # The guide's first copy-paste command: a lesson that does not exist in this room.
        "example_target": EXAMPLE_TARGET,
        "example_title": EXAMPLE_TITLE,
        "rule_links": rule_links,
        "runner": runner_findings(config),
    }


def _environment() -> jinja2.Environment:
    folder = resources.files("themelion_docs").joinpath("data", "guide")

    def load(name: str) -> str:
        return folder.joinpath(name).read_text(encoding="utf-8")

    return jinja2.Environment(loader=jinja2.FunctionLoader(load), undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, autoescape=False)
