"""`mkdocs build --strict` fails on the same findings as `themelion check`.

Two real builds (about 1-2 s each): a clean site and a failing one. The
lowered thresholds travel as the plugin's `rules:` option, so the clean build
also proves that plugin options reach the checker.
"""

from __future__ import annotations

import os
import subprocess
import sys

from checker_helpers import GOOD_REL, HOME, line_of, mutate, write_site

LATIN1 = "---\ntitle: Codificacao\n---\n\n# Codificacao\n\nSessão perdida.\n".encode("latin-1")  # ã on line 7


def mkdocs_build(root) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
                          cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_strict_build_of_a_clean_site_succeeds(tmp_path, good_text):
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: good_text})
    result = mkdocs_build(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "site" / "backend" / "protocolos" / "conexoes" / "index.html").read_text(encoding="utf-8")
    assert "Conexões persistentes no HTTP/1.1" in page
    assert "total_de_handshakes" in page  # the python examples were rendered, not dropped


def test_strict_build_fails_naming_every_failing_page_with_file_line_and_code(tmp_path, good_text):
    broken = mutate(good_text, "## Como funciona\n\n", "")
    write_site(tmp_path, {"index.md": HOME, GOOD_REL: broken, "backend/apis/latin1.md": LATIN1},
               plugin='{execute: false, rules: {Q010: {min_words: 200}, Q011: {min_words: {como-funciona: 20, '
                      'o-que-e: 20, na-pratica: 20, quando-usar: 20, erros-comuns: 20}}}}')
    result = mkdocs_build(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    s001 = f"docs/{GOOD_REL}:{line_of(broken, '## Na prática')}: S001 [secao-ausente] falta a seção `## Como funciona`"
    assert s001 in output
    assert "docs/backend/apis/latin1.md:7: M001 [arquivo-ilegivel] o arquivo não é UTF-8 válido (byte inválido na linha 7, coluna 5)" in output
    assert f"páginas com erro: docs/backend/apis/latin1.md, docs/{GOOD_REL}" in output
    # The unreadable page is dropped so that every other page is still built.
    assert (tmp_path / "site" / "backend" / "protocolos" / "conexoes" / "index.html").is_file()
