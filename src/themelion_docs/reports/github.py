"""GitHub Actions workflow commands: one annotation per finding.

``::error file=PATH,line=N,title=CODE [nome]::mensagem`` (warnings as
``::warning``, waivers as ``::notice``). Escaping follows the runner's rules:
in the message ``%``, CR and LF are percent-encoded; in properties ``:`` and
``,`` are too, so a path or title cannot end the property list early.
"""

from __future__ import annotations

from themelion_docs.config import CheckConfig
from themelion_docs.report import CheckReport
from themelion_docs.safe_text import printable
from themelion_docs.reports.text import summary_line


def escape_data(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # then no other line break (NEL, U+2028...) nor escape sequence may end or drive the command
    return printable(text, newlines=False)


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value not in (None, ""))
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def render_github(report: CheckReport, config: CheckConfig | None = None) -> str:
    lines = []
    for page in report.pages:
        for finding in page.findings:
            message = finding.message + (f"\n↳ {finding.hint}" if finding.hint else "")
            lines.append(command("error" if finding.is_error else "warning", message, file=finding.path,
                                 line=finding.line or None, title=f"{finding.code} [{finding.name}]"))
        for waiver in page.waivers:
            lines.append(command("notice", f"dispensada: {waiver.reason}", file=waiver.path, line=waiver.line or None,
                                 title=f"{waiver.code} [{waiver.name}] dispensada"))
    summary = summary_line(report)
    absorbed = report.meta.get("baseline_absorbed")
    if absorbed:
        summary += f"; {absorbed} achado(s) aceitos pela linha de base"
    lines.append(command("notice", summary, title="themelion check"))
    return "\n".join(lines) + "\n"
