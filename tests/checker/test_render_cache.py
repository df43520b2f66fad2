"""A warm build reuses the HTML of unchanged pages, and only of unchanged pages.

Real `mkdocs build -v` runs (about 1-2 s each) on a small site: the plugin's
debug line says how many pages were reused and rendered; the site a warm
build writes must be byte for byte the one a full render wrote. Then each
input the HTML depends on is changed on its own (the page, a Markdown
setting, the site's files) and must bring the render back, and a render
that logged a warning must warn again (``--strict`` fails on every build).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker_helpers import GOOD_REL, HOME, mutate, plugin_rules_yaml, write_site

from themelion_docs.site import render_cache

PLUGIN = "{execute: false, rules: " + plugin_rules_yaml() + "}"
COUNTS = re.compile(r"HTML: (\d+) páginas reaproveitadas, (\d+) renderizadas \((\d+) não guardadas")
OTHER = "---\ntitle: Outra\n---\n\n# Outra\n\nVeja a [lição](backend/protocolos/conexoes.md#como-funciona).\n"


def build(root: Path, strict: bool = True, verbose: bool = True
          ) -> tuple[subprocess.CompletedProcess, dict[str, int]]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")]
    command += ["-v"] if verbose else []
    result = subprocess.run(command + (["--strict"] if strict else []), cwd=root, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=180)
    if not verbose:
        return result, {}
    found = COUNTS.search(result.stdout + result.stderr)
    assert found, result.stdout + result.stderr
    reused, rendered, not_stored = map(int, found.groups())
    return result, {"reused": reused, "rendered": rendered, "not_stored": not_stored}


def site_files(root: Path) -> dict[str, bytes]:
    """Every file the build wrote (gzip files carry their own timestamp: left out)."""
    site = root / "site"
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted(site.rglob("*")) if path.is_file() and path.suffix != ".gz"}


@pytest.fixture()
def site(tmp_path, good_text) -> Path:
    write_site(tmp_path, {"index.md": HOME, "outra.md": OTHER, GOOD_REL: good_text}, plugin=PLUGIN)
    return tmp_path


def test_a_warm_build_reuses_every_page_and_writes_the_same_site(site):
    result, first = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert first == {"reused": 0, "rendered": 3, "not_stored": 0}
    rendered = site_files(site)
    result, second = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert second == {"reused": 3, "rendered": 0, "not_stored": 0}
    assert site_files(site) == rendered  # content, table of contents, title, search index alike


def test_only_the_edited_page_is_rendered_again(site, good_text):
    build(site)
    lesson = site / "docs" / GOOD_REL
    lesson.write_text(mutate(good_text, "são 80 ms", "são bem 80 ms"), encoding="utf-8")
    result, counts = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts == {"reused": 2, "rendered": 1, "not_stored": 0}
    html = (site / "site" / "backend" / "protocolos" / "conexoes" / "index.html").read_text(encoding="utf-8")
    assert "são bem 80 ms" in html


def test_a_changed_markdown_setting_renders_every_page_again(site):
    build(site)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "markdown_extensions: [", "markdown_extensions: [{toc: {permalink: true}}, "), encoding="utf-8")
    result, counts = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts["reused"] == 0 and counts["rendered"] == 3
    assert 'class="headerlink"' in (site / "site" / "outra" / "index.html").read_text(encoding="utf-8")


def test_a_new_page_renders_every_page_again(site):
    build(site)
    (site / "docs" / "nova.md").write_text("# Nova\n\nUma página nova.\n", encoding="utf-8")
    result, counts = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts == {"reused": 0, "rendered": 4, "not_stored": 0}  # links resolve against every file


def test_a_render_that_warned_warns_again_and_fails_strict_every_time(site):
    (site / "docs" / "outra.md").write_text(OTHER + "\nE a [que falta](nao-existe.md).\n", encoding="utf-8")
    for _ in range(2):
        result, counts = build(site)
        assert result.returncode != 0
        assert "nao-existe.md" in result.stdout + result.stderr
        assert counts["not_stored"] == 1


def test_a_lost_or_tampered_cache_is_a_full_render(site):
    build(site)
    rendered = site_files(site)
    for entry in (site / ".themelion-cache" / "html").glob("html-*"):
        entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    result, counts = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts == {"reused": 0, "rendered": 3, "not_stored": 0}
    assert site_files(site) == rendered
    shutil.rmtree(site / ".themelion-cache" / "html")
    assert build(site)[1]["rendered"] == 3


def test_a_verbose_build_reuses_a_normal_builds_renders_but_not_the_other_way(site):
    # Under -v MkDocs keeps no links to anchors, so such a render cannot serve a normal build,
    # whose anchor check needs them; the other way round the links are simply not used.
    assert build(site, verbose=False)[0].returncode == 0
    assert build(site)[1]["reused"] == 3
    shutil.rmtree(site / ".themelion-cache" / "html")
    build(site)
    assert build(site)[1]["reused"] == 3
    build(site, verbose=False)  # renders again, storing the links
    assert build(site)[1]["reused"] == 3


def test_a_broken_anchor_warns_on_every_normal_build(site):
    (site / "docs" / "outra.md").write_text(OTHER.replace("#como-funciona", "#secao-que-nao-existe"),
                                            encoding="utf-8")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "validation: {anchors: warn}\n", encoding="utf-8")
    for _ in range(2):
        result, _ = build(site, verbose=False)
        assert result.returncode != 0
        assert "secao-que-nao-existe" in result.stdout + result.stderr


def test_render_cache_false_renders_every_page(site):
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "{execute: false,", "{execute: false, render_cache: false,"), encoding="utf-8")
    build(site)
    assert build(site)[1] == {"reused": 0, "rendered": 0, "not_stored": 0}
    assert not (site / ".themelion-cache" / "html").exists()


def test_an_extension_that_reads_other_files_turns_the_cache_off(site):
    # pymdownx.snippets pastes another file in while rendering: its HTML depends on a file the
    # page's Markdown only names, so a cached render would go stale when that file changes.
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "markdown_extensions: [", "markdown_extensions: [pymdownx.snippets, "), encoding="utf-8")
    (site / "trecho.md").write_text("Primeira versão do trecho.\n", encoding="utf-8")
    (site / "docs" / "outra.md").write_text(OTHER + '\n--8<-- "trecho.md"\n', encoding="utf-8")
    result, counts = build(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cache de HTML desligado: `pymdownx.snippets`" in result.stdout + result.stderr
    (site / "trecho.md").write_text("Segunda versão do trecho.\n", encoding="utf-8")
    result, counts = build(site)
    assert counts == {"reused": 0, "rendered": 0, "not_stored": 0}
    assert "Segunda versão do trecho." in (site / "site" / "outra" / "index.html").read_text(encoding="utf-8")


# -- the key, without a build ----------------------------------------------

def format_one(source, language, css_class, options, md, **kwargs):  # a custom fence's formatter
    return source


def test_settings_name_functions_without_their_address_and_ignore_mapping_order():
    one = {"mdx_configs": {"b": 1, "a": {"format": format_one}}, "markdown_extensions": ["toc"]}
    other = {"markdown_extensions": ["toc"], "mdx_configs": {"a": {"format": format_one}, "b": 1}}
    assert "0x" not in render_cache.stable_repr(one)
    assert render_cache.settings_key(one, "tool") == render_cache.settings_key(other, "tool")
    assert render_cache.settings_key(one, "tool") != render_cache.settings_key(one, "other tool")
    changed = {**one, "mdx_configs": {"b": 2, "a": {"format": format_one}}}
    assert render_cache.settings_key(changed, "tool") != render_cache.settings_key(one, "tool")


def test_the_code_behind_the_extensions_is_part_of_the_key(tmp_path, monkeypatch):
    module = tmp_path / "extensao_local.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = render_cache.code_versions({"extensao_local", "pymdownx.superfences", "toc"})
    assert "pymdown-extensions" in before and "markdown=" in before
    render_cache._module_digest.cache_clear()
    module.write_text("VALUE = 2\n", encoding="utf-8")
    assert render_cache.code_versions({"extensao_local", "pymdownx.superfences", "toc"}) != before
