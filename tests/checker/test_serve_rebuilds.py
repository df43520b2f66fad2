"""`mkdocs serve` rebuilds the site in one process after each save (issue 13).

What a build made from unchanged inputs is looked up on the next build of the
same process: a page's examples and rewritten Markdown, the catalog, the
author's guide, the dashboard, the verdicts of cached results. These tests
build twice in one process, as serve does, and check that the lookups happen,
that an edit still reaches the site, and that nothing stale is served.
"""

from __future__ import annotations

import logging
import re

import pytest

from checker_helpers import GOOD_REL, HOME, mutate, plugin_rules_yaml, write_site
from themelion_docs import examples
from themelion_docs.execution import runner
from themelion_docs.recent import Recent

mkdocs_build = pytest.importorskip("mkdocs.commands.build")
mkdocs_config = pytest.importorskip("mkdocs.config")

PLUGIN = "{dashboard: true, author_guide: true, rules: " + plugin_rules_yaml() + "}"
LINE = re.compile(r"HTML: (\d+) páginas reaproveitadas, (\d+) renderizadas")


class _Counts(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last: tuple[int, int] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        found = LINE.search(record.getMessage())
        if found:
            self.last = (int(found.group(1)), int(found.group(2)))


@pytest.fixture()
def serve(tmp_path, monkeypatch):
    """One rebuild as `mkdocs serve` does it: a new config and plugin, the same process."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    counts = _Counts()
    plugin_log = logging.getLogger("mkdocs.plugins.themelion")
    plugin_log.addHandler(counts)
    level = plugin_log.level
    plugin_log.setLevel(logging.DEBUG)

    def rebuild() -> tuple[int, int]:
        config = mkdocs_config.load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
        config.plugins.on_startup(command="serve", dirty=False)
        mkdocs_build.build(config)
        config.plugins.on_shutdown()
        assert counts.last is not None
        return counts.last

    yield rebuild
    plugin_log.removeHandler(counts)
    plugin_log.setLevel(level)


def test_a_rebuild_that_changes_nothing_renders_nothing_and_looks_its_work_up(tmp_path, serve, good_text):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: good_text}, plugin=PLUGIN)
    serve()
    dashboard = (tmp_path / "site" / "qualidade" / "index.html").read_text(encoding="utf-8")
    built, verdicts = examples.BUILT.hits, runner.VERDICTS.hits
    reused, rendered = serve()
    assert rendered == 0 and reused > 0  # the dashboard too: same report, same date
    assert examples.BUILT.hits > built  # the lesson's examples were not built again
    assert runner.VERDICTS.hits > verdicts  # nor its cached results judged again
    assert (tmp_path / "site" / "qualidade" / "index.html").read_text(encoding="utf-8") == dashboard


def test_an_edited_lesson_reaches_the_site_and_the_dashboard(tmp_path, serve, good_text):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: good_text}, plugin=PLUGIN)
    serve()
    lesson = tmp_path / "docs" / GOOD_REL
    lesson.write_text(mutate(good_text, "são 80 ms", "são bem 80 ms"), encoding="utf-8")
    _, rendered = serve()
    html = (tmp_path / "site" / "backend" / "protocolos" / "conexoes" / "index.html").read_text(encoding="utf-8")
    assert "são bem 80 ms" in html
    assert rendered >= 1
    lesson.write_text(good_text.replace("## Referências", "## Referências\n\nTODO(themelion): mais uma", 1),
                      encoding="utf-8")
    serve()
    dashboard = (tmp_path / "site" / "qualidade" / "index.html").read_text(encoding="utf-8")
    assert "L003" in dashboard or "marcador" in dashboard  # the new finding is on the dashboard


def test_recent_keeps_the_newest_values_and_makes_each_once():
    made = []
    recent: Recent[int] = Recent(limit=2)
    assert [recent.get(k, lambda k=k: made.append(k) or k * 10) for k in (1, 2, 1, 3, 1)] == [10, 20, 10, 30, 10]
    assert made == [1, 2, 3, 1]  # 1 was the oldest when 3 came in
    assert (recent.hits, recent.misses) == (1, 4)
