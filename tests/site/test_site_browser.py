"""The built site in a real browser (Chromium through Playwright), served from 127.0.0.1 and from file://.

Screenshots land in test-artifacts/site/ for a person to look at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from site_support import DESKTOP, LESSON, PHONE, Visit, open_visit

pytestmark = pytest.mark.browser

SEARCH_TERM = "idempotência"


def _go(visit: Visit, url: str) -> None:
    visit.page.goto(url, wait_until="load")
    visit.page.wait_for_selector("article.md-content__inner h1")


def _h1(visit: Visit) -> str:
    return visit.page.inner_text("article h1").rstrip("¶").strip()


def _search(visit: Visit, term: str) -> object:
    page = visit.page
    field = page.locator("input.md-search__input")
    if not field.is_visible():  # phone-sized: the search opens from the header button
        page.locator("label.md-header__button[for='__search']").click()
    field.fill(term)
    field.press("End")  # Material reads the query on keyup, which fill() does not send
    return page.wait_for_selector("li.md-search-result__item a", timeout=15_000)


def test_home_loads_without_console_errors(visit: Visit, server: str) -> None:
    _go(visit, server)
    assert _h1(visit) == "Sala Backend"
    assert visit.page.get_attribute("html", "lang") == "pt-BR"
    visit.page.wait_for_load_state("networkidle")
    assert visit.errors == []


def test_http_lesson_is_reached_through_the_navigation(visit: Visit, server: str, lesson_url: str) -> None:
    _go(visit, server)
    visit.page.click("a.md-tabs__link:has-text('Sala Backend')")
    visit.page.wait_for_url(re.compile(r"backend/index\.html$"))
    visit.page.click("article a[href$='protocolos/index.html']:has-text('Abrir o módulo')")
    visit.page.wait_for_url(re.compile(r"protocolos/index\.html$"))
    visit.page.click("article .themelion-lessons a[href$='http.html']")
    visit.page.wait_for_url(re.compile(r"protocolos/http\.html$"))
    header = visit.page.locator("article .themelion-lesson-header")
    assert header.locator(".themelion-level").count() == 1
    assert re.search(r"\d+ min de leitura", header.inner_text())
    assert "Objetivos" in header.inner_text()
    assert visit.errors == []


def test_search_finds_idempotencia_and_highlights_it(visit: Visit, server: str, lesson_url: str,
                                                     artifacts: Path) -> None:
    _go(visit, server)
    _search(visit, SEARCH_TERM)
    results = visit.page.locator("li.md-search-result__item a")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("protocolos/http.html" in (href or "") for href in hrefs), hrefs
    visit.page.screenshot(path=str(artifacts / "busca.png"))
    # search.highlight: a result whose link carries the term (?h=...) marks it on the lesson
    visit.page.locator("li.md-search-result__item a[href*='protocolos/http.html?h=idempot']").first.click()
    visit.page.wait_for_url(re.compile(r"protocolos/http\.html"))
    visit.page.wait_for_selector("article mark", timeout=10_000)
    assert visit.errors == []


def test_copy_button_copies_the_code(visit: Visit, server: str) -> None:
    _go(visit, server)
    block = visit.page.locator("article .highlight:visible").first
    expected = block.locator("code").inner_text().strip()
    block.hover()
    button = block.locator("button.md-code__button[data-md-type='copy'], button.md-clipboard")
    button.click()
    copied = visit.page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected
    assert visit.page.locator(".md-dialog__inner").inner_text().strip() == "Copiado para a área de transferência"


def test_content_tabs_switch(visit: Visit, server: str) -> None:
    _go(visit, server)
    tabs = visit.page.locator("article .tabbed-set").first
    first, second = tabs.locator(".tabbed-block").nth(0), tabs.locator(".tabbed-block").nth(1)
    assert first.is_visible() and not second.is_visible()
    tabs.locator(".tabbed-labels > label").nth(1).click()
    assert second.is_visible() and not first.is_visible()


def test_dark_mode_toggles_and_persists(visit: Visit, server: str) -> None:
    _go(visit, server)
    body = visit.page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == "default"
    visit.page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert body.get_attribute("data-md-color-scheme") == "slate"
    _go(visit, server + "backend/index.html")
    assert visit.page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    visit.page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert visit.page.locator("body").get_attribute("data-md-color-scheme") == "default"


def test_site_requests_nothing_but_the_local_server(browser: object, server: str, site_dir: Path) -> None:
    visit = open_visit(browser)
    try:
        pages = ["", "backend/index.html", "backend/protocolos/index.html", "tags.html"]
        if (site_dir / LESSON).is_file():
            pages.append(LESSON)
        for path in pages:
            _go(visit, server + path)
            visit.page.wait_for_load_state("networkidle")
        _search(visit, "http")
        visit.page.wait_for_load_state("networkidle")
        assert visit.requests, "nenhuma requisição registrada: o registro não funcionou"
        assert visit.foreign_requests(server) == []
        assert visit.errors == []
    finally:
        visit.context.close()


def test_site_works_from_file_urls(browser: object, site_dir: Path) -> None:
    visit = open_visit(browser)
    try:
        home = (site_dir / "index.html").as_uri()
        _go(visit, home)
        visit.page.click("article a[href='backend/index.html']")
        visit.page.wait_for_url(re.compile(r"backend/index\.html$"))
        assert _h1(visit) == "Sala Backend"
        stylesheet = visit.page.evaluate(
            "getComputedStyle(document.querySelector('.md-header')).position")
        assert stylesheet in ("sticky", "fixed"), "o CSS do tema não carregou via file://"
        if (site_dir / LESSON).is_file():
            _go(visit, (site_dir / LESSON).as_uri())
            assert visit.page.locator(".themelion-lesson-header").count() == 1
            _search(visit, SEARCH_TERM)
            hrefs = visit.page.locator("li.md-search-result__item a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))")
            assert any("http.html" in href for href in hrefs), hrefs
        else:
            _search(visit, "protocolos")
        assert visit.foreign_requests("file://") == []
        assert visit.errors == []
    finally:
        visit.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "celular"])
def test_lesson_is_readable_in_both_schemes_and_sizes(browser: object, lesson_url: str, scheme: str,
                                                      size: str, artifacts: Path) -> None:
    visit = open_visit(browser, viewport=DESKTOP if size == "desktop" else PHONE, color_scheme=scheme)
    try:
        _go(visit, lesson_url)
        expected = "slate" if scheme == "dark" else "default"
        assert visit.page.locator("body").get_attribute("data-md-color-scheme") == expected
        name = f"licao-{'escuro' if scheme == 'dark' else 'claro'}-{size}"
        visit.page.screenshot(path=str(artifacts / f"{name}.png"))
        diagram = visit.page.locator("figure.themelion-diagram").first
        if diagram.count():
            diagram.scroll_into_view_if_needed()
            visit.page.screenshot(path=str(artifacts / f"{name}-diagrama.png"))
            art = diagram.locator("pre.themelion-diagram__art")
            style = art.evaluate("e => [getComputedStyle(e).whiteSpace, getComputedStyle(e).fontFamily]")
            assert style[0] == "pre", "o diagrama não pode quebrar linhas"
            assert "mono" in style[1].lower() or "courier" in style[1].lower()
            scroller = diagram.locator(".themelion-diagram__scroll")
            sizes = scroller.evaluate("e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]")
            assert sizes[2] == "auto"
            widest = max(len(line) for line in art.inner_text().split("\n"))
            if size == "celular" and widest > 45:
                assert sizes[0] > sizes[1], "um diagrama largo deve rolar na horizontal no celular"
        assert visit.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            "a página inteira não pode rolar na horizontal"
        assert visit.errors == []
    finally:
        visit.context.close()


def test_home_screenshot(browser: object, server: str, artifacts: Path) -> None:
    visit = open_visit(browser)
    try:
        _go(visit, server)
        visit.page.screenshot(path=str(artifacts / "inicio.png"))
    finally:
        visit.context.close()


def test_lesson_footer_crosses_into_the_next_module(visit: Visit, server: str, site_dir: Path) -> None:
    """The last lesson of protocolos leads to the first of apis, and apis' first leads back."""
    _go(visit, server + "backend/protocolos/index.html")
    last = visit.page.locator("article a.themelion-lessons__title").last.get_attribute("href")
    _go(visit, server + "backend/protocolos/" + last)
    following = visit.page.locator("nav.md-footer__inner a.md-footer__link--next")
    assert "/apis/" in following.evaluate("a => a.href"), "a última lição do módulo leva ao próximo módulo"
    following.click()
    visit.page.wait_for_url(re.compile(r"/apis/"))
    back = visit.page.locator("nav.md-footer__inner a.md-footer__link--prev")
    assert back.evaluate("a => a.href").endswith("protocolos/" + last)
    assert visit.errors == []


AXE_PAGES = ["", "backend/index.html", "backend/protocolos/index.html", "tags.html", LESSON]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_serious_accessibility_violations(browser: object, server: str, site_dir: Path,
                                                        axe_script: Path, scheme: str, artifacts: Path) -> None:
    visit = open_visit(browser, color_scheme=scheme)
    report = {}
    try:
        for path in AXE_PAGES:
            if not (site_dir / (path or "index.html")).is_file():
                continue
            _go(visit, server + path)
            visit.page.add_script_tag(path=str(axe_script))
            result = visit.page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
            }""")
            report[path or "index.html"] = result
    finally:
        visit.context.close()
    (artifacts / f"axe-{scheme}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    serious = {page: [v for v in found if v["impact"] in ("serious", "critical")] for page, found in report.items()}
    serious = {page: found for page, found in serious.items() if found}
    assert not serious, json.dumps(serious, ensure_ascii=False, indent=2)


# -- wide blocks (issue 21): wrap toggle, buttons clear of code, diagrams, dashboard table ----

SIZES = {"desktop": {"width": 1366, "height": 900}, "celular": PHONE}

FIRST_LINE_OVERLAP = """pre => {
  const nav = pre.querySelector(':scope > .md-code__nav');
  const code = pre.querySelector(':scope > code');
  if (!nav || !code || !nav.offsetWidth) return false;
  const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let node, started = false;
  while ((node = walker.nextNode())) {
    if (!started) { range.setStart(node, 0); started = true; }
    const cut = node.data.indexOf('\\n');
    if (cut >= 0) { range.setEnd(node, cut); break; }
    range.setEnd(node, node.data.length);
  }
  if (!started) return false;
  const box = nav.getBoundingClientRect();
  return [...range.getClientRects()].some(r => r.width > 0 && r.right > box.left && r.left < box.right
                                             && r.bottom > box.top && r.top < box.bottom);
}"""


@pytest.mark.parametrize("size", ["desktop", "celular"])
def test_wide_code_blocks_get_a_wrap_toggle_and_buttons_never_cover_code(browser: object, lesson_url: str,
                                                                         size: str) -> None:
    visit = open_visit(browser, viewport=SIZES[size])
    try:
        _go(visit, lesson_url)
        visit.page.wait_for_selector("article pre > .md-code__nav")
        blocks = visit.page.locator("article pre:not(.themelion-diagram__art):has(> code)")
        overflows = blocks.evaluate_all("ps => ps.map(p => { const c = p.querySelector(':scope > code');"
                                        " return c.scrollWidth > c.clientWidth + 1; })")
        wide = [blocks.nth(i) for i, flag in enumerate(overflows) if flag]
        if size == "desktop":
            column = visit.page.evaluate("document.querySelector('article.md-content__inner').clientWidth")
            assert column >= 800, f"coluna da lição estreita no desktop: {column}px"
            assert len(wide) <= blocks.count() // 4, f"{len(wide)} de {blocks.count()} blocos rolam no desktop"
        else:
            assert wide, "no celular algum bloco da lição piloto é mais largo que a coluna"
        covered = [i for i, hit in enumerate(blocks.evaluate_all(f"ps => ps.map({FIRST_LINE_OVERLAP})")) if hit]
        assert covered == [], f"botões sobre a primeira linha dos blocos {covered}"
        for block in wide:
            toggle = block.locator(":scope > .md-code__nav > button.themelion-wrap-toggle")
            assert toggle.is_visible(), "bloco largo sem o botão de quebrar linhas"
            assert toggle.get_attribute("aria-label") == "Quebrar linhas longas"
            assert toggle.get_attribute("aria-pressed") == "false"
        if wide:
            block = wide[0]
            toggle = block.locator(":scope > .md-code__nav > button.themelion-wrap-toggle")
            toggle.focus()
            visit.page.keyboard.press("Enter")  # keyboard: a real <button>
            assert toggle.get_attribute("aria-pressed") == "true"
            assert block.evaluate("p => { const c = p.querySelector(':scope > code');"
                                  " return c.scrollWidth <= c.clientWidth + 1; }"), "quebrado, ainda rola"
            assert not block.evaluate(FIRST_LINE_OVERLAP)
            visit.page.keyboard.press("Space")
            assert toggle.get_attribute("aria-pressed") == "false"
        narrow = [blocks.nth(i) for i, flag in enumerate(overflows) if not flag]
        for block in narrow[:5]:
            assert block.locator("button.themelion-wrap-toggle:visible").count() == 0
        assert visit.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert visit.errors == []
    finally:
        visit.context.close()


def test_wide_diagram_opens_full_screen_and_closes_with_escape(browser: object, lesson_url: str,
                                                               artifacts: Path) -> None:
    visit = open_visit(browser, viewport=PHONE)
    try:
        _go(visit, lesson_url)
        button = visit.page.locator("figure.themelion-diagram button.themelion-diagram__expand:visible").first
        assert button.inner_text() == "Ampliar diagrama"
        lines = button.evaluate("b => b.closest('figure').querySelector('pre').textContent.split('\\n').length")
        button.focus()
        visit.page.keyboard.press("Enter")
        dialog = visit.page.locator("dialog.themelion-diagram-dialog[open]")
        assert dialog.count() == 1
        assert dialog.get_attribute("aria-label").startswith("Diagrama ampliado: ")
        art = dialog.locator("pre.themelion-diagram__art")
        assert art.evaluate("p => p.textContent.split('\\n').length") == lines, "o diagrama ampliado está inteiro"
        assert art.evaluate("e => getComputedStyle(e).whiteSpace") == "pre"
        scroller = dialog.locator(".themelion-diagram-dialog__scroll")
        assert scroller.evaluate("e => getComputedStyle(e).overflow") == "auto"
        visit.page.screenshot(path=str(artifacts / "diagrama-ampliado-celular.png"))
        visit.page.keyboard.press("Escape")
        assert visit.page.locator("dialog.themelion-diagram-dialog").count() == 0
        assert visit.page.evaluate("document.activeElement.classList.contains('themelion-diagram__expand')")
        assert visit.errors == []
    finally:
        visit.context.close()


@pytest.mark.parametrize("size", ["desktop", "celular"])
def test_dashboard_table_scrolls_inside_its_own_box_with_readable_titles(browser: object, server: str,
                                                                         site_dir: Path, size: str,
                                                                         artifacts: Path) -> None:
    if not (site_dir / "qualidade.html").is_file():
        pytest.skip("painel de qualidade desligado")
    visit = open_visit(browser, viewport=SIZES[size])
    try:
        _go(visit, server + "qualidade.html")
        visit.page.screenshot(path=str(artifacts / f"painel-{size}.png"))
        assert visit.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            "a página do painel rola inteira na horizontal"
        boxes = visit.page.locator("article .md-typeset__scrollwrap")
        assert boxes.count() >= 1
        for i in range(boxes.count()):
            box = boxes.nth(i)
            right, overflow = box.evaluate("e => [e.getBoundingClientRect().right, getComputedStyle(e).overflowX]")
            assert right <= SIZES[size]["width"] + 1 and overflow == "auto"
            heights = box.locator("th").evaluate_all("ths => ths.map(th => th.getBoundingClientRect().height)")
            assert max(heights) < 2 * min(heights) + 1, f"títulos de coluna quebrados: {heights}"
            first = box.locator("tbody td:first-child").first
            assert first.evaluate("e => e.getBoundingClientRect().width") >= 200, "coluna da lição estreita"
        assert visit.errors == []
    finally:
        visit.context.close()


# -- search (issue 21): accents folded, description as snippet, index on first use -----------

def _results(visit: Visit, term: str) -> tuple[str, list[str]]:
    _search(visit, term)
    page = visit.page
    page.wait_for_function("() => /\\d+ documentos? encontrados?|Nenhum/.test("
                           "document.querySelector('.md-search-result__meta').textContent)")
    page.wait_for_timeout(300)  # the worker answers each keystroke; the last answer wins
    meta = page.inner_text(".md-search-result__meta")
    hrefs = page.locator("li.md-search-result__item > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href').replace(/\\?h=.*$/, ''))")
    return meta, hrefs


@pytest.mark.parametrize("accented, plain", [("cabeçalho", "cabecalho"), ("autenticação", "autenticacao"),
                                             ("segurança", "seguranca")])
def test_accented_and_plain_queries_find_the_same_pages(visit: Visit, server: str, accented: str,
                                                        plain: str) -> None:
    _go(visit, server)
    with_accent = _results(visit, accented)
    without = _results(visit, plain)
    assert with_accent == without
    assert with_accent[1], f"nada encontrado para {accented!r}"
    assert _results(visit, plain.upper()) == without
    assert visit.errors == []


def test_a_lessons_search_result_shows_its_description(visit: Visit, server: str, lesson_url: str) -> None:
    _go(visit, server)
    _results(visit, "semântica versões conexões")
    result = visit.page.locator("li.md-search-result__item > a[href*='protocolos/http.html']").first
    text = result.inner_text()
    assert "Como o HTTP funciona de verdade" in text, text[:300]
    assert "min de leitura" not in text and "Objetivos" not in text, "o resumo é o cabeçalho da lição"


@pytest.mark.parametrize("where", ["http", "file"])
def test_search_index_loads_on_first_use(browser: object, server: str, site_dir: Path, where: str) -> None:
    visit = open_visit(browser)
    try:
        base = server if where == "http" else site_dir.as_uri() + "/"
        _go(visit, base + LESSON)
        visit.page.wait_for_load_state("networkidle")
        visit.page.wait_for_timeout(500)
        loaded = [url for url in visit.requests if "search_index" in url]
        assert loaded == [], f"o índice de busca carregou sem busca: {loaded}"
        _search(visit, SEARCH_TERM)
        loaded = [url for url in visit.requests if "search_index" in url]
        assert len(loaded) == 1, loaded
        assert visit.errors == []
    finally:
        visit.context.close()


def test_a_lesson_marked_done_shows_on_its_module_page_and_survives_a_reload(visit: Visit, server: str,
                                                                          lesson_url: str) -> None:
    _go(visit, lesson_url)
    button = visit.page.locator("article button.themelion-progress")
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    visit.page.locator("#pratique").scroll_into_view_if_needed()
    visit.page.wait_for_function(
        "() => localStorage.getItem('themelion:progresso:protocolos/http') === 'lida'")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    visit.page.reload(wait_until="load")
    assert visit.page.locator("article button.themelion-progress").get_attribute("aria-pressed") == "true"
    _go(visit, server + "backend/protocolos/index.html")
    mark = visit.page.locator('article .themelion-progress-mark[data-lesson="protocolos/http"]')
    assert mark.inner_text() == "Concluída"
    assert re.match(r"1 de \d+ lições concluídas", visit.page.locator(".themelion-progress-count").inner_text())
    _go(visit, lesson_url)
    visit.page.locator("article button.themelion-progress").click()  # undo
    assert visit.page.evaluate("localStorage.getItem('themelion:progresso:protocolos/http')") == "lida"
    assert visit.errors == []


def test_a_plain_query_highlights_the_accented_words_on_the_page(visit: Visit, lesson_url: str) -> None:
    """Search folds accents, so «cabecalho» leads to pages with «cabeçalho»: the ?h= highlight
    must mark those words too (destaque.js), not only exact matches (Material)."""
    _go(visit, lesson_url + "?h=cabecalho")
    marks = visit.page.locator("article mark[data-md-highlight]")
    marks.first.wait_for()
    texts = {text.lower() for text in marks.all_inner_texts()}
    assert "cabeçalho" in texts, texts
    prose = visit.page.locator("article p mark[data-md-highlight]").all_inner_texts()
    assert any(text.lower() == "cabeçalho" for text in prose), prose
    nested = visit.page.locator("article mark[data-md-highlight] mark[data-md-highlight]")
    assert nested.count() == 0, "o que o Material marca não é marcado de novo"
    assert visit.errors == []
