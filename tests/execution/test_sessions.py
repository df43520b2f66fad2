"""Sessions: blocks of one page with the same session share one interpreter."""

from __future__ import annotations

from runner_helpers import PAGE, codes, run_page


def test_session_blocks_share_state_and_have_their_own_output():
    report = run_page("""
```python session="conta"
saldo = 100
print("aberta")
```

Texto entre os blocos.

```python
print("sozinho", "saldo" in globals())
```

```python session="conta"
saldo -= 30
print(saldo)
```
```output
70
```
""")
    first, alone, second = report.results
    assert [r.status for r in report.results] == ["passed", "passed", "passed"], report.findings
    assert first.stdout == "aberta\n"
    assert alone.stdout == "sozinho False\n"
    assert second.stdout == "70\n"


def test_sessions_of_different_names_or_pages_are_separate():
    page = """
```python session="a"
valor = "a"
```

```python session="b"
print(globals().get("valor"))
```
"""
    report = run_page(page)
    assert report.results[1].stdout == "None\n"


def test_failure_stops_the_session_and_later_blocks_say_why():
    report = run_page("""
```python session="s"
x = 1
```

```python session="s"
raise RuntimeError("quebrou")
```

```python session="s"
print(x)
```

```python session="s"
print(x + 1)
```
""")
    first, broken, third, fourth = report.results
    assert first.status == "passed"
    assert broken.status == "failed" and codes(broken.findings) == ["E010"]
    assert broken.findings[0].line == 6
    for result in (third, fourth):
        assert result.status == "not-run"
        [finding] = result.findings
        assert finding.code == "E016" and "linha 5" in finding.message and "«s»" in finding.message
        assert finding.line == result.example.line


def test_expected_error_does_not_stop_the_session():
    report = run_page("""
```python session="s"
cache = {}
```

```python session="s" expect="KeyError"
cache["ausente"]
```

```python session="s"
cache["presente"] = 1
print(cache)
```
""")
    assert [r.status for r in report.results] == ["passed", "passed", "passed"]
    assert report.results[2].stdout == "{'presente': 1}\n"


def test_a_crash_ends_the_session():
    report = run_page("""
```python session="s"
import os
```

```python session="s"
os._exit(4)
```

```python session="s"
print("nunca")
```
""")
    assert [r.status for r in report.results] == ["passed", "failed", "not-run"]
    assert report.results[1].exit_code == 4


def test_timeout_in_a_session_stops_the_rest():
    report = run_page("""
```python session="s" timeout="1"
import time
time.sleep(30)
```

```python session="s"
print("nunca")
```
""")
    assert [r.status for r in report.results] == ["timeout", "not-run"]


def test_traceback_in_a_later_block_maps_frames_of_earlier_blocks():
    report = run_page("""
```python session="s"
def parse(texto):
    return int(texto)
```

Mais texto.

```python session="s"
parse("x")
```
""")
    traceback = report.results[1].traceback
    assert f'File "{PAGE}", line 9, in <module>' in traceback
    assert f'File "{PAGE}", line 3, in parse' in traceback
    assert report.results[1].findings[0].line == 3


def test_fragment_in_a_session_is_skipped_and_the_session_goes_on():
    report = run_page("""
```python session="s"
x = 2
```

```python session="s" run="no" reason="só ilustra"
x = quebraria()
```

```python session="s"
print(x)
```
""")
    assert [r.status for r in report.results] == ["passed", "not-run", "passed"]
    assert report.results[2].stdout == "2\n"
