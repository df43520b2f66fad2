"""Issue 12, item 8: the plugin names the Markdown extensions it needs (checked at on_config)."""

from __future__ import annotations

from themelion_docs.mkdocs_plugin import REQUIRED_EXTENSIONS, missing_extensions, missing_extensions_message

ALL = ["admonition", "attr_list", "md_in_html", "pymdownx.superfences", "tables"]


def test_nothing_is_missing_from_a_complete_list_in_any_spelling():
    assert missing_extensions(ALL, needs_tables=True) == []
    full = ["markdown.extensions.admonition", "markdown.extensions.attr_list", "markdown.extensions.md_in_html",
            "pymdownx.superfences"]
    assert missing_extensions(full, needs_tables=False) == []


def test_tables_are_needed_only_for_the_dashboard_and_the_guide():
    without_tables = [name for name in ALL if name != "tables"]
    assert missing_extensions(without_tables, needs_tables=False) == []
    assert [name for name, _ in missing_extensions(without_tables, needs_tables=True)] == ["tables"]


def test_the_message_says_why_and_what_to_add_to_mkdocs_yml():
    missing = missing_extensions(["admonition", "pymdownx.superfences"], needs_tables=False)
    assert [name for name, _ in missing] == ["md_in_html", "attr_list"]
    message = missing_extensions_message(missing)
    assert message.startswith("themelion: faltam extensões do Markdown de que o plugin depende: "
                              "`md_in_html`, `attr_list`.")
    assert REQUIRED_EXTENSIONS["md_in_html"] in message
    assert message.endswith("Acrescente ao mkdocs.yml:\n\nmarkdown_extensions:\n  - md_in_html\n  - attr_list")
