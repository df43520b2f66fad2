"""Issue 21: one story for how a lesson is published, and no "not in the nav" noise.

The plugin places each lesson after its module's index.md; MkDocs used to list
every lesson as missing from the nav on every build. Now only pages that
really stay out of the nav are listed, and `themelion new` says what the
author's guide says.
"""

from __future__ import annotations

from checker_helpers import GOOD_REL, HOME, plugin_rules_yaml, write_site
from test_mkdocs_site import mkdocs_build
from themelion_docs.cli import main, publishing_note
from themelion_docs.config import load_config
from themelion_docs.guide import guide_pages

MODULE_INDEX = "---\ntitle: Protocolos\n---\n\n# Protocolos\n\nO módulo.\n"
STRAY = "---\ntitle: Solta\n---\n\n# Solta\n\nFora do menu.\n"


def test_build_does_not_call_placed_lessons_missing_from_the_nav(tmp_path, good_text):
    config = write_site(tmp_path, {"index.md": HOME, "backend/protocolos/index.md": MODULE_INDEX,
                                   GOOD_REL: good_text, "solta.md": STRAY}, plugin="{execute: false, rules: " + plugin_rules_yaml() + "}")
    config.write_text(config.read_text(encoding="utf-8")
                      + "nav:\n  - index.md\n  - Protocolos:\n      - backend/protocolos/index.md\n", encoding="utf-8")
    result = mkdocs_build(tmp_path)
    output = result.stdout + result.stderr
    missing = output.split('not included in the "nav" configuration:', 1)
    assert len(missing) == 2, output
    listed = []
    for line in missing[1].split("\n")[1:]:
        if not line.startswith("  - "):
            break
        listed.append(line)
    assert "  - solta.md" in listed  # really out of the nav: still reported
    assert not any("conexoes.md" in line for line in listed)  # placed by the plugin: not noise
    module_page = (tmp_path / "site" / "backend" / "protocolos" / "index.html").read_text(encoding="utf-8")
    assert 'href="conexoes/"' in module_page  # and the lesson is in the menu


def test_new_and_the_author_guide_tell_the_same_story(tmp_path, monkeypatch, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\nnav:\n  - index.md\n", encoding="utf-8")
    (tmp_path / "content" / "backend").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "apis/rest", "--title", "REST"]) == 0
    out = capsys.readouterr().out
    assert publishing_note("backend/apis/index.md") in out
    guide = {p.src_uri: p.content for p in guide_pages(load_config())}["autores/index.md"]
    for words in ("não edite o `nav:`", "o plugin põe a lição no menu logo depois de", "na ordem do `order`"):
        assert words in out and words in " ".join(guide.split()), words
