"""Rule registry: each check function is registered for the codes it emits.

A check takes the page and a ``Context`` and yields findings; it never reads
files or logs. Importing this package imports every rule module.
"""

from __future__ import annotations

from typing import Callable, Iterable

from themelion_docs.findings import Finding
from themelion_docs.rules.context import Context, Page

Check = Callable[[Page, Context], Iterable[Finding]]

LESSON_CHECKS: list[tuple[tuple[str, ...], Check]] = []
PAGE_CHECKS: list[tuple[tuple[str, ...], Check]] = []


def lesson_rule(*codes: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        LESSON_CHECKS.append((codes, check))
        return check
    return register


def page_rule(*codes: str) -> Callable[[Check], Check]:
    """A rule for every page, lesson or not."""
    def register(check: Check) -> Check:
        PAGE_CHECKS.append((codes, check))
        return check
    return register


def run_checks(page: Page, context: Context) -> list[Finding]:
    checks = list(PAGE_CHECKS) + (list(LESSON_CHECKS) if page.is_lesson else [])
    findings: list[Finding] = []
    for codes, check in checks:
        if not any(context.config.is_enabled(code) for code in codes):
            continue
        findings.extend(check(page, context))
    return findings


from themelion_docs.rules import checklist, code, front_matter, page, sections  # noqa: E402,F401
from themelion_docs.rules import exercises, prose  # noqa: E402,F401
