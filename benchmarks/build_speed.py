"""Build time of a generated corpus with and without the example runner.

Builds the same corpus (default: 30 lessons x 6 independent Python blocks)
side by side, in one run, several times each, and prints medians and ratios:

  plugin frio       themelion runs every block isolated (empty cache)
  plugin quente     themelion with a warm cache (no block reruns)
  plugin desligado  themelion disabled (no checks, no execution)
  markdown-exec     pawamoy/markdown-exec running the same blocks in-process,
                    showing source and output like themelion does

Goals from the issue: warm <= 1.05x disabled; cold <= 1.5x markdown-exec.

    python benchmarks/build_speed.py [--lessons 30] [--blocks 6] [--repeats 3]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import build, print_medians

BLOCK = '''import json, hashlib
dados = {{"licao": {lesson}, "bloco": {block}, "itens": list(range({size}))}}
texto = json.dumps(dados, sort_keys=True)
print(hashlib.sha256(texto.encode()).hexdigest()[:16], sum(x * x for x in dados["itens"]))
'''

MKDOCS = """site_name: benchmark
docs_dir: docs
theme: {{name: material, language: pt-BR, font: false}}
plugins:
{plugins}
markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.superfences, pymdownx.highlight]
"""

VARIANTS = {
    "plugin frio": "  - search\n  - themelion: {cache_dir: .cache-cold}\n",
    "plugin quente": "  - search\n  - themelion: {cache_dir: .cache-warm}\n",
    "plugin desligado": "  - search\n  - themelion: {enabled: false}\n",
    "markdown-exec": "  - search\n  - markdown-exec\n",
}


def lesson(index: int, blocks: int, exec_option: str) -> str:
    parts = [f"---\ntitle: Lição {index}\n---\n\n# Lição {index}\n"]
    for block in range(blocks):
        parts.append(f"\n## Parte {block}\n\nTexto da parte {block} com alguma prosa para renderizar.\n")
        parts.append(f"\n```python{exec_option}\n{BLOCK.format(lesson=index, block=block, size=200 + block)}```\n")
    return "".join(parts)


def make_site(root: Path, plugins: str, lessons: int, blocks: int, exec_option: str) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Benchmark\n", encoding="utf-8")
    for index in range(lessons):
        (docs / f"licao-{index:03}.md").write_text(lesson(index, blocks, exec_option), encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS.format(plugins=plugins), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=30)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="themelion-bench-"))
    try:
        roots = {}
        for name, plugins in VARIANTS.items():
            option = ' exec="on" source="above" result="text"' if name == "markdown-exec" else ""
            roots[name] = work / name.replace(" ", "-")
            make_site(roots[name], plugins, args.lessons, args.blocks, option)
        build(roots["plugin quente"])  # fills the warm cache once
        samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(args.repeats):
            # Interleaved so that machine noise hits every variant alike.
            for name, root in roots.items():
                if name == "plugin frio":
                    shutil.rmtree(root / ".cache-cold", ignore_errors=True)
                samples[name].append(build(root))
        total = args.lessons * args.blocks
        print(f"corpus: {args.lessons} lições x {args.blocks} blocos = {total} blocos; {args.repeats} builds por variante")
        medians = print_medians(samples, width=20)
        warm = medians["plugin quente"] / medians["plugin desligado"]
        cold = medians["plugin frio"] / medians["markdown-exec"]
        print(f"quente / desligado     = {warm:.2f}x  (meta <= 1.05x)")
        print(f"frio / markdown-exec   = {cold:.2f}x  (meta <= 1.5x)")
        print(f"frio / desligado       = {medians['plugin frio'] / medians['plugin desligado']:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
