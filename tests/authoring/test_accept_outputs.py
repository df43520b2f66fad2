"""Issue 21: `themelion check --accept` fixes E011 in one command.

It writes the real output into the ``output`` fence of the blocks whose output
diverged, keeps every other byte of the file, prints what it changed, and never
touches a block that failed for another reason.
"""

from __future__ import annotations

import textwrap

from themelion_docs.accept import merged_output

PAGE = textwrap.dedent('''\
    ---
    title: Saídas
    ---

    # Saídas

    Texto com espaço no fim   
    e acentuação: ação.

    ```python
    print("pedido criado")
    print("id: 42")
    print("status: pago")
    ```

    ```output
    pedido criado
    id: ...
    status: pendente
    ```

    ```python
    print("certo")
    ```

    ```output
    certo
    ```

    ```python
    print("antes do erro")
    raise ValueError("quebrou")
    ```

    ```output
    outra coisa
    ```

    !!! dica "Dentro de uma caixa"

        ```python
        print("dentro")
        ```

        ```output
        fora
        ```
    ''')


def _project(tmp_path, monkeypatch, text: str, newline: str = "\n"):
    (tmp_path / "mkdocs.yml").write_text("site_name: teste\ndocs_dir: content\n", encoding="utf-8")
    page = tmp_path / "content" / "pagina.md"
    page.parent.mkdir(parents=True)
    page.write_bytes(text.replace("\n", newline).encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    return page


def test_accept_rewrites_only_the_diverged_output_fences(tmp_path, monkeypatch, cli):
    page = _project(tmp_path, monkeypatch, PAGE)
    code, out, _ = cli("check", "--no-cache")
    assert code == 1 and out.count("E011") >= 3 and page.read_text(encoding="utf-8") == PAGE

    code, out, _ = cli("check", "--no-cache", "--accept")
    after = page.read_text(encoding="utf-8")
    expected = (PAGE.replace("id: ...\nstatus: pendente", "id: ...\nstatus: pago")
                .replace("    ```output\n    fora\n", "    ```output\n    dentro\n"))
    assert after == expected  # every other byte kept: trailing spaces, the kept `...`, the failing block
    assert "outra coisa" in after  # the block that raised keeps its fence (E010, not only E011)
    assert "content/pagina.md:16: saída real gravada no bloco output (exemplo da linha 10, E011)" in out
    assert "-status: pendente" in out and "+status: pago" in out
    assert "--accept: 2 bloco(s) output atualizado(s) em 1 arquivo(s)" in out
    assert "E010" in out and code == 1  # the failing block is still reported

    code, out, _ = cli("check", "--no-cache")
    assert "E011" not in out  # what was accepted now matches


def test_accept_keeps_crlf_line_endings(tmp_path, monkeypatch, cli):
    page = _project(tmp_path, monkeypatch, PAGE, newline="\r\n")
    cli("check", "--no-cache", "--accept")
    data = page.read_bytes()
    assert b"status: pago\r\n```" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_accept_needs_the_examples_to_run(tmp_path, monkeypatch, cli):
    _project(tmp_path, monkeypatch, PAGE)
    code, _, err = cli("check", "--no-exec", "--accept")
    assert code == 2 and "--accept precisa executar os exemplos" in err


def test_merged_output_keeps_matching_lines_and_falls_back_to_the_real_output():
    assert merged_output("id: ...\nstatus: pendente\n", "id: 42\nstatus: pago\n") == "id: ...\nstatus: pago"
    assert merged_output("a\n...\nz\n", "a\nb\nc\ny\n") == "a\nb\nc\ny"


def test_accept_beside_a_json_report_keeps_stdout_valid_json(tmp_path, monkeypatch, cli):
    import json

    page = _project(tmp_path, monkeypatch, PAGE)
    code, out, err = cli("check", "--no-cache", "--accept", "--format", "json")
    report = json.loads(out)  # nothing else on stdout
    assert "saída real gravada no bloco output" in err
    codes = [f["code"] for p in report["pages"] for f in p["findings"]]
    assert "E011" not in codes and "E010" in codes
    assert "status: pago" in page.read_text(encoding="utf-8")
