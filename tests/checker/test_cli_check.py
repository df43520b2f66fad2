"""`themelion check | rules | explain`: exit codes, text and JSON reports.

Each test builds a small project in ``tmp_path`` (mkdocs.yml + docs/) and runs
``main([...])`` from there. The mkdocs.yml carries the lowered size
thresholds as plugin options, as a real project would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from checker_helpers import GOOD_REL, HOME, line_of, mutate, write_site
from themelion_docs.cli import main
from themelion_docs.config import load_config

FINDING = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+): (?P<code>[A-Z]\d{3}) \[(?P<name>[a-z0-9-]+)\]"
                     r"(?P<warning> \(aviso\))? (?P<message>.+)$")
SECOND_REL = "backend/protocolos/keepalive.md"


def finding_lines(out: str) -> list[tuple[str, int, str]]:
    return [(m["path"], int(m["line"]), m["code"]) for m in map(FINDING.match, out.splitlines()) if m]


def second_lesson(good: str) -> str:
    return mutate(good, "order: 1\n", "order: 2\n")


@pytest.fixture
def clean_site(tmp_path, monkeypatch, good_text):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: good_text})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def failing_site(tmp_path, monkeypatch, good_text):
    """Two failing lessons (a missing section and a vague word; a bad level) and a clean one."""
    broken = mutate(good_text, "## Como funciona\n\n", "")
    broken = mutate(broken, "## Quando usar\n", "## Quando usar\n\nO keep-alive é rápido.\n")
    bad_level = mutate(second_lesson(good_text), "level: intermediario\n", "level: expert\n")
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: broken, SECOND_REL: bad_level,
                          "backend/apis/limites.md": mutate(good_text, "module: protocolos\n", "module: apis\n")})
    monkeypatch.chdir(tmp_path)
    return {"broken": broken, "bad_level": bad_level}


def test_check_on_a_clean_tree_exits_0_with_a_summary(clean_site, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert finding_lines(out) == []
    assert "2 páginas verificadas: 0 erros, 0 avisos, 0 dispensas" in out


def test_check_without_running_examples_exits_0_too(clean_site, capsys):
    assert main(["check", "--no-exec"]) == 0
    assert "0 erros" in capsys.readouterr().out


def test_check_lists_every_finding_of_every_failing_page_sorted(failing_site, capsys):
    assert main(["check", "--no-exec", "--no-hints"]) == 1
    out = capsys.readouterr().out
    broken, bad_level = failing_site["broken"], failing_site["bad_level"]
    first, second = f"docs/{GOOD_REL}", f"docs/{SECOND_REL}"
    assert finding_lines(out) == [
        (first, line_of(broken, "## Na prática"), "S001"),
        (first, line_of(broken, "é rápido"), "Q091"),
        (second, line_of(bad_level, "level:"), "F007"),
    ]
    assert f"{first}:{line_of(broken, '## Na prática')}: S001 [secao-ausente] falta a seção `## Como funciona`" in out
    assert f"{second}:{line_of(bad_level, 'level:')}: F007 [nivel-invalido] nível desconhecido: `expert`" in out
    assert "Q091 [termo-vago] (aviso) «rápido»" in out
    assert "4 páginas verificadas: 2 erros, 1 aviso, 0 dispensas" in out
    assert f"Páginas com erro: {first}, {second}" in out


def test_hints_follow_their_finding_unless_disabled(failing_site, capsys):
    main(["check", "--no-exec"])
    lines = capsys.readouterr().out.splitlines()
    s001 = next(i for i, line in enumerate(lines) if " S001 " in line)
    assert lines[s001 + 1].startswith("    ↳ As seções, nesta ordem: O que é e por que importa → Como funciona")


def test_check_json_matches_the_documented_structure(failing_site, capsys):
    assert main(["check", "--no-exec", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"pages", "summary"}
    assert [page["path"] for page in report["pages"]] == [
        "docs/backend/apis/limites.md", f"docs/{GOOD_REL}", f"docs/{SECOND_REL}", "docs/index.md"]
    for page in report["pages"]:
        for finding in page["findings"]:
            assert set(finding) >= {"code", "name", "severity", "line", "message"}
            assert finding["severity"] in ("error", "warning") and isinstance(finding["line"], int)
    by_path = {page["path"]: page["findings"] for page in report["pages"]}
    assert by_path[f"docs/{SECOND_REL}"] == [{
        "code": "F007", "name": "nivel-invalido", "severity": "error",
        "line": line_of(failing_site["bad_level"], "level:"), "message": "nível desconhecido: `expert`",
        "hint": by_path[f"docs/{SECOND_REL}"][0]["hint"],
        "rule_url": None}]  # no author_guide in this site: no rule page to link
    summary = report["summary"]
    assert (summary["pages"], summary["failing_pages"], summary["errors"], summary["warnings"], summary["waivers"]) \
        == (4, 2, 2, 1, 0)


def test_output_file_gets_the_report_and_the_screen_gets_text(failing_site, capsys, tmp_path):
    assert main(["check", "--no-exec", "--format", "json", "--output", "relatorio.json"]) == 1
    assert json.loads((tmp_path / "relatorio.json").read_text(encoding="utf-8"))["summary"]["errors"] == 2
    assert "Páginas com erro:" in capsys.readouterr().out


@pytest.mark.parametrize("args, expected", [
    (["--select", "F"], {"F007"}),
    (["--select", "S001,nivel-invalido"], {"S001", "F007"}),
    (["--ignore", "Q091"], {"S001", "F007"}),
    (["--ignore", "S,F"], {"Q091"}),
    (["--select", "S", "--ignore", "S001"], set()),
])
def test_select_and_ignore_filter_the_rules(failing_site, capsys, args, expected):
    exit_code = main(["check", "--no-exec", *args])
    found = {code for _, _, code in finding_lines(capsys.readouterr().out)}
    assert found == expected
    assert exit_code == (1 if expected - {"Q091"} else 0)


def test_check_of_one_file_still_resolves_prerequisites_against_the_site(clean_site, capsys, good_text):
    (clean_site / "docs" / SECOND_REL).write_text(
        mutate(second_lesson(good_text), "tags: [http, conexoes]\n",
               "tags: [http, conexoes]\nprerequisites: [protocolos/conexoes]\n"), encoding="utf-8")
    assert main(["check", "--no-exec", f"docs/{SECOND_REL}"]) == 0
    assert "1 página verificada: 0 erros" in capsys.readouterr().out


def test_thresholds_come_from_the_plugin_options_in_mkdocs_yml(clean_site, capsys):
    (clean_site / "mkdocs.yml").write_text(
        (clean_site / "mkdocs.yml").read_text(encoding="utf-8").replace('"min_words": 306', '"min_words": 326'),
        encoding="utf-8")
    assert main(["check", "--no-exec"]) == 1
    assert "Q010 [profundidade-da-licao] a lição tem 325 palavras de prosa; o mínimo é 326" in capsys.readouterr().out


@pytest.mark.parametrize("args, says", [
    (["check", "nao/existe.md"], "caminho não encontrado: nao/existe.md"),
    (["check", "--select", "Z999"], "regra desconhecida em select/ignore: «Z999»"),
    (["check", "--ignore", "nao-existe"], "regra desconhecida"),
    (["check", "--config", "outro.yml"], "arquivo de configuração não encontrado"),
    (["explain", "XYZ"], "regra desconhecida: «XYZ»"),
    (["check", "--repeat", "0"], "--repeat precisa ser um número inteiro de 1 a 20"),
])
def test_usage_errors_exit_2_with_a_portuguese_message(clean_site, capsys, args, says):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert says in captured.err
    assert captured.err.startswith("themelion: ")
    assert captured.out == ""


def test_unknown_rule_in_mkdocs_yml_is_a_usage_error(clean_site, capsys):
    write_site(clean_site, {}, plugin="{rules: {Q999: {min_words: 1}}}")
    assert main(["check", "--no-exec"]) == 2
    assert "regra desconhecida na configuração: «Q999»" in capsys.readouterr().err


def test_unknown_option_or_command_exits_2(clean_site, capsys):
    assert main(["check", "--formato", "json"]) == 2
    assert main(["publicar"]) == 2
    assert main([]) == 2


def test_rules_lists_every_code_with_its_name(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    listed = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}
    assert listed == {code: spec.name for code, spec in load_config().rules.items()}


def test_explain_shows_why_how_and_wrong_and_right_examples(capsys):
    assert main(["explain", "Q020"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Q020 [diagrama-de-sequencia]\n")
    for part in ("Severidade: erro", "Por quê:", "Como corrigir:", "Errado:", "Certo:", "```diagram",
                 "Limites (configuráveis em mkdocs.yml", "waive:"):
        assert part in out
    assert out.index("Errado:") < out.index("Certo:")


def test_explain_accepts_the_rule_name(capsys):
    assert main(["explain", "termo-vago"]) == 0
    assert capsys.readouterr().out.startswith("Q091 [termo-vago]")


def test_python_dash_m_runs_the_cli(failing_site, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "themelion_docs", "check", "--no-exec", "--no-hints"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"docs/{SECOND_REL}:{line_of(failing_site['bad_level'], 'level:')}: F007 [nivel-invalido]" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("Páginas com erro:")


UNSTABLE_BLOCK = """
```python
import time
print("agora:", time.time_ns())
```

"""


def test_repeat_flags_a_block_whose_output_changes_between_runs(clean_site, capsys, good_text):
    lesson = clean_site / "docs" / GOOD_REL
    marker = "### Pronto para produção\n"
    lesson.write_text(good_text.replace(marker, UNSTABLE_BLOCK + marker, 1), encoding="utf-8")
    block_line = line_of(lesson.read_text(encoding="utf-8"), "import time") - 1
    assert main(["check", str(lesson)]) == 0  # one run cannot see it
    capsys.readouterr()
    assert main(["check", "--repeat", "2", str(lesson)]) == 1
    out = capsys.readouterr().out
    assert (f"docs/{GOOD_REL}", block_line, "E030") in finding_lines(out)
    assert "em 2 execuções sem cache, a saída muda na linha 1" in out


def test_repeat_accepts_stable_blocks_and_varying_parts_matched_by_ellipsis(clean_site, capsys, good_text):
    lesson = clean_site / "docs" / GOOD_REL
    marker = "### Pronto para produção\n"
    covered = UNSTABLE_BLOCK.rstrip() + "\n\n```output\nagora: ...\n```\n\n"
    lesson.write_text(good_text.replace(marker, covered + marker, 1), encoding="utf-8")
    assert main(["check", "--repeat", "3", str(lesson)]) == 0, capsys.readouterr().out
