"""Q101 fonte-primaria: the patterns are matched like the text, accents folded on both sides."""

from __future__ import annotations

import pytest

from checker_helpers import GOOD_REL, HOME, check, codes, findings, mutate

REFERENCES = """- [RFC 9112 — HTTP/1.1](https://www.rfc-editor.org/rfc/rfc9112)
- [RFC 9110 — HTTP Semantics](https://www.rfc-editor.org/rfc/rfc9110)
- [Documentação oficial do urllib3](https://urllib3.readthedocs.io/)
"""


@pytest.mark.parametrize("cited", [
    "- Documentação oficial do urllib3, seção Retry\n- Documentação oficial do Python\n- Documentação oficial do HTTP\n",
    "- Especificação do urllib3, seção Retry\n- Especificação do pool\n- Especificação do keep-alive\n",
])
def test_accented_patterns_recognise_accented_citations(good_text, cited):
    text = mutate(good_text, REFERENCES, cited)
    text = mutate(text, '  - "RFC 9112 — HTTP/1.1"\n', '  - "Documentação oficial do urllib3"\n')
    assert "Q101" not in codes(findings(check([("index.md", HOME), (GOOD_REL, text)])))


def test_no_primary_source_is_still_reported(good_text):
    text = mutate(good_text, REFERENCES, "- Um post de blog\n- Outro post\n- Um vídeo\n")
    text = mutate(text, '  - "RFC 9112 — HTTP/1.1"\n', '  - "Um post no Medium"\n')
    assert codes(f for f in findings(check([("index.md", HOME), (GOOD_REL, text)])) if f.code == "Q101") == ["Q101"]
