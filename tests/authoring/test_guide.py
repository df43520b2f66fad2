"""Rule documentation: `themelion explain` and the /autores/ pages share one source."""

from __future__ import annotations

import pytest

from themelion_docs.config import load_config
from themelion_docs.explain import explain_rule, fenced, rule_doc
from themelion_docs.guide import guide_pages, rule_uri
from themelion_docs.rules.prose import load_glossary

CONFIG = load_config()
PAGES = {page.src_uri: page.content for page in guide_pages(CONFIG, docs_hint="content")}


def test_every_rule_has_a_guide_page_linked_from_the_rule_index():
    index = PAGES["autores/regras/index.md"]
    for code in CONFIG.rules:
        assert rule_uri(code) in PAGES
        assert f"({code.lower()}.md)" in index


@pytest.mark.parametrize("code", sorted(CONFIG.rules))
def test_explain_and_the_guide_page_say_the_same_things(code):
    spec = CONFIG.rule(code)
    text, page = explain_rule(spec, CONFIG), PAGES[rule_uri(code)]
    doc = rule_doc(spec, CONFIG)
    for value in (doc.summary, doc.severity_text, doc.family):
        assert value in text and value in page
    for part in doc.parts:
        assert f"{part.label}:" in text and f"## {part.label}" in page
        for line in part.text.strip().splitlines():
            assert line.strip() in text and line.strip() in page
        for name, value in part.params:
            assert f"{name}: {value}" in text and value.replace("|", "\\|") in page


def test_thresholds_shown_are_the_configured_ones():
    config = load_config(overrides={"Q010": {"min_words": 900}})
    pages = {p.src_uri: p.content for p in guide_pages(config)}
    assert "| `min_words` | 900 |" in pages[rule_uri("Q010")]
    assert "min_words: 900" in explain_rule(config.rule("Q010"), config)


def test_contract_page_lists_modules_sections_keys_and_checklist_items():
    contract = PAGES["autores/contrato.md"]
    for slug in CONFIG.modules:
        assert f"`{slug}`" in contract
    for section in CONFIG.sections:
        assert f"`## {section.title}`" in contract
    for key in CONFIG.key_types:
        assert f"| `{key}` |" in contract
    for item in {s.item for s in CONFIG.rules.values() if s.item}:
        assert f"| {item} |" in contract
    for option in ('session="nome"', 'expect="error"', 'timeout="5"', 'run="no" reason="..."'):
        assert option in contract
    assert "waive:" in contract and "TODO(themelion)" in contract


def test_glossary_page_is_generated_from_the_glossary_data():
    page = PAGES["autores/glossario.md"]
    for term in load_glossary().terms:
        assert f"| {term.preferred} |" in page


def test_examples_holding_fences_get_a_longer_fence():
    inner = "```python\nprint(1)\n```"
    assert fenced(inner, "markdown").startswith("````markdown\n")
    assert fenced("texto", "markdown").startswith("```markdown\n")


def test_cli_explain_by_code_and_name_and_unknown(cli, project):
    code, out, _ = cli("explain", "L002")
    assert code == 0 and out.startswith("L002 [termo-do-glossario]")
    code, out2, _ = cli("explain", "termo-do-glossario")
    assert code == 0 and out2 == out
    code, _, err = cli("explain", "Z999")
    assert code == 2 and "regra desconhecida" in err


def test_the_guides_first_command_works_in_this_repo():
    """Issue 21: the first copy-paste command of /autores/ created a lesson that exists (jwt.md)."""
    import re
    import shlex
    from pathlib import Path

    from themelion_docs.scaffold import parse_target

    repo = Path(__file__).resolve().parents[2]
    first = re.search(r"```bash\n(.*?)\n", PAGES["autores/index.md"]).group(1).strip()
    argv = shlex.split(first)
    assert argv[:2] == ["themelion", "new"] and "--title" in argv
    module, slug = parse_target(argv[2], CONFIG)  # a module of the room, a valid slug
    assert not (repo / "content" / CONFIG.lessons_dir / module / f"{slug}.md").exists()
    assert f"content/{CONFIG.lessons_dir}/{module}/{slug}.md" in PAGES["autores/index.md"]


def test_gitignore_keeps_the_virtualenv_out():
    from pathlib import Path

    lines = (Path(__file__).resolve().parents[2] / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv/" in lines


def test_the_readme_author_commands_work_in_this_repo():
    """Issue 21: the README's `themelion new` created a lesson that already exists."""
    import re
    import shlex
    from pathlib import Path

    from themelion_docs.scaffold import parse_target

    repo = Path(__file__).resolve().parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for command in re.findall(r"^themelion new .*$", readme, re.M):
        module, slug = parse_target(shlex.split(command)[2], CONFIG)
        assert not (repo / "content" / CONFIG.lessons_dir / module / f"{slug}.md").exists(), command
    assert "NO_MKDOCS_2_WARNING=1 mkdocs serve" in readme  # the EOL banner stays off when serving
