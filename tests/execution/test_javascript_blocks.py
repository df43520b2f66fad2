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


def test_without_node_one_warning_per_build_counts_the_other_blocks():
    report = run_page("""
```javascript
console.log(1)
```

```javascript session="s"
console.log(2)
```

```javascript session="s"
console.log(3)
```
""", node="/nao/existe/node")
    assert [r.status for r in report.results] == ["unavailable"] * 3
    [warning] = [f for r in report.results for f in r.findings]
    assert warning.line == 1
    assert warning.message == "não executado: Node.js ausente (e mais 2 blocos javascript neste build)"


# ---------------------------------------------------------------- sessions


@needs_node
def test_javascript_session_shares_globals_and_each_block_keeps_its_output():
    report = run_page("""
```javascript session="loja"
const precos = { cafe: 5 };
let vendidos = 0;
setTimeout(() => { vendidos += 2; console.log("vendeu", vendidos); }, 30);
```

```javascript session="loja"
console.log(precos.cafe * vendidos);
```
""")
    first, second = report.results
    assert (first.status, first.stdout) == ("passed", "vendeu 2\n"), first.findings
    assert (second.status, second.stdout) == ("passed", "10\n"), second.findings


@needs_node
def test_javascript_blocks_without_session_do_not_share_state():
    report = run_page("""
```javascript
globalThis.marca = 1;
```

```javascript
console.log(typeof marca);
```
""")
    assert report.results[1].stdout == "undefined\n"


@needs_node
def test_javascript_session_error_points_at_its_own_block_line():
    report = run_page("""
```javascript session="s"
const x = null;
```

Texto entre os blocos.

```javascript session="s"
console.log(x.campo);
```
""")
    first, second = report.results
    assert first.status == "passed"
    [finding] = second.findings
    assert (finding.code, finding.line) == ("E010", 8)
    assert "TypeError" in finding.message


@needs_node
def test_javascript_session_goes_on_after_an_expected_error():
    report = run_page("""
```javascript session="s"
let contador = 1;
```

```javascript session="s" expect="TypeError"
contador += 1;
null.x;
```

```javascript session="s"
Promise.resolve().then(() => console.log("contador", contador));
```
""")
    assert [r.status for r in report.results] == ["passed", "passed", "passed"]
    assert report.results[2].stdout == "contador 2\n"


@needs_node
def test_javascript_rejected_promise_fails_its_block():
    [result] = run_page("""
```javascript session="s"
Promise.reject(new RangeError("fora do intervalo"));
```
""").results
    assert result.status == "failed"
    assert "RangeError" in result.findings[0].message


@needs_node
def test_javascript_process_exit_ends_the_session():
    report = run_page("""
```javascript session="s"
console.log("antes");
process.exit(0);
```

```javascript session="s"
console.log("depois");
```
""")
    first, second = report.results
    assert (first.status, first.stdout) == ("passed", "antes\n")
    assert second.status == "failed" and second.stdout == ""
    assert "terminou" in second.findings[0].message


@needs_node
def test_javascript_session_output_is_complete_when_its_block_ends():
    report = run_page("""
```javascript session="s"
for (let i = 0; i < 5000; i++) { console.log("linha " + i); console.error("erro " + i); }
```

```javascript session="s"
console.log("fim");
```
""")
    first, second = report.results
    assert first.stdout.count("\n") == 5000 and first.stdout.endswith("linha 4999\n")
    assert first.stderr.count("\n") == 5000 and first.stderr.endswith("erro 4999\n")
    assert second.stdout == "fim\n"


@needs_node
def test_a_block_can_start_worker_threads():
    """V8 reserves ~600 MiB of address space per isolate: a Worker used to die without a report."""
    report = run_page('''
```javascript
const { Worker } = require("node:worker_threads");
let prontos = 0;
for (let i = 0; i < 3; i++) {
  const w = new Worker("require('node:worker_threads').parentPort.postMessage(21 * 2)", { eval: true });
  w.on("message", (m) => { w.terminate(); if (++prontos === 3) console.log("workers:", prontos, m); });
}
```
''')
    [result] = report.results
    assert result.status == "passed", report.findings
    assert result.stdout == "workers: 3 42\n"


@needs_node
def test_the_javascript_heap_stays_within_the_memory_budget():
    report = run_page('''
```javascript
const guarda = [];
for (let i = 0; i < 400; i++) guarda.push(new Array(1_000_000).fill(i));
console.log(guarda.length);
```
''')
    assert codes(report.findings) == ["E013"]
