"""Rule documentation generated from the registry (CLI and author's guide)."""

from __future__ import annotations

from typing import Any

from themelion_docs.config import CheckConfig, RuleSpec

FAMILIES = {
    "pagina": "Página",
    "front-matter": "Front matter",
    "secoes": "Seções obrigatórias",
    "checklist": "Checklist de qualidade",
    "exemplos": "Exemplos executáveis",
    "prosa": "Prosa em português",
}


def rules_table(config: CheckConfig) -> str:
    lines = []
    width = max(len(r.name) for r in config.rules.values())
    for spec in sorted(config.rules.values(), key=lambda r: r.code):
        severity = "erro " if spec.severity.value == "error" else "aviso"
        lines.append(f"{spec.code}  {spec.name:<{width}}  {severity}  {spec.summary}")
    return "\n".join(lines) + "\n"


def explain_rule(spec: RuleSpec) -> str:
    severity = "erro (bloqueia a página)" if spec.severity.value == "error" else "aviso (informa)"
    parts = [
        f"{spec.code} [{spec.name}]",
        f"Severidade: {severity}",
        f"Família: {FAMILIES.get(spec.family, spec.family)}" + (f" — item do checklist: {spec.item}" if spec.item else ""),
        "",
        spec.summary,
        "",
        "Por quê:",
        _indent(spec.why),
        "",
        "Como corrigir:",
        _indent(spec.hint),
    ]
    if spec.params:
        parts += ["", "Limites (configuráveis em mkdocs.yml, opção `rules`):"]
        parts += [f"    {name}: {_show(value)}" for name, value in spec.params.items()]
    parts += ["", "Errado:", _indent(spec.wrong), "", "Certo:", _indent(spec.right)]
    if spec.waivable:
        parts += ["", f"Dispensável por página: `waive:` com `{spec.code}: \"motivo\"`."]
    return "\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.strip().splitlines())


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        shown = ", ".join(map(str, value[:12]))
        return shown + (f" … (+{len(value) - 12})" if len(value) > 12 else "")
    return str(value)
