"""The checker: page sources in, a ``CheckReport`` out.

Pure over its inputs: callers (CLI, MkDocs plugin) read the files and hand
over bytes, and decide what to do with the report. Examples are run by an
optional ``execute`` callable so the checker itself never starts processes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from themelion_docs.config import CheckConfig
from themelion_docs.findings import Finding
from themelion_docs.frontmatter import split
from themelion_docs.lesson import normalize_newlines, parse
from themelion_docs.report import CheckReport, PageReport, Waiver
from themelion_docs.rules import run_checks
from themelion_docs.rules.context import Context, LessonEntry, Page
from themelion_docs.text import short_repr


@dataclass(frozen=True)
class PageSource:
    path: str  # shown to the author
    rel: str  # relative to docs_dir, forward slashes
    data: bytes


@dataclass(frozen=True)
class ExampleOutcome:
    """What running a page's examples produced, for the checker to merge."""

    findings: tuple[Finding, ...] = ()
    statuses: Mapping[int, str] = field(default_factory=dict)  # fence line -> status
    info: Mapping[str, Any] = field(default_factory=dict)


Execute = Callable[[Sequence[Page]], tuple[Mapping[str, ExampleOutcome], Mapping[str, Any]]]


class Memo(Protocol):
    """Where the checker keeps per-page work between runs (see page_cache)."""

    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, value: Any) -> None: ...


def digest(*parts: object) -> str:
    text = "\0".join(part if isinstance(part, str) else repr(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def lesson_key(source: PageSource, salt: str, data_digest: str) -> str:
    """The parsed lesson depends on the page's path and bytes (``data_digest``) and the parser (``salt``)."""
    return digest("lesson", salt, source.path, source.rel, data_digest)


def rules_key(page: Page, config_print: str, corpus_print: str, statuses: Mapping[int, str] | None,
              salt: str) -> str:
    """The rules' findings depend on the page, the configuration, the corpus of front
    matter (prerequisites, order) and the example statuses (the Testes rule)."""
    if page.source_digest is not None:
        content = "bytes:" + page.source_digest  # the lesson is a function of the bytes (and the parser, in salt)
    else:
        text = page.lesson.text if page.lesson is not None else ""
        content = "text:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return digest("rules", salt, page.path, page.rel, page.kind, page.lesson_id, page.module_dir, content,
                  config_print, corpus_print, None if statuses is None else sorted(statuses.items()))


def fingerprint(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()


def classify(rel: str, config: CheckConfig) -> tuple[str, str | None, str | None]:
    """(kind, lesson_id, module_dir) from the path relative to docs_dir."""
    parts = PurePosixPath(rel).parts
    if len(parts) == 3 and parts[0] == config.lessons_dir and parts[2].endswith(".md") and parts[2] != "index.md":
        return "lesson", f"{parts[1]}/{parts[2][:-3]}", parts[1]
    return "page", None, None


def load_page(source: PageSource, config: CheckConfig, memo: Memo | None = None, salt: str = "") -> Page:
    kind, lesson_id, module_dir = classify(source.rel, config)
    base = dict(path=source.path, rel=source.rel, size=len(source.data), kind=kind,
                lesson_id=lesson_id, module_dir=module_dir)
    if len(source.data) > config.max_page_bytes:
        finding = config.rule("M004").finding(source.path, 1, size=len(source.data), limit=config.max_page_bytes)
        return Page(lesson=None, load_findings=(finding,), **base)
    try:
        text = source.data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = source.data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        finding = config.rule("M001").finding(source.path, line, line=line, column=column)
        return Page(lesson=None, load_findings=(finding,), **base)
    if memo is None:
        return Page(lesson=parse(source.path, text), **base)
    data_digest = hashlib.sha256(source.data).hexdigest()
    key = lesson_key(source, salt, data_digest)
    lesson = memo.get(key)
    if lesson is None:
        lesson = parse(source.path, text)
        memo.put(key, lesson)
    return Page(lesson=lesson, source_digest=data_digest, **base)


def build_corpus(pages: Sequence[Page], extra: Sequence[PageSource] = (), config: CheckConfig | None = None
                 ) -> dict[str, LessonEntry]:
    """Index of every lesson by id, for prerequisites, cycles and order.

    ``extra`` are lessons that are not being checked but must resolve (a CLI
    run on one file still knows the rest of the site); only their front
    matter is read.
    """
    corpus: dict[str, LessonEntry] = {}
    for page in pages:
        if page.is_lesson and page.lesson is not None:
            corpus[page.lesson_id] = _entry(page.lesson_id, page.path, page.lesson.front_matter)
    for source in extra:
        kind, lesson_id, _ = classify(source.rel, config) if config else ("page", None, None)
        if kind != "lesson" or lesson_id in corpus:
            continue
        try:
            text = normalize_newlines(source.data.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        front_matter, _ = split(text)
        corpus[lesson_id] = _entry(lesson_id, source.path, front_matter)
    return corpus


def _entry(lesson_id: str, path: str, front_matter) -> LessonEntry:
    data = front_matter.data if front_matter.problem is None else {}
    raw = data.get("prerequisites") or []
    # Non-text items (F005 reports them) are shown bounded: YAML aliases can nest them exponentially.
    prerequisites = tuple((p if isinstance(p, str) else short_repr(p)).strip().removesuffix(".md")
                          for p in raw) if isinstance(raw, list) else ()
    return LessonEntry(lesson_id, path, data.get("module"), data.get("order"), prerequisites,
                       front_matter.line_of("prerequisites"))


def check_pages(
    pages: Sequence[Page],
    config: CheckConfig,
    corpus: Mapping[str, LessonEntry] | None = None,
    outcomes: Mapping[str, ExampleOutcome] | None = None,
    meta: Mapping[str, Any] | None = None,
    memo: Memo | None = None,
    salt: str = "",
) -> CheckReport:
    corpus = build_corpus(pages) if corpus is None else corpus
    prints = (fingerprint(config), fingerprint(sorted(corpus.items()))) if memo is not None else None
    reports = []
    for page in sorted(pages, key=lambda p: p.path):
        outcome = outcomes.get(page.path) if outcomes is not None else None
        context = Context(config=config, corpus=corpus, results=outcome.statuses if outcome else None)
        findings = list(page.load_findings)
        if page.lesson is not None:
            findings.extend(_rule_findings(page, context, memo, prints, salt))
        if outcome is not None:
            findings.extend(outcome.findings)
        findings = suppress([f for f in findings if config.is_enabled(f.code)], config)
        waivers = page_waivers(page, config)
        waived = {w.code for w in waivers}
        findings = [f for f in findings if f.code not in waived]
        reports.append(PageReport(
            path=page.path, rel=page.rel, kind=page.kind,
            findings=tuple(sorted(set(findings), key=lambda f: (f.line, f.code, f.message))),
            waivers=waivers, info={**page_info(page), **(outcome.info if outcome else {})},
        ))
    return CheckReport(pages=tuple(reports), meta=dict(meta or {}))


def _rule_findings(page: Page, context: Context, memo: Memo | None, prints: tuple[str, str] | None,
                   salt: str) -> tuple[Finding, ...]:
    if memo is None or prints is None:
        return tuple(run_checks(page, context))
    key = rules_key(page, prints[0], prints[1], context.results, salt)
    found = memo.get(key)
    if found is None:
        found = tuple(run_checks(page, context))
        memo.put(key, found)
    return found


def check_sources(
    sources: Sequence[PageSource],
    config: CheckConfig,
    context_sources: Sequence[PageSource] = (),
    execute: Execute | None = None,
    memo: Memo | None = None,
    salt: str = "",
) -> CheckReport:
    """``memo`` (with ``salt``, the tool's fingerprint) skips the parse and the rules of
    pages whose inputs did not change; the report is the same either way."""
    pages = [load_page(source, config, memo, salt) for source in sources]
    corpus = build_corpus(pages, context_sources, config)
    outcomes, meta = execute(pages) if execute is not None else (None, {"examples": "não executados"})
    return check_pages(pages, config, corpus, outcomes, meta, memo, salt)


def suppress(findings: Iterable[Finding], config: CheckConfig) -> list[Finding]:
    """Drop the findings that another finding on the same page silences.

    A rule whose params list ``suppresses`` silences those codes on every page
    where it fires (L003 marcador-pendente: a page that still holds the
    scaffold's placeholders is not measured for depth yet). Data, not code.
    """
    findings = list(findings)
    silenced = {code for f in findings if (spec := config.rules.get(f.code)) is not None
                for code in spec.params.get("suppresses") or ()}
    return [f for f in findings if f.code not in silenced] if silenced else findings


def page_waivers(page: Page, config: CheckConfig) -> tuple[Waiver, ...]:
    if page.lesson is None or page.lesson.front_matter.problem or not page.is_lesson:
        return ()
    waive = page.lesson.front_matter.data.get("waive")
    if not isinstance(waive, dict):
        return ()
    waivers = []
    for key, reason in waive.items():
        spec = config.resolve(str(key))
        if spec is None or not spec.waivable or not isinstance(reason, str) or not reason.strip():
            continue  # F011 reports it; an invalid waiver waives nothing
        line = page.lesson.front_matter.key_lines.get(f"waive.{key}", 1)
        waivers.append(Waiver(page.path, line, spec.code, spec.name, reason.strip()))
    return tuple(waivers)


def page_info(page: Page) -> dict[str, Any]:
    lesson = page.lesson
    if lesson is None:
        return {}
    data = lesson.front_matter.data if lesson.front_matter.problem is None else {}
    info: dict[str, Any] = {"title": lesson.title, "words": lesson.words}
    for key in ("module", "level", "order"):
        if isinstance(data.get(key), str | int | float):  # F005 reports other types
            info[key] = data[key]
    info["examples"] = sum(1 for f in lesson.fences if f.language in ("python", "javascript", "js"))
    return info
