"""fold: lower case without Latin accents, the same text for «Requisição» and «requisicao»."""

from __future__ import annotations

import unicodedata

from themelion_docs.text import fold, fold_uncached


def by_decomposition(text: str) -> str:
    """The definition fold implements: NFKD without combining marks, for Latin letters only."""
    out = []
    for char in text.casefold():
        if 0x00A0 <= ord(char) < 0x0250 or 0x1E00 <= ord(char) < 0x1F00:
            char = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(char)
    return "".join(out)


def test_accents_and_case_go_symbols_stay():
    assert fold("Requisição Ágil — ❌ /api/Ação") == "requisicao agil — ❌ /api/acao"
    assert fold("Straße") == "strasse"
    assert fold("ASCII puro") == "ascii puro"


def test_every_latin_letter_folds_as_its_decomposition():
    latin = "".join(chr(code) for code in (*range(0x20, 0x0250), *range(0x1E00, 0x1F00)))
    assert fold_uncached(latin) == by_decomposition(latin)
    assert fold(latin) == fold_uncached(latin)


def test_other_scripts_are_only_lower_cased():
    assert fold("ΑΒΓ Привет 東京 ①") == "αβγ привет 東京 ①"
