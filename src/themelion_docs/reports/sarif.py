"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, IDE viewers).

``tool.driver.rules`` is the whole registry (the same ``RuleDoc`` as
``themelion explain``), results carry ``ruleId``, ``level``, ``message`` and a
location with ``artifactLocation.uri`` and ``region.startLine``. Waived rules
are reported as results with an ``inSource`` suppression and the reason, so
the waiver stays visible.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from themelion_docs import __version__
from themelion_docs.config import CheckConfig, RuleSpec, load_config
from themelion_docs.explain import RunnerFinding, explain_rule, rule_doc, runner_findings
from themelion_docs.findings import Finding
from themelion_docs.guide import RuleLinks
from themelion_docs.report import CheckReport
from themelion_docs.safe_text import printable_tree

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning"}


def render_sarif(report: CheckReport, config: CheckConfig | None = None, links: RuleLinks | None = None) -> str:
    data = printable_tree(json.loads(json.dumps(sarif_log(report, config, links), default=str)))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def sarif_log(report: CheckReport, config: CheckConfig | None = None, links: RuleLinks | None = None
              ) -> dict[str, Any]:
    config = config or load_config()
    specs = sorted(config.rules.values(), key=lambda r: r.code)
    rules = [_rule(spec, config) for spec in specs] + [_runner_rule(kind) for kind in runner_findings(config)]
    known = {rule["id"] for rule in rules}
    for page in report.pages:  # a code from neither catalog still gets a descriptor
        for finding in page.findings:
            if finding.code not in known:
                rules.append(_finding_rule(finding))
                known.add(finding.code)
    for rule in rules:  # SARIF wants an absolute URI: only when mkdocs.yml has a site_url
        url = (links or RuleLinks()).absolute(rule["id"])
        if url:
            rule["helpUri"] = url
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [_result(f, index) for page in report.pages for f in page.findings]
    for page in report.pages:
        for waiver in page.waivers:
            spec = config.rules.get(waiver.code)
            result = _result(Finding(waiver.path, waiver.line, waiver.code, waiver.name,
                                     spec.severity if spec else "warning", f"regra dispensada: {waiver.reason}"), index)
            result["suppressions"] = [{"kind": "inSource", "justification": waiver.reason}]
            results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "themelion",
            "version": __version__,
            "rules": rules,
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"summary": report.summary()},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(spec: RuleSpec, config: CheckConfig) -> dict[str, Any]:
    doc = rule_doc(spec, config)
    why = next((p.text for p in doc.parts if p.label == "Por quê"), "") or doc.summary
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": why.strip()},
        "help": {"text": explain_rule(spec, config)},
        "defaultConfiguration": {"level": LEVELS.get(spec.severity.value, "warning")},
        "properties": {"tags": [spec.family] + ([spec.item] if spec.item else []),
                       "waivable": spec.waivable},
    }


def _runner_rule(kind: RunnerFinding) -> dict[str, Any]:
    return {
        "id": kind.code,
        "name": kind.name,
        "shortDescription": {"text": kind.message.splitlines()[0] if kind.message else kind.name},
        "fullDescription": {"text": kind.message or kind.name},
        "help": {"text": kind.hint or kind.message or kind.name},
        "defaultConfiguration": {"level": LEVELS.get(kind.severity, "warning")},
        "properties": {"tags": ["exemplos"], "waivable": False},
    }


def _finding_rule(finding: Finding) -> dict[str, Any]:
    severity = getattr(finding.severity, "value", finding.severity)
    return {
        "id": finding.code,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "fullDescription": {"text": finding.name},
        "help": {"text": finding.hint or finding.name},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    severity = getattr(finding.severity, "value", finding.severity)
    location: dict[str, Any] = {"artifactLocation": {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"}}
    if finding.line > 0:
        location["region"] = {"startLine": finding.line}
    text = finding.message + (f"\n↳ {finding.hint}" if finding.hint else "")
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS.get(severity, "warning"),
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"themelion/v1": _fingerprint(finding)},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result


def _fingerprint(finding: Finding) -> str:
    # Line-independent, like the baseline: an edit above the finding keeps its identity.
    key = "\0".join((finding.path, finding.code, finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
