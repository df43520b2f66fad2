"""Blocks import only the standard library and the site's declared packages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from runner_helpers import PAGE, codes, fences_of, settings_for
from themelion_docs.config import ConfigError
from themelion_docs.execution import build_examples, run_examples
from themelion_docs.execution import examples as examples_module
from themelion_docs.execution.dependencies import Declaration, imports_of, read_environment
from themelion_docs.settings import declared_dependencies

DECLARED = Declaration(("fastapi", "httpx", "pyjwt"), "o grupo examples", 'python -m pip install -e ".[examples]"')


def build_with(markdown: str, declared: Declaration = DECLARED, **overrides):
    settings = settings_for(declared=declared, **overrides)
    return build_examples(PAGE, fences_of(markdown), settings), settings


def test_an_undeclared_third_party_import_is_refused_before_running_at_its_line():
    (examples, findings), _ = build_with("""
Texto.

```python
import json
import yaml
print(yaml.safe_dump({"a": 1}))
```
""")
    [finding] = findings
    assert (finding.code, finding.line) == ("E024", 5)  # the import line of the page
    assert "«yaml»" in finding.message and "pyyaml" in finding.message
    assert "o grupo examples" in finding.hint
    [example] = examples
    assert not example.run


def test_declared_packages_and_what_they_require_may_be_imported():
    (examples, findings), settings = build_with("""
```python
import httpx
from fastapi import FastAPI
from starlette.responses import JSONResponse
import jwt
print(httpx.__name__, FastAPI.__name__, JSONResponse.__name__, jwt.__name__)
```
```output
httpx FastAPI JSONResponse jwt
```
""")
    assert findings == []
    report = run_examples(examples, settings)
    [result] = report.results
    assert result.status == "passed", result.findings


def test_optional_imports_and_modules_the_page_writes_are_not_refused():
    (examples, findings), _ = build_with("""
```python session="local"
try:
    import ujson as json
except ImportError:
    import json
from pathlib import Path
Path("precos.py").write_text("CAFE = 5\\n")
```

```python session="local"
import precos
print(precos.CAFE)
```
```output
5
```
""")
    assert findings == []
    assert all(example.run for example in examples)


def test_a_declared_package_that_is_not_installed_says_how_to_install_it():
    declared = dataclasses.replace(DECLARED, names=(*DECLARED.names, "pacote-que-nao-existe"))
    (examples, findings), _ = build_with("""
```python
import pacote_que_nao_existe
```
""", declared=declared)
    [finding] = findings
    assert finding.code == "E025"
    assert 'python -m pip install -e ".[examples]"' in finding.hint
    assert not examples[0].run


def test_a_missing_package_whose_import_name_differs_is_still_recognised(monkeypatch):
    environment = read_environment(settings_for().python)
    without_jwt = dataclasses.replace(
        environment,
        providers={m: p for m, p in environment.providers.items() if m != "jwt"},
        versions={d: v for d, v in environment.versions.items() if d != "pyjwt"},
    )
    monkeypatch.setattr(examples_module, "read_environment", lambda python, cache_dir=None: without_jwt)
    (_, findings), _ = build_with("""
```python
import jwt
```
""")
    assert codes(findings) == ["E025"]
    assert "pyjwt" in findings[0].message


def test_an_upgrade_reruns_only_the_blocks_that_import_the_package(monkeypatch):
    page = """
```python
import httpx
```

```python
import json
```

```python session="s"
from fastapi import FastAPI
```

```python session="s"
print("depois do import da sessão")
```
"""
    (before, _), _ = build_with(page)
    environment = read_environment(settings_for().python)
    upgraded = dataclasses.replace(environment, versions={**environment.versions, "starlette": "999.0"})
    monkeypatch.setattr(examples_module, "read_environment", lambda python, cache_dir=None: upgraded)
    (after, _), _ = build_with(page)
    changed = [b.key != a.key for b, a in zip(before, after)]
    # starlette comes in through fastapi, also for the later block of the same session
    assert changed == [False, False, True, True]


def test_imports_are_read_from_the_syntax_tree():
    refs = imports_of("import os.path\nfrom . import irmao\nfrom a.b import c\nx = 'import falso'\n")
    assert [(r.module, r.line, r.dotted) for r in refs] == [("os", 1, "os.path"), ("a", 3, "a.b")]
    assert imports_of("def quebrado(:\n") == ()


def test_the_declaration_comes_from_the_pyproject_group_or_the_plugin_option(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.optional-dependencies]\nexamples = ["PyJWT[crypto]>=2", "Graphql_Core"]\n',
        encoding="utf-8")
    declared = declared_dependencies({}, tmp_path)
    assert declared.names == ("pyjwt", "graphql-core")
    assert '.[examples]' in declared.install
    listed = declared_dependencies({"example_dependencies": ["httpx>=0.27"]}, tmp_path)
    assert listed.names == ("httpx",) and "example_dependencies" in listed.where
    with pytest.raises(ConfigError, match="example_dependencies"):
        declared_dependencies({"example_dependencies": "httpx"}, tmp_path)
    assert declared_dependencies({}, tmp_path / "sem-pyproject").names == ()


def test_heavy_packages_two_blocks_import_are_preloaded_once():
    from themelion_docs.execution.dependencies import preload_candidates
    from themelion_docs.execution.examples import dependency_index

    index = dependency_index(settings_for(declared=DECLARED))
    blocks = ["from fastapi.testclient import TestClient", "import fastapi.testclient\nimport grpc",
              "import httpx", "import json"]
    assert preload_candidates(index, blocks, never=("grpc",)) == ("fastapi.testclient",)
