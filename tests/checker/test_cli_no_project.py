"""Issue 21: `themelion check` outside any project stops instead of walking the folder."""

from __future__ import annotations

from themelion_docs.cli import main


def test_check_in_a_folder_without_mkdocs_yml_says_so_and_exits_2(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "outro-programa"
    (folder / "docs").mkdir(parents=True)
    # Another program's files: walking them is exactly what must not happen.
    (folder / "docs" / "LEIA.md").write_bytes(b"\xff\xfe nada a ver\n")
    (folder / "notas.md").write_text("# Notas\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    assert main(["check", "--no-exec"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nenhum projeto encontrado" in captured.err and "mkdocs.yml" in captured.err
    assert "--config" in captured.err
    assert "LEIA.md" not in captured.err + captured.out


def test_a_folder_argument_outside_a_project_is_refused_too(tmp_path, monkeypatch, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("# X\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-exec", "a"]) == 2
    assert "nenhum projeto encontrado" in capsys.readouterr().err


def test_an_explicit_file_outside_a_project_is_still_checked(tmp_path, monkeypatch, capsys):
    (tmp_path / "x.md").write_text("---\ntitle: X\n---\n\n# X\n\nTexto.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-exec", "x.md"]) in (0, 1)
    captured = capsys.readouterr()
    assert "nenhum projeto" not in captured.err and "1 página verificada" in captured.out
