"""``printable``: the one form in which an example's text reaches a page, a terminal or a report."""

from themelion_docs.safe_text import printable, printable_tree


def test_every_line_break_a_renderer_may_honour_becomes_a_newline():
    text = "a\r\nb\rc\vd\fe\x1cf\x85g\u2028h\u2029i"
    assert printable(text) == "a\nb\nc\nd\ne\nf\ng\nh\ni"
    assert printable(text, newlines=False) == "a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\ni"


def test_terminal_sequences_are_removed_and_an_open_osc_only_to_the_end_of_its_line():
    assert printable("\x1b[2K\x1b[1;31mvermelho\x1b[0m \x1b]0;título\x07fim") == "vermelho fim"
    assert printable("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "link"
    assert printable("antes\x1b]0;sem fim\ndepois") == "antes\ndepois"
    assert printable("\x9b2J\x1b(Bok") == "ok"


def test_other_controls_are_shown_as_escapes_and_tabs_and_text_are_kept():
    assert printable("\x00\x07\x08\x7f\x9f\u202e\ud800\ufffe") == "\\x00\\x07\\x08\\x7f\\x9f\\u202e\\ud800\\ufffe"
    assert printable("tab\tok, ação ✓ <b>\n") == "tab\tok, ação ✓ <b>\n"


def test_printable_tree_reaches_every_string():
    assert printable_tree({"a\x00": ["x\x1b[1m", {"k": "\r"}], "n": 3}) == {"a\\x00": ["x", {"k": "\n"}], "n": 3}
