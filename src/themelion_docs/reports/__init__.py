"""Report formats: each module turns a CheckReport into text."""

from themelion_docs.reports.json_report import render_json
from themelion_docs.reports.text import render_text

FORMATS = {"text": render_text, "json": render_json}

__all__ = ["FORMATS", "render_json", "render_text"]
