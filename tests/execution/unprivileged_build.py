"""Runs a page's python blocks with the runner, as whatever user starts it.

``test_sandbox_reach`` starts this file as an unprivileged user (``setpriv``),
with the system's ``python3``: the build a developer runs on a laptop, where
the sandbox's uid is the builder's own and owns the project, the cache and
$HOME. Only the standard library and the runner (``src/``) are needed.

    python3 unprivileged_build.py SRC PAGE.md MODE CACHE_DIR TMP_DIR

Prints a JSON list with, per block: status, stdout, codes of the findings.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass

src, page, mode, cache_dir, tmp_dir = sys.argv[1:6]
sys.path.insert(0, src)
tempfile.tempdir = tmp_dir  # the run folders, where the test looks for leftovers

from themelion_docs.execution import RunnerSettings, build_examples, run_examples  # noqa: E402
from themelion_docs.fences import FenceInfo, parse_info  # noqa: E402


@dataclass
class Fence:
    line: int
    end_line: int
    content_line: int
    language: str
    info: FenceInfo
    content: str
    follows_fence: bool = False


def fences(text: str) -> list[Fence]:
    found = []
    for match in re.finditer(r"^```(\w+)([^\n]*)\n(.*?)^```$", text, re.S | re.M):
        line = text[: match.start()].count("\n") + 1
        found.append(Fence(line, line + match.group(3).count("\n") + 1, line + 1, match.group(1),
                           parse_info(match.group(1) + match.group(2)), match.group(3)))
    return found


settings = RunnerSettings(jobs=1, default_timeout=10.0, cache_dir=cache_dir or None, namespaces=mode,
                          python=sys.executable, check_imports=False, preload_packages=False)
examples, problems = build_examples("pagina.md", fences(open(page, encoding="utf-8").read()), settings)
report = run_examples(examples, settings)
print(json.dumps({"sandbox": report.sandbox, "results": [
    {"status": r.status, "stdout": r.stdout, "stderr": r.stderr, "cached": r.cached,
     "codes": [f.code for f in r.findings], "messages": [f.message for f in r.findings]}
    for r in report.results]}))
