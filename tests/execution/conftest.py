"""Fixtures of the example runner tests; plain helpers live in ``runner_helpers``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture
def secret_in_builder_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fake secret in the builder's environment, as CI would have one.

    Set in this process (what the runner copies from) and in a process that
    got it at exec time, like a CI job's builder (what /proc/PID/environ shows).
    """
    value = "s3cr3t-do-construtor-7f1c"
    monkeypatch.setenv("THEMELION_TEST_SECRET", value)
    builder = subprocess.Popen(["sleep", "60"], env={**os.environ, "THEMELION_TEST_SECRET": value})
    try:
        yield value
    finally:
        builder.kill()
        builder.wait()
