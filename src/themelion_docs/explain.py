"""Rule documentation generated from the registry (CLI and author's guide).

``rule_doc(spec)`` is the single source: the labels, the order of the parts
and the values shown. ``explain_rule`` renders it as text for
``themelion explain``; ``rule_markdown`` renders the same parts as a page of
the author's guide, so the two cannot drift apart.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any, Mapping

from themelion_docs.config import CheckConfig, RuleSpec
from themelion_docs.fences import fence_marker

FAMILIES = {
    "pagina": "Página",
    "front-matter": "Front matter",
    "secoes": "Seções obrigatórias",
    "checklist": "Checklist de qualidade",
    "exemplos": "Exemplos executáveis",
    "prosa": "Prosa em português",
    "exercicios": "Exercícios (Pratique)",
    "codigo": "Código dos exemplos",
}

SEVERITY_TEXT = {"error": "erro (bloqueia a página)", "warning": "aviso (informa)"}
PARAMS_LABEL = "Limites (configuráveis em mkdocs.yml, opção `rules`)"


@dataclass(frozen=True)
class DocPart:
    """One labelled part of a rule's documentation."""

    label: str
    kind: str  # "text" | "example" | "params"
    text: str = ""
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    severity: str  # "error" | "warning"
    family: str  # label, e.g. "Checklist de qualidade"
    item: str | None
    summary: str
    parts: tuple[DocPart, ...]
    waiver: str | None  # how to waive it, when it can be waived

    @property
    def severity_text(self) -> str:
        return SEVERITY_TEXT.get(self.severity, self.severity)


def config_values(config: CheckConfig | None) -> dict[str, str]:
    """Values of the contract that rule texts cite (``{levels}``, ``{modules}``...)."""
    if config is None:
        return {}
    return {
        "levels": ", ".join(config.levels),
        "modules": ", ".join(config.modules),
        "order": " → ".join(s.title for s in config.sections),
        "allowed": ", ".join(config.key_types),
    }


def rule_doc(spec: RuleSpec, config: CheckConfig | None = None) -> RuleDoc:
    """``config`` fills the contract's values into the texts; the rest stays as ``{placeholder}``."""
    values = {**config_values(config), **{name: show(value) for name, value in spec.params.items()}}
    params = tuple((name, show(value)) for name, value in spec.params.items())
    parts = [
        DocPart("Por quê", "text", spec.why),
        DocPart("Como corrigir", "text", fill(spec.hint, values)),
    ]
    if spec.params:
        parts.append(DocPart(PARAMS_LABEL, "params", params=params))
    parts += [DocPart("Errado", "example", spec.wrong), DocPart("Certo", "example", spec.right)]
    waiver = f"Dispensável por página: `waive:` com `{spec.code}: \"motivo\"`." if spec.waivable else None
    return RuleDoc(spec.code, spec.name, spec.severity.value, FAMILIES.get(spec.family, spec.family), spec.item,
                   fill(spec.summary, values), tuple(parts), waiver)


@dataclass(frozen=True)
class RunnerFinding:
    """A finding kind of the example runner (its own catalog, not the rule registry)."""

    code: str
    name: str
    severity: str
    message: str  # placeholders shown as "…"
    hint: str


def runner_findings(config: CheckConfig | None = None) -> tuple[RunnerFinding, ...]:
    """The runner's catalog (execution/findings.yaml), minus codes the registry already documents."""
    try:
        from themelion_docs.execution.catalog import catalog
    except ImportError:  # a toolchain without the runner
        return ()
    known = set(config.rules) if config is not None else set()
    return tuple(
        RunnerFinding(kind.code, kind.name, kind.severity.value, blank(kind.message), blank(kind.hint))
        for kind in sorted(catalog().values(), key=lambda k: k.code) if kind.code not in known
    )


def blank(template: str) -> str:
    return re.sub(r"\{[^{}]*\}", "…", template).strip()


# -- text (themelion rules / explain) ----------------------------------------
def rules_table(config: CheckConfig) -> str:
    lines = []
    width = max(len(r.name) for r in config.rules.values())
    for spec in sorted(config.rules.values(), key=lambda r: r.code):
        severity = "erro " if spec.severity.value == "error" else "aviso"
        lines.append(f"{spec.code}  {spec.name:<{width}}  {severity}  {spec.summary}")
    return "\n".join(lines) + "\n"


def explain_rule(spec: RuleSpec, config: CheckConfig | None = None) -> str:
    doc = rule_doc(spec, config)
    out = [
        f"{doc.code} [{doc.name}]",
        f"Severidade: {doc.severity_text}",
        f"Família: {doc.family}" + (f" — item do checklist: {doc.item}" if doc.item else ""),
        "",
        doc.summary,
    ]
    for part in doc.parts:
        out += ["", f"{part.label}:"]
        if part.kind == "params":
            out += [f"    {name}: {value}" for name, value in part.params]
        else:
            out.append(_indent(part.text))
    if doc.waiver:
        out += ["", doc.waiver]
    return "\n".join(out) + "\n"


# -- Markdown (author's guide) -------------------------------------------------
def rule_markdown(doc: RuleDoc, index_link: str = "index.md") -> str:
    out = [
        "---",
        f'title: "{doc.code} {doc.name}"',
        f'description: "{_yaml_text(doc.summary)}"',
        "---",
        "",
        f"# {doc.code} `{doc.name}`",
        "",
        doc.summary,
        "",
        f"- **Severidade:** {doc.severity_text}",
        f"- **Família:** {doc.family}",
    ]
    if doc.item:
        out.append(f"- **Item do checklist:** {doc.item}")
    out.append(f"- **Dispensa:** {doc.waiver or 'não pode ser dispensada.'}")
    for part in doc.parts:
        out += ["", f"## {part.label}", ""]
        if part.kind == "params":
            out += ["| Parâmetro | Valor |", "| --- | --- |"]
            out += [f"| `{name}` | {_cell(value)} |" for name, value in part.params]
        elif part.kind == "example":
            out.append(fenced(part.text, "markdown"))
        else:
            out.append(part.text.strip())
    out += ["", f"Na linha de comando: `themelion explain {doc.code}`. [Todas as regras]({index_link})", ""]
    return "\n".join(out)


def fenced(text: str, language: str) -> str:
    """A fence longer than any backtick run inside ``text`` (examples hold fences)."""
    fence = fence_marker(text)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


# -- helpers -------------------------------------------------------------------
def show(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


class _Partial(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with the placeholders ``values`` knows; the others stay as written."""
    try:
        return string.Formatter().vformat(template, (), _Partial(values))
    except (IndexError, ValueError, AttributeError, KeyError):
        return template


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.strip().splitlines())



def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _yaml_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
