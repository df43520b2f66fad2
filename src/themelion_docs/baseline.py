"""Baseline: accept the findings a project already has, fail only on new ones.

A finding's identity ignores where it is (the line) and the figures in its
message: it is (page relative to docs_dir, code, message with every number
replaced by ``#``), counted, so that
- an edit above a finding (line shift) keeps it absorbed;
- "a lição tem 1203 palavras" that becomes "1250 palavras" is the same debt;
- a second, new occurrence of the same finding on the page is new.
Pure functions over reports; reading and writing the file is the CLI's job.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from themelion_docs import __version__
from themelion_docs.findings import Finding
from themelion_docs.report import CheckReport, PageReport

VERSION = 1
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

Key = tuple[str, str, str]


class BaselineError(ValueError):
    """The baseline file is unusable; the message is for the author (pt-BR)."""


@dataclass(frozen=True)
class BaselineResult:
    report: CheckReport  # without the absorbed findings
    absorbed: int
    stale: int  # baseline entries of checked pages that no longer occur (already fixed)


def finding_key(page: PageReport, finding: Finding) -> Key:
    return page.rel, finding.code, _NUMBER.sub("#", finding.message)


def baseline_counts(report: CheckReport) -> Counter[Key]:
    return Counter(finding_key(page, f) for page in report.pages for f in page.findings)


def baseline_document(report: CheckReport) -> dict[str, Any]:
    counts = baseline_counts(report)
    names = {(p.rel, f.code): f.name for p in report.pages for f in p.findings}
    return {
        "version": VERSION,
        "tool": f"themelion {__version__}",
        "findings": [
            {"page": page, "code": code, "name": names.get((page, code), ""), "message": message, "count": count}
            for (page, code, message), count in sorted(counts.items())
        ],
    }


def dump_baseline(report: CheckReport) -> str:
    return json.dumps(baseline_document(report), ensure_ascii=False, indent=2) + "\n"


def parse_baseline(text: str) -> Counter[Key]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"a linha de base não é JSON válido (linha {error.lineno}): {error.msg}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"formato de linha de base desconhecido (esperado version: {VERSION}); "
                            "regrave-a com --write-baseline")
    counts: Counter[Key] = Counter()
    for entry in data["findings"]:
        try:
            key = (str(entry["page"]), str(entry["code"]), _NUMBER.sub("#", str(entry["message"])))
            counts[key] += int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"entrada inválida na linha de base: {entry!r}") from None
    return counts


def apply_baseline(report: CheckReport, baseline: Counter[Key]) -> BaselineResult:
    remaining = Counter(baseline)
    absorbed = 0
    pages = []
    for page in report.pages:
        kept = []
        for finding in page.findings:
            key = finding_key(page, finding)
            if remaining[key] > 0:
                remaining[key] -= 1
                absorbed += 1
            else:
                kept.append(finding)
        pages.append(replace(page, findings=tuple(kept)))
    checked = {page.rel for page in report.pages}
    stale = sum(count for (page, _, _), count in remaining.items() if page in checked and count > 0)
    meta = {**report.meta, "baseline_absorbed": absorbed, "baseline_stale": stale}
    return BaselineResult(CheckReport(pages=tuple(pages), meta=meta), absorbed, stale)
