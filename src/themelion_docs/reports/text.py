"""Text for people: ``caminho:linha: CÓDIGO [nome] mensagem`` and a summary."""

from __future__ import annotations

from themelion_docs.report import CheckReport
from themelion_docs.safe_text import printable


def render_text(report: CheckReport, hints: bool = True) -> str:
    lines: list[str] = []
    for page in report.pages:
        for finding in page.findings:
            label = "" if finding.is_error else " (aviso)"
            lines.append(f"{finding.location()}: {finding.code} [{finding.name}]{label} {finding.message}")
            if hints and finding.hint:
                lines.append(f"    ↳ {finding.hint}")
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
