"""Fixtures of the checker tests; plain helpers live in ``checker_helpers``."""

from __future__ import annotations

import pytest

from checker_helpers import read_fixture


@pytest.fixture(scope="session")
def good_text() -> str:
    """tests/fixtures/lesson_ok.md: passes every rule with the ``SHORT`` thresholds."""
    return read_fixture("lesson_ok.md")
