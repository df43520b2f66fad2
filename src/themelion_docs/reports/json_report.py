"""JSON for machines: ``{"pages": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import Any

from themelion_docs.guide import RuleLinks
from themelion_docs.report import CheckReport
from themelion_docs.safe_text import printable_tree


def report_dict(report: CheckReport, links: RuleLinks | None = None) -> dict[str, Any]:
    links = links if links is not None else RuleLinks()
    return {
        "pages": [
            {
                "path": page.path,
                "kind": page.kind,
                "info": dict(page.info),
                "findings": [
                    {
                        "code": f.code,
                        "name": f.name,
                        "severity": f.severity.value,
                        "line": f.line,
                        "message": f.message,
                        "hint": f.hint,
                        # the rule's page on the site (absolute with site_url), None without the guide
                        "rule_url": links.url(f.code),
                    }
                    for f in page.findings
                ],
                "waivers": [
                    {"code": w.code, "name": w.name, "line": w.line, "reason": w.reason} for w in page.waivers
                ],
            }
            for page in report.pages
        ],
        "summary": report.summary(),
    }


def render_json(report: CheckReport, links: RuleLinks | None = None) -> str:
    data = printable_tree(json.loads(json.dumps(report_dict(report, links), default=str)))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
