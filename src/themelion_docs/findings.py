"""Findings: what a check says about a place in a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from themelion_docs.safe_text import printable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "erro" if self is Severity.ERROR else "aviso"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place.

    ``line`` is 1-based in the Markdown file as the author sees it (front
    matter included); 0 means "the whole file".
    """

    path: str
    line: int
    code: str
    name: str
    severity: Severity
    message: str
    hint: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Messages quote what a page or an example's output holds: no control
        # character (ANSI escapes, NUL, a lone CR) reaches a terminal or a report.
        object.__setattr__(self, "path", printable(str(self.path), newlines=False))
        object.__setattr__(self, "message", printable(str(self.message)))
        object.__setattr__(self, "hint", printable(str(self.hint)))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path
