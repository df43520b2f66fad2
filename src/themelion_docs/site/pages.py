"""Markdown the learners' site adds to pages: the lesson header and the generated lists.

Everything here returns plain Markdown (with ``md_in_html`` and ``attr_list``)
whose links point at source files (``../protocolos/http.md``), so the
renderer resolves them and ``mkdocs build --strict`` validates them.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from themelion_docs.site.catalog import (
    Catalog,
    LessonCard,
    ModuleCard,
    fold_term,
    relative_link,
    slugify,
    tag_label,
)

PLACEHOLDER = re.compile(r"^[ \t]*<!--\s*themelion:(?P<name>[a-z-]+)\s*-->[ \t]*$", re.MULTILINE)
"""``<!-- themelion:modulo -->``, ``<!-- themelion:sala -->``, ``<!-- themelion:tags -->`` or
``<!-- themelion:glossario -->`` on a line of its own."""

_H1 = re.compile(r"\A(?:[ \t]*\n)*(#[ \t]+[^\n]*|[^\n]+\n=+[ \t]*)(?:\n|\Z)")


def site_markdown(markdown: str, rel: str, catalog: Catalog, module: str | None = None) -> str:
    """The page's Markdown with the site's additions.

    A lesson gets its header, after the page's own ``# title`` when it has
    one; any page gets its placeholders filled.
    """
    card = catalog.by_rel(rel)
    if card is not None:
        markdown = insert_after_title(markdown, lesson_lead(card) + lesson_header(card, catalog))
    return expand_placeholders(markdown, rel, catalog, module)


def expand_placeholders(markdown: str, rel: str, catalog: Catalog, module: str | None = None) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name == "modulo":
            found = catalog.module(module or _module_of(rel))
            return module_index(found, rel) if found else match.group(0)
        if name == "sala":
            return room_index(catalog, rel)
        if name == "tags":
            return tags_index(catalog, rel)
        if name == "glossario":
            return glossary_index(catalog, rel)
        return match.group(0)

    return PLACEHOLDER.sub(replace, markdown)


def insert_after_title(markdown: str, block: str) -> str:
    match = _H1.match(markdown)
    if match is None:
        return block + "\n\n" + markdown
    end = match.end()
    return markdown[:end] + "\n" + block + "\n\n" + markdown[end:]


# -- lesson header ---------------------------------------------------------

def lesson_lead(card: LessonCard) -> str:
    """The description under the title: what the learner reads first, and the lesson's search snippet."""
    if not card.description:
        return ""
    return _md(card.description) + "\n{ .themelion-lead }\n\n"


def lesson_header(card: LessonCard, catalog: Catalog) -> str:
    """Level, time, objectives, prerequisites, tags; kept out of the search index (``data-search-exclude``),
    so a lesson's result shows its description, not this metadata."""
    module = catalog.module(card.module)
    position, total = catalog.position(card.lesson_id)
    facts = []
    if card.level_label:
        facts.append(level_badge(card))
    facts.append(f'<span class="themelion-time">{card.minutes} min de leitura</span>')
    if module is not None and position:
        name = _link(module.title, relative_link(card.rel, module.index_rel)) if module.index_rel else _md(module.title)
        facts.append(f'<span class="themelion-position">Lição {position} de {total} do módulo {name}</span>')
    lines = ['<div class="themelion-lesson-header" markdown data-search-exclude>', "", " ".join(facts),
             "{ .themelion-facts }", ""]
    if card.objectives:
        lines += ["**Objetivos:** ao final desta lição você vai conseguir", "{ .themelion-label }", ""]
        lines += [f"- {_md(objective)}" for objective in card.objectives]
        lines.append("")
    if card.prerequisites:
        links = []
        for lesson_id in card.prerequisites:
            target = catalog.lesson(lesson_id)
            links.append(_link(target.title, relative_link(card.rel, target.rel)) if target else _md(lesson_id))
        lines += ["**Antes desta lição:** " + " · ".join(links), "{ .themelion-prerequisites }", ""]
    else:
        lines += ["**Antes desta lição:** nenhum pré-requisito.", "{ .themelion-prerequisites }", ""]
    if card.tags:
        lines += ["**Tags:** " + " ".join(_tag(tag, card.rel, catalog) for tag in card.tags),
                  "{ .themelion-tags }", ""]
    # Filled by progresso.js from this browser's storage; hidden (and empty) without JavaScript.
    lines += ['<p class="themelion-progress-line"><span class="themelion-progress__state"></span> '
              f'<button class="themelion-progress" type="button" data-lesson="{_html(card.lesson_id)}" '
              'hidden>Marcar como concluída</button></p>', ""]
    lines.append("</div>")
    return "\n".join(lines)


def level_badge(card: LessonCard) -> str:
    level = slugify(card.level or "")
    return (f'<span class="themelion-level themelion-level--{level}">'
            f'<span class="themelion-sr">Nível: </span>{_html(card.level_label or "")}</span>')


def examples_note(info: Mapping[str, Any]) -> str:
    """Plain text: when the page's examples last ran and on which Python (the runner's page info).

    Shown by the theme under the lesson, outside the search index.
    """
    ran_at, python = info.get("ran_at"), info.get("python")
    if not ran_at or not python:
        return ""
    when = _format_when(str(ran_at))
    run, passed = info.get("examples_run"), info.get("examples_passed")
    counted = isinstance(run, int) and isinstance(passed, int) and run > 0
    counts = f" {passed} de {run} exemplos passaram." if counted else ""
    return f"Os exemplos desta página foram executados em {when} com Python {python}.{counts}"


# -- generated lists -------------------------------------------------------

def module_index(module: ModuleCard, rel: str) -> str:
    if not module.lessons:
        return ('!!! note "Em preparação"\n    As lições deste módulo estão sendo escritas e revisadas; '
                "elas aparecem aqui assim que passam pelo verificador.")
    summary = (f"{_plural(len(module.lessons), 'lição', 'lições')}, "
               f"cerca de {module.minutes} min de leitura no total.")
    return summary + "\n{ .themelion-summary }\n\n" + lesson_list(module.lessons, rel)


def room_index(catalog: Catalog, rel: str) -> str:
    parts = []
    for number, module in enumerate(catalog.modules, start=1):
        heading = f"## {number}. {_md(module.title)} {{ #{slugify(module.slug)} }}"
        parts.append(heading)
        intro = _md(module.description) if module.description else ""
        if module.index_rel:
            intro = (intro + " " if intro else "") + _link("Abrir o módulo", relative_link(rel, module.index_rel))
        if intro:
            parts.append(intro)
        if module.lessons:
            parts.append(lesson_list(module.lessons, rel))
        else:
            parts.append("*Lições em preparação.*\n{ .themelion-empty }")
    return "\n\n".join(parts)


def tags_index(catalog: Catalog, rel: str) -> str:
    tags = catalog.tags()
    if not tags:
        return "*Nenhuma lição tem tags ainda.*"
    parts = []
    cloud = " ".join(_link(tag_label(tag), f"#tag-{slugify(tag)}") + "{ .themelion-tag }" for tag, _ in tags)
    parts.append(cloud + "\n{ .themelion-tags }")
    for tag, cards in tags:
        parts.append(f"## {_md(tag_label(tag))} {{ #tag-{slugify(tag)} }}")
        items = []
        for card in cards:
            module = catalog.module(card.module)
            where = f" — {_md(module.title)}" if module else ""
            items.append(f"- {_link(card.title, relative_link(rel, card.rel))}{where}")
        parts.append("\n".join(items))
    return "\n\n".join(parts)


def glossary_index(catalog: Catalog, rel: str) -> str:
    """The room's terms, A to Z, each with its definition and links to where it is taught."""
    entries = catalog.glossary()
    if not entries:
        return "*Nenhuma lição definiu termos ainda.*"
    by_letter: dict[str, list] = {}
    for entry in entries:
        letter = fold_term(entry.term)[:1].upper()
        by_letter.setdefault(letter if letter.isalpha() else "#", []).append(entry)
    letters = " ".join(_link(letter, f"#letra-{slugify(letter) or 'simbolos'}") for letter in by_letter)
    parts = [letters + "\n{ .themelion-glossary__letters }"]
    for letter, items in by_letter.items():
        parts.append(f"## {_md(letter)} {{ #letra-{slugify(letter) or 'simbolos'} }}")
        lines = ['<dl class="themelion-glossary" markdown>', ""]
        for entry in items:
            places = []
            for card, section in entry.taught_in:
                target = relative_link(rel, card.rel)
                term = next(t for t in card.terms if fold_term(t.term) == fold_term(entry.term))
                link = _link(card.title, f"{target}#{term.anchor}" if term.anchor else target)
                places.append(link + (f" (em «{_md(section)}»)" if section else ""))
            lines += [f'<dt id="termo-{slugify(entry.term)}" markdown>{_md(entry.term)}</dt>',
                      f"<dd markdown>{_md(entry.definition)}<br>Onde se aprende: {' · '.join(places)}</dd>", ""]
        lines.append("</dl>")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def lesson_list(cards: tuple[LessonCard, ...], rel: str) -> str:
    items = []
    for number, card in enumerate(cards, start=1):
        meta = []
        if card.level_label:
            meta.append(level_badge(card))
        meta.append(f'<span class="themelion-time">{card.minutes} min de leitura</span>')
        meta.append(f'<span class="themelion-progress-mark" data-lesson="{_html(card.lesson_id)}"></span>')
        item = [f"{number}. {_link(card.title, relative_link(rel, card.rel))}{{ .themelion-lessons__title }}  ",
                "    " + " ".join(meta) + ("  " if card.description else "")]
        if card.description:
            item.append("    " + _md(card.description))
        items.append("\n".join(item))
    return '<div class="themelion-lessons" markdown>\n\n' + "\n".join(items) + "\n\n</div>"


# -- helpers ---------------------------------------------------------------

def _tag(tag: str, rel: str, catalog: Catalog) -> str:
    if catalog.tags_rel:
        return _link(tag_label(tag), f"{relative_link(rel, catalog.tags_rel)}#tag-{slugify(tag)}") + "{ .themelion-tag }"
    return f'<span class="themelion-tag">{_html(tag_label(tag))}</span>'


def _link(text: str, target: str) -> str:
    return f"[{_md(text)}]({target.replace(' ', '%20')})"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#])")


def _md(text: str) -> str:
    """Text shown literally inside Markdown (no emphasis, links or raw HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;").replace(">", "&gt;")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _module_of(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[1] if len(parts) == 3 and parts[2] == "index.md" else None


def _format_when(iso: str) -> str:
    """``2025-11-21T05:13:00+00:00`` -> ``21/11/2025 às 05:13 (UTC)``; other text is kept."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})", iso)
    if not match:
        return iso
    year, month, day, hour, minute = match.groups()
    zone = " (UTC)" if iso.endswith(("+00:00", "Z")) else ""
    return f"{day}/{month}/{year} às {hour}:{minute}{zone}"
