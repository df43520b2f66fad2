"""javascript blocks: run with Node.js in the same sandbox, or say they were not run."""

from __future__ import annotations

import shutil

import pytest

from runner_helpers import PAGE, codes, run_page
from themelion_docs.findings import Severity

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js não instalado")


@needs_node
def test_javascript_block_runs_and_its_output_is_checked():
    report = run_page("""
```javascript
const itens = [1, 2, 3].map((x) => x * 2);
console.log(itens.join(","));
```
```output
2,4,6
```
""")
    [result] = report.results
    assert (result.status, result.stdout) == ("passed", "2,4,6\n"), result.findings
    assert report.node_available


@needs_node
def test_javascript_error_points_at_the_markdown_line():
    report = run_page("""
Texto.

```js
const x = null;
console.log(x.campo);
```
""")
    [result] = report.results
    [finding] = result.findings
    assert (finding.code, finding.line) == ("E010", 5)
    assert f"{PAGE}:5" in result.traceback and "TypeError" in finding.message
    assert "node_runner" not in finding.message


@needs_node
def test_javascript_expected_exception_by_name():
    report = run_page("""
```javascript expect="TypeError"
null.x;
```

```javascript expect="RangeError"
null.x;
```
""")
    right, wrong = report.results
    assert right.status == "passed"
    assert codes(wrong.findings) == ["E022"]


@needs_node
def test_javascript_runs_isolated_too(secret_in_builder_env):
    report = run_page("""
```javascript timeout="1"
console.log(Object.keys(process.env).includes("THEMELION_TEST_SECRET"));
while (true) {}
```
""")
    [result] = report.results
    assert result.status == "timeout"
    assert result.stdout == "false\n"


@needs_node
def test_javascript_can_require_modules():
    [result] = run_page("""
```javascript
const path = require("path");
console.log(path.join("a", "b"));
```
""").results
    assert result.stdout == "a/b\n"


def test_without_node_javascript_is_unavailable_with_a_warning():
    report = run_page("""
```javascript
console.log(1)
```

```python
print(1)
```
""", node="/nao/existe/node")
    js, python = report.results
    assert js.status == "unavailable"
    [finding] = js.findings
    assert (finding.code, finding.name, finding.severity) == ("E020", "node-ausente", Severity.WARNING)
    assert finding.message == "não executado: Node.js ausente"
    assert python.status == "passed"
    assert report.node_available is False
