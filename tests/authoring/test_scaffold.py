"""`themelion new`: a lesson scaffold that fails only on its placeholders."""

from __future__ import annotations

from pathlib import Path

import yaml

from themelion_docs.config import load_config
from themelion_docs.frontmatter import split
from themelion_docs.scaffold import LessonRequest, Template, find_template, render_lesson

from .conftest import REPO, check_text, codes

MARKER = "TODO(themelion)"


def test_new_writes_the_lesson_under_the_docs_dir_of_mkdocs_yml(project, cli):
    code, out, _ = cli("new", "apis/rest-basico", "--title", "REST: recursos e verbos", "--level", "intermediario")
    path = project / "content" / "backend" / "apis" / "rest-basico.md"
    assert code == 0 and path.is_file()
    assert "content/backend/apis/rest-basico.md" in out
    front, _ = split(path.read_text(encoding="utf-8"))
    assert front.problem is None
    assert front.data["title"] == "REST: recursos e verbos"
    assert front.data["module"] == "apis" and front.data["level"] == "intermediario" and front.data["order"] == 1


def test_unfilled_scaffold_fails_only_on_placeholders_and_names_each_section(project, cli):
    cli("new", "protocolos/http2", "--title", "HTTP/2")
    code, out, _ = cli("check", "--no-exec", "--format", "json")
    assert code == 1
    report = yaml.safe_load(out)  # JSON is YAML
    findings = [f for page in report["pages"] for f in page["findings"]]
    assert findings and {f["code"] for f in findings} == {"L003"}
    messages = " ".join(f["message"] for f in findings)
    for place in ("## O que é e por que importa", "## Como funciona", "### Implementação mínima",
                  "### Pronto para produção", "### Segurança", "## Quando usar", "## Referências", "`description`"):
        assert place in messages


def test_scaffold_has_every_structure_the_rules_expect():
    config = load_config()
    text = render_lesson(find_template(REPO), LessonRequest("apis", "x", "X", "iniciante", 1), config)
    for section in config.sections:
        assert f"\n## {section.title}\n" in text
    for heading in ("### Implementação mínima", "### Pronto para produção", "### Segurança"):
        assert heading in text
    erros = text.split("## Erros comuns")[1].split("## Pratique")[0]
    assert erros.count("\n### ") == config.rule("Q110").params["min_mistakes"]
    assert "```diagram" in text and "```python" in text
    pratique = text.split("## Pratique")[1].split("## Referências")[0]
    for part in ("starter", "tests", "solution"):
        assert f'part="{part}"' in pratique
    assert '??? tip "Dica"' in pratique


def test_filling_the_placeholders_brings_back_the_volume_rules():
    config = load_config()
    text = render_lesson(find_template(REPO), LessonRequest("apis", "x", "X", "iniciante", 1), config)
    filled = check_text(text.replace(MARKER, "Texto"), rel="backend/apis/x.md")
    assert "L003" not in codes(filled)
    assert {"Q010", "Q090"} <= codes(filled)  # now measured, because nothing is a placeholder any more


def test_new_refuses_to_overwrite_and_leaves_the_file_unchanged(project, cli):
    path = project / "content" / "backend" / "apis" / "rest.md"
    path.parent.mkdir(parents=True)
    path.write_text("meu texto\n", encoding="utf-8")
    code, _, err = cli("new", "apis/rest", "--title", "Outro")
    assert code == 2 and "já existe" in err
    assert path.read_text(encoding="utf-8") == "meu texto\n"


def test_new_rejects_unknown_module_bad_slug_and_level_in_portuguese(project, cli):
    code, _, err = cli("new", "api/rest", "--title", "X")
    assert code == 2 and "módulo desconhecido" in err and "apis" in err
    for slug in ("Rest", "rest_api", "rést", "-rest", "rest--api"):
        code, _, err = cli("new", f"apis/{slug}", "--title", "X")
        assert code == 2 and "slug inválido" in err, slug
    code, _, err = cli("new", "apis/rest", "--title", "X", "--level", "medio")
    assert code == 2 and "nível desconhecido" in err
    code, _, err = cli("new", "apis", "--title", "X")
    assert code == 2 and "MÓDULO/SLUG" in err
    assert not list((project / "content").rglob("*.md"))


def test_new_takes_the_next_free_order_of_the_module(project, cli):
    cli("new", "apis/primeira", "--title", "Primeira")
    cli("new", "apis/segunda", "--title", "Segunda")
    front, _ = split((project / "content/backend/apis/segunda.md").read_text(encoding="utf-8"))
    assert front.data["order"] == 2


def test_title_with_quotes_and_colon_stays_valid_yaml():
    config = load_config()
    title = 'JWT: "tokens" # assinados'
    text = render_lesson(find_template(REPO), LessonRequest("apis", "x", title, "iniciante", 1), config)
    front, _ = split(text)
    assert front.problem is None and front.data["title"] == title


def test_project_template_overrides_the_packaged_one(tmp_path: Path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "lesson.md.j2").write_text("---\ntitle: {{ title | yaml }}\n---\n", encoding="utf-8")
    template = find_template(tmp_path)
    assert "templates" in template.origin
    text = render_lesson(template, LessonRequest("apis", "x", "Y", "iniciante", 1), load_config())
    assert text == '---\ntitle: "Y"\n---\n'


def test_packaged_template_is_the_projects_template():
    packaged = REPO / "src" / "themelion_docs" / "data" / "templates" / "lesson.md.j2"
    assert packaged.read_text(encoding="utf-8") == (REPO / "templates" / "lesson.md.j2").read_text(encoding="utf-8")
    assert "pacote" in find_template(Path("/nonexistent")).origin  # installed toolchain, no project template


def test_broken_template_is_a_clear_error():
    import pytest

    from themelion_docs.scaffold import ScaffoldError

    with pytest.raises(ScaffoldError, match="modelo"):
        render_lesson(Template("{{ nao_existe }}", "teste"), LessonRequest("apis", "x", "Y", "iniciante", 1),
                      load_config())


def test_scaffold_examples_run_and_pass(project, cli):
    cli("new", "mensageria/filas", "--title", "Filas")
    code, out, _ = cli("check", "--format", "json", "--jobs", "2")
    report = yaml.safe_load(out)
    [page] = [p for p in report["pages"] if p["kind"] == "lesson"]
    assert {f["code"] for f in page["findings"]} == {"L003"}
    if "examples_run" in page["info"]:  # the runner reports what it ran
        assert page["info"]["examples_passed"] == page["info"]["examples_run"] == 2
