"""``themelion new MODULO/SLUG``: a lesson scaffold from a Jinja2 template.

The template is looked up in the project first (``templates/lesson.md.j2``
next to mkdocs.yml, so a project can adapt it) and falls back to the copy
shipped in the package (``themelion_docs/data/templates/lesson.md.j2``, so an
installed toolchain works anywhere). Counts the rules expect (mistakes, table
rows, references) and section titles come from the same registry the checker
uses, so the scaffold only fails on its placeholders.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable

import jinja2

from themelion_docs.config import CheckConfig
from themelion_docs.frontmatter import split
from themelion_docs.lesson import normalize_newlines

TEMPLATE_NAME = "lesson.md.j2"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """The request cannot be honoured; the message is for the author (pt-BR)."""


@dataclass(frozen=True)
class LessonRequest:
    module: str
    slug: str
    title: str
    level: str
    order: int


@dataclass(frozen=True)
class Template:
    text: str
    origin: str  # where it came from, for messages


def parse_target(target: str, config: CheckConfig) -> tuple[str, str]:
    """``"apis/rest-basico"`` -> ("apis", "rest-basico"), with Portuguese errors."""
    cleaned = target.strip().strip("/").removesuffix(".md")
    parts = cleaned.split("/")
    if len(parts) != 2 or not all(parts):
        raise ScaffoldError(f"use MÓDULO/SLUG, ex. `protocolos/http2` (recebido: «{target}»)")
    module, slug = parts
    if module not in config.modules:
        raise ScaffoldError(f"módulo desconhecido: «{module}». Módulos: {', '.join(config.modules)}")
    if not SLUG.match(slug):
        raise ScaffoldError(
            f"slug inválido: «{slug}». Use letras minúsculas sem acento, números e hífens (kebab-case), "
            "ex. `cache-http`")
    if slug == "index":
        raise ScaffoldError("o slug `index` é reservado para a página do módulo; escolha outro nome")
    return module, slug


def validate_request(title: str, level: str, config: CheckConfig) -> None:
    if not title.strip() or "\n" in title:
        raise ScaffoldError("o título (--title) não pode ser vazio nem ter quebra de linha")
    if level not in config.levels:
        raise ScaffoldError(f"nível desconhecido: «{level}». Use um de: {', '.join(config.levels)}")


def next_order(orders: Iterable[object]) -> int:
    numbers = [o for o in orders if isinstance(o, int) and not isinstance(o, bool)]
    return max(numbers, default=0) + 1


def template_values(request: LessonRequest, config: CheckConfig) -> dict:
    rule = config.rules
    return {
        "title": request.title.strip(),
        "module": request.module,
        "module_title": config.modules[request.module],
        "order": request.order,
        "level": request.level,
        "marker": rule["L003"].params["marker"],
        "sections": {s.key: s.title for s in config.sections},
        "minimal": rule["Q070"].params["minimal"],
        "production": rule["Q070"].params["production"],
        "mistakes": int(rule["Q110"].params["min_mistakes"]),
        "table_rows": int(rule["Q060"].params["min_rows"]),
        "references": int(rule["Q100"].params["min_items"]),
    }


def render_lesson(template: Template, request: LessonRequest, config: CheckConfig) -> str:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                     trim_blocks=False, lstrip_blocks=False, autoescape=False)
    environment.filters["yaml"] = _yaml_text
    try:
        text = environment.from_string(template.text).render(**template_values(request, config))
    except jinja2.TemplateError as error:
        raise ScaffoldError(f"o modelo {template.origin} tem um erro: {error}") from error
    return text.lstrip("\n").rstrip("\n") + "\n"


def _yaml_text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for ':' '#' quotes and accents.
    return json.dumps(str(value), ensure_ascii=False)


# -- I/O edge --------------------------------------------------------------
def find_template(project_root: Path) -> Template:
    local = project_root / "templates" / TEMPLATE_NAME
    if local.is_file():
        return Template(local.read_text(encoding="utf-8"), str(local))
    packaged = resources.files("themelion_docs").joinpath("data", "templates", TEMPLATE_NAME)
    return Template(packaged.read_text(encoding="utf-8"), f"padrão do pacote ({TEMPLATE_NAME})")


def module_orders(module_dir: Path) -> list[object]:
    orders = []
    for path in sorted(module_dir.glob("*.md")) if module_dir.is_dir() else ():
        if path.name == "index.md":
            continue
        try:
            front_matter, _ = split(normalize_newlines(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
        orders.append(front_matter.data.get("order"))
    return orders


def create_lesson(target: str, title: str, level: str, config: CheckConfig, docs_dir: Path,
                  project_root: Path, order: int | None = None) -> Path:
    """Write the scaffold and return its path; never overwrites an existing file."""
    module, slug = parse_target(target, config)
    validate_request(title, level, config)
    module_dir = docs_dir / config.lessons_dir / module
    path = module_dir / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{_shown(path)} já existe; nada foi alterado. Escolha outro slug ou edite o arquivo.")
    if order is not None and order < 1:
        raise ScaffoldError("--order precisa ser um inteiro maior que zero")
    request = LessonRequest(module, slug, title, level, order or next_order(module_orders(module_dir)))
    text = render_lesson(find_template(project_root), request, config)
    module_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": a file created meanwhile is not clobbered
        handle.write(text)
    return path


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
