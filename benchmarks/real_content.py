"""Builds of the real site: cold against markdown-exec, and warm against the plugin off.

Copies the project (mkdocs.yml, content/, templates/, pyproject.toml) into
three folders and builds each one side by side, interleaved, several times:

  themelion frio   the site as it is, with an empty example cache at every build:
                   every block runs isolated (namespaces, limits, fork server)
  markdown-exec    the themelion plugin swapped for pawamoy/markdown-exec, every
                   runnable python fence turned into ``exec="on" source="above"``
                   (sessions kept), so the same blocks run inside the build's own
                   process; javascript blocks stay plain (markdown-exec has no Node)
  desligado        themelion disabled and every fence reduced to its renderer
                   options: the cost of the site itself
  themelion quente the site as it is with its example cache and page memo already filled
                   (one untimed build first), author guide and dashboard on
  quente sem guia  the same, author guide and dashboard off (issue 13: <= 1,05x desligado;
                   with the guide and dashboard <= 1,15x)
  sem cache de HTML  "themelion quente" with render_cache off: every page is rendered by
                   Python-Markdown again, as in the plugin-off site (what the plugin adds
                   on top of rendering)

Fences are found with the lesson model (markdown-it), never by pattern matching.
Prints medians, min and max per variant and the ratios; the machine is noisy, so
the ratios of medians measured in one run are the figures to quote.

    python benchmarks/real_content.py [--repeats 3] [--warm]   (--warm: only the warm variants)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from measure import REPO, build, copy_project, print_medians

from themelion_docs.execution import RUNNABLE_LANGUAGES
from themelion_docs.fences import render_info
from themelion_docs.lesson import parse

EXEC = ' exec="on" source="above" result="text"'


def rewrite_fences(text: str, variant: str) -> tuple[str, int, int]:
    """The page with each runnable fence's opening line rewritten for ``variant``;
    also how many python blocks will run and how many javascript blocks will not."""
    lesson = parse("pagina.md", text)
    lines = text.split("\n")
    python = javascript = 0
    for fence in lesson.fences:
        runtime = RUNNABLE_LANGUAGES.get(fence.language.lower())
        if runtime is None:
            continue
        options = fence.info.options
        opening = lines[fence.line - 1]
        indent = opening[: len(opening) - len(opening.lstrip())]
        marker = opening.lstrip()[: len(opening.lstrip()) - len(opening.lstrip().lstrip("`~"))]
        info = render_info(fence.language, options)
        runs = options.get("run", "yes") != "no"
        if variant == "markdown-exec" and runtime == "python" and runs:
            session = f' session="{options["session"]}"' if options.get("session") else ""
            info += EXEC + session
            python += 1
        elif runtime == "javascript" and runs:
            javascript += 1
        lines[fence.line - 1] = f"{indent}{marker}{info}"
    return "\n".join(lines), python, javascript


def swap_plugin(config: str, replacement: str) -> str:
    """mkdocs.yml with the ``- themelion:`` plugin entry (and its options) replaced."""
    out: list[str] = []
    skipping_deeper_than: int | None = None
    for line in config.split("\n"):
        depth = len(line) - len(line.lstrip())
        if skipping_deeper_than is not None:
            if line.strip() and depth > skipping_deeper_than:
                continue  # an option of the replaced entry
            skipping_deeper_than = None
        if line.strip() in ("- themelion:", "- themelion"):
            out.append(" " * depth + replacement)
            skipping_deeper_than = depth
            continue
        out.append(line)
    return "\n".join(out)


# The themelion variants: the plugin's options in each (the rest of mkdocs.yml is the site's).
PLUGIN_OPTIONS = {
    "themelion frio": "cache_dir: .cache-cold, author_guide: true, dashboard: true",
    "themelion quente": "cache_dir: .cache-warm, author_guide: true, dashboard: true",
    "sem cache de HTML": "cache_dir: .cache-warm, author_guide: true, dashboard: true, render_cache: false",
    "quente sem guia": "cache_dir: .cache-warm, author_guide: false, dashboard: false",
}


def make_variant(root: Path, variant: str) -> tuple[int, int]:
    copy_project(root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    if variant in PLUGIN_OPTIONS:
        config = swap_plugin(config, "- themelion: {fail_on_error: false, " + PLUGIN_OPTIONS[variant] + "}")
    elif variant == "markdown-exec":
        config = swap_plugin(config, "- markdown-exec")
    else:
        config = swap_plugin(config, "- themelion: {enabled: false}")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    python = javascript = 0
    if variant in PLUGIN_OPTIONS:
        return python, javascript
    for page in sorted((root / "content").rglob("*.md")):
        text, ran, skipped = rewrite_fences(page.read_text(encoding="utf-8"), variant)
        page.write_text(text, encoding="utf-8")
        python, javascript = python + ran, javascript + skipped
    return python, javascript


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warm", action="store_true", help="só as variantes quentes e a desligada")
    args = parser.parse_args()
    if args.warm:
        return warm(args.repeats)
    work = Path(tempfile.mkdtemp(prefix="themelion-real-"))
    try:
        roots: dict[str, Path] = {}
        counts: dict[str, tuple[int, int]] = {}
        for variant in ("themelion frio", "markdown-exec", "desligado"):
            roots[variant] = work / variant.replace(" ", "-")
            counts[variant] = make_variant(roots[variant], variant)
        samples: dict[str, list[float]] = {name: [] for name in roots}
        for _ in range(args.repeats):
            for name, root in roots.items():  # interleaved: noise hits every variant alike
                shutil.rmtree(root / ".cache-cold", ignore_errors=True)
                samples[name].append(build(root))
        lessons = sum(1 for _ in (REPO / "content").rglob("*.md"))
        python, javascript = counts["markdown-exec"]
        print(f"conteúdo real: {lessons} páginas; markdown-exec executa {python} blocos python "
              f"({javascript} blocos javascript ficam sem executar nele); {args.repeats} builds por variante")
        medians = print_medians(samples, width=18)
        print(f"frio / markdown-exec = {medians['themelion frio'] / medians['markdown-exec']:.2f}x  (meta <= 1,0x)")
        print(f"frio / desligado     = {medians['themelion frio'] / medians['desligado']:.2f}x")
        print(f"markdown-exec / desligado = {medians['markdown-exec'] / medians['desligado']:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def warm(repeats: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="themelion-warm-"))
    try:
        roots = {name: work / name.replace(" ", "-")
                 for name in ("desligado", "quente sem guia", "themelion quente", "sem cache de HTML")}
        for name, root in roots.items():
            make_variant(root, name)
            build(root)  # untimed: fills the example cache and the page memo
        samples: dict[str, list[float]] = {name: [] for name in roots}
        for _ in range(repeats):
            for name, root in roots.items():
                samples[name].append(build(root))
        pages = sum(1 for _ in (REPO / "content").rglob("*.md"))
        print(f"conteúdo real: {pages} páginas; {repeats} builds quentes por variante, intercalados")
        medians = print_medians(samples, width=18)
        base = medians["desligado"]
        print(f"quente sem guia / desligado = {medians['quente sem guia'] / base:.2f}x  (meta <= 1,05x)")
        print(f"quente com guia e painel / desligado = {medians['themelion quente'] / base:.2f}x  "
              "(meta <= 1,15x)")
        print(f"com guia e painel, sem cache de HTML / desligado = {medians['sem cache de HTML'] / base:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
