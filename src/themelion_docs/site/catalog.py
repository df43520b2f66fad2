"""The learners' view of the lessons: one ``LessonCard`` per lesson, grouped by module.

Built from the parsed pages (front matter and prose words) and the module
list of the registry. Bad front matter never raises here: the checker already
reports it, and the site shows whatever can be shown.
"""

from __future__ import annotations

import functools
import math
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Mapping

import yaml

from themelion_docs.rules.context import Page
from themelion_docs.text import fold
from themelion_docs.recent import Recent

WORDS_PER_MINUTE = 200
"""Reading speed for technical prose in pt-BR (code excluded): slower than the ~250 wpm of fiction."""

LEVEL_LABELS = {"iniciante": "Iniciante", "intermediario": "Intermediário", "avancado": "Avançado"}


@dataclass(frozen=True)
class LessonCard:
    lesson_id: str  # "modulo/slug"
    rel: str  # path relative to docs_dir, e.g. "backend/protocolos/http.md"
    title: str
    description: str
    module: str
    order: int | None
    level: str | None
    words: int
    objectives: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()  # lesson ids
    tags: tuple[str, ...] = ()
    terms: tuple["Term", ...] = ()

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)

    @property
    def level_label(self) -> str | None:
        return level_label(self.level)


@dataclass(frozen=True)
class Term:
    """A term a lesson teaches (front matter ``glossary``), for the room's glossary."""

    term: str
    definition: str
    section: str | None = None
    """Title of the first section (``##`` or ``###``) whose text mentions the term."""
    anchor: str | None = None
    """That section's id on the page, as the toc extension makes it."""


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    taught_in: tuple[tuple[LessonCard, str | None], ...]
    """Each lesson that defines the term, in room order, with the section that first mentions it."""


@dataclass(frozen=True)
class ModuleCard:
    slug: str
    title: str
    description: str
    index_rel: str | None  # the module page, when it exists
    lessons: tuple[LessonCard, ...]

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class Catalog:
    modules: tuple[ModuleCard, ...]
    tags_rel: str | None = None  # the page that lists lessons by tag

    @property
    def lessons(self) -> tuple[LessonCard, ...]:
        return tuple(lesson for module in self.modules for lesson in module.lessons)

    def lesson(self, lesson_id: str) -> LessonCard | None:
        return next((card for card in self.lessons if card.lesson_id == lesson_id), None)

    def by_rel(self, rel: str) -> LessonCard | None:
        return next((card for card in self.lessons if card.rel == rel), None)

    def module(self, slug: str | None) -> ModuleCard | None:
        return next((module for module in self.modules if module.slug == slug), None)

    def neighbours(self, lesson_id: str) -> tuple[LessonCard | None, LessonCard | None]:
        """Previous and next lesson along the whole room (None only at the room's two ends).

        The room is one path: the last lesson of a module leads to the first
        lesson of the next module that has lessons, and back.
        """
        lessons = self.lessons
        ids = [card.lesson_id for card in lessons]
        if lesson_id not in ids:
            return None, None
        index = ids.index(lesson_id)
        before = lessons[index - 1] if index > 0 else None
        after = lessons[index + 1] if index + 1 < len(lessons) else None
        return before, after

    def position(self, lesson_id: str) -> tuple[int, int]:
        """1-based place of a lesson in its module and the module's size; (0, 0) when unknown."""
        for module in self.modules:
            ids = [card.lesson_id for card in module.lessons]
            if lesson_id in ids:
                return ids.index(lesson_id) + 1, len(ids)
        return 0, 0

    def tags(self) -> list[tuple[str, tuple[LessonCard, ...]]]:
        """Every tag (sorted accent-insensitively) with its lessons in room order."""
        found: dict[str, list[LessonCard]] = {}
        for card in self.lessons:
            for tag in card.tags:
                found.setdefault(tag, []).append(card)
        return [(tag, tuple(found[tag])) for tag in sorted(found, key=lambda t: (slugify(tag_label(t)), t))]

    def glossary(self) -> list[GlossaryEntry]:
        """Every term of the room, sorted accent- and case-insensitively; a term several lessons
        define keeps the definition of the first in room order and links to all of them."""
        found: dict[str, list[tuple[LessonCard, Term]]] = {}
        for card in self.lessons:
            for term in card.terms:
                found.setdefault(fold_term(term.term), []).append((card, term))
        entries = [GlossaryEntry(term=pairs[0][1].term, definition=pairs[0][1].definition,
                                 taught_in=tuple((card, term.section) for card, term in pairs))
                   for pairs in found.values()]
        return sorted(entries, key=lambda entry: (fold_term(entry.term), entry.term))


def reading_minutes(words: int, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes, rounded up, never less than one."""
    return max(1, math.ceil(max(0, words) / words_per_minute))


def level_label(level: str | None) -> str | None:
    if not level:
        return None
    return LEVEL_LABELS.get(level, level.replace("-", " ").capitalize())


@functools.lru_cache(maxsize=1)
def tag_labels() -> dict[str, str]:
    """data/tags.yaml: the Portuguese name of each tag slug that is not just the slug with spaces."""
    text = resources.files("themelion_docs").joinpath("data", "tags.yaml").read_text(encoding="utf-8")
    labels = (yaml.safe_load(text) or {}).get("labels") or {}
    return {str(slug): str(label) for slug, label in labels.items()}


def tag_label(tag: str) -> str:
    """What a learner reads for a tag: ``seguranca`` -> "segurança", ``rate-limiting`` -> "rate limiting"."""
    return tag_labels().get(tag) or tag.replace("-", " ")


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: the anchor of a tag."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "tag"


def relative_link(from_rel: str, to_rel: str) -> str:
    """A Markdown link from one source file to another (both relative to docs_dir)."""
    return posixpath.relpath(to_rel, posixpath.dirname(from_rel) or ".")


def build_catalog(pages: Iterable[Page], modules: Mapping[str, str], lessons_dir: str = "backend",
                  tags_rel: str | None = None) -> Catalog:
    """``modules`` maps slug to title, in the room's order (the registry's ``modules``)."""
    pages = list(pages)
    cards: dict[str, list[LessonCard]] = {slug: [] for slug in modules}
    descriptions: dict[str, str] = {}
    index_rels: dict[str, str] = {}
    for page in pages:
        if page.lesson is None:
            continue
        data = _data(page)
        parts = page.rel.split("/")
        if not page.is_lesson and len(parts) == 3 and parts[0] == lessons_dir and parts[2] == "index.md":
            slug = parts[1]
            index_rels[slug] = page.rel
            descriptions[slug] = _text(data.get("description"))
            continue
        if not page.is_lesson or page.lesson_id is None:
            continue
        card = CARDS.get((page.rel, page.lesson_id, page.module_dir, page.lesson.text, tuple(modules.items())),
                         lambda: _card(page, data, modules))
        cards.setdefault(card.module, []).append(card)
    ordered = list(modules) + sorted(slug for slug in cards if slug not in modules)
    module_cards = tuple(
        ModuleCard(
            slug=slug,
            title=modules.get(slug, slug.capitalize()),
            description=descriptions.get(slug, ""),
            index_rel=index_rels.get(slug),
            lessons=tuple(sorted(cards.get(slug, ()), key=_lesson_sort_key)),
        )
        for slug in ordered
    )
    return Catalog(modules=module_cards, tags_rel=tags_rel)


# A card is a function of its page's text and the modules: `mkdocs serve` rebuilds the catalog after
# each save, and only the edited lesson's card (its glossary placed in its sections) is made again.
CARDS: Recent[LessonCard] = Recent(limit=4096)


def _card(page: Page, data: Mapping[str, Any], modules: Mapping[str, str]) -> LessonCard:
    lesson = page.lesson
    assert lesson is not None and page.lesson_id is not None
    module = data.get("module")
    if not isinstance(module, str) or module not in modules:
        module = page.module_dir or page.lesson_id.split("/")[0]
    order = data.get("order")
    level = data.get("level")
    return LessonCard(
        lesson_id=page.lesson_id,
        rel=page.rel,
        title=lesson.title or page.lesson_id,
        description=_text(data.get("description")),
        module=module,
        order=order if isinstance(order, int) and not isinstance(order, bool) else None,
        level=level.strip() if isinstance(level, str) and level.strip() else None,
        words=lesson.words,
        objectives=_texts(data.get("objectives")),
        prerequisites=tuple(p.strip().removesuffix(".md") for p in _texts(data.get("prerequisites"))),
        tags=tuple(dict.fromkeys(_texts(data.get("tags")))),
        terms=_terms(page, data.get("glossary")),
    )


def fold_term(text: str) -> str:
    """Accents and case out, for sorting and matching terms (``Idempotência`` = ``idempotencia``):
    the checker's own fold (one translation table), so the site and the rules agree."""
    return fold(text).strip()


def _terms(page: Page, value: Any) -> tuple[Term, ...]:
    if not isinstance(value, dict):
        return ()
    prose = _prose_by_section(page.lesson)  # folded and placed once for all the terms
    terms = []
    for term, definition in value.items():
        if not (isinstance(term, str) and term.strip() and isinstance(definition, str) and definition.strip()):
            continue  # F005 reports it; the glossary shows what it can
        section, anchor = _first_section(prose, term.strip())
        terms.append(Term(term.strip(), definition.strip(), section, anchor))
    return tuple(terms)


def _prose_by_section(lesson: Any) -> list[tuple[str, str | None, str | None]]:
    """Each prose block folded, with the ``##``/``###`` heading above it and that heading's id
    (Python-Markdown's toc: slug of the text, ``_1``, ``_2``... when repeated)."""
    sections: dict[int, tuple[str, str]] = {}
    seen: dict[str, int] = {}
    for heading in lesson.headings:
        slug = heading_id(heading.text)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        if heading.level in (2, 3):
            sections[heading.line] = (heading.text, slug if count == 0 else f"{slug}_{count}")
    placed = []
    starts = sorted(sections)
    for block in lesson.prose:
        if block.kind == "heading":
            continue
        above = [line for line in starts if line < block.line]
        title, anchor = sections[above[-1]] if above else (None, None)
        placed.append((fold_term(block.text), title, anchor))
    return placed


def _first_section(prose: list[tuple[str, str | None, str | None]], term: str) -> tuple[str | None, str | None]:
    """The heading above the first prose that mentions ``term`` as a whole word or phrase."""
    # Each word may take a plural ending: «método idempotente» is taught as «métodos idempotentes».
    words = [re.escape(word) + r"(?:s|es)?" for word in fold_term(term).split()]
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")
    for text, title, anchor in prose:
        if pattern.search(text):
            return title, anchor
    return None, None


def heading_id(text: str) -> str:
    """The id Python-Markdown's toc extension gives a heading by default (its ``slugify``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"[^\w\s-]", "", ascii_text).strip().lower()
    return re.sub(r"[-\s]+", "-", ascii_text)


def _lesson_sort_key(card: LessonCard) -> tuple[int, int, str]:
    return (0 if card.order is not None else 1, card.order or 0, card.title.casefold())


def _data(page: Page) -> Mapping[str, Any]:
    front_matter = page.lesson.front_matter if page.lesson is not None else None
    if front_matter is None or front_matter.problem is not None:
        return {}
    return front_matter.data


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(item).strip() for item in value if isinstance(item, (str, int, float)) and str(item).strip())
