"""How long checking (no rendering, no examples) takes per page.

Measures, in one run on one core: the pilot lesson alone, and a generated
corpus of 1000 lessons (copies of the pilot with varied modules, orders and
prerequisites). Prints medians over repeats and the time per page.

    python benchmarks/check_speed.py [--lessons 1000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from themelion_docs.checker import PageSource, check_sources
from themelion_docs.config import load_config
from themelion_docs import lesson as lesson_model
from themelion_docs import placeholders, text
from themelion_docs.lesson import parse
from themelion_docs.rules import code
from themelion_docs.page_cache import FileMemo, MemoryMemo, tool_fingerprint

ROOT = Path(__file__).resolve().parent.parent
PILOT = ROOT / "content" / "backend" / "protocolos" / "http.md"
MODULES = ["protocolos", "apis", "autenticacao", "arquitetura", "concorrencia", "mensageria", "performance"]


def generated_corpus(pilot: str, count: int) -> list[PageSource]:
    sources = []
    for index in range(count):
        module = MODULES[index % len(MODULES)]
        order = index // len(MODULES) + 1
        text = pilot.replace("module: protocolos", f"module: {module}").replace("order: 1", f"order: {order}", 1)
        if order > 1:
            text = text.replace("prerequisites: []", f"prerequisites: [{module}/licao-{order - 1}]", 1)
        rel = f"backend/{module}/licao-{order}.md"
        sources.append(PageSource(path=f"content/{rel}", rel=rel, data=text.encode("utf-8")))
    return sources


# Caches keyed by a page's own text (folded words, titles, Python trees, placeholder scans): a
# cold check is the first time the process sees the page, so they are emptied before each one.
CONTENT_CACHES = (text.fold, lesson_model.normalize_title, code._tree, placeholders._scan, placeholders._reparsed)


def forget_content() -> None:
    for cached in CONTENT_CACHES:
        cached.cache_clear()


def median_seconds(action, repeats: int, cold: bool = False) -> float:
    samples = []
    for _ in range(repeats):
        if cold:
            forget_content()
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    pilot = PILOT.read_text(encoding="utf-8")
    config = load_config()
    source = PageSource(path="content/backend/protocolos/http.md", rel="backend/protocolos/http.md",
                        data=pilot.encode("utf-8"))
    words = parse("http.md", pilot).words

    markdown_it = lesson_model._markdown()
    markdown_only = median_seconds(lambda: markdown_it.parse(pilot), args.repeats * 10)
    parse_only = median_seconds(lambda: parse("http.md", pilot), args.repeats * 10, cold=True)
    one = median_seconds(lambda: check_sources([source], config), args.repeats * 10, cold=True)
    salt = tool_fingerprint()
    with tempfile.TemporaryDirectory() as folder:
        # The same cold check writing the memo (an empty folder each time): what the cache costs a first run.
        folders = iter(Path(folder, str(n)) for n in range(args.repeats * 10))
        one_memo = median_seconds(lambda: check_sources([source], config, memo=MemoryMemo(FileMemo(next(folders))),
                                                        salt=salt), args.repeats * 10, cold=True)
    corpus = generated_corpus(pilot, args.lessons)
    many = median_seconds(lambda: check_sources(corpus, config), args.repeats, cold=True)
    with tempfile.TemporaryDirectory() as folder:
        check_sources(corpus, config, memo=MemoryMemo(FileMemo(Path(folder))), salt=salt)  # fills the memo
        # A new process each time: only the files on disk are shared.
        warm = median_seconds(lambda: check_sources(corpus, config, memo=MemoryMemo(FileMemo(Path(folder))),
                                                    salt=salt), args.repeats)

    print(f"lição piloto: {len(pilot.encode()) / 1024:.1f} KB, {words} palavras de prosa")
    print(f"{'medida':<44}{'mediana':>12}{'por página':>14}")
    print(f"{'parse do markdown-it-py, piloto':<44}{markdown_only * 1000:>10.2f} ms{markdown_only * 1000:>11.2f} ms")
    print(f"{'parse (markdown-it + modelo), piloto':<44}{parse_only * 1000:>10.2f} ms{parse_only * 1000:>11.2f} ms")
    print(f"{'check completo, piloto':<44}{one * 1000:>10.2f} ms{one * 1000:>11.2f} ms")
    print(f"{'check completo gravando o memo, piloto':<44}{one_memo * 1000:>10.2f} ms{one_memo * 1000:>11.2f} ms")
    print(f"{f'check completo, corpus de {args.lessons} lições':<44}{many:>11.2f} s"
          f"{many / args.lessons * 1000:>11.2f} ms")
    print(f"{f'check sem mudanças (memo), corpus de {args.lessons}':<44}{warm:>11.2f} s"
          f"{warm / args.lessons * 1000:>11.2f} ms")
    print(f"razão memo/check completo: {warm / many:.3f}x (meta: <= 2 ms por lição inalterada)")
    print(f"check frio / parse do markdown-it-py, piloto: {one / markdown_only:.2f}x (meta: <= 1,5x)")
    print(f"check frio / parse com modelo, piloto: {one / parse_only:.2f}x")
    print(f"check frio gravando o memo / sem memo, piloto: {one_memo / one:.2f}x (o custo do cache num primeiro run)")
    print()
    print(f"{'lição':<44}{'KB':>6}{'palavras':>10}{'check':>11}")
    lessons = sorted((ROOT / "content" / "backend").glob("*/*.md"))
    small = ROOT / "tests" / "fixtures" / "lesson_ok.md"
    for path in [p for p in lessons if p.name != "index.md"] + [small]:
        data = path.read_bytes()
        page = PageSource(path=str(path), rel=f"backend/protocolos/{path.name}", data=data)
        seconds = median_seconds(lambda: check_sources([page], config), args.repeats * 4, cold=True)
        words = parse(path.name, data.decode("utf-8")).words
        label = path.relative_to(ROOT).as_posix()
        print(f"{label[-44:]:<44}{len(data) / 1024:>6.1f}{words:>10}{seconds * 1000:>8.1f} ms")


if __name__ == "__main__":
    main()
