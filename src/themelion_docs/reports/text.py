"""Text for people: ``caminho:linha: CÓDIGO [nome] mensagem`` and a summary."""

from __future__ import annotations

from typing import Sequence

from themelion_docs.findings import Finding
from themelion_docs.guide import RuleLinks
from themelion_docs.report import CheckReport
from themelion_docs.safe_text import printable


def finding_blocks(findings: Sequence[Finding], hints: bool = True, links: RuleLinks | None = None) -> list[str]:
    """One text block per finding of a page: the finding, then its hint and its rule's page.

    A hint the page repeats (the same text on several findings: a fresh scaffold
    has one per section) is shown once, under its first finding, with the count;
    so is the rule's link. ``themelion check`` and ``mkdocs build`` both use this.
    """
    links = links if links is not None else RuleLinks()
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        key = (finding.code, finding.hint)
        counts[key] = counts.get(key, 0) + 1
    shown: set[tuple[str, str]] = set()
    blocks = []
    for finding in findings:
        label = "" if finding.is_error else " (aviso)"
        lines = [f"{finding.location()}: {finding.code} [{finding.name}]{label} {finding.message}"]
        key = (finding.code, finding.hint)
        if hints and key not in shown:
            shown.add(key)
            if finding.hint:
                many = counts[key]
                lines.append(f"    ↳ {finding.hint}"
                             + (f" (vale para os {many} achados {finding.code} desta página)" if many > 1 else ""))
            url = links.url(finding.code)
            lines.append(f"    ↳ regra: {url}" if url else f"    ↳ regra: themelion explain {finding.code}")
        blocks.append("\n".join(lines))
    return blocks


def render_text(report: CheckReport, hints: bool = True, links: RuleLinks | None = None) -> str:
    lines: list[str] = []
    for page in report.pages:
        lines.extend(finding_blocks(page.findings, hints, links))
    if report.waivers:
        lines.append("")
        lines.append("Dispensas:")
        for waiver in report.waivers:
            lines.append(f"{waiver.path}:{waiver.line}: {waiver.code} [{waiver.name}] dispensada: {waiver.reason}")
    lines.append("")
    lines.append(summary_line(report))
    failing = report.failing_pages
    if failing:
        lines.append("Páginas com erro: " + ", ".join(p.path for p in failing))
    return printable("\n".join(lines)) + "\n"  # nothing in a report drives the terminal


def summary_line(report: CheckReport) -> str:
    pages = len(report.pages)
    text = (f"{pages} página{'s' if pages != 1 else ''} verificada{'s' if pages != 1 else ''}: "
            f"{report.errors} erro{'s' if report.errors != 1 else ''}, "
            f"{report.warnings} aviso{'s' if report.warnings != 1 else ''}, "
            f"{len(report.waivers)} dispensa{'s' if len(report.waivers) != 1 else ''}")
    examples = report.meta.get("examples_summary")
    if examples:
        text += f"; exemplos: {examples}"
    return text
