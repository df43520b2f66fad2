"""MkDocs adapter: the only module that imports MkDocs.

It reads the pages MkDocs found, hands them to the core (checker, runner,
rewrite), logs every finding under ``mkdocs.plugins.themelion`` (so
``mkdocs build --strict`` fails on errors) and ends the build with a summary
of every failing page. Moving to another renderer means replacing this file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils.meta import get_data

from themelion_docs.checker import PageSource, build_corpus, check_pages, load_page
from themelion_docs.config import CheckConfig, ConfigError, load_config
from themelion_docs.render import rewrite


def output_inserts(results):  # lazy: the runner is only imported when examples run
    from themelion_docs.examples import output_inserts as inserts

    return inserts(results)
from themelion_docs.report import CheckReport
from themelion_docs.rules.context import Page
from themelion_docs import site

log = logging.getLogger("mkdocs.plugins.themelion")


class ThemelionConfig(base.Config):
    enabled = c.Type(bool, default=True)
    """Liga ou desliga o plugin inteiro (ex. `enabled: !ENV [THEMELION, true]`)."""

    rules = c.Type(dict, default={})
    """Ajustes por regra, por código ou nome: `{Q010: {min_words: 1200}, termo-vago: {severity: error}}`."""

    select = c.Type(list, default=[])
    """Só estas regras (códigos ou prefixos, ex. `[F, S, Q010]`). Vazio: todas."""

    ignore = c.Type(list, default=[])
    """Regras desligadas no site inteiro (códigos ou prefixos)."""

    fail_on_error = c.Type(bool, default=False)
    """Interrompe o build (mesmo sem `--strict`) quando alguma página tem erro."""

    execute = c.Type(bool, default=True)
    """Executa os blocos ```python (e ```javascript, se houver Node.js) e mostra a saída real sob cada um."""

    cache_dir = c.Type(str, default=".themelion-cache")
    """Pasta do cache de resultados, relativa ao mkdocs.yml (vazio desliga o cache). Deixe-a no .gitignore."""

    jobs = c.Optional(c.Type(int))
    """Exemplos executados em paralelo (padrão: número de CPUs)."""

    default_timeout = c.Optional(c.Type((int, float)))
    """Tempo máximo padrão de cada bloco, em segundos (padrão do executor: 10)."""

    max_timeout = c.Optional(c.Type((int, float)))
    """Maior `timeout="..."` que uma lição pode pedir, em segundos (padrão do executor: 60)."""

    memory_mb = c.Optional(c.Type(int))
    """Limite de memória de cada bloco, em MiB (padrão do executor: 1024)."""


class ThemelionPlugin(BasePlugin[ThemelionConfig]):
    def __init__(self) -> None:
        self.check_config: CheckConfig | None = None
        self.report: CheckReport | None = None
        self.pages: dict[str, Page] = {}
        self.examples: dict[str, Any] = {}

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        try:
            self.check_config = load_config(
                overrides=self.config.rules, select=self.config.select, ignore=self.config.ignore)
        except ConfigError as error:
            raise PluginError(f"themelion: {error}") from error
        return config

    @event_priority(50)
    def on_files(self, files: Files, config: Any) -> Files:
        if not self.config.enabled or self.check_config is None:
            return files
        docs_dir = Path(config["docs_dir"])
        self.pages = {}
        for file in files.documentation_pages():
            data = Path(file.abs_src_path).read_bytes()
            source = PageSource(path=_display(docs_dir, file.src_uri), rel=file.src_uri, data=data)
            self.pages[file.src_uri] = load_page(source, self.check_config)
        pages = list(self.pages.values())
        outcomes, meta = None, {"examples": "não executados"}
        self.examples = {}
        if self.config.execute:
            self.examples, meta = self._run_examples(pages, Path(config["config_file_path"] or ".").parent)
            outcomes = {path: page.outcome for path, page in self.examples.items()}
        self.report = check_pages(pages, self.check_config, build_corpus(pages), outcomes, meta)
        unreadable = set()
        for page in self.report.pages:
            for finding in page.findings:
                message = f"{finding.location()}: {finding.code} [{finding.name}] {finding.message}"
                (log.warning if finding.is_error else log.info)(message)
                if finding.code == "M001":
                    unreadable.add(page.rel)
        for src_uri in unreadable:
            # MkDocs would abort the whole build on this page; drop it so every other page is still built.
            file = files.get_file_from_path(src_uri)
            if file is not None:
                files.remove(file)
        return self.generated_files(files, config)

    # -- authors and CI (issue 4): generated author's guide, quality dashboard --
    def generated_files(self, files: Files, config: Any) -> Files:
        """Pages generated from the registry and from ``self.report`` (added to ``files``)."""
        return files

    def _run_examples(self, pages: list[Page], root: Path) -> tuple[dict, dict]:
        # Imported here so that `execute: false` builds never touch the runner.
        from themelion_docs.examples import execute
        from themelion_docs.execution import prune_cache
        from themelion_docs.settings import runner_settings

        options = {name: self.config[name] for name in
                   ("cache_dir", "jobs", "default_timeout", "max_timeout", "memory_mb")}
        try:
            settings = runner_settings(options, root)
        except ConfigError as error:
            raise PluginError(f"themelion: {error}") from error
        examples, meta = execute(pages, settings)
        if settings.cache_dir is not None:
            keys = {r.example.key for page in examples.values() for r in page.results.values()}
            prune_cache(settings, keys)
        log.info(f"themelion: exemplos: {meta.get('examples_summary', '')}")
        return examples, meta

    def on_page_markdown(self, markdown: str, page: MkPage, config: Any, files: Files) -> str:
        parsed = self.pages.get(page.file.src_uri)
        if not self.config.enabled or parsed is None or parsed.lesson is None:
            return markdown
        executed = self.examples.get(parsed.path)
        inserts = output_inserts(executed.results) if executed else {}
        if executed and executed.outcome.info:
            page.meta["themelion_examples"] = dict(executed.outcome.info)
        body, _ = get_data(rewrite(parsed.lesson, inserts))
        return self.site_markdown(body, page, parsed)

    # -- learners' site (issue 5): lesson header, generated indexes, tags ----
    def site_markdown(self, markdown: str, page: MkPage, parsed: Page) -> str:
        """Markdown additions for the learners' site; ``self.pages`` holds every parsed page."""
        module = page.meta.get("module")
        return site.site_markdown(markdown, parsed.rel, self.site_catalog(),
                                  module if isinstance(module, str) else None)

    def site_catalog(self) -> site.Catalog:
        """The lessons by module, built once per build (``self.pages`` is a new dict on every build)."""
        cached = getattr(self, "_site_catalog", None)
        if cached is not None and cached[0] is self.pages:
            return cached[1]
        modules = dict(self.check_config.modules) if self.check_config else {}
        lessons_dir = self.check_config.lessons_dir if self.check_config else "backend"
        texts = {rel: page.lesson.text for rel, page in self.pages.items() if page.lesson is not None}
        catalog = site.build_catalog(self.pages.values(), modules, lessons_dir, site.find_tags_page(texts))
        self._site_catalog = (self.pages, catalog)
        return catalog

    def on_nav(self, nav: Any, config: Any, files: Files) -> Any:
        """Each module's lessons go under its section, in front matter order; prev/next stay in the module."""
        if not self.config.enabled or not self.pages:
            return nav
        catalog = self.site_catalog()
        by_rel = {file.src_uri: file.page for file in files.documentation_pages() if file.page is not None}
        placed = {page.file.src_uri for page in nav.pages}
        for section in _sections(nav.items):
            children = {getattr(child, "file", None) and child.file.src_uri for child in section.children}
            for module in catalog.modules:
                if module.index_rel not in children:
                    continue
                for card in module.lessons:
                    page = by_rel.get(card.rel)
                    if page is not None and card.rel not in placed:
                        page.parent = section
                        section.children.append(page)
                        placed.add(card.rel)
        nav.pages = _nav_pages(nav.items)
        for before, page, after in zip([None, *nav.pages], nav.pages, [*nav.pages[1:], None]):
            page.previous_page, page.next_page = before, after
        for card in catalog.lessons:
            page = by_rel.get(card.rel)
            if page is None:
                continue
            before, after = catalog.neighbours(card.lesson_id)
            page.previous_page = by_rel.get(before.rel) if before else None
            page.next_page = by_rel.get(after.rel) if after else None
        return nav

    def on_page_context(self, context: dict, page: MkPage, config: Any, nav: Any) -> dict:
        info = page.meta.get("themelion_examples")
        if self.config.enabled and isinstance(info, dict):
            page.meta["themelion_examples_note"] = site.examples_note(info)
        return context

    def on_post_build(self, config: Any) -> None:
        report = self.report
        if report is None:
            return
        failing = report.failing_pages
        summary = (f"themelion: {len(report.pages)} páginas verificadas, {report.errors} erros, "
                   f"{report.warnings} avisos, {len(report.waivers)} dispensas")
        for waiver in report.waivers:
            log.info(f"{waiver.path}:{waiver.line}: {waiver.code} [{waiver.name}] dispensada: {waiver.reason}")
        if failing:
            log.warning(summary + "; páginas com erro: " + ", ".join(p.path for p in failing))
            if self.config.fail_on_error:
                raise PluginError(f"themelion: {len(failing)} página(s) com erro")
        else:
            log.info(summary)


def _sections(items: list) -> list:
    found = []
    for item in items:
        if getattr(item, "is_section", False):
            found.append(item)
            found.extend(_sections(item.children))
    return found


def _nav_pages(items: list) -> list:
    pages = []
    for item in items:
        if isinstance(item, MkPage):
            pages.append(item)
        if getattr(item, "children", None):
            pages.extend(_nav_pages(item.children))
    return pages


def _display(docs_dir: Path, src_uri: str) -> str:
    path = docs_dir / src_uri
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
