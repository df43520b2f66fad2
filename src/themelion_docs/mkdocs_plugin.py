"""MkDocs adapter: the only module that imports MkDocs.

It reads the pages MkDocs found, hands them to the core (checker, runner,
rewrite), logs every finding under ``mkdocs.plugins.themelion`` (so
``mkdocs build --strict`` fails on errors) and ends the build with a summary
of every failing page. Moving to another renderer means replacing this file.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils.meta import get_data

from themelion_docs.checker import PageSource, build_corpus, check_pages, fingerprint, load_page
from themelion_docs.page_cache import FileMemo, MemoryMemo, tool_fingerprint
from themelion_docs.recent import Recent
from themelion_docs.config import CheckConfig, ConfigError, load_config
from themelion_docs.examples import exercise_inserts, output_inserts
from themelion_docs.render import rewrite
from themelion_docs.guide import RuleLinks
from themelion_docs.report import CheckReport, PageReport
from themelion_docs.reports.text import finding_blocks
from themelion_docs.rules.context import Page
from themelion_docs import site
from themelion_docs.site import assets as site_assets
from themelion_docs.site import nav as site_nav
from themelion_docs.site import render_cache
from themelion_docs.site import search as site_search
from themelion_docs.site import theme as site_theme

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

    modules = c.Optional(c.Type(list))
    """Módulos do projeto, em ordem: `[{slug: filas, title: "Filas"}, ...]` (padrão: os sete da sala Backend)."""

    lessons_dir = c.Optional(c.Type(str))
    """Pasta do docs_dir com as lições, em `<pasta>/<módulo>/<slug>.md` (padrão: `backend`)."""

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

    max_processes = c.Optional(c.Type(int))
    """Processos e threads que cada unidade pode ter ao mesmo tempo (padrão do executor: 128)."""

    processes_ceiling = c.Optional(c.Type(int))
    """Maior `processes="..."` que uma lição pode pedir (padrão do executor: 512)."""

    example_dependencies = c.Optional(c.Type(list))
    """Pacotes de terceiros que os exemplos podem importar (requisitos, ex. `[fastapi, httpx>=0.27]`). Padrão: o grupo `examples` de `[project.optional-dependencies]` do pyproject.toml ao lado do mkdocs.yml."""

    author_guide = c.Type(bool, default=False)
    """Gera o guia do autor em `/autores/` (contrato e uma página por regra, a partir do registro)."""

    dashboard = c.Type(bool, default=False)
    """Gera o painel de qualidade em `/qualidade/` e o bloco «Estado da verificação» em cada lição."""

    render_cache = c.Type(bool, default=True)
    """Reaproveita o HTML de cada página cujo Markdown final, configuração do Markdown e arquivos do site não mudaram (em `<cache_dir>/html/`). Fica desligado sozinho com extensões que leem outros arquivos ao renderizar (`pymdownx.snippets`...); desligue se outro plugin renderizar páginas por conta própria."""


# Markdown extensions the plugin's own Markdown relies on, with what breaks without each.
REQUIRED_EXTENSIONS = {
    "md_in_html": "o cabeçalho de cada lição (nível, tempo de leitura, objetivos, pré-requisitos) e as listas "
                  "de lições dos módulos são Markdown dentro de `<div markdown>`",
    "attr_list": "as classes do cabeçalho e das listas (`{ .themelion-facts }`) e dos blocos de saída",
    "pymdownx.superfences": "a saída dos exemplos aparece sob cada bloco como um bloco `{ .text .themelion-output }`",
    "admonition": "a página de um módulo ainda sem lições mostra o aviso «Em preparação» (`!!! note`)",
}
TABLE_EXTENSION = ("tables", "o painel /qualidade/ e o guia do autor são tabelas Markdown")


def missing_extensions(extensions: Any, needs_tables: bool) -> list[tuple[str, str]]:
    """The required Markdown extensions absent from ``markdown_extensions``, with why each is needed."""
    enabled = set()
    for extension in extensions or ():
        name = extension if isinstance(extension, str) else type(extension).__module__
        enabled.add(name.removeprefix("markdown.extensions."))
    required = [*REQUIRED_EXTENSIONS.items(), *([TABLE_EXTENSION] if needs_tables else [])]
    return [(name, why) for name, why in required if name not in enabled]


def missing_extensions_message(missing: list[tuple[str, str]]) -> str:
    names = ", ".join(f"`{name}`" for name, _ in missing)
    lines = [f"themelion: faltam extensões do Markdown de que o plugin depende: {names}."]
    lines += [f"  - {name}: {why}." for name, why in missing]
    lines += ["Acrescente ao mkdocs.yml:", "", "markdown_extensions:"]
    lines += [f"  - {name}" for name, _ in missing]
    return "\n".join(lines)


_MEMOS: dict[Path, MemoryMemo] = {}
# Rendered pages are large (the HTML of a lesson is 100-400 KB): fewer kept in memory.
RENDERS_IN_MEMORY = 400

# What a build makes from unchanged inputs, for the next build of the same process (`mkdocs serve`
# rebuilds every page after each save). Each key names every input of its value.
_REWRITTEN: Recent[str] = Recent(limit=2048)  # (path, text, inserts) -> the lesson's Markdown body
_CATALOGS: Recent[site.Catalog] = Recent(limit=4)  # every page's path and text, modules -> catalog
_SITE_MARKDOWN: Recent[str] = Recent(limit=2048)  # (body, page, catalog key, module) -> final Markdown
_GUIDES: Recent[list] = Recent(limit=4)  # (rules configuration, docs hint) -> the guide's pages
_DASHBOARDS: Recent[str] = Recent(limit=4)  # the page's parts (the report as it shows it) -> its Markdown, dated


class _RenderLog(logging.Handler):
    """Counts what a page's render logs (a render that said anything is not stored).

    Listens on the root logger and on ``mkdocs``, which MkDocs's command line
    stops from propagating (link warnings are logged under it)."""

    LOGGERS = ("", "mkdocs")

    def __init__(self) -> None:
        """Starts listening at once; ``close`` stops."""
        super().__init__(logging.INFO)
        self.said = 0
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.said += 1

    def close(self) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self)
        super().close()


def _timed(method: Any) -> Any:
    """Adds the handler's time to the plugin's share of the build (logged at debug level)."""
    @functools.wraps(method)
    def timed(self: "ThemelionPlugin", *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            self._spent += time.perf_counter() - started
    return timed


def _captured_render(html: str, page: MkPage) -> render_cache.RenderedPage:
    """What MkDocs's render left on ``page``, as plain data."""
    def heading(link: Any) -> render_cache.Heading:
        return render_cache.Heading(link.title, link.id, link.level, tuple(heading(child) for child in link.children))

    links = page.links_to_anchors
    return render_cache.RenderedPage(
        html=html,
        toc=tuple(heading(link) for link in page.toc),
        title=page._title_from_render,
        anchors=frozenset(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
        links_to_anchors=None if links is None else tuple(
            (file.src_uri, tuple(anchors.items())) for file, anchors in links.items()),
    )


def _keeps_anchor_links() -> bool:
    """Whether MkDocs's render keeps a page's links to anchors (it does not under DEBUG)."""
    return logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG


def _apply_render(stored: render_cache.RenderedPage, page: MkPage, files: Files) -> None:
    """Puts a stored render back on ``page``, as MkDocs's own render would have left it."""
    from mkdocs.structure.toc import AnchorLink, TableOfContents

    def link(heading: render_cache.Heading) -> AnchorLink:
        anchor = AnchorLink(heading.title, heading.id, heading.level)
        anchor.children = [link(child) for child in heading.children]
        return anchor

    items = [link(heading) for heading in stored.toc]
    if items:
        items[0].active = True  # type: ignore[attr-defined]  # as mkdocs.structure.toc.get_toc does
    page.toc = TableOfContents(items)
    page._title_from_render = stored.title
    page.present_anchor_ids = set(stored.anchors) if stored.anchors is not None else None
    if stored.links_to_anchors is not None and _keeps_anchor_links():
        page.links_to_anchors = {file: dict(anchors) for path, anchors in stored.links_to_anchors
                                 if (file := files.get_file_from_path(path)) is not None}


class ThemelionPlugin(BasePlugin[ThemelionConfig]):
    def __init__(self) -> None:
        self.check_config: CheckConfig | None = None
        self.report: CheckReport | None = None
        self.page_reports: dict[str, PageReport] = {}  # self.report's pages by path in docs_dir
        self.pages: dict[str, Page] = {}
        self.examples: dict[str, Any] = {}
        self.renders: MemoryMemo | None = None
        self._render_settings = ""  # digest of the Markdown settings, set when the HTML cache is on
        self._render_files: str | None = None
        self._pending: dict[str, tuple[str, _RenderLog]] = {}  # page -> (key, listener) while MkDocs renders it
        self._reused: dict[str, tuple[str, render_cache.RenderedPage]] = {}  # page -> (its Markdown, stored render)
        self._reused_count = 0
        self._rendered_pages: list[str] = []
        self._not_stored = 0
        self._documentation_pages = 0
        self._spent = 0.0

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        try:
            self.check_config = load_config(
                overrides=self.config.rules, select=self.config.select, ignore=self.config.ignore,
                modules=self.config.modules, lessons_dir=self.config.lessons_dir)
        except ConfigError as error:
            raise PluginError(f"themelion: {error}") from error
        missing = missing_extensions(config.get("markdown_extensions"),
                                     self.config.dashboard or self.config.author_guide)
        if missing:
            # Without them the lesson header shows as raw Markdown: stop here and say what to add.
            raise PluginError(missing_extensions_message(missing))
        return config

    @event_priority(50)
    def on_files(self, files: Files, config: Any) -> Files:
        if not self.config.enabled or self.check_config is None:
            return files
        started_files = time.perf_counter()
        docs_dir = Path(config["docs_dir"])
        root = Path(config["config_file_path"] or ".").parent
        memo, salt = self._memo(root), tool_fingerprint()
        self._start_renders(root, config)
        self.pages = {}
        for file in files.documentation_pages():
            data = Path(file.abs_src_path).read_bytes()
            source = PageSource(path=_display(docs_dir, file.src_uri), rel=file.src_uri, data=data)
            self.pages[file.src_uri] = load_page(source, self.check_config, memo, salt)
        pages = list(self.pages.values())
        outcomes, meta = None, {"examples": "não executados"}
        self.examples = {}
        if self.config.execute:
            self.examples, meta = self._run_examples(pages, root, memo, salt)
            outcomes = {path: page.outcome for path, page in self.examples.items()}
        started = time.perf_counter()
        self.report = check_pages(pages, self.check_config, build_corpus(pages), outcomes, meta, memo, salt)
        self.page_reports = {page.rel: page for page in self.report.pages}
        log.debug("themelion: regras de %d páginas em %.3f s (memo: %s)", len(pages),
                  time.perf_counter() - started, "sim" if memo is not None else "não")
        unreadable = set()
        links = RuleLinks(site_url=config.get("site_url") or "",
                          directory_urls=config.get("use_directory_urls", True),
                          published=self.config.author_guide)
        for page in self.report.pages:
            # The same text as `themelion check`: the hint (once per page when repeated) and the rule's page.
            for finding, block in zip(page.findings, finding_blocks(page.findings, links=links)):
                (log.warning if finding.is_error else log.info)(block)
                if finding.code == "M001":
                    unreadable.add(page.rel)
        for src_uri in unreadable:
            # MkDocs would abort the whole build on this page; drop it so every other page is still built.
            file = files.get_file_from_path(src_uri)
            if file is not None:
                files.remove(file)
        quiet_placed_pages(files, config.get("nav"), self.check_config.lessons_dir)
        files = self.generated_files(files, config)
        self._spent += time.perf_counter() - started_files
        return files

    # -- authors and CI (issue 4): generated author's guide, quality dashboard --
    def generated_files(self, files: Files, config: Any) -> Files:
        """Pages generated from the registry and from ``self.report`` (added to ``files``).

        The author's guide (``autores/``) comes from the same ``CheckConfig`` the
        pages were just checked with, the dashboard (``qualidade.md``) from
        ``self.report``. A page the project already has at the same path wins.
        """
        from mkdocs.structure.files import File

        from themelion_docs.dashboard import DASHBOARD_URI, dashboard_parts, dated
        from themelion_docs.guide import guide_pages

        existing = {file.src_uri for file in files}
        linkable = {file.src_uri for file in files.documentation_pages()}
        hint = _docs_hint(config)
        generated = list(_GUIDES.get((fingerprint(self.check_config), hint), lambda: [
            (page.src_uri, page.content) for page in guide_pages(self.check_config, docs_hint=hint)])) \
            if self.config.author_guide else []
        if self.report is not None and self.config.dashboard:
            report, check_config = self.report, self.check_config
            # Dated when this state of the room was first reported: a rebuild that changes nothing
            # gives the same page (its stored HTML is reused), one that changes anything a new date.
            parts = dashboard_parts(report, check_config, linkable)
            now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
            generated.append((DASHBOARD_URI, _DASHBOARDS.get(parts, lambda: dated(parts, now))))
        for src_uri, content in generated:
            if src_uri not in existing:
                files.append(File.generated(config, src_uri, content=content))
        return files

    @_timed
    def _status_block(self, html: str, page: MkPage, config: Any, files: Files) -> str:
        """Authors' status of the lesson, collapsed at the end of the page (kept out of search)."""
        if not self.config.enabled or not self.config.dashboard or self.report is None or self.check_config is None:
            return html
        from mkdocs.utils import get_relative_url

        from themelion_docs.dashboard import DASHBOARD_URI, status_html

        report = self.page_reports.get(page.file.src_uri)
        if report is None or report.kind != "lesson":
            return html
        dashboard = files.get_file_from_path(DASHBOARD_URI)
        href = get_relative_url(dashboard.url, page.url) if dashboard is not None else None
        return html + "\n" + status_html(report, self.check_config, href)

    # -- warm builds (issue 13): the HTML of an unchanged page is reused ------
    def _start_renders(self, root: Path, config: Any) -> None:
        self._render_settings, self._render_files = "", None
        self._pending, self._reused = {}, {}
        folder = self.config.cache_dir
        if not self.config.render_cache or not folder:
            self.renders = None
            return
        reading = render_cache.uncacheable(config.get("markdown_extensions"))
        if reading:
            self.renders = None
            log.info("themelion: cache de HTML desligado: " + "; ".join(f"`{name}` {why}" for name, why in reading)
                     + " (o HTML passa a depender de arquivos que a chave do cache não enxerga)")
            return
        directory = (root / str(folder) / "html").resolve()
        if directory not in _MEMOS:
            _MEMOS[directory] = MemoryMemo(FileMemo(directory), limit=RENDERS_IN_MEMORY)
        self.renders = _MEMOS[directory]
        self.renders.new_round()  # what this build asks for; the rest is pruned after a whole build
        settings = {name: config.get(name) for name in
                    ("markdown_extensions", "mdx_configs", "validation", "use_directory_urls")}
        self._render_settings = render_cache.settings_key(settings, tool_fingerprint())

    @event_priority(-1000)  # after every plugin has changed the Markdown: the key is what MkDocs renders
    @_timed
    def _reuse_render(self, markdown: str, page: MkPage, config: Any, files: Files) -> str:
        if self.renders is None:
            return markdown
        if self._render_files is None:
            self._render_files = render_cache.files_key((file.src_uri, file.url) for file in files)
            self._documentation_pages = len(files.documentation_pages())
        key = render_cache.render_key(self._render_settings, self._render_files, page.file.src_uri,
                                      page.file.url, markdown)
        stored = self.renders.get(key)
        # A render made under -v has no links to anchors (MkDocs skips them at DEBUG): it cannot stand in
        # for one a normal build would check.
        if isinstance(stored, render_cache.RenderedPage) and (stored.links_to_anchors is not None
                                                              or not _keeps_anchor_links()):
            self._reused[page.file.src_uri] = (markdown, stored)
            return ""  # MkDocs converts an empty page; _restore_render puts the stored render back
        self._pending[page.file.src_uri] = (key, _RenderLog())
        return markdown

    @event_priority(100)  # before any other plugin reads the HTML
    @_timed
    def _restore_render(self, html: str, page: MkPage, config: Any, files: Files) -> str:
        reused = self._reused.pop(page.file.src_uri, None)
        if reused is not None:
            markdown, stored = reused
            page.markdown = markdown
            _apply_render(stored, page, files)
            self._reused_count += 1
            return stored.html
        pending = self._pending.pop(page.file.src_uri, None)
        if pending is None or self.renders is None:
            return html
        key, listener = pending
        listener.close()
        self._rendered_pages.append(page.file.src_uri)
        if listener.said:
            self._not_stored += 1
        else:
            self.renders.put(key, _captured_render(html, page))
        return html

    on_page_content = CombinedEvent(_restore_render, _status_block)

    def _memo(self, root: Path) -> MemoryMemo | None:
        """One memo per cache folder for the whole process: ``mkdocs serve`` builds a new
        plugin at every reload, and an unchanged page must still cost only a lookup."""
        folder = self.config.cache_dir
        if not folder:
            return None
        directory = (root / str(folder) / "pages").resolve()
        if directory not in _MEMOS:
            _MEMOS[directory] = MemoryMemo(FileMemo(directory))
        return _MEMOS[directory]

    def _run_examples(self, pages: list[Page], root: Path, memo: MemoryMemo | None,
                      salt: str) -> tuple[dict, dict]:
        # Imported here so that `execute: false` builds never touch the runner.
        from themelion_docs.examples import execute
        from themelion_docs.execution import prune_cache
        from themelion_docs.settings import runner_settings

        options = {name: self.config[name] for name in
                   ("cache_dir", "jobs", "default_timeout", "max_timeout", "memory_mb", "max_processes", "processes_ceiling",
                                  "example_dependencies")}
        try:
            settings = runner_settings(options, root)
        except ConfigError as error:
            raise PluginError(f"themelion: {error}") from error
        examples, meta = execute(pages, settings, memo=memo, salt=salt)
        if settings.cache_dir is not None:
            keys = set().union(*(page.cache_keys for page in examples.values()))
            prune_cache(settings, keys)
        log.info(f"themelion: exemplos: {meta.get('examples_summary', '')}")
        return examples, meta

    @_timed
    def _lesson_markdown(self, markdown: str, page: MkPage, config: Any, files: Files) -> str:
        parsed = self.pages.get(page.file.src_uri)
        if not self.config.enabled or parsed is None or parsed.lesson is None:
            return markdown
        executed = self.examples.get(parsed.path)
        inserts = {**output_inserts(executed.results), **exercise_inserts(executed.exercises)} if executed else {}
        if executed and executed.outcome.info:
            page.meta["themelion_examples"] = dict(executed.outcome.info)
        lesson = parsed.lesson
        body = _REWRITTEN.get((parsed.path, lesson.text, tuple(sorted(inserts.items()))),
                              lambda: get_data(rewrite(lesson, inserts))[0])
        return self.site_markdown(body, page, parsed)

    on_page_markdown = CombinedEvent(_lesson_markdown, _reuse_render)

    # -- learners' site (issue 5): lesson header, generated indexes, tags ----
    def site_markdown(self, markdown: str, page: MkPage, parsed: Page) -> str:
        """Markdown additions for the learners' site; ``self.pages`` holds every parsed page."""
        module = page.meta.get("module")
        module = module if isinstance(module, str) else None
        key, catalog = self._keyed_catalog()
        return _SITE_MARKDOWN.get((markdown, parsed.rel, key, module),
                                  lambda: site.site_markdown(markdown, parsed.rel, catalog, module))

    def site_catalog(self) -> site.Catalog:
        return self._keyed_catalog()[1]

    def _keyed_catalog(self) -> tuple[tuple, site.Catalog]:
        """The lessons by module and the key naming its inputs (every page's path and text, the
        modules): built once per build (``self.pages`` is a new dict on every build) and looked up
        by that key on the next builds of the process."""
        cached = getattr(self, "_site_catalog", None)
        if cached is not None and cached[0] is self.pages:
            return cached[1], cached[2]
        modules = dict(self.check_config.modules) if self.check_config else {}
        lessons_dir = self.check_config.lessons_dir if self.check_config else "backend"
        texts = {rel: page.lesson.text for rel, page in self.pages.items() if page.lesson is not None}
        pages = list(self.pages.values())
        key = (tuple(sorted((rel, page.path, texts.get(rel)) for rel, page in self.pages.items())),
               tuple(modules.items()), lessons_dir)
        catalog = _CATALOGS.get(key, lambda: site.build_catalog(pages, modules, lessons_dir,
                                                                 site.find_tags_page(texts)))
        self._site_catalog = (self.pages, key, catalog)
        return key, catalog

    @_timed
    def on_nav(self, nav: Any, config: Any, files: Files) -> Any:
        """A module's lessons go after its index.md in the nav, in module order; prev/next run through the whole room."""
        if not self.config.enabled or not self.pages:
            return nav
        catalog = self.site_catalog()
        by_rel = {file.src_uri: file.page for file in files.documentation_pages() if file.page is not None}
        placed = {page.file.src_uri for page in nav.pages}
        module_indexes = {module.index_rel for module in catalog.modules if module.index_rel}
        for section in _sections(nav.items):
            for child in list(section.children):
                if not isinstance(child, MkPage) or child.file.src_uri not in module_indexes:
                    continue
                for rel in site_nav.folder_pages(child.file.src_uri, by_rel, catalog, placed):
                    by_rel[rel].parent = section
                    section.children.append(by_rel[rel])
                    placed.add(rel)
        nav.pages = _nav_pages(nav.items)
        for before, page, after in zip([None, *nav.pages], nav.pages, [*nav.pages[1:], None]):
            page.previous_page, page.next_page = before, after
        for card in catalog.lessons:
            page = by_rel.get(card.rel)
            if page is not None:
                before, after = catalog.neighbours(card.lesson_id)
                page.previous_page = by_rel.get(before.rel) if before else None
                page.next_page = by_rel.get(after.rel) if after else None
        return nav

    @_timed
    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        """Theme files no page loads (source maps, other languages' stemmers) are not copied."""
        if not self.config.enabled:
            return env
        search = config.plugins.get("material/search") or config.plugins.get("search")
        languages = getattr(search, "config", {}).get("lang") if search else None  # None: keep every stemmer
        theme_dirs = tuple(_resolved(folder) + "/" for folder in config.theme.dirs)
        theme_files = [file for file in files
                       if file.abs_src_path and _resolved(file.abs_src_path).startswith(theme_dirs)]
        unused = set(site_assets.unused_theme_assets((file.dest_uri for file in theme_files), languages))
        for file in theme_files:
            if file.dest_uri in unused:
                files.remove(file)
        return env

    @_timed
    def on_page_context(self, context: dict, page: MkPage, config: Any, nav: Any) -> dict:
        info = page.meta.get("themelion_examples")
        if self.config.enabled and isinstance(info, dict):
            page.meta["themelion_examples_note"] = site.examples_note(info)
        return context

    @_timed
    def on_post_page(self, output: str, page: MkPage, config: Any) -> str:
        return site_theme.patch_theme_html(output) if self.config.enabled else output

    def on_post_build(self, config: Any) -> None:
        started = time.perf_counter()
        self._end_renders()
        if self.config.enabled:
            # Search: accents folded, index fetched on first use (site/search.py).
            search = config.plugins.get("material/search") or config.plugins.get("search")
            if search is not None:
                site_search.patch_search(Path(config["site_dir"]), getattr(search, "config", {}).get("lang"))
        try:
            self._summary()
        finally:
            self._spent += time.perf_counter() - started
            # `mkdocs serve -v` (or build -v): the plugin's share of this build, for the edit loop.
            rendered = self._rendered_pages
            named = f": {', '.join(rendered)}" if rendered and self._reused_count and len(rendered) <= 40 else ""
            log.debug("themelion: %.3f s do plugin neste build; HTML: %d páginas reaproveitadas, %d "
                      "renderizadas (%d não guardadas: a renderização registrou mensagens)%s", self._spent,
                      self._reused_count, len(rendered), self._not_stored, named)

    def _summary(self) -> None:
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

    def _end_renders(self) -> None:
        """Listeners of renders that never finished (a page that failed) are taken off; once every page
        of a whole build went through, stored renders no page asked for are removed."""
        for _, listener in self._pending.values():
            listener.close()
        self._pending = {}
        seen = self._reused_count + len(self._rendered_pages)
        if self.renders is not None and seen >= self._documentation_pages:
            self.renders.prune()


@functools.lru_cache(maxsize=8192)  # the theme's hundreds of files, on every rebuild of `mkdocs serve`
def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def nav_files(nav: Any) -> set[str]:
    """Every page path written in mkdocs.yml's ``nav`` (titles and links left out)."""
    found: set[str] = set()
    stack = [nav]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def quiet_placed_pages(files: Files, nav: Any, lessons_dir: str) -> None:
    """The pages on_nav puts after their module's index.md are not "missing from the nav".

    MkDocs lists every page absent from an explicit ``nav`` before plugins can
    place them; marking the ones on_nav will place as NOT_IN_NAV (still built)
    keeps that list for the pages that really are left out.
    """
    from mkdocs.structure.files import InclusionLevel

    if not nav:
        return
    listed = nav_files(nav)
    for file in files.documentation_pages():
        folder, name = posixpath.split(file.src_uri)
        if name == "index.md" or file.src_uri in listed or posixpath.dirname(folder) != lessons_dir:
            continue
        if f"{folder}/index.md" in listed and file.inclusion is InclusionLevel.INCLUDED:
            file.inclusion = InclusionLevel.NOT_IN_NAV


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


def _docs_hint(config: Any) -> str:
    """docs_dir as the author types it (relative to mkdocs.yml), for commands in the guide."""
    docs_dir = Path(config["docs_dir"])
    root = Path(config["config_file_path"] or ".").parent
    try:
        return docs_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return docs_dir.name


def _display(docs_dir: Path, src_uri: str) -> str:
    path = docs_dir / src_uri
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
