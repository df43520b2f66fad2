"""Another project declares its own modules and lessons folder in mkdocs.yml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from themelion_docs.cli import main
from themelion_docs.config import ConfigError, load_config

from .conftest import LESSON_OK

MKDOCS = """site_name: outra sala
docs_dir: docs
theme: {{name: material, language: pt-BR, font: false}}
plugins:
  - search
  - themelion:
      lessons_dir: trilhas
      modules: [{{slug: filas, title: "Filas e eventos"}}, {{slug: dados, title: "Dados"}}]
      execute: false
      rules:
        Q010: {{min_words: 200}}
        Q011: {{min_words: {{o-que-e: 20, como-funciona: 50, na-pratica: 10, quando-usar: 20, erros-comuns: 20}}}}
markdown_extensions: [admonition, attr_list, md_in_html, tables, pymdownx.superfences, pymdownx.details]
"""


@pytest.fixture
def other_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS.format(), encoding="utf-8")
    lessons = tmp_path / "docs" / "trilhas" / "filas"
    lessons.mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Outra sala\n", encoding="utf-8")
    text = LESSON_OK.read_text(encoding="utf-8").replace("module: protocolos", "module: filas")
    (lessons / "licao.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_project_modules_replace_the_rooms(other_room, capsys):
    assert main(["check", "--no-exec"]) == 0, capsys.readouterr().out
    lesson = other_room / "docs" / "trilhas" / "filas" / "licao.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("module: filas", "module: protocolos"),
                      encoding="utf-8")
    assert main(["check", "--no-exec"]) == 1
    out = capsys.readouterr().out
    assert "F006" in out and "filas, dados" in out  # the room's modules are no longer accepted


def test_a_strict_build_uses_the_project_modules(other_room):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(other_room / "out")],
                          cwd=other_room, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (other_room / "out" / "trilhas" / "filas" / "licao.html").is_file() or \
        (other_room / "out" / "trilhas" / "filas" / "licao" / "index.html").is_file()


@pytest.mark.parametrize("modules, lessons_dir, says", [
    ([], None, "lista não vazia"),
    ([{"slug": "Filas Grandes"}], None, "kebab-case"),
    ([{"slug": "a"}, {"slug": "a"}], None, "repetido"),
    (None, "a/b", "lessons_dir"),
])
def test_bad_module_options_are_clear_errors(modules, lessons_dir, says):
    with pytest.raises(ConfigError, match=says):
        load_config(modules=modules, lessons_dir=lessons_dir)
