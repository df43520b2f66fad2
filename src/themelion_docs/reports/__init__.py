"""Report formats: each module turns a CheckReport into text.

Every entry of ``FORMATS`` works as ``render(report)``; the formats in
``WITH_CONFIG`` also take the run's ``CheckConfig`` (rule registry with the
project's overrides) as a second argument, through ``render_report``.
"""

from themelion_docs.reports.github import render_github
from themelion_docs.reports.json_report import render_json
from themelion_docs.reports.junit import render_junit
from themelion_docs.reports.sarif import render_sarif
from themelion_docs.reports.text import render_text

FORMATS = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
    "sarif": render_sarif,
}
WITH_CONFIG = frozenset({"junit", "github", "sarif"})


def render_report(name, report, config=None, hints: bool = True, links=None) -> str:
    """``links``: a ``guide.RuleLinks`` (where the rules' pages are); text, JSON and SARIF use it."""
    if name == "text":
        return render_text(report, hints=hints, links=links)
    if name == "json":
        return render_json(report, links=links)
    if name == "sarif":
        return render_sarif(report, config, links=links)
    if name in WITH_CONFIG:
        return FORMATS[name](report, config)
    return FORMATS[name](report)


__all__ = ["FORMATS", "WITH_CONFIG", "render_github", "render_json", "render_junit", "render_report",
           "render_sarif", "render_text"]
