"""How heavy the learners' site is: the whole build, and what one page makes a browser download.

Builds the site with ``mkdocs build --strict`` into a temporary folder (or
reads one already built with ``--site``) and prints:

- the built site: files and bytes, by folder;
- a page (the pilot lesson by default): its HTML, the CSS and JS it loads,
  and what the search worker fetches when the page opens (worker, stemmers,
  index), raw and gzip-compressed (what a server with compression sends).

    python benchmarks/site_weight.py [--site DIR] [--page backend/protocolos/http.html]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEARCH_LANGUAGES = ("pt",)


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.icons: list[str] = []
        self.config: str = ""
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = (values.get("rel") or "").split()
        if tag == "link" and "stylesheet" in rel and values.get("href"):
            self.css.append(values["href"])
        elif tag == "link" and "icon" in rel and values.get("href"):
            self.icons.append(values["href"])
        elif tag == "script" and values.get("src"):
            self.js.append(values["src"])
        self._in_config = tag == "script" and values.get("id") == "__config"

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        self._in_config = False


def build(target: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
                    "-d", str(target)], cwd=ROOT, env=env, check=True)


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6))


def site_totals(site: Path) -> dict[str, tuple[int, int]]:
    groups: dict[str, tuple[int, int]] = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        group = "páginas HTML" if rel.endswith(".html") else rel.split("/")[0] if "/" in rel else "outros"
        count, size = groups.get(group, (0, 0))
        groups[group] = (count + 1, size + path.stat().st_size)
    return groups


def page_weight(site: Path, page: str) -> list[tuple[str, str, int, int]]:
    html_path = site / page
    parser = _Assets()
    parser.feed(html_path.read_text(encoding="utf-8"))
    rows = [("HTML", page, *sizes(html_path))]
    for kind, urls in (("CSS", parser.css), ("JS", parser.js), ("ícone", parser.icons)):
        for url in urls:
            target = (html_path.parent / unquote(urlsplit(url).path)).resolve()
            rows.append((kind, target.relative_to(site).as_posix(), *sizes(target)))
    worker = json.loads(parser.config or "{}").get("search")
    if worker:
        target = (html_path.parent / worker).resolve()
        rows.append(("busca", target.relative_to(site).as_posix(), *sizes(target)))
        lunr = site / "assets" / "javascripts" / "lunr" / "min"
        for name in ["lunr.stemmer.support.min.js", *(f"lunr.{lang}.min.js" for lang in SEARCH_LANGUAGES)]:
            if (lunr / name).is_file():
                rows.append(("busca", f"assets/javascripts/lunr/min/{name}", *sizes(lunr / name)))
        index = site / "search" / "search_index.json"
        if index.is_file():
            rows.append(("busca", "search/search_index.json", *sizes(index)))
    return rows


def kb(value: int) -> str:
    return f"{value / 1024:8.1f} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="pasta de um site já construído (padrão: constrói agora)")
    parser.add_argument("--page", default="backend/protocolos/http.html", help="página a medir, relativa ao site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        site = args.site
        if site is None:
            site = Path(temporary) / "site"
            build(site)
        totals = site_totals(site)
        files = sum(count for count, _ in totals.values())
        total = sum(size for _, size in totals.values())
        print(f"Site construído: {files} arquivos, {kb(total).strip()}")
        for group, (count, size) in sorted(totals.items(), key=lambda item: -item[1][1]):
            print(f"  {group:<16} {count:4d} arquivos {kb(size)}")
        if not (site / args.page).is_file():
            print(f"\nPágina {args.page} não existe no site construído.")
            return 1
        rows = page_weight(site, args.page)
        print(f"\nPágina {args.page} (o que o navegador baixa ao abri-la, sem cache):")
        print(f"  {'tipo':<6} {'arquivo':<52} {'bruto':>11} {'gzip':>11}")
        for kind, name, raw, packed in rows:
            print(f"  {kind:<6} {name:<52} {kb(raw)} {kb(packed)}")
        page_rows = [row for row in rows if row[0] in ("HTML", "CSS", "JS")]
        for label, selected in (("HTML + CSS + JS", page_rows), ("com a busca e o ícone", rows)):
            raw = sum(row[2] for row in selected)
            packed = sum(row[3] for row in selected)
            print(f"  {'total ' + label:<59} {kb(raw)} {kb(packed)}")
        fonts = [p for p in site.rglob("*") if re.search(r"\.(woff2?|ttf|otf)$", p.name)]
        print(f"\nFontes web no site: {len(fonts)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
