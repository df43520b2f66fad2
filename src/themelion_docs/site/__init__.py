"""The learners' site: what a lesson page, a module page, the room and the tags page show.

Pure functions over the parsed pages; no MkDocs import (the adapter in
``mkdocs_plugin.py`` calls them). ``fences`` and ``admonitions`` plug into
Python-Markdown directly.
"""

from themelion_docs.site.catalog import (
    LEVEL_LABELS,
    WORDS_PER_MINUTE,
    Catalog,
    LessonCard,
    ModuleCard,
    build_catalog,
    reading_minutes,
    relative_link,
    slugify,
)
from themelion_docs.site.pages import (
    PLACEHOLDER,
    examples_note,
    expand_placeholders,
    lesson_header,
    module_index,
    room_index,
    site_markdown,
    tags_index,
)

__all__ = [
    "LEVEL_LABELS", "WORDS_PER_MINUTE", "Catalog", "LessonCard", "ModuleCard", "build_catalog",
    "reading_minutes", "relative_link", "slugify", "PLACEHOLDER", "examples_note", "expand_placeholders",
    "lesson_header", "module_index", "room_index", "site_markdown", "tags_index", "find_tags_page",
]


def find_tags_page(pages: dict[str, str]) -> str | None:
    """The first page (by path) whose Markdown holds ``<!-- themelion:tags -->``; ``pages`` maps rel to text."""
    for rel in sorted(pages):
        for match in PLACEHOLDER.finditer(pages[rel]):
            if match.group("name") == "tags":
                return rel
    return None
