"""Issue 21: reports an author can act on.

Block counts that add up, the fix hints in `mkdocs build` as in `themelion
check`, a hint repeated on a page shown once with its count, and a link to the
rule's page in text, JSON (`rule_url`) and SARIF (`helpUri`).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from checker_helpers import GOOD_REL, HOME, mutate, write_site
from test_mkdocs_site import mkdocs_build
from themelion_docs.checker import PageSource, check_sources, load_page
from themelion_docs.cli import main
from themelion_docs.config import load_config
from themelion_docs.examples import execute
from themelion_docs.execution import RunnerSettings
from themelion_docs.guide import RuleLinks
from themelion_docs.reports import render_report
from themelion_docs.reports.text import render_text
from themelion_docs.scaffold import LessonRequest, find_template, render_lesson

SITE = "https://sala.exemplo.com.br/backend/"
REPO = Path(__file__).resolve().parents[2]


def _scaffold_report():
    config = load_config()
    text = render_lesson(find_template(REPO), LessonRequest("apis", "x", "X", "iniciante", 1), config)
    return check_sources([PageSource("content/backend/apis/x.md", "backend/apis/x.md", text.encode())], config), config


def test_block_counts_add_up_with_skipped_invalid_and_interrupted_blocks():
    page_text = textwrap.dedent('''\
        # Blocos

        ```python
        print("ok")
        ```

        ```python
        raise ValueError("falha")
        ```

        ```python run="no" reason="fragmento"
        cliente.get("/")
        ```

        ```python sesion="x"
        print("opção errada")
        ```

        ```python session="s"
        raise KeyError("primeiro")
        ```

        ```python session="s"
        print("nunca roda")
        ```
        ''')
    config = load_config()
    page = load_page(PageSource("content/backend/apis/b.md", "backend/apis/b.md", page_text.encode()), config)
    settings = RunnerSettings(jobs=2, default_timeout=5.0, max_timeout=20.0, cache_dir=None)
    _, meta = execute([page], settings)
    summary = meta["examples_summary"]
    assert summary.startswith("6 blocos: 1 ok, 2 com falha, 1 pulados (run=\"no\"), "
                              "1 não executados por erro no bloco (opção inválida, dependência), "
                              "1 não executados (sessão interrompida);"), summary
    assert meta["examples"] == meta["examples_passed"] + meta["examples_failed"] + meta["examples_skipped"]
    # runs are the blocks that ran or were looked up in the cache: not the run="no" one
    assert "; 0 de 4 execuções do cache;" in summary, summary


def test_a_hint_repeated_on_a_page_is_shown_once_with_its_count():
    report, _ = _scaffold_report()
    l003 = [f for f in report.findings if f.code == "L003"]
    assert len(l003) > 5 and len({f.hint for f in l003}) == 1
    text = render_text(report)
    assert text.count(l003[0].hint) == 1
    assert f"(vale para os {len(l003)} achados L003 desta página)" in text
    assert text.count("↳ regra:") == 1  # one rule, one link


def test_text_json_and_sarif_link_each_finding_to_its_rule_page():
    report, config = _scaffold_report()
    links = RuleLinks(site_url=SITE, directory_urls=False)
    text = render_report("text", report, config, links=links)
    assert f"↳ regra: {SITE}autores/regras/l003.html" in text
    data = json.loads(render_report("json", report, config, links=links))
    finding = data["pages"][0]["findings"][0]
    assert finding["rule_url"] == f"{SITE}autores/regras/{finding['code'].lower()}.html"
    sarif = json.loads(render_report("sarif", report, config, links=links))
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["L003"]["helpUri"] == f"{SITE}autores/regras/l003.html"
    assert rules["E031"]["helpUri"].endswith("autores/regras/e031.html")
    # Without a site_url, SARIF (absolute URIs only) has no helpUri; the text gives the path in the site.
    relative = RuleLinks(directory_urls=True)
    assert "helpUri" not in json.loads(render_report("sarif", report, config, links=relative))["runs"][0][
        "tool"]["driver"]["rules"][0]
    assert "↳ regra: autores/regras/l003/" in render_report("text", report, config, links=relative)
    # Without the author's guide on the site, the way to read the rule is `themelion explain`.
    assert "↳ regra: themelion explain L003" in render_text(report, links=RuleLinks(published=False))


def test_cli_takes_the_links_from_mkdocs_yml(tmp_path, monkeypatch, capsys, good_text):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: mutate(good_text, "## Como funciona\n\n", "")},
               plugin="{author_guide: true, execute: false}")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_url: {SITE}\nuse_directory_urls: false\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-exec"]) == 1
    assert f"↳ regra: {SITE}autores/regras/s001.html" in capsys.readouterr().out


def test_mkdocs_build_prints_the_hints_and_links_that_check_prints(tmp_path, good_text):
    broken = mutate(good_text, "## Como funciona\n\n", "")
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: broken},
               plugin="{execute: false, author_guide: true}")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_url: {SITE}\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    hint = load_config().rule("S001").hint
    result = mkdocs_build(tmp_path)
    output = result.stdout + result.stderr
    assert "S001 [secao-ausente] falta a seção `## Como funciona`" in output
    assert f"↳ {hint.split('{')[0].strip()}" in output, output
    assert f"↳ regra: {SITE}autores/regras/s001/" in output
