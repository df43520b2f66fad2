"""The checker's configuration: the registry in data/rules.yaml plus overrides.

Overrides come from mkdocs.yml (plugin options) or the CLI, never from code:
    rules:
      Q010: {min_words: 1200}          # a threshold
      termo-vago: {severity: error}    # a severity, by code or name
    select: [F, S, Q010]               # only these codes (prefixes allowed)
    ignore: [Q091]
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping, Sequence

import yaml

from themelion_docs.findings import Finding, Severity
from themelion_docs.lesson import normalize_title

WAIVABLE_FAMILIES = frozenset({"checklist", "secoes", "prosa"})


class ConfigError(ValueError):
    """A configuration value is wrong; the message is for the author (pt-BR)."""


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    severity: Severity
    family: str
    summary: str
    message: str
    hint: str
    why: str
    wrong: str
    right: str
    item: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def waivable(self) -> bool:
        return self.family in WAIVABLE_FAMILIES

    def finding(self, path: str, line: int, /, **values: Any) -> Finding:
        # Positional-only: message templates may use {line} themselves (M001).
        return Finding(
            path=path,
            line=line,
            code=self.code,
            name=self.name,
            severity=self.severity,
            message=_format(self.message, values),
            hint=_format(self.hint, values),
        )


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    aliases: tuple[str, ...]

    @property
    def match_keys(self) -> frozenset[str]:
        return frozenset(normalize_title(t) for t in (self.title, *self.aliases))


@dataclass(frozen=True)
class CheckConfig:
    rules: Mapping[str, RuleSpec]
    modules: Mapping[str, str]  # slug -> title, in order
    levels: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    required_keys: tuple[str, ...]
    key_types: Mapping[str, str]
    page_keys: tuple[str, ...]
    lessons_dir: str = "backend"
    max_page_bytes: int = 1_048_576
    max_nesting: int = 30
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def rule(self, code: str) -> RuleSpec:
        return self.rules[code]

    def resolve(self, code_or_name: str) -> RuleSpec | None:
        key = str(code_or_name).strip()
        if key.upper() in self.rules:
            return self.rules[key.upper()]
        return next((r for r in self.rules.values() if r.name == key.lower()), None)

    def is_enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)

    def section_for(self, title: str) -> SectionSpec | None:
        key = normalize_title(title)
        return next((s for s in self.sections if key in s.match_keys), None)


def _load_yaml(text: str) -> Any:
    """libyaml when available: the registry is read on every build."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=1)
def _registry_data() -> dict[str, Any]:
    """data/rules.yaml plus the ``rules:`` of every data/rules.d/*.yaml (one file per family)."""
    data_dir = resources.files("themelion_docs").joinpath("data")
    data = _load_yaml(data_dir.joinpath("rules.yaml").read_text(encoding="utf-8"))
    extra_dir = data_dir.joinpath("rules.d")
    if extra_dir.is_dir():
        for entry in sorted(extra_dir.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml"):
                extra = _load_yaml(entry.read_text(encoding="utf-8")) or {}
                for code, rule in (extra.get("rules") or {}).items():
                    if code in data["rules"]:
                        raise ConfigError(f"código de regra repetido: {code} em rules.d/{entry.name}")
                    data["rules"][code] = rule
    for code, entry in _runner_catalog().items():
        if code in data["rules"]:
            raise ConfigError(f"código de regra repetido: {code} no catálogo do executor")
        data["rules"][code] = {"family": "exemplos", **entry,
                               "summary": entry.get("summary") or _blank(entry["message"])}
    return data


def _runner_catalog() -> dict[str, Any]:
    """The example runner's finding kinds (execution/findings.yaml): one source for its codes."""
    try:
        text = resources.files("themelion_docs.execution").joinpath("findings.yaml").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    return _load_yaml(text) or {}


def _blank(template: str) -> str:
    """A message template as a summary: placeholders become «…»."""
    import re

    text = " ".join(re.sub(r"\{[^{}]*\}", "…", template).split())
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def load_config(
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    modules: Any = None,
    lessons_dir: Any = None,
) -> CheckConfig:
    """The registry with a project's overrides.

    ``modules`` (a list of ``{slug, title}``) and ``lessons_dir`` replace the
    Backend room's for another project; everything else still comes from data.
    """
    data = copy.deepcopy(_registry_data())
    rules = {code: _rule_from_data(code, raw) for code, raw in data["rules"].items()}
    config = CheckConfig(
        rules=rules,
        modules={m["slug"]: m["title"] for m in data["modules"]},
        levels=tuple(data["levels"]),
        sections=tuple(SectionSpec(s["key"], s["title"], tuple(s.get("aliases") or ())) for s in data["sections"]),
        required_keys=tuple(data["front_matter"]["required"]),
        key_types=dict(data["front_matter"]["types"]),
        page_keys=tuple(data["front_matter"]["page_keys"]),
        lessons_dir=data.get("lessons_dir", "backend"),
        max_page_bytes=int(data.get("max_page_bytes", 1_048_576)),
        max_nesting=int(data.get("max_nesting", 30)),
    )
    if modules is not None:
        config = replace(config, modules=_modules_from_option(modules))
    if lessons_dir is not None:
        if not isinstance(lessons_dir, str) or not lessons_dir.strip() or "/" in lessons_dir.strip("/"):
            raise ConfigError(f"lessons_dir precisa ser o nome de uma pasta do docs_dir, recebeu «{lessons_dir}»")
        config = replace(config, lessons_dir=lessons_dir.strip("/"))
    config = _apply_overrides(config, overrides or {})
    for code in (*select, *ignore):
        if not any(c.startswith(code.upper()) for c in config.rules) and config.resolve(code) is None:
            raise ConfigError(f"regra desconhecida em select/ignore: «{code}» (veja `themelion rules`)")
    codes = lambda items: tuple(config.resolve(c).code if config.resolve(c) else c.upper() for c in items)  # noqa: E731
    return replace(config, select=codes(select), ignore=codes(ignore))


def _modules_from_option(value: Any) -> dict[str, str]:
    example = "modules: [{slug: filas, title: \"Filas\"}, {slug: cache, title: \"Cache\"}]"
    if not isinstance(value, list) or not value:
        raise ConfigError(f"modules precisa ser uma lista não vazia, ex. {example}")
    modules: dict[str, str] = {}
    for item in value:
        slug = item.get("slug") if isinstance(item, Mapping) else None
        title = item.get("title", slug) if isinstance(item, Mapping) else None
        if not isinstance(slug, str) or not slug or not all(c.isalnum() or c == "-" for c in slug):
            raise ConfigError(f"módulo inválido em modules: «{item}» (use slug em kebab-case), ex. {example}")
        if slug in modules:
            raise ConfigError(f"módulo repetido em modules: «{slug}»")
        modules[slug] = str(title)
    return modules


def _rule_from_data(code: str, raw: Mapping[str, Any]) -> RuleSpec:
    return RuleSpec(
        code=code,
        name=raw["name"],
        severity=Severity(raw["severity"]),
        family=raw["family"],
        summary=raw["summary"],
        message=raw["message"],
        hint=raw.get("hint", ""),
        why=raw.get("why", "").strip(),
        wrong=str(raw.get("wrong", "")).rstrip("\n"),
        right=str(raw.get("right", "")).rstrip("\n"),
        item=raw.get("item"),
        params=raw.get("params") or {},
    )


def _apply_overrides(config: CheckConfig, overrides: Mapping[str, Mapping[str, Any]]) -> CheckConfig:
    rules = dict(config.rules)
    for key, values in overrides.items():
        spec = config.resolve(key)
        if spec is None:
            raise ConfigError(f"regra desconhecida na configuração: «{key}» (veja `themelion rules`)")
        if not isinstance(values, Mapping):
            raise ConfigError(f"a configuração da regra {spec.code} deve ser um mapeamento, ex. {{severity: warning}}")
        params = dict(spec.params)
        severity = spec.severity
        for name, value in values.items():
            if name == "severity":
                try:
                    severity = Severity(value)
                except ValueError:
                    raise ConfigError(f"{spec.code}: severidade «{value}» inválida (use error ou warning)") from None
            elif name in params:
                expected = type(params[name])
                if isinstance(params[name], dict) and isinstance(value, Mapping):
                    merged = dict(params[name])
                    merged.update(value)
                    value = merged
                elif not isinstance(value, expected) or isinstance(value, bool) != isinstance(params[name], bool):
                    raise ConfigError(f"{spec.code}.{name} deve ser do tipo {expected.__name__}, recebeu «{value}»")
                params[name] = value
            else:
                allowed = ", ".join(["severity", *params]) or "severity"
                raise ConfigError(f"{spec.code}: opção «{name}» desconhecida (aceitas: {allowed})")
        rules[spec.code] = replace(spec, severity=severity, params=params)
    return replace(config, rules=rules)


def _format(template: str, values: Mapping[str, Any]) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
