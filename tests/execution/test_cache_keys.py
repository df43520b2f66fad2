"""Example.key: what a result depends on, and nothing else."""

from __future__ import annotations

from dataclasses import replace

from runner_helpers import build
from themelion_docs.execution import RUNNER_VERSION
from themelion_docs.execution.examples import example_key

PAGE = """
```python session="s"
x = 1
```

```python session="s"
print(x)
```

```python
print(2)
```
"""


def keys(markdown, **overrides):
    examples, _ = build(markdown, **overrides)
    return [e.key for e in examples]


def test_keys_are_hex_sha256_and_distinct():
    found = keys(PAGE)
    assert all(len(k) == 64 and int(k, 16) >= 0 for k in found)
    assert len(set(found)) == 3


def test_same_page_gives_same_keys():
    assert keys(PAGE) == keys(PAGE)


def test_moving_blocks_down_the_page_or_to_another_page_keeps_the_keys():
    moved = "\n\nUm parágrafo novo.\n\n" + PAGE
    assert keys(moved) == keys(PAGE)
    assert keys(PAGE, path="content/backend/outra.md") == keys(PAGE)


def test_changing_an_earlier_block_of_the_session_changes_later_keys():
    before = keys(PAGE)
    after = keys(PAGE.replace("x = 1", "x = 2"))
    assert after[0] != before[0] and after[1] != before[1]
    assert after[2] == before[2]  # not in the session


def test_options_change_the_key():
    base = keys(PAGE)[2]
    assert keys(PAGE.replace("```python\nprint(2)", '```python timeout="3"\nprint(2)'))[2] != base
    assert keys(PAGE.replace("```python\nprint(2)", '```python expect="error"\nprint(2)'))[2] != base


def test_renderer_options_do_not_change_the_key():
    assert keys(PAGE.replace("```python\nprint(2)", '```python title="a.py"\nprint(2)'))[2] == keys(PAGE)[2]


def test_limits_change_the_key():
    assert keys(PAGE, memory_mb=512) != keys(PAGE)


def test_interpreter_and_runner_version_are_part_of_the_key(monkeypatch):
    from themelion_docs.execution import examples as module
    from runner_helpers import settings_for

    [example] = build("```python\npass\n```\n")[0]
    settings = settings_for()
    base = example_key(example, [], True, settings)
    monkeypatch.setattr(module, "python_version", lambda python: "3.99.0 (fake)")
    assert example_key(example, [], True, settings) != base
    monkeypatch.undo()
    monkeypatch.setattr(module, "RUNNER_VERSION", RUNNER_VERSION + "-next")
    assert example_key(example, [], True, settings) != base


def test_expected_output_is_not_part_of_the_key():
    plain = keys("```python\nprint(1)\n```\n")
    with_output = keys("```python\nprint(1)\n```\n```output\n1\n```\n")
    assert plain == with_output
