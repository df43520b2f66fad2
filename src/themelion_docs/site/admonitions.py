"""Portuguese admonitions: pt-BR type names and default titles.

Python-Markdown's ``admonition`` and ``pymdownx.details`` title a block with
no explicit title after its type, capitalised (``!!! warning`` -> "Warning").
This extension translates those default titles and accepts Portuguese type
names (``!!! dica``, ``??? atencao``), adding the Material class that gives
them colour and icon. Explicit titles are never touched.

    markdown_extensions:
      - themelion_docs.site.admonitions
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Portuguese type -> Material type (its colour and icon).
ALIASES = {
    "nota": "note",
    "resumo": "abstract",
    "informacao": "info",
    "dica": "tip",
    "importante": "tip",
    "sucesso": "success",
    "pergunta": "question",
    "duvida": "question",
    "atencao": "warning",
    "aviso": "warning",
    "cuidado": "warning",
    "falha": "failure",
    "perigo": "danger",
    "erro": "danger",
    "exemplo": "example",
    "citacao": "quote",
    "seguranca": "danger",
}

TITLES = {
    "note": "Nota", "nota": "Nota",
    "abstract": "Resumo", "summary": "Resumo", "tldr": "Resumo", "resumo": "Resumo",
    "info": "Informação", "todo": "A fazer", "informacao": "Informação",
    "tip": "Dica", "hint": "Dica", "important": "Importante", "dica": "Dica", "importante": "Importante",
    "success": "Sucesso", "check": "Certo", "done": "Feito", "sucesso": "Sucesso",
    "question": "Pergunta", "help": "Ajuda", "faq": "Perguntas frequentes",
    "pergunta": "Pergunta", "duvida": "Dúvida",
    "warning": "Atenção", "caution": "Cuidado", "attention": "Atenção",
    "atencao": "Atenção", "aviso": "Aviso", "cuidado": "Cuidado",
    "failure": "Falha", "fail": "Falha", "missing": "Ausente", "falha": "Falha",
    "danger": "Perigo", "error": "Erro", "perigo": "Perigo", "erro": "Erro",
    "bug": "Bug",
    "example": "Exemplo", "exemplo": "Exemplo",
    "quote": "Citação", "cite": "Citação", "citacao": "Citação",
    "seguranca": "Segurança",
}


def translate(kind: str, title: str) -> str:
    """The Portuguese title when ``title`` is the default one for ``kind``."""
    if title == kind.capitalize() or title == kind.replace("_", " ").capitalize():
        return TITLES.get(kind, title)
    return title


class PortugueseAdmonitions(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            classes = (element.get("class") or "").split()
            if element.tag == "div" and "admonition" in classes and len(element):
                kinds = [c for c in classes if c != "admonition"]
                self._fix(element, kinds, element[0] if element[0].get("class") == "admonition-title" else None)
            elif element.tag == "details":
                summary = element[0] if len(element) and element[0].tag == "summary" else None
                self._fix(element, classes, summary)

    def _fix(self, element: etree.Element, kinds: list[str], title: etree.Element | None) -> None:
        if not kinds:
            return
        kind = kinds[0]
        if kind in ALIASES and ALIASES[kind] not in kinds:
            element.set("class", f"{element.get('class')} {ALIASES[kind]}")
        if title is not None and len(title) == 0 and title.text:
            title.text = translate(kind, title.text)


class PortugueseAdmonitionsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        # After the block parser, before the inline patterns (priority 20) touch titles.
        md.treeprocessors.register(PortugueseAdmonitions(md), "themelion_admonitions", 25)


def makeExtension(**kwargs: object) -> PortugueseAdmonitionsExtension:  # noqa: N802
    return PortugueseAdmonitionsExtension(**kwargs)
