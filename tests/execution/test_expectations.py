"""expect=, the output fence, and tracebacks that point into the lesson."""

from __future__ import annotations

from runner_helpers import PAGE, codes, run_page


def test_passing_block_has_its_output_and_no_findings():
    [result] = run_page("```python\nprint('olá')\n```\n").results
    assert (result.status, result.stdout, result.stderr, result.exit_code, result.findings) == ("passed", "olá\n", "", 0, ())
    assert result.cached is False and result.truncated is False


def test_failing_block_finding_is_at_the_failing_statement_with_a_mapped_traceback():
    report = run_page("""
# HTTP

Texto da lição.

```python
def dividir(a, b):
    return a / b

print("antes")
dividir(1, 0)
```
""")
    [result] = report.results
    assert result.status == "failed" and result.stdout == "antes\n" and result.exit_code == 1
    [finding] = result.findings
    assert (finding.code, finding.path, finding.line) == ("E010", PAGE, 7)
    assert f'File "{PAGE}", line 10, in <module>' in result.traceback
    assert f'File "{PAGE}", line 7, in dividir' in result.traceback
    assert "return a / b" in result.traceback  # the source line is shown
    assert "ZeroDivisionError" in finding.message and f'File "{PAGE}", line 7' in finding.message
    assert "<themelion" not in finding.message and "<string>" not in result.traceback
    assert 'expect="ZeroDivisionError"' in finding.hint


def test_warnings_and_stderr_are_mapped_too():
    [result] = run_page("""
```python
import warnings
warnings.warn("cuidado")
```
""").results
    assert f"{PAGE}:3: UserWarning: cuidado" in result.stderr


def test_expect_error_passes_when_the_block_fails():
    [result] = run_page('```python expect="error"\nraise RuntimeError("jeito errado")\n```\n').results
    assert result.status == "passed" and result.findings == ()
    assert "RuntimeError: jeito errado" in result.traceback


def test_expect_error_accepts_a_non_zero_exit():
    [result] = run_page('```python expect="error"\nimport sys\nsys.exit(2)\n```\n').results
    assert result.status == "passed" and result.exit_code == 2


def test_expected_error_that_does_not_happen_is_a_finding():
    [result] = run_page('```python expect="error"\nprint("tudo certo")\n```\n').results
    assert result.status == "failed"
    assert codes(result.findings) == ["E015"]
    assert 'expect="error"' in result.findings[0].message


def test_expect_exception_type_must_match_exactly():
    report = run_page("""
```python expect="ValueError"
int("x")
```

```python expect="ValueError"
{}["chave"]
```

```python expect="LookupError"
{}["chave"]
```

```python expect="ValueError"
pass
```
""")
    right, wrong, parent_class, nothing = report.results
    assert right.status == "passed"
    assert codes(wrong.findings) == ["E022"]
    assert "esperava ValueError" in wrong.findings[0].message and "levantou KeyError" in wrong.findings[0].message
    assert wrong.findings[0].line == 6
    assert codes(parent_class.findings) == ["E022"]  # by name: KeyError is not LookupError
    assert codes(nothing.findings) == ["E015"]


def test_exception_type_is_reported_even_when_the_block_hides_stderr():
    [result] = run_page("""
```python expect="ValueError"
import os, sys
sys.stderr = open(os.devnull, "w")
raise ValueError("silencioso")
```
""").results
    assert result.status == "passed"


def test_sys_exit_zero_is_success():
    [result] = run_page('```python\nimport sys\nprint("fim")\nsys.exit(0)\n```\n').results
    assert result.status == "passed" and result.stdout == "fim\n"


def test_expected_output_that_matches():
    [result] = run_page("""
```python
for i in range(3):
    print(i, "  ")
```
```output
0
1
2

```
""").results
    assert result.status == "passed", result.findings


def test_expected_output_with_ellipsis():
    [result] = run_page("""
```python
import uuid
print("início")
for _ in range(3):
    print(uuid.uuid4())
print("fim")
```
```output
início
...
fim
```
""").results
    assert result.status == "passed", result.findings


def test_expected_output_mismatch_shows_both_texts_at_the_output_fence():
    [result] = run_page("""
```python
print("HTTP/1.1 404 Not Found")
```
```output
HTTP/1.1 200 OK
```
""").results
    assert result.status == "failed"
    [finding] = result.findings
    assert (finding.code, finding.line) == ("E011", 4)
    assert "-HTTP/1.1 200 OK" in finding.message and "+HTTP/1.1 404 Not Found" in finding.message


def test_expected_output_is_checked_for_expected_errors_too():
    [result] = run_page("""
```python expect="ValueError"
print("tentando")
int("x")
```
```output
outra coisa
```
""").results
    assert codes(result.findings) == ["E011"]


def test_output_is_not_compared_when_the_block_failed():
    [result] = run_page("""
```python
print("parcial")
1 / 0
```
```output
completo
```
""").results
    assert codes(result.findings) == ["E010"]


def test_threads_are_joined_and_atexit_runs_before_the_block_ends():
    [result] = run_page("""
```python
import atexit, threading, time
atexit.register(lambda: print("atexit"))
threading.Thread(target=lambda: (time.sleep(0.2), print("thread"))).start()
print("main")
```
""").results
    assert result.stdout == "main\nthread\natexit\n"


def test_not_run_blocks_are_reported_with_their_reason():
    [result] = run_page('```python run="no" reason="fragmento"\nimport inexistente\n```\n').results
    assert (result.status, result.findings, result.example.reason) == ("not-run", (), "fragmento")
