"""The result of a check run: pages, their findings and waivers, and totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from themelion_docs.findings import Finding, Severity
from themelion_docs.safe_text import printable


@dataclass(frozen=True)
class Waiver:
    path: str
    line: int
    code: str
    name: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable(str(self.path), newlines=False))
        object.__setattr__(self, "reason", printable(str(self.reason)))


@dataclass(frozen=True)
class PageReport:
    path: str
    rel: str
    kind: str
    findings: tuple[Finding, ...]
    waivers: tuple[Waiver, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)  # title, module, level, words, examples...

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable(str(self.path), newlines=False))

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def failed(self) -> bool:
        return self.errors > 0


@dataclass(frozen=True)
class CheckReport:
    pages: tuple[PageReport, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)  # e.g. examples run, network isolation

    @property
    def errors(self) -> int:
        return sum(p.errors for p in self.pages)

    @property
    def warnings(self) -> int:
        return sum(p.warnings for p in self.pages)

    @property
    def waivers(self) -> tuple[Waiver, ...]:
        return tuple(w for p in self.pages for w in p.waivers)

    @property
    def failing_pages(self) -> tuple[PageReport, ...]:
        return tuple(p for p in self.pages if p.failed)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for p in self.pages for f in p.findings)

    def summary(self) -> dict[str, Any]:
        return {
            "pages": len(self.pages),
            "failing_pages": len(self.failing_pages),
            "errors": self.errors,
            "warnings": self.warnings,
            "waivers": len(self.waivers),
            **{k: v for k, v in self.meta.items()},
        }
