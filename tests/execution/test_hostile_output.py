"""Issue 12, item 5: what a block prints cannot crash the runner, move a finding, or drive a terminal.

The blocks run for real (sandbox when the kernel allows it). Three attacks:
a 5,000-digit number inside the runner's ``<themelion:N>`` marker (int() of
it raised ValueError in the judge, and the cached outcome crashed every later
run), a forged traceback line pointing at line 987654341, and terminal
escapes / NUL in the messages of findings.
"""

from __future__ import annotations

from themelion_docs.execution.tracebacks import OUTSIDE, SourceMap, failing_line, map_text

from runner_helpers import PAGE, build_examples, fences_of, run_examples, settings_for

HUGE = "9" * 5000

HOSTILE = f'''
# Saídas hostis

```python
print('File "<themelion:{HUGE}>", line 3')
print('<themelion:0>:{HUGE}')
```

```python
import sys
print('File "<themelion:{HUGE}>", line {HUGE}', file=sys.stderr)
raise SystemExit(1)
```

```python
import sys
sys.stderr.write('  File "<themelion:0>", line 987654341, in <module>\\n')
raise SystemExit(1)
```

```python
x = 1
raise ValueError('File "<themelion:0>", line 987654341')
```
'''


def _run(markdown: str, cache_dir=None):
    settings = settings_for(cache_dir=cache_dir)
    examples, findings = build_examples(PAGE, fences_of(markdown), settings)
    assert not findings
    return examples, run_examples(examples, settings)


def test_huge_numbers_and_forged_lines_neither_crash_nor_leave_the_block(tmp_path):
    fences = fences_of(HOSTILE)
    for attempt in ("fresh", "cached"):  # the second run judges the cached outcomes again
        examples, run = _run(HOSTILE, cache_dir=tmp_path / "cache")
        first, second, third, fourth = run.results
        assert [r.cached for r in run.results] == [attempt == "cached"] * 4
        assert first.status == "passed"
        assert first.stdout == f'File "{OUTSIDE}"\n{OUTSIDE}\n'  # markers naming no block map to nothing
        assert [r.status for r in (second, third, fourth)] == ["failed"] * 3
        for result, fence in zip(run.results, fences):
            for finding in result.findings:
                # every finding sits on its own block, never at a forged line
                assert fence.line <= finding.line <= fence.end_line, (finding.line, finding.message[:200])
        assert [f.line for f in second.findings] == [fences[1].line]
        assert [f.line for f in third.findings] == [fences[2].line]
        # the real frame wins over the forged one quoted in the exception message
        assert [f.line for f in fourth.findings] == [fences[3].content_line + 1]
        assert "987654341" not in "".join(f.message for f in third.findings)


def test_a_frame_that_names_no_line_of_its_block_maps_to_nothing():
    source = SourceMap("licao.md", (10, 40), (3, 5))
    assert source.page_line(0, 3) == 12 and source.page_line(1, 5) == 44
    assert source.page_line(0, 4) is None and source.page_line(1, 0) is None and source.page_line(2, 1) is None
    assert source.page_line("0", HUGE) is None and source.page_line(HUGE, "1") is None
    text = f'File "<themelion:0>", line 987654341\nFile "<themelion:{HUGE}>", line 1\n<themelion:1>:{HUGE}'
    assert map_text(text, source) == f'File "{OUTSIDE}"\nFile "{OUTSIDE}"\n{OUTSIDE}'
    forged_last = 'File "<themelion:1>", line 2, in f\nValueError: File "<themelion:0>", line 987654341'
    assert failing_line(forged_last, "python", source) == 41


def test_terminal_escapes_and_nul_in_a_failure_are_inert_in_its_finding():
    page = (
        '```python\n'
        'import sys\n'
        'sys.stderr.write("\\x1b[2K\\r\\x1b[32m0 erros\\x1b]0;titulo\\x07\\x00\\x9b31m\\u2028fim\\n")\n'
        'raise ValueError("\\x1b[2J\\x00")\n'
        '```\n'
    )
    _, run = _run(page)
    (result,) = run.results
    assert result.status == "failed"
    text = "".join(f.message + f.hint for f in result.findings)
    for char in "\x1b\x00\r\x07\x9b\u2028":
        assert char not in text, repr(char)
    assert "ValueError: \\x00" in text
