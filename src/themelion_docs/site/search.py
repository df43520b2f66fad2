"""Search for a Portuguese room: accents folded, index loaded on first use.

Two changes to the built theme files, made after the build (``on_post_build``):

* **Accent folding.** Material's search worker builds a Lunr index in the
  browser and loads ``lunr.<lang>.min.js`` for each search language. A short
  script appended to that file folds accents (NFD, combining marks dropped)
  in the index pipeline, the query pipeline and the query parser, so
  ``cabecalho`` and ``cabeçalho`` are the same term. The query string itself
  is folded before Lunr parses it, so the "missing term" marks and the
  suggestions agree with the index. Nothing changes in the documents: the
  result titles and snippets keep their accents, and Lunr's positions still
  point at the original text for highlighting.
* **Index on first use.** Material fetches the search index (2,4 MB for this
  room) as soon as any page loads, over http and file:// alike (the ``?h=``
  highlighter subscribes to it on every page). The expression that creates
  the index in the bundle is replaced so it waits until the search opens. The
  names of Material's minified helpers are read from the bundle itself; when
  a theme update changes that code, nothing is patched and the browser test
  (``test_search_index_loads_on_first_use``) says so.

Both changes are idempotent (a rebuild that keeps the files does not apply
them twice).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

from themelion_docs.site.catalog import tag_label
from themelion_docs.recent import Recent

FOLD_MARKER = "/* themelion: accent folding */"

FOLD_SCRIPT = FOLD_MARKER + r"""
(function (lunr, lang) {
  "use strict";
  if (!lunr || !lunr[lang] || lunr[lang].themelionFolded) return;
  var marks = /[\u0300-\u036f]/g;
  function fold(text) {
    return String(text).normalize("NFD").replace(marks, "");
  }
  var foldToken = function (token) {
    return token.update(function (text) { return fold(text); });
  };
  lunr.Pipeline.registerFunction(foldToken, "themelionFold");
  var original = lunr[lang];
  var folded = function () {
    original.apply(this, arguments);
    this.pipeline.add(foldToken);
    if (this.searchPipeline) this.searchPipeline.add(foldToken);
  };
  Object.keys(original).forEach(function (key) { folded[key] = original[key]; });
  folded.themelionFolded = true;
  lunr[lang] = folded;
  // The query text is folded before Lunr parses it (wildcard terms skip the pipeline).
  var Parser = lunr.QueryParser;
  if (Parser && !Parser.themelionFolded) {
    var FoldingParser = function (text, query) {
      Parser.call(this, fold(text), query);
    };
    FoldingParser.prototype = Parser.prototype;
    Object.keys(Parser).forEach(function (key) { FoldingParser[key] = Parser[key]; });
    FoldingParser.themelionFolded = true;
    lunr.QueryParser = FoldingParser;
  }
})(self.lunr, "%(lang)s");
"""

LUNR_MIN = "assets/javascripts/lunr/min"

# Names in Material's minified bundle, read from the code itself (they change with each release):
# setupSearchWorker: merge(of(location.protocol !== "file:"), watchToggle("search")).pipe(first(..), switchMap(..))
_WORKER = re.compile(r'[\w$]+\([\w$]+\(location\.protocol!=="file:"\),(?P<toggle>[\w$]+)\("search"\)\)'
                     r'\.pipe\((?P<first>[\w$]+)\(([\w$]+)=>\3\),(?P<switch>[\w$]+)\(\(\)=>[\w$]+\)\)')
# fetchSearchIndex: file:// -> watchScript(...).pipe(map(() => __index), shareReplay(1)); http -> requestJSON(...)
_FETCH = re.compile(r'function (?P<fetch>[\w$]+)\(\)\{return location\.protocol==="file:"\?[\w$]+\(`\$\{new URL\('
                    r'"search/search_index\.js"[^`]*`\)\.pipe\([\w$]+\(\(\)=>__index\),(?P<share>[\w$]+)\(1\)\)')
# const index$ = document.forms.namedItem("search") ? fetchSearchIndex() : NEVER
_INDEX = 'document.forms.namedItem("search")?{fetch}():'
_LAZY = ('document.forms.namedItem("search")?(new URLSearchParams(location.search).has("h")?{fetch}():'
         '{toggle}("search").pipe({first}(o=>o),{switch}(()=>{fetch}()),{share}(1))):')


def fold_script(lang: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        raise ValueError(f"idioma de busca inválido: {lang!r}")
    return FOLD_SCRIPT.replace("%(lang)s", lang)


def add_accent_folding(site_dir: Path, languages: Sequence[str] | None) -> list[Path]:
    """Append the folding script to each ``lunr.<lang>.min.js``; returns the files changed."""
    changed = []
    for lang in languages or ():
        if lang == "en":  # English has no language file; this room's search is "pt"
            continue
        path = site_dir / LUNR_MIN / f"lunr.{lang}.min.js"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if FOLD_MARKER in text:
            continue
        path.write_text(text.rstrip("\n") + "\n" + fold_script(lang), encoding="utf-8")
        changed.append(path)
    return changed


def lazy_index_bundle(text: str) -> tuple[str, int]:
    """The bundle with the index fetched when the search first opens; and how many places changed (0 or 1).

    ``index$`` feeds both the search worker and the highlighter of ``?h=`` links, and the highlighter
    subscribes on every page: the index now waits for the search toggle (shared, fetched once), except
    on a page opened from a search result (``?h=``), which needs it at once to mark the terms.
    """
    worker, fetch = _WORKER.search(text), _FETCH.search(text)
    if worker is None or fetch is None:
        return text, 0
    names = {**worker.groupdict(), **fetch.groupdict()}
    eager = _INDEX.format(**names)
    if text.count(eager) != 1:
        return text, 0
    return text.replace(eager, _LAZY.format(**names)), 1


def load_index_on_first_use(site_dir: Path) -> list[Path]:
    changed = []
    for path in sorted((site_dir / "assets" / "javascripts").glob("bundle.*.min.js")):
        text, count = lazy_index_bundle(path.read_text(encoding="utf-8"))
        if count:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def relabel_tags(site_dir: Path, label: Callable[[str], str] = tag_label) -> list[Path]:
    """Tags in the search index (shown under each result) by their Portuguese names, not slugs.

    Runs after the search plugin wrote ``search/search_index.json`` and before the offline plugin
    copies it into ``search_index.js`` (its ``on_post_build`` runs last).
    """
    path = site_dir / "search" / "search_index.json"
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    relabeled = _RELABELED.get((text, label), lambda: _relabeled(text, label))
    if relabeled is None:
        return []
    path.write_text(relabeled, encoding="utf-8")
    return [path]


# The index MkDocs wrote is the same on a rebuild that changed nothing (`mkdocs serve`): its
# relabeled text is looked up instead of decoding and encoding the whole index again.
_RELABELED: Recent[str | None] = Recent(limit=2)


def _relabeled(text: str, label: Callable[[str], str]) -> str | None:
    data = json.loads(text)
    changed = False
    for doc in data.get("docs") or ():
        tags = doc.get("tags")
        if isinstance(tags, list):
            labels = [label(str(tag)) for tag in tags]
            changed |= labels != tags
            doc["tags"] = labels
    return json.dumps(data, separators=(",", ":")) if changed else None


def patch_search(site_dir: Path, languages: Iterable[str] | None) -> list[Path]:
    langs = [languages] if isinstance(languages, str) else list(languages or ())
    return add_accent_folding(site_dir, langs) + load_index_on_first_use(site_dir) + relabel_tags(site_dir)
