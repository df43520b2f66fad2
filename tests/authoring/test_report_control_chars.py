"""Issue 12, item 5: no report carries a control character from a hostile example.

A page in a temporary folder whose blocks fail printing ANSI/OSC escapes (erase
line, colours, window title, a hyperlink), a lone CR that would overwrite the
summary, NUL, a C1 CSI and U+2028, is checked by the real ``themelion check``
in each format. Every report must be free of those characters (the text one is
what a terminal shows), JUnit must parse as XML and JSON/SARIF as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

HOSTILE = (
    "# Hostil\n\n"
    "```python\n"
    "import sys\n"
    "sys.stderr.write('\\x1b[2K\\r\\x1b[32m0 páginas com erro\\x1b[0m\\x1b]0;titulo\\x07"
    "\\x1b]8;;http://exemplo.invalid\\x1b\\\\link\\x1b]8;;\\x1b\\\\\\x00\\x9b2J\\u2028\\x0c\\x7f\\n')\n"
    "raise ValueError('\\x1b[1A\\x1b[2Kfim\\x00\\x08\\x08')\n"
    "```\n"
)
FORBIDDEN = "\x1b\x00\r\x07\x08\x9b\x7f\u2028\x0c"


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostil")
    page = folder / "hostil.md"
    page.write_text(HOSTILE, encoding="utf-8")
    return page


def check(page, fmt: str) -> str:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "themelion_docs", "check", str(page), "--no-cache",
                             "--format", fmt], cwd=page.parent, env=env, capture_output=True, timeout=120)
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
    return result.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github"])
def test_no_control_character_reaches_a_report(hostile_page, fmt):
    out = check(hostile_page, fmt)
    found = sorted({repr(c) for c in out if c in FORBIDDEN})
    assert not found, found
    assert "E010" in out
    if fmt == "junit":
        root = ET.fromstring(out.encode("utf-8"))  # valid XML 1.0
        failures = [f.text for f in root.iter("failure")]
        assert any("ValueError: fim\\x00\\x08\\x08" in (text or "") for text in failures), failures
    elif fmt in ("json", "sarif"):
        data = json.loads(out)
        assert "\\u001b" not in out and "\\u0000" not in out  # not even JSON-escaped
        assert data
    elif fmt == "text":
        # the forged summary is just text: the real one is still the last but one line
        assert out.rstrip("\n").split("\n")[-2].startswith("1 página verificada: 1 erro")


FORGED = (
    "# Forjada\n\n"
    "```python\n"
    "print('File \"<themelion:' + '9' * 5000 + '>\", line 3')\n"
    "```\n\n"
    "```python\n"
    "import sys\n"
    "print('  File \"<themelion:0>\", line 987654341, in <module>', file=sys.stderr)\n"
    "raise SystemExit(1)\n"
    "```\n"
)


def test_a_huge_marker_and_a_forged_frame_through_the_cli_twice(tmp_path):
    # the first run stores the outcomes in the cache; the second judges the cached ones
    page = tmp_path / "forjada.md"
    page.write_text(FORGED, encoding="utf-8")
    total_lines = FORGED.count("\n")
    for attempt in ("fresh", "cached"):
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        result = subprocess.run([sys.executable, "-m", "themelion_docs", "check", str(page), "--format", "json"],
                                cwd=tmp_path, env=env, capture_output=True, timeout=120)
        stderr = result.stderr.decode("utf-8", "replace")
        assert result.returncode == 1 and "Traceback" not in stderr, stderr
        (report,) = json.loads(result.stdout)["pages"]
        assert [(f["code"], f["line"]) for f in report["findings"]] == [("E010", 7)], attempt
        assert all(1 <= f["line"] <= total_lines for f in report["findings"])
        assert "987654341" not in result.stdout.decode("utf-8")
    assert list(tmp_path.glob(".themelion-cache/*.json")), "the outcomes were cached"
