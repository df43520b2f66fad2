"""Theme files that no page of this site loads, so the build need not copy them.

Material copies every asset of the theme: source maps (only developer tools
fetch them), the stemmers of the ~30 languages its search supports and two
word segmenters (Japanese and Thai, 700 KB). The search worker loads only
``lunr.stemmer.support``, ``lunr.<lang>`` for each non-English search
language, ``lunr.multi`` when there is more than one, and the segmenters for
``ja`` and ``th``. Everything else under ``assets/javascripts/lunr/`` and every
``*.map`` file is dropped.
"""

from __future__ import annotations

import posixpath
from typing import Iterable, Sequence

LUNR_DIR = "assets/javascripts/lunr/"


def needed_lunr_files(languages: Sequence[str]) -> set[str]:
    langs = [lang.strip() for lang in languages if lang and lang.strip()]
    needed = {"min/lunr.stemmer.support.min.js"}
    needed |= {f"min/lunr.{lang}.min.js" for lang in langs if lang != "en"}
    if len(langs) > 1:
        needed.add("min/lunr.multi.min.js")
    if "ja" in langs or "jp" in langs:
        needed |= {"tinyseg.js", "min/lunr.ja.min.js", "min/lunr.jp.min.js"}
    if "th" in langs:
        needed.add("wordcut.js")
    return {LUNR_DIR + name for name in needed}


def unused_theme_assets(dest_uris: Iterable[str], search_languages: Sequence[str] | None) -> list[str]:
    """The theme files (by destination path) that no page or worker requests.

    ``search_languages`` is the search plugin's ``lang``; ``None`` (not set,
    so the theme picks it) keeps every stemmer.
    """
    needed = needed_lunr_files(search_languages) if search_languages is not None else None
    unused = []
    for uri in dest_uris:
        if uri.endswith(".map") and uri.startswith("assets/"):
            unused.append(uri)
        elif (needed is not None and uri.startswith(LUNR_DIR) and uri not in needed
              and posixpath.splitext(uri)[1] == ".js"):
            unused.append(uri)
    return sorted(unused)
