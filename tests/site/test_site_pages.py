"""What the site adds to pages, as pure functions: cards, header, lists, tags, nav order, fences."""

from __future__ import annotations

import markdown
import pytest

from themelion_docs.lesson import parse
from themelion_docs.rules.context import Page
from themelion_docs.site import (
    WORDS_PER_MINUTE,
    build_catalog,
    examples_note,
    find_tags_page,
    lesson_header,
    reading_minutes,
    relative_link,
    site_markdown,
    slugify,
)
from themelion_docs.site.admonitions import translate
from themelion_docs.site.assets import unused_theme_assets
from themelion_docs.site.fences import describe_diagram, format_diagram, format_output
from themelion_docs.site.nav import folder_pages
from themelion_docs.site.theme import patch_theme_html

MODULES = {"protocolos": "Protocolos e comunicação", "apis": "APIs e web services"}


def lesson(rel: str, **front: object) -> Page:
    body = str(front.pop("_body", "palavra " * 10))
    lines = ["---", *(f"{key}: {value}" for key, value in front.items())]
    lines += ["---", "", "## O que é e por que importa", "", body]
    module, slug = rel.split("/")[1], rel.split("/")[2][:-3]
    return Page(path=f"content/{rel}", rel=rel, lesson=parse(rel, "\n".join(lines)), size=1, kind="lesson",
                lesson_id=f"{module}/{slug}", module_dir=module)


def page(rel: str, text: str) -> Page:
    return Page(path=f"content/{rel}", rel=rel, lesson=parse(rel, text), size=len(text), kind="page")


def room() -> list[Page]:
    return [
        page("backend/protocolos/index.md", "---\ntitle: Protocolos\ndescription: Como cliente e servidor conversam.\n"
                                             "module: protocolos\n---\n\n# Protocolos\n\n<!-- themelion:modulo -->\n"),
        lesson("backend/protocolos/websockets.md", title="WebSockets", module="protocolos", order=2,
               level="avancado", description="Canais bidirecionais.", prerequisites="[protocolos/http]",
               tags="[websockets, tempo-real]"),
        lesson("backend/protocolos/http.md", title='"HTTP: semântica"', module="protocolos", order=1,
               level="intermediario", description="Métodos, cache e conexões.",
               objectives="[Explicar a idempotência, Configurar um cache]", tags="[http, idempotência]"),
        lesson("backend/protocolos/grpc.md", title="gRPC", module="protocolos", order=3, level="avancado",
               description="RPC binário.", prerequisites="[protocolos/http, protocolos/websockets]"),
        lesson("backend/apis/rest.md", title="REST", module="apis", order=1, level="iniciante",
               description="Recursos e verbos.", tags="[http]"),
        page("tags.md", "---\ntitle: Tags\n---\n\n# Tags\n\n<!-- themelion:tags -->\n"),
    ]


@pytest.fixture
def catalog():
    return build_catalog(room(), MODULES, tags_rel="tags.md")


def test_reading_time_rounds_up_prose_words_at_200_per_minute() -> None:
    assert WORDS_PER_MINUTE == 200
    assert reading_minutes(0) == 1
    assert reading_minutes(200) == 1
    assert reading_minutes(201) == 2
    assert reading_minutes(5_600) == 28


def test_reading_time_counts_prose_not_code() -> None:
    prose = " ".join(["palavra"] * 400)
    code = "\n".join(["x = 1"] * 2_000)
    card_page = lesson("backend/apis/longa.md", title="Longa", module="apis", order=9, level="iniciante",
                       _body=f"{prose}\n\n```python\n{code}\n```\n")
    card = build_catalog([card_page], MODULES).lessons[0]
    assert card.words == 400
    assert card.minutes == 2


def test_lessons_are_grouped_by_module_in_front_matter_order(catalog) -> None:
    protocolos = catalog.module("protocolos")
    assert [card.lesson_id for card in protocolos.lessons] == ["protocolos/http", "protocolos/websockets",
                                                              "protocolos/grpc"]
    assert protocolos.index_rel == "backend/protocolos/index.md"
    assert protocolos.description == "Como cliente e servidor conversam."
    assert [module.slug for module in catalog.modules] == ["protocolos", "apis"]


def test_previous_and_next_cross_module_boundaries(catalog) -> None:
    before, after = catalog.neighbours("protocolos/http")
    assert before is None and after.lesson_id == "protocolos/websockets"
    # The last lesson of a module leads to the first lesson of the next module, and back.
    before, after = catalog.neighbours("protocolos/grpc")
    assert before.lesson_id == "protocolos/websockets" and after.lesson_id == "apis/rest"
    before, after = catalog.neighbours("apis/rest")
    assert before.lesson_id == "protocolos/grpc" and after is None
    assert catalog.neighbours("apis/inexistente") == (None, None)


def test_bad_front_matter_still_gives_a_card() -> None:
    broken = lesson("backend/apis/quebrada.md", title="Quebrada", module="inexistente", order='"primeiro"',
                    level="[1, 2]", objectives="3")
    card = build_catalog([broken], MODULES).lessons[0]
    assert card.module == "apis" and card.order is None and card.level is None and card.objectives == ()


def test_header_shows_level_time_objectives_prerequisite_links_and_tags(catalog) -> None:
    card = catalog.lesson("protocolos/grpc")
    header = lesson_header(card, catalog)
    assert "Avançado" in header
    assert f"{card.minutes} min de leitura" in header
    assert "Lição 3 de 3 do módulo [Protocolos e comunicação](index.md)" in header
    assert "[HTTP: semântica](http.md) · [WebSockets](websockets.md)" in header
    http = lesson_header(catalog.lesson("protocolos/http"), catalog)
    assert "- Explicar a idempotência" in http
    assert "[idempotência](../../tags.md#tag-idempotencia)" in http
    assert "nenhum pré-requisito" in http


def test_header_renders_to_html_with_links_and_one_list(catalog) -> None:
    md = markdown.Markdown(extensions=["attr_list", "md_in_html"])
    html = md.convert(lesson_header(catalog.lesson("protocolos/websockets"), catalog))
    # Out of the search index: a lesson's search result shows its description, not this metadata.
    assert html.startswith('<div class="themelion-lesson-header" data-search-exclude="data-search-exclude">')
    assert '<a href="http.md">HTTP: semântica</a>' in html
    # Tags by their Portuguese names (data/tags.yaml), anchors still the ASCII slug.
    assert '<a class="themelion-tag" href="../../tags.md#tag-tempo-real">tempo real</a>' in html
    assert "<h" not in html.replace("<hr", ""), "o cabeçalho não cria títulos: a ordem dos títulos fica intacta"


def test_header_goes_after_an_own_h1_or_at_the_top(catalog) -> None:
    lead = "Métodos, cache e conexões.\n{ .themelion-lead }\n\n"  # the description, then the header
    with_h1 = site_markdown("# Título\n\nTexto.\n", "backend/protocolos/http.md", catalog)
    assert with_h1.startswith("# Título\n\n" + lead + "<div class=\"themelion-lesson-header\"")
    without = site_markdown("## Seção\n\nTexto.\n", "backend/protocolos/http.md", catalog)
    assert without.startswith(lead + '<div class="themelion-lesson-header"')
    assert site_markdown("Texto.\n", "index.md", catalog) == "Texto.\n"


def test_module_page_lists_its_lessons_from_front_matter(catalog) -> None:
    out = site_markdown("# Protocolos\n\n<!-- themelion:modulo -->\n", "backend/protocolos/index.md", catalog)
    assert "<!-- themelion" not in out
    assert out.index("[HTTP: semântica](http.md)") < out.index("[WebSockets](websockets.md)") < out.index("[gRPC]")
    assert "Métodos, cache e conexões." in out
    assert "3 lições, cerca de" in out
    empty = build_catalog([], MODULES)
    assert "Em preparação" in site_markdown("<!-- themelion:modulo -->", "backend/apis/index.md", empty)


def test_room_page_lists_every_module_and_lesson(catalog) -> None:
    out = site_markdown("<!-- themelion:sala -->", "backend/index.md", catalog)
    assert "## 1. Protocolos e comunicação { #protocolos }" in out
    assert "## 2. APIs e web services { #apis }" in out
    assert "[Abrir o módulo](protocolos/index.md)" in out
    assert "[REST](apis/rest.md)" in out


def test_tags_page_groups_lessons_by_tag(catalog) -> None:
    out = site_markdown("<!-- themelion:tags -->", "tags.md", catalog)
    assert "## HTTP { #tag-http }" in out
    assert "[idempotência](#tag-idempotencia)" in out
    section = out[out.index("## HTTP {"):out.index("## idempot")]
    assert "[HTTP: semântica](backend/protocolos/http.md)" in section and "[REST](backend/apis/rest.md)" in section
    assert find_tags_page({"a.md": "x", "tags.md": "<!-- themelion:tags -->"}) == "tags.md"
    assert "Nenhuma lição" in site_markdown("<!-- themelion:tags -->", "tags.md", build_catalog([], MODULES))


def test_markdown_in_titles_is_shown_literally() -> None:
    odd = lesson("backend/apis/odd.md", title='"Use *sempre* [isto] <b>"', module="apis", order=1, level="iniciante")
    catalog = build_catalog([odd], MODULES)
    html = markdown.Markdown(extensions=["attr_list", "md_in_html"]).convert(
        site_markdown("<!-- themelion:modulo -->", "backend/apis/index.md", catalog))
    assert "Use *sempre* [isto] &lt;b&gt;" in html and "<em>" not in html and "<b>" not in html


def test_slugs_and_relative_links() -> None:
    assert slugify("Idempotência") == "idempotencia"
    assert slugify("tempo real/Web") == "tempo-real-web"
    assert relative_link("backend/protocolos/http.md", "backend/apis/rest.md") == "../apis/rest.md"
    assert relative_link("index.md", "backend/index.md") == "backend/index.md"


def test_examples_note_says_when_and_on_which_python() -> None:
    note = examples_note({"ran_at": "2025-11-21T05:13:00+00:00", "python": "3.11.7",
                          "examples_run": 4, "examples_passed": 4})
    assert note == ("Os exemplos desta página foram executados em 21/11/2025 às 05:13 (UTC) com Python 3.11.7. "
                    "4 de 4 exemplos passaram.")
    assert examples_note({}) == ""


def test_nav_adds_a_folders_pages_after_its_index(catalog) -> None:
    rels = ["backend/protocolos/index.md", "backend/protocolos/grpc.md", "backend/protocolos/http.md",
            "backend/protocolos/websockets.md", "backend/protocolos/extra/x.md", "autores/regras/b.md",
            "autores/regras/a.md", "autores/regras/index.md"]
    assert folder_pages("backend/protocolos/index.md", rels, catalog) == [
        "backend/protocolos/http.md", "backend/protocolos/websockets.md", "backend/protocolos/grpc.md"]
    assert folder_pages("autores/regras/index.md", rels, catalog, {"autores/regras/a.md"}) == ["autores/regras/b.md"]
    assert folder_pages("tags.md", rels, catalog) == []


def test_diagram_fence_is_a_captioned_scrollable_figure_with_a_text_alternative() -> None:
    source = "Cliente            Servidor\n  |--- GET /a ------->|\n  |<-- 200 OK --------|\n"
    html = format_diagram(source, "diagram", "themelion-diagram", {"title": "Uma requisição"}, None)
    assert html.startswith('<figure class="themelion-diagram">')
    assert 'tabindex="0" role="region" aria-label="Diagrama: Uma requisição"' in html
    assert "<figcaption><span class=\"themelion-diagram__title\">Uma requisição</span>" in html
    assert "&lt;-- 200 OK" in html and "<li>Cliente → Servidor: GET /a</li>" in html
    own = format_diagram(source, "diagram", "", {"alt": "O cliente pede /a e recebe 200."}, None)
    assert "<p>O cliente pede /a e recebe 200.</p>" in own


def test_diagram_fence_renders_through_superfences() -> None:
    md = markdown.Markdown(extensions=["pymdownx.superfences"], extension_configs={"pymdownx.superfences": {
        "custom_fences": [{"name": "diagram", "class": "themelion-diagram",
                           "format": format_diagram,
                           "validator": __import__("themelion_docs.site.fences", fromlist=["x"]).validate_diagram}]}})
    html = md.convert('```diagram title="Fila"\nA ---> B\n```\n')
    assert "<figcaption>" in html and ">Fila<" in html and "<li>A → B</li>" in html


@pytest.mark.parametrize(("source", "expected"), [
    ("A                 B\n |--- x ------->|\n |<-- y --------|", ["A → B: x", "B → A: y"]),
    ("Cliente      Proxy      Servidor\n  |-- a -->|          |\n  |        |-- b ---->|",
     ["Cliente → Proxy: a", "Proxy → Servidor: b"]),
    ("+------+     +--------+\n| Fila | --> | Worker |\n+------+     +--------+", ["Fila → Worker"]),
    ("API --- publica ---> Fila\nWorker <--- consome --- Fila", ["API → Fila: publica", "Fila → Worker: consome"]),
    ("[ disco ]   [ memória ]", ["[ disco ] [ memória ]"]),
])
def test_diagram_description_reads_the_arrows(source: str, expected: list[str]) -> None:
    assert describe_diagram(source) == expected


def test_output_fence_looks_like_the_runners_output_block() -> None:
    html = format_output("ok\n<tag>\n", "output", "themelion-output", {}, None)
    assert html == ('<div class="themelion-output themelion-output--expected highlight"><span class="filename">'
                    "Saída</span><pre><code>ok\n&lt;tag&gt;\n</code></pre></div>")


def test_admonitions_get_portuguese_titles_and_types() -> None:
    md = markdown.Markdown(extensions=["admonition", "pymdownx.details", "themelion_docs.site.admonitions"])
    html = md.convert('!!! warning\n    a\n\n!!! dica\n    b\n\n!!! note "Meu título"\n    c\n\n??? atencao\n    d\n')
    assert '<p class="admonition-title">Atenção</p>' in html
    assert '<div class="admonition dica tip">' in html and ">Dica</p>" in html
    assert ">Meu título</p>" in html
    assert '<details class="atencao warning">' in html and "<summary>Atenção</summary>" in html
    assert translate("note", "Note") == "Nota" and translate("note", "Outro") == "Outro"


def test_only_assets_the_pages_load_are_kept() -> None:
    uris = ["assets/javascripts/bundle.js", "assets/javascripts/bundle.js.map",
            "assets/javascripts/lunr/min/lunr.pt.min.js", "assets/javascripts/lunr/min/lunr.de.min.js",
            "assets/javascripts/lunr/min/lunr.stemmer.support.min.js", "assets/javascripts/lunr/wordcut.js",
            "assets/javascripts/lunr/min/lunr.multi.min.js", "assets/stylesheets/main.css"]
    assert unused_theme_assets(uris, ["pt"]) == [
        "assets/javascripts/bundle.js.map", "assets/javascripts/lunr/min/lunr.de.min.js",
        "assets/javascripts/lunr/min/lunr.multi.min.js", "assets/javascripts/lunr/wordcut.js"]
    assert "assets/javascripts/lunr/min/lunr.multi.min.js" not in unused_theme_assets(uris, ["pt", "en"])
    assert unused_theme_assets(uris, None) == ["assets/javascripts/bundle.js.map"]


def test_search_dialog_gets_a_name() -> None:
    html = '<div class="md-search" data-md-component="search" role="dialog">'
    assert 'aria-label="Busca"' in patch_theme_html(html)
    assert patch_theme_html("<p>outro</p>") == "<p>outro</p>"


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_custom_colours_keep_4_5_to_1_contrast() -> None:
    """Level badges on their tint and syntax colours on Material's code background, in both schemes."""
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "templates/overrides/assets/stylesheets/themelion.css").read_text()
    blocks = re.findall(r"\{([^}]*)\}", css)
    light, dark = (dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", block)) for block in blocks[:2])
    code_background = {"light": "#f5f5f5", "dark": "#272935"}  # Material's --md-code-bg-color
    for scheme, colours in (("light", light), ("dark", dark)):
        for level in ("iniciante", "intermediario", "avancado"):
            pair = colours[f"themelion-level-{level}-fg"], colours[f"themelion-level-{level}-bg"]
            assert _contrast(*pair) >= 4.5, (scheme, level, pair)
        for name, colour in colours.items():
            if name.startswith("md-code-hl-"):
                assert _contrast(colour, code_background[scheme]) >= 4.5, (scheme, name, colour)


def test_search_patches_fold_accents_and_defer_the_index(tmp_path) -> None:
    from themelion_docs.site.search import FOLD_MARKER, lazy_index_bundle, patch_search

    lunr = tmp_path / "assets/javascripts/lunr/min"
    lunr.mkdir(parents=True)
    (lunr / "lunr.pt.min.js").write_text("/* pt */\n", encoding="utf-8")
    bundle = tmp_path / "assets/javascripts/bundle.abc123.min.js"
    eager = ('function Ei(e,t){let r=Mn(e);return L($(location.protocol!=="file:"),Je("search")).pipe(Re(o=>o),'
             'b(()=>t)).subscribe(x=>r.next(x)),r}function ks(){return location.protocol==="file:"?_t(`${new URL('
             '"search/search_index.js",Or.base)}`).pipe(m(()=>__index),Z(1)):ze(new URL("search/search_index.json",'
             'Or.base))}var zi=document.forms.namedItem("search")?ks():tt;')
    bundle.write_text(eager, encoding="utf-8")
    changed = patch_search(tmp_path, ["pt"])
    assert len(changed) == 2
    script = (lunr / "lunr.pt.min.js").read_text(encoding="utf-8")
    assert script.count(FOLD_MARKER) == 1 and '"pt"' in script and "QueryParser" in script
    lazy = ('zi=document.forms.namedItem("search")?(new URLSearchParams(location.search).has("h")?ks():'
            'Je("search").pipe(Re(o=>o),b(()=>ks()),Z(1))):tt;')
    assert lazy in bundle.read_text(encoding="utf-8")
    assert patch_search(tmp_path, ["pt"]) == [], "um segundo build não aplica de novo"
    assert lazy_index_bundle("código de outra versão") == ("código de outra versão", 0)


def test_tag_labels_come_from_data_with_a_readable_default() -> None:
    from themelion_docs.site.catalog import tag_label, tag_labels

    assert tag_label("seguranca") == "segurança"
    assert tag_label("autenticacao") == "autenticação"
    assert tag_label("n-mais-um") == "N+1"
    assert tag_label("rate-limiting") == "rate limiting"  # not listed: hyphens become spaces
    assert all(slug == slugify(slug) for slug in tag_labels()), "as chaves de data/tags.yaml são slugs"


def glossary_room() -> list[Page]:
    body = ("## Como funciona\n\nTexto sem o termo.\n\n### Métodos\n\nOs métodos idempotentes podem ser "
            "retentados; a Idempotência vem da RFC 9110.\n\n## Como funciona\n\n### Métodos\n\nDe novo.\n")
    return [
        lesson("backend/protocolos/http.md", title="HTTP", module="protocolos", order=1, _body=body,
               glossary='{"método idempotente": "Mesmo efeito com uma ou N requisições.", '
                        '"Ábaco": "Termo que a lição não usa.", "ETag": "Validador."}'),
        lesson("backend/apis/rest.md", title="REST", module="apis", order=1,
               _body="### Verbos\n\nUm método idempotente, de novo.",
               glossary='{"Método idempotente": "Outra definição.", "zeta": 1}'),
        page("glossario.md", "---\ntitle: Glossário\n---\n\n# Glossário\n\n<!-- themelion:glossario -->\n"),
    ]


def test_glossary_sorts_terms_without_accents_and_links_each_lesson_that_teaches_them() -> None:
    from themelion_docs.site.pages import glossary_index

    catalog = build_catalog(glossary_room(), MODULES)
    entries = catalog.glossary()
    assert [e.term for e in entries] == ["Ábaco", "ETag", "método idempotente"]
    idempotente = entries[2]
    assert idempotente.definition == "Mesmo efeito com uma ou N requisições."  # the first lesson in room order
    assert [(card.lesson_id, section) for card, section in idempotente.taught_in] == [
        ("protocolos/http", "Métodos"), ("apis/rest", "Verbos")]
    http_term = catalog.lesson("protocolos/http").terms[0]
    assert http_term.anchor == "metodos"  # the first «### Métodos» (the second would be metodos_1)
    assert catalog.lesson("protocolos/http").terms[1].section is None  # never mentioned: lesson link only
    text = glossary_index(catalog, "glossario.md")
    assert "(backend/protocolos/http.md#metodos)" in text and "(backend/apis/rest.md#verbos)" in text
    assert "zeta" not in text  # a definition that is not text is F005, and left out here
    assert text.index('{ #letra-a }') < text.index('{ #letra-e }') < text.index('{ #letra-m }')
