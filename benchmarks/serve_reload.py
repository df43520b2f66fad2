"""The edit loop of ``mkdocs serve``: what one reload costs after saving one lesson.

Copies the project (mkdocs.yml, content/, templates/, pyproject.toml) into a
temporary folder and, in one process as ``mkdocs serve`` does (a new config
and a new plugin at each reload; the plugin's memos live in the process),
builds it once untimed to fill the caches, then measures reloads:

  sem mudanças     nothing saved
  prosa            one sentence added to the body of one lesson
  front matter     the lesson's title changed: the module page, the room page and
                   the lessons that list it as a prerequisite are rendered again

For each, the median of the reload's wall time and of the plugin's own share
(the plugin's debug line, the same one ``mkdocs serve -v`` prints), and how
many pages were rendered rather than reused.

    python benchmarks/serve_reload.py [--repeats 5] [--lesson backend/protocolos/http.md]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from measure import copy_project

PLUGIN_LINE = re.compile(r"([\d.]+) s do plugin neste build; HTML: (\d+) páginas reaproveitadas, (\d+) renderizadas")


class PluginLine(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last: tuple[float, int, int] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        found = PLUGIN_LINE.search(record.getMessage())
        if found:
            self.last = (float(found.group(1)), int(found.group(2)), int(found.group(3)))


def reload(root: Path, line: PluginLine) -> tuple[float, float, int]:
    """One rebuild as serve does it; (wall seconds, plugin seconds, pages rendered)."""
    started = time.perf_counter()
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    config.plugins.on_shutdown()
    wall = time.perf_counter() - started
    assert line.last is not None, "o plugin não registrou a linha de depuração"
    plugin, _, rendered = line.last
    return wall, plugin, rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--lesson", default="backend/protocolos/http.md")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    work = Path(tempfile.mkdtemp(prefix="themelion-serve-")) / "site"
    line = PluginLine()
    plugin_log = logging.getLogger("mkdocs.plugins.themelion")
    plugin_log.addHandler(line)
    plugin_log.setLevel(logging.DEBUG)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # the findings and summaries are not measured
    try:
        copy_project(work)
        lesson = work / "content" / args.lesson
        original = lesson.read_text(encoding="utf-8")
        reload(work, line)  # untimed: runs the examples, fills the page memo and the HTML cache
        reload(work, line)
        samples: dict[str, list[tuple[float, float, int]]] = {"sem mudanças": [], "prosa": [], "front matter": []}
        for index in range(args.repeats):  # interleaved, each edit new (so nothing is a cache hit by luck)
            samples["sem mudanças"].append(reload(work, line))
            lesson.write_text(original.replace("\n## ", f"\nUma frase nova, versão {index}.\n\n## ", 1),
                              encoding="utf-8")
            samples["prosa"].append(reload(work, line))
            retitled = re.sub(r'(?m)^title: ("?)', rf"title: \g<1>Rev. {index} — ", original, count=1)
            lesson.write_text(retitled, encoding="utf-8")
            samples["front matter"].append(reload(work, line))
            lesson.write_text(original, encoding="utf-8")
            reload(work, line)  # back to the original (not measured)
        print(f"mkdocs serve (reconstrução no mesmo processo), lição editada: {args.lesson}; "
              f"{args.repeats} recargas por variante")
        print(f"{'edição':<16}{'recarga':>10}{'plugin':>10}{'páginas renderizadas':>23}")
        for name, values in samples.items():
            wall = statistics.median(v[0] for v in values)
            plugin = statistics.median(v[1] for v in values)
            rendered = statistics.median(v[2] for v in values)
            print(f"{name:<16}{wall:>9.2f}s{plugin:>9.3f}s{rendered:>23.0f}")
    finally:
        plugin_log.removeHandler(line)
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
