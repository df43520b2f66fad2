"""Machine formats: JUnit XML, GitHub workflow commands, SARIF 2.1.0."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from themelion_docs.config import load_config
from themelion_docs.findings import Finding, Severity
from themelion_docs.report import CheckReport, PageReport, Waiver
from themelion_docs.reports import FORMATS, render_report
from themelion_docs.reports.github import escape_data, escape_property

CONFIG = load_config()


def finding(path, line, code, message, severity=Severity.ERROR, hint="dica"):
    return Finding(path, line, code, CONFIG.rule(code).name, severity, message, hint)


@pytest.fixture
def report() -> CheckReport:
    bad = "content/backend/apis/a, b.md"  # a comma in the path must survive the GitHub property escaping
    return CheckReport(pages=(
        PageReport(bad, "backend/apis/a, b.md", "lesson", (
            finding(bad, 3, "F004", "falta a chave obrigatória `level`"),
            finding(bad, 20, "Q020", "100% sem diagrama:\nsegunda linha"),
            finding(bad, 31, "L001", "admonição sem título", Severity.WARNING),
        ), info={"module": "apis", "examples_run": 2, "examples_passed": 1}),
        PageReport("content/backend/apis/ok.md", "backend/apis/ok.md", "lesson", (),
                   waivers=(Waiver("content/backend/apis/ok.md", 9, "Q040", "escala", "lição conceitual"),)),
        PageReport("content/index.md", "index.md", "page", (finding("content/index.md", 0, "M006", "sem título"),)),
    ), meta={"examples": "não executados"})


def test_every_format_is_a_check_format_choice(cli, project):
    assert {"text", "json", "junit", "github", "sarif"} <= set(FORMATS)
    code, _, err = cli("check", "--format", "xml")
    assert code == 2


# -- JUnit -------------------------------------------------------------------
def test_junit_has_a_case_per_page_and_per_page_examples_and_counts_match(report):
    root = ET.fromstring(render_report("junit", report, CONFIG))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert names == ["content/backend/apis/a, b.md", "content/backend/apis/a, b.md › exemplos",
                     "content/backend/apis/ok.md", "content/index.md"]
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("tests")) == int(root.get("tests")) == len(cases)
    assert int(suite.get("failures")) == int(root.get("failures")) == len(failed) == 2
    failure = cases[0].find("failure")
    assert "F004" in failure.get("message") and "Q020" in failure.text and ":3:" in failure.text
    assert "L001" in cases[0].find("system-out").text  # warnings do not fail the case
    assert "lição conceitual" in cases[2].find("system-out").text  # the waiver and its reason
    assert "1/2" in cases[1].find("system-out").text


# -- GitHub ------------------------------------------------------------------
COMMAND = re.compile(r"^::(?P<kind>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    return text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def parse_github(text: str) -> list[dict]:
    parsed = []
    for line in text.splitlines():
        match = COMMAND.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match.group("props").split(",")) if match.group("props") else {}
        parsed.append({"kind": match.group("kind"), **{k: unescape(v) for k, v in props.items()},
                       "message": unescape(match.group("message"))})
    return parsed


def test_github_lines_parse_back_to_file_line_and_title(report):
    commands = parse_github(render_report("github", report, CONFIG))
    errors = [c for c in commands if c["kind"] == "error"]
    assert [(c["file"], c.get("line"), c["title"]) for c in errors] == [
        ("content/backend/apis/a, b.md", "3", "F004 [chave-obrigatoria-ausente]"),
        ("content/backend/apis/a, b.md", "20", "Q020 [diagrama-de-sequencia]"),
        ("content/index.md", None, "M006 [titulo-ausente]"),
    ]
    assert "line" not in errors[2]  # line 0 means the whole file: no line property
    assert errors[1]["message"].startswith("100% sem diagrama:\nsegunda linha")
    [warning] = [c for c in commands if c["kind"] == "warning"]
    assert warning["title"] == "L001 [admonicao-sem-titulo]" and warning["line"] == "31"
    notices = [c for c in commands if c["kind"] == "notice"]
    assert any("lição conceitual" in n["message"] for n in notices)


def test_github_escaping_follows_the_workflow_command_rules():
    assert escape_data("50%\r\nfim") == "50%25%0D%0Afim"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


# -- SARIF -------------------------------------------------------------------
def assert_sarif_structure(log: dict) -> None:
    """The required fields of SARIF 2.1.0 that code-scanning consumers read."""
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(log["runs"], list) and log["runs"]
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        ids = [rule["id"] for rule in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:
            assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
            assert rule["help"]["text"]
            assert rule["defaultConfiguration"]["level"] in {"none", "note", "warning", "error"}
        for result in run["results"]:
            assert result["ruleId"] in ids
            assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["level"] in {"none", "note", "warning", "error"}
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            for location in result["locations"]:
                physical = location["physicalLocation"]
                assert physical["artifactLocation"]["uri"]
                if "region" in physical:
                    assert isinstance(physical["region"]["startLine"], int) and physical["region"]["startLine"] >= 1


def test_sarif_has_the_registry_as_rules_and_a_result_per_finding(report):
    log = json.loads(render_report("sarif", report, CONFIG))
    assert_sarif_structure(log)
    run = log["runs"][0]
    assert set(CONFIG.rules) <= {r["id"] for r in run["tool"]["driver"]["rules"]}
    results = [r for r in run["results"] if "suppressions" not in r]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("F004", "error"), ("Q020", "error"), ("L001", "warning"), ("M006", "error")]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first["artifactLocation"]["uri"] == "content/backend/apis/a%2C%20b.md"
    assert first["region"]["startLine"] == 3
    assert "region" not in results[3]["locations"][0]["physicalLocation"]
    [waived] = [r for r in run["results"] if "suppressions" in r]
    assert waived["ruleId"] == "Q040" and waived["suppressions"][0]["justification"] == "lição conceitual"


def test_sarif_rule_levels_follow_configured_severity(report):
    config = load_config(overrides={"Q091": {"severity": "error"}})
    log = json.loads(render_report("sarif", replace(report, pages=()), config))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["Q091"]["defaultConfiguration"]["level"] == "error"
    assert rules["L001"]["defaultConfiguration"]["level"] == "warning"


# -- through the CLI -------------------------------------------------------------
BROKEN = "---\ntitle: Quebrada\nmodule: apis\n---\n\n## Como funciona\n\nTexto.\n"


def test_check_writes_each_format_to_output_and_keeps_exit_codes(cli, project):
    (project / "content" / "backend" / "apis").mkdir()
    (project / "content" / "backend" / "apis" / "quebrada.md").write_text(BROKEN, encoding="utf-8")
    for name in ("junit", "github", "sarif", "json"):
        code, out, _ = cli("check", "--no-exec", "--format", name, "--output", f"relatorio.{name}")
        assert code == 1
        assert "Páginas com erro" in out  # the text report stays on screen
        written = (project / f"relatorio.{name}").read_text(encoding="utf-8")
        if name == "junit":
            assert ET.fromstring(written).get("failures") == "1"
        elif name == "sarif":
            assert_sarif_structure(json.loads(written))
        elif name == "github":
            assert all(c["file"] == "content/backend/apis/quebrada.md" for c in parse_github(written)
                       if c["kind"] != "notice")
        else:
            assert json.loads(written)["summary"]["errors"] >= 1


def test_runner_findings_get_rule_descriptors_and_their_own_junit_case(report):
    runner = Finding("content/backend/apis/a, b.md", 40, "E010", "exemplo-falhou", Severity.ERROR,
                     "o exemplo falhou: ValueError")
    unknown = Finding("content/index.md", 2, "X001", "de-outro-plugin", Severity.WARNING, "algo")
    pages = (replace(report.pages[0], findings=(*report.pages[0].findings, runner)),
             replace(report.pages[2], findings=(unknown,)))
    extended = replace(report, pages=pages)
    log = json.loads(render_report("sarif", extended, CONFIG))
    assert_sarif_structure(log)
    ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"E010", "X001"} <= ids
    cases = ET.fromstring(render_report("junit", extended, CONFIG)).find("testsuite").findall("testcase")
    examples = next(c for c in cases if c.get("name").endswith("› exemplos"))
    assert "E010" in examples.find("failure").text
    assert "E010" not in cases[0].find("failure").text


def test_junit_has_a_case_per_example_with_its_own_findings_when_blocks_are_reported(report):
    page = report.pages[0]
    blocks = [{"line": 40, "language": "python", "status": "passed", "seconds": 0.12},
              {"line": 55, "language": "python", "status": "failed", "seconds": 0.3},
              {"line": 70, "language": "python", "status": "not-run", "seconds": 0}]
    failing = Finding(page.path, 57, "E010", CONFIG.rule("E010").name, Severity.ERROR, "o exemplo falhou", "")
    page = replace(page, findings=(*page.findings, failing), info={**page.info, "example_results": blocks})
    root = ET.fromstring(render_report("junit", replace(report, pages=(page,)), CONFIG))
    cases = root.find("testsuite").findall("testcase")
    names = [c.get("name") for c in cases]
    assert names == [page.path, f"{page.path}:40 › exemplo python", f"{page.path}:55 › exemplo python",
                     f"{page.path}:70 › exemplo python"]
    assert cases[1].find("failure") is None and cases[1].get("time") == "0.12"
    assert "E010" in cases[2].find("failure").text and "E010" not in cases[0].find("failure").text
    assert cases[3].find("skipped") is not None
    assert root.get("skipped") == "1" and root.get("failures") == "2"
