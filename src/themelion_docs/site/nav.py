"""Which pages the navigation adds under a section, so nobody lists them by hand.

mkdocs.yml names each module's ``index.md``; every other page of that folder
(not of its sub-folders) is added after it: lessons in the module's order
(front matter ``order``), anything else by path.
"""

from __future__ import annotations

import posixpath
from typing import Iterable

from themelion_docs.site.catalog import Catalog


def folder_pages(index_rel: str, documentation_rels: Iterable[str], catalog: Catalog,
                 placed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The pages to list after ``index_rel`` (``folder/index.md``), in order, leaving out ``placed``."""
    if posixpath.basename(index_rel) != "index.md":
        return []
    folder = posixpath.dirname(index_rel)
    siblings = sorted(rel for rel in documentation_rels
                      if posixpath.dirname(rel) == folder and rel != index_rel and rel not in placed)
    ranked = {card.rel: position for position, card in enumerate(catalog.lessons)}
    return sorted(siblings, key=lambda rel: (rel not in ranked, ranked.get(rel, 0), rel))
