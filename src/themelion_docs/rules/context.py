"""What a rule sees: the parsed page, the corpus around it, example results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from themelion_docs.config import CheckConfig, RuleSpec
from themelion_docs.findings import Finding
from themelion_docs.lesson import Lesson


@dataclass(frozen=True)
class Page:
    """A page of the site: where it is and, when readable, its parsed lesson."""

    path: str  # as shown to the author (relative to the working directory)
    rel: str  # relative to docs_dir, with forward slashes
    lesson: Lesson | None
    size: int
    kind: str  # "lesson" | "page"
    lesson_id: str | None = None  # "modulo/slug" for lessons
    module_dir: str | None = None  # the folder under lessons_dir
    load_findings: tuple[Finding, ...] = ()  # unreadable or oversized file
    source_digest: str | None = None  # sha256 of the page's bytes, when the checker hashed them already

    @property
    def is_lesson(self) -> bool:
        return self.kind == "lesson"


@dataclass(frozen=True)
class LessonEntry:
    lesson_id: str
    path: str
    module: Any
    order: Any
    prerequisites: tuple[str, ...]
    prerequisites_line: int


@dataclass(frozen=True)
class Context:
    config: CheckConfig
    corpus: Mapping[str, LessonEntry] = field(default_factory=dict)
    # fence line -> status of the example run ("passed", "failed", ...); None when not run
    results: Mapping[int, str] | None = None

    def finding(self, page: Page, code: str, line: int, /, **values: Any) -> Finding:
        return self.spec(code).finding(page.path, line, **values)

    def spec(self, code: str) -> RuleSpec:
        return self.config.rule(code)

    def params(self, code: str) -> Mapping[str, Any]:
        return self.config.rule(code).params
