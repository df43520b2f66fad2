"""JUnit XML for CI dashboards: one test case per page and one per example.

Each page is a test case that fails when the page has errors (the failure
lists them); warnings and waivers go to the case's ``system-out``. When the
example runner ran, each block is a case of its own (``<página>:<linha> ›
exemplo python``) carrying its findings, skipped when it was not run; a report
with only counts (``examples_run``) gets one ``<página> › exemplos`` case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Iterable

from themelion_docs.config import CheckConfig
from themelion_docs.explain import runner_findings
from themelion_docs.findings import Finding
from themelion_docs.report import CheckReport, PageReport
from themelion_docs.safe_text import printable

EXAMPLE_FAMILY = "exemplos"


def render_junit(report: CheckReport, config: CheckConfig | None = None) -> str:
    cases = [case for page in report.pages for case in _page_cases(page, config)]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    attributes = {"name": "themelion check", "tests": str(len(cases)), "failures": str(failures),
                  "errors": "0", "skipped": str(skipped)}
    root = ET.Element("testsuites", attributes)
    suite = ET.SubElement(root, "testsuite", attributes)
    properties = ET.SubElement(suite, "properties")
    for key, value in report.summary().items():
        ET.SubElement(properties, "property", {"name": str(key), "value": str(value)})
    suite.extend(cases)
    for element in root.iter():  # XML 1.0 has no NUL nor most control characters: never write one
        element.attrib.update({key: printable(value) for key, value in element.attrib.items()})
        if element.text:
            element.text = printable(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _page_cases(page: PageReport, config: CheckConfig | None) -> list[ET.Element]:
    examples = [f for f in page.findings if _is_example_finding(f, config)]
    structural = [f for f in page.findings if f not in examples] if "examples_run" in page.info else list(page.findings)
    cases = [_case(page, page.path, structural, waivers=True)]
    blocks = page.info.get("example_results")
    if isinstance(blocks, list) and blocks:
        cases.extend(_example_cases(page, blocks, examples))
    elif "examples_run" in page.info:
        run, passed = page.info.get("examples_run", 0), page.info.get("examples_passed", 0)
        cases.append(_case(page, f"{page.path} › exemplos", examples, note=f"exemplos: {passed}/{run} passaram"))
    return cases


SKIPPED = {"not-run": "não executado", "unavailable": "não executado: interpretador ausente"}


def _example_cases(page: PageReport, blocks: list, findings: list[Finding]) -> list[ET.Element]:
    """One case per block, named by its fence line; each finding goes to the block at or above it."""
    starts = sorted(int(b["line"]) for b in blocks)
    owned: dict[int, list[Finding]] = {line: [] for line in starts}
    for finding in findings:
        above = [line for line in starts if line <= finding.line]
        owned[above[-1] if above else starts[0]].append(finding)
    cases = []
    for block in sorted(blocks, key=lambda b: int(b["line"])):
        line = int(block["line"])
        name = f"{page.path}:{line} › exemplo {block.get('language', '')}".rstrip()
        case = _case(page, name, owned[line])
        case.set("time", str(block.get("seconds", 0)))
        status = block.get("status")
        if status in SKIPPED and case.find("failure") is None:
            ET.SubElement(case, "skipped", {"message": SKIPPED[status]})
        cases.append(case)
    return cases


def _case(page: PageReport, name: str, findings: Iterable[Finding], waivers: bool = False,
          note: str = "") -> ET.Element:
    findings = list(findings)
    case = ET.Element("testcase", {"classname": _classname(page), "name": name, "file": page.path})
    errors = [f for f in findings if f.is_error]
    if errors:
        failure = ET.SubElement(case, "failure", {
            "message": f"{len(errors)} erro(s): " + ", ".join(sorted({f.code for f in errors})),
            "type": "themelion"})
        failure.text = "\n".join(_line(f) for f in errors)
    out = [_line(f) for f in findings if not f.is_error]
    if waivers:
        out += [f"{w.path}:{w.line}: {w.code} [{w.name}] dispensada: {w.reason}" for w in page.waivers]
    if note:
        out.insert(0, note)
    if out:
        ET.SubElement(case, "system-out").text = "\n".join(out)
    return case


def _classname(page: PageReport) -> str:
    module = page.info.get("module")
    return f"themelion.{page.kind}" + (f".{module}" if isinstance(module, str) and module else "")


def _line(finding: Finding) -> str:
    label = "" if finding.is_error else " (aviso)"
    text = f"{finding.location()}: {finding.code} [{finding.name}]{label} {finding.message}"
    return text + (f"\n    ↳ {finding.hint}" if finding.hint else "")


def _is_example_finding(finding: Finding, config: CheckConfig | None) -> bool:
    spec = config.rules.get(finding.code) if config is not None else None
    if spec is not None:
        return spec.family == EXAMPLE_FAMILY
    return finding.code in _runner_codes()


@lru_cache(maxsize=1)
def _runner_codes() -> frozenset[str]:
    return frozenset(kind.code for kind in runner_findings())
