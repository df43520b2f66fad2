"""The built site read as files (no browser): links, offline assets, page structure, generated lists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_support import LESSON, ROOT

from themelion_docs.site.assets import needed_lunr_files

RESOURCE_TAGS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
                 ("audio", "src"), ("embed", "src"), ("object", "data"), ("link", "href")}


class PageParser(HTMLParser):
    """Everything the tests look at in one page: links, resources, ids, headings, images, lang."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.images_without_alt: list[str] = []
        self.lang: str | None = None
        self.figures = 0
        self.captions = 0
        self.alternatives = 0
        self._in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "html":
            self.lang = values.get("lang")
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "link" and values.get("href") and not {"canonical", "prev", "next", "alternate"} & set(
                (values.get("rel") or "").split()):
            self.resources.append(values["href"])
        elif (tag, "src") in RESOURCE_TAGS and values.get("src"):
            self.resources.append(values["src"])
        if tag == "article":
            self._in_article += 1
        if re.fullmatch(r"h[1-6]", tag) and self._in_article:
            self.headings.append(int(tag[1]))
        if tag == "img" and not values.get("alt") and values.get("role") != "presentation":
            self.images_without_alt.append(values.get("src") or "?")
        if tag == "figure" and "themelion-diagram" in classes:
            self.figures += 1
        if tag == "figcaption":
            self.captions += 1
        if tag == "details" and "themelion-diagram__alt" in classes:
            self.alternatives += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._in_article -= 1


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> dict[Path, PageParser]:
    parsed = {}
    for path in sorted(site_dir.rglob("*.html")):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path.resolve()] = parser
    return parsed


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("file",)) or url.startswith("//")


def test_every_internal_link_and_anchor_resolves(site_dir: Path, pages: dict[Path, PageParser]) -> None:
    broken, checked = [], 0
    for path, parser in pages.items():
        for url in parser.links + parser.resources:
            if _external(url) or url == "#" or url.startswith("javascript:"):
                continue
            parts = urlsplit(url)
            if parts.scheme:
                continue
            checked += 1
            base = site_dir if parts.path.startswith("/") else path.parent  # 404.html links from the root
            target = path if not parts.path else (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path.relative_to(site_dir)} -> {url}")
                continue
            if parts.fragment and target.suffix == ".html":
                anchors = pages.get(target)
                if anchors is not None and unquote(parts.fragment) not in anchors.ids:
                    broken.append(f"{path.relative_to(site_dir)} -> {url} (âncora inexistente)")
    assert not broken, "links quebrados:\n" + "\n".join(broken[:40])
    assert checked > 50 * len(pages) // 10, "quase nenhum link verificado: o leitor de HTML falhou?"


def test_pages_load_no_resource_from_another_host(site_dir: Path, pages: dict[Path, PageParser]) -> None:
    external = [f"{path.relative_to(site_dir)}: {url}" for path, parser in pages.items()
                for url in parser.resources if _external(url)]
    assert not external, "\n".join(external)
    for css in site_dir.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f"{css.name} carrega algo de fora"
        assert "@import" not in text, f"{css.name} usa @import"


def test_no_web_fonts_and_no_cdn_worker(site_dir: Path) -> None:
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home and "fonts.gstatic.com" not in home
    assert "unpkg.com" not in home
    assert "assets/javascripts/vendor/iframe-worker-shim.js" in home
    assert (site_dir / "search" / "search_index.js").is_file(), "o índice de busca embutido (offline) não foi gerado"


def test_every_asset_is_used_by_the_pages(site_dir: Path, pages: dict[Path, PageParser]) -> None:
    used = set()
    for path, parser in pages.items():
        for url in parser.resources + parser.links:
            if not _external(url) and urlsplit(url).path:
                used.add((path.parent / unquote(urlsplit(url).path)).resolve())
    html = "\n".join(path.read_text(encoding="utf-8") for path in pages)
    lunr = {(site_dir / rel).resolve() for rel in needed_lunr_files(["pt"])}
    unused = []
    for asset in sorted((site_dir / "assets").rglob("*")):
        if asset.is_file() and asset.resolve() not in used | lunr:
            # the search worker's path sits in each page's configuration JSON
            if asset.relative_to(site_dir).as_posix() not in html:
                unused.append(asset.relative_to(site_dir).as_posix())
    assert not unused, f"arquivos que nenhuma página usa: {unused}"


def test_pages_declare_pt_br_and_have_one_h1_and_ordered_headings(site_dir: Path,
                                                                   pages: dict[Path, PageParser]) -> None:
    problems = []
    for path, parser in pages.items():
        name = path.relative_to(site_dir).as_posix()
        if parser.lang != "pt-BR":
            problems.append(f"{name}: lang={parser.lang!r}")
        if parser.headings.count(1) != 1 or (parser.headings and parser.headings[0] != 1):
            problems.append(f"{name}: {parser.headings.count(1)} h1 (esperado: um, no início)")
        for before, after in zip(parser.headings, parser.headings[1:]):
            if after > before + 1:
                problems.append(f"{name}: título h{after} logo depois de h{before}")
                break
        if parser.images_without_alt:
            problems.append(f"{name}: imagens sem texto alternativo: {parser.images_without_alt}")
        if parser.figures != parser.alternatives or parser.figures > parser.captions:
            problems.append(f"{name}: diagrama sem legenda ou sem descrição em texto")
    assert not problems, "\n".join(problems)


def test_lesson_page_has_header_figures_and_module_links(site_dir: Path, pages: dict[Path, PageParser]) -> None:
    lesson = site_dir / LESSON
    if not lesson.is_file():
        pytest.skip("a lição piloto content/backend/protocolos/http.md ainda não existe no site")
    html = lesson.read_text(encoding="utf-8")
    assert 'class="themelion-lesson-header"' in html
    assert re.search(r'class="themelion-time">\d+ min de leitura<', html)
    assert pages[lesson].figures >= 1, "a lição piloto tem diagramas ASCII"
    if "themelion-output--" in html:  # the examples ran: the page says when and on which Python
        assert re.search(r'class="themelion-examples-note">Os exemplos desta página foram executados em .* '
                         r"com Python \d", html)
    module = (site_dir / "backend/protocolos/index.html").read_text(encoding="utf-8")
    assert 'href="http.html"' in module
    room = (site_dir / "backend/index.html").read_text(encoding="utf-8")
    assert 'href="protocolos/http.html"' in room


def test_module_and_room_pages_have_no_leftover_placeholders(site_dir: Path) -> None:
    for path in site_dir.rglob("*.html"):
        assert "<!-- themelion:" not in path.read_text(encoding="utf-8"), path


def test_an_external_asset_fails_the_strict_build(tmp_path: Path) -> None:
    """The privacy plugin is the guard: a page that would load something from a CDN does not build."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("---\ntitle: Início\n---\n\n# Início\n\n![Logo](https://cdn.example.com/logo.png)\n",
                                   encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\n"
        f"theme:\n  custom_dir: {ROOT / 'templates' / 'overrides'}\nnav:\n  - index.md\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                             "-d", str(tmp_path / "site")], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=300)
    assert result.returncode != 0
    assert "External file: https://cdn.example.com/logo.png" in result.stdout + result.stderr


PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
# What a dropped fence becomes: inline code starting with the info string and
# running over several lines (the block's body). A one-line mention is prose.
DROPPED_FENCE = re.compile(r"<code>(?:python|javascript|js|output|diagram)\s+\w+=[^<]*\n[^<]*</code>")


def test_no_fence_was_dropped_by_the_renderer(site_dir: Path) -> None:
    """pymdownx.superfences turns a fence with an unknown option into a paragraph of inline code;
    the toolchain strips its own options first, so no page may show that signature."""
    dropped = []
    for page in sorted(site_dir.rglob("*.html")):
        outside_code_blocks = PRE_BLOCK.sub("", page.read_text(encoding="utf-8"))
        if DROPPED_FENCE.search(outside_code_blocks):
            dropped.append(page.relative_to(site_dir).as_posix())
    assert dropped == []


def test_lesson_pages_show_no_raw_fence_markers(site_dir: Path) -> None:
    lessons = [p for p in sorted((site_dir / "backend").glob("*/*.html")) if p.name != "index.html"]
    assert len(lessons) >= 9
    for page in lessons:
        assert "```" not in PRE_BLOCK.sub("", page.read_text(encoding="utf-8")), page.name


ROOM_ORDER = ["protocolos", "apis", "autenticacao", "arquitetura", "concorrencia", "mensageria", "performance"]
FOOTER_LINK = re.compile(r'<a href="([^"]+)" class="md-footer__link md-footer__link--(prev|next)"')


def _footer(page: Path) -> dict[str, Path]:
    html = page.read_text(encoding="utf-8")
    return {kind: (page.parent / href).resolve() for href, kind in FOOTER_LINK.findall(html)}


def test_previous_and_next_make_the_room_one_path(site_dir: Path) -> None:
    """From the first lesson, «próxima» visits every lesson once, modules in the room's order, and
    «anterior» walks the same path back: a module's last lesson leads to the next module's first."""
    backend = site_dir / "backend"
    lessons = {p.resolve() for p in backend.glob("*/*.html") if p.name != "index.html"}
    first = [p for p in lessons if "next" in _footer(p) and _footer(p).get("prev") not in lessons]
    assert len(first) == 1, f"esperada uma só primeira lição, achei {sorted(p.name for p in first)}"
    path = [first[0]]
    while (after := _footer(path[-1]).get("next")) in lessons:
        assert after not in path, f"ciclo em {after.name}"
        assert _footer(after).get("prev") == path[-1], f"{after.name}: «anterior» não volta a {path[-1].name}"
        path.append(after)
    assert set(path) == lessons, f"fora do caminho: {sorted(p.name for p in lessons - set(path))}"
    modules = [p.parent.name for p in path]
    assert modules == sorted(modules, key=ROOM_ORDER.index), modules
    crossings = [(a, b) for a, b in zip(path, path[1:]) if a.parent != b.parent]
    assert len(crossings) == len(dict.fromkeys(modules)) - 1


def test_learners_read_portuguese_labels_not_slugs(site_dir: Path) -> None:
    """Checklist items, the footer, tags (header, tags page, search) and dashboard columns in Portuguese."""
    import json

    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Production-ready" not in html, page.relative_to(site_dir)
        assert "Made with" not in html, page.relative_to(site_dir)
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Feito com\s*<a [^>]*>\s*Material for MkDocs", home)
    lesson = (site_dir / LESSON).read_text(encoding="utf-8")
    tags = re.findall(r'class="themelion-tag" href="[^"]+">([^<]+)<', lesson)
    assert "segurança" in tags and "idempotência" in tags and "HTTP" in tags, tags
    assert "seguranca" not in tags and "idempotencia" not in tags
    assert "Pronto para produção" in lesson  # the checklist item in the lesson's status block
    tags_page = (site_dir / "tags.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="tag-seguranca">segurança', tags_page), "a seção da tag mantém a âncora em ASCII"
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    shown = {tag for doc in index["docs"] for tag in doc.get("tags", ())}
    assert {"segurança", "autenticação", "idempotência"} <= shown and not {"seguranca", "autenticacao"} & shown
    inlined = (site_dir / "search" / "search_index.js").read_text(encoding="utf-8")
    assert "seguran\\u00e7a" in inlined, "o índice embutido (file://) tem os mesmos nomes"
    dashboard = site_dir / "qualidade.html"
    if dashboard.is_file():
        cells = re.findall(r"<td>([^<]*)</td>", dashboard.read_text(encoding="utf-8"))
        assert "Intermediário" in cells and "Autenticação e autorização" in cells
        assert not {"intermediario", "avancado", "autenticacao", "protocolos"} & set(cells)


def test_the_glossary_lists_every_term_of_the_lessons_with_a_link_to_where_it_is_taught(site_dir: Path) -> None:
    """Each term of a lesson's ``glossary`` is on /glossario/, A to Z, linking to the lesson's section."""
    import yaml

    from themelion_docs.site.catalog import fold_term

    glossary = (site_dir / "glossario.html").read_text(encoding="utf-8")
    entries = re.findall(r'<dt id="termo-[^"]*">(.*?)</dt>\s*<dd>(.*?)</dd>', glossary, re.S)
    shown = [re.sub(r"<[^>]+>", "", term) for term, _ in entries]
    declared: dict[str, str] = {}
    for lesson in sorted((ROOT / "content" / "backend").glob("*/*.md")):
        if lesson.name == "index.md":
            continue
        front = yaml.safe_load(lesson.read_text(encoding="utf-8").split("---\n")[1]) or {}
        for term in (front.get("glossary") or {}):
            declared.setdefault(fold_term(term), lesson.stem)
    assert declared, "ao menos uma lição declara termos (front matter glossary)"
    assert sorted(fold_term(t) for t in shown) == sorted(declared)
    assert [fold_term(t) for t in shown] == sorted(fold_term(t) for t in shown), "em ordem alfabética"
    by_term = {fold_term(re.sub(r"<[^>]+>", "", term)): body for term, body in entries}
    for key, stem in declared.items():
        entry = by_term[key]
        assert re.search(rf'href="backend/[a-z-]+/{stem}\.html(#[a-z0-9_-]+)?"', entry), (key, entry[:300])


def test_lessons_and_lists_carry_the_progress_hooks(site_dir: Path) -> None:
    lesson = (site_dir / LESSON).read_text(encoding="utf-8")
    assert re.search(r'<button class="themelion-progress" type="button" data-lesson="protocolos/http" hidden>',
                     lesson)
    module = (site_dir / "backend" / "protocolos" / "index.html").read_text(encoding="utf-8")
    assert 'class="themelion-progress-mark" data-lesson="protocolos/http"' in module
    assert "assets/javascripts/progresso.js" in lesson
