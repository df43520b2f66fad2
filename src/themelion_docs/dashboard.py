"""Quality dashboard (``/qualidade/``) and per-lesson status, from a CheckReport.

Pure: a report and the rule registry in, Markdown (dashboard) or an HTML
fragment (status block at the end of a lesson) out. A checklist item's state
on a page comes from the ``item`` field of the rule specs: ``erro`` when a
rule of the item has an error there, ``pendente`` when one was not measured
because a finding on the page silences it (L003, the scaffold's markers),
``dispensado`` when one is waived,
``aviso`` when one has a warning, else ``ok``. Page info keys written by the
example runner (``examples_run``, ``examples_passed``, ``ran_at``) are
optional: a page without them shows "—".
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass
from typing import Any, Collection, Mapping

from themelion_docs.config import CheckConfig
from themelion_docs.report import CheckReport, PageReport, Waiver
from themelion_docs.site.catalog import level_label

DASHBOARD_URI = "qualidade.md"
# Words, not emoji: they read the same with any font and in a screen reader.
STATE_LABELS = {"ok": "ok", "aviso": "aviso", "dispensado": "dispensado", "pendente": "*pendente*",
                "erro": "**erro**"}
STATE_ORDER = ("erro", "pendente", "dispensado", "aviso", "ok")  # the first that applies wins
MISSING = "—"


@dataclass(frozen=True)
class LessonRow:
    path: str
    rel: str
    title: str
    module: str
    level: str
    words: str
    examples: str  # "passed/run" or "—"
    errors: int
    warnings: int
    items: tuple[tuple[str, str], ...]  # (checklist item, state)
    waivers: tuple[Waiver, ...]
    ran_at: str


def checklist_items(config: CheckConfig) -> tuple[str, ...]:
    """The checklist items, in the order of their first rule code."""
    items: list[str] = []
    for spec in sorted(config.rules.values(), key=lambda r: r.code):
        if spec.item and spec.item not in items:
            items.append(spec.item)
    return tuple(items)


def item_states(page: PageReport, config: CheckConfig) -> dict[str, str]:
    item_of = {code: spec.item for code, spec in config.rules.items() if spec.item}
    found: dict[str, set[str]] = {item: set() for item in checklist_items(config)}
    for finding in page.findings:
        if finding.code in item_of:
            found[item_of[finding.code]].add("erro" if finding.is_error else "aviso")
    for waiver in page.waivers:
        if waiver.code in item_of:
            found[item_of[waiver.code]].add("dispensado")
    # A rule silenced on the page (L003: the scaffold's markers are still there) was not
    # measured: its item is "pendente", never "ok".
    for finding in page.findings:
        spec = config.rules.get(finding.code)
        for code in (spec.params.get("suppresses") or ()) if spec is not None else ():
            if code in item_of:
                found[item_of[code]].add("pendente")
    return {item: next((s for s in STATE_ORDER if s in states), "ok") for item, states in found.items()}


def lesson_rows(report: CheckReport, config: CheckConfig) -> list[LessonRow]:
    module_rank = {slug: rank for rank, slug in enumerate(config.modules)}
    lessons = [p for p in report.pages if p.kind == "lesson"]

    def sort_key(page: PageReport) -> tuple:
        order = page.info.get("order")
        return (module_rank.get(str(page.info.get("module")), len(module_rank)),
                order if isinstance(order, int) and not isinstance(order, bool) else 10**6, page.path)

    return [_row(page, config) for page in sorted(lessons, key=sort_key)]


def _row(page: PageReport, config: CheckConfig) -> LessonRow:
    info = page.info
    return LessonRow(
        path=page.path,
        rel=page.rel,
        title=str(info.get("title") or page.rel),
        module=_text(info.get("module")),
        level=_text(info.get("level")),
        words=_text(info.get("words")),
        examples=examples_text(info),
        errors=page.errors,
        warnings=page.warnings,
        items=tuple(item_states(page, config).items()),
        waivers=page.waivers,
        ran_at=format_date(info.get("ran_at")),
    )


def examples_text(info: Mapping[str, Any]) -> str:
    if "examples_run" not in info:
        return MISSING
    return f"{info.get('examples_passed', 0)}/{info['examples_run']}"


def format_date(value: Any) -> str:
    if not value:
        return MISSING
    try:
        moment = _dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc)
        return moment.strftime("%d/%m/%Y %H:%M UTC")
    return moment.strftime("%d/%m/%Y %H:%M")


# -- the dashboard page -----------------------------------------------------
def dashboard_markdown(report: CheckReport, config: CheckConfig, linkable: Collection[str] | None = None,
                       generated_at: str | None = None) -> str:
    """``linkable``: docs-relative paths that exist in the site (others are shown without a link)."""
    return dated(dashboard_parts(report, config, linkable), generated_at)


def dated(parts: tuple[str, str], generated_at: str | None) -> str:
    """The page from its two parts, with the date between them when there is one."""
    head, tail = parts
    return head + (f" Gerado em {format_date(generated_at)}." if generated_at else "") + tail


def dashboard_parts(report: CheckReport, config: CheckConfig, linkable: Collection[str] | None = None
                    ) -> tuple[str, str]:
    """The page before and after the place of its date: the same parts are the same room."""
    rows = lesson_rows(report, config)
    items = checklist_items(config)
    failing = sum(1 for row in rows if row.errors)
    out = [
        "---",
        "title: Qualidade das lições",
        "description: Estado de cada lição na última verificação do themelion.",
        "---",
        "",
        "# Qualidade das lições",
        "",
        f"{len(rows)} lição(ões), {failing} com erro; {report.errors} erro(s), {report.warnings} aviso(s) "
        f"e {len(report.waivers)} dispensa(s) no site inteiro.",
    ]
    head = "\n".join(out)
    out = [""]
    if rows:
        out += _table(["Lição", "Módulo", "Nível", "Palavras", "Exemplos (ok/rodados)", "Erros", "Avisos",
                       "Dispensas", "Última execução"],
                      [[_link(row, linkable), _cell(config.modules.get(row.module, row.module)),
                        _cell(level_label(row.level) or row.level), row.words, row.examples, str(row.errors),
                        str(row.warnings), str(len(row.waivers)), row.ran_at] for row in rows])
        out += ["", "## Checklist", "",
                "Cada item está **erro** quando uma regra dele tem erro na lição, *pendente* quando a lição ainda "
                "tem marcadores do modelo (a regra não mede um rascunho), *dispensado* quando a lição "
                "dispensa uma delas, *aviso* quando só há avisos e *ok* no resto. As regras de cada item estão "
                "no [contrato](autores/contrato.md#4-o-checklist-de-qualidade).",
                ""]
        out += _table(["Lição", *items],
                      [[_link(row, linkable), *(STATE_LABELS[dict(row.items)[item]] for item in items)]
                       for row in rows])
    else:
        out.append("Nenhuma lição encontrada.")
    waived = [row for row in rows if row.waivers]
    out += ["", "## Dispensas", ""]
    if waived:
        for row in waived:
            for waiver in row.waivers:
                out.append(f"- `{row.path}`: {waiver.code} [{waiver.name}] — {waiver.reason}")
    else:
        out.append("Nenhuma regra dispensada.")
    others = [p for p in report.pages if p.kind != "lesson" and p.failed]
    if others:
        out += ["", "## Outras páginas com erro", ""]
        out += [f"- `{p.path}`: {p.errors} erro(s)" for p in others]
    return head, "\n" + "\n".join(out) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(["---"] * len(header)) + " |"]
    return lines + ["| " + " | ".join(cells) + " |" for cells in rows]


def _link(row: LessonRow, linkable: Collection[str] | None) -> str:
    title = _cell(row.title)
    return f"[{title}]({row.rel})" if linkable is None or row.rel in linkable else title


# -- the status block on each lesson -------------------------------------------
def status_html(page: PageReport, config: CheckConfig, dashboard_href: str | None = None,
                max_findings: int = 10) -> str:
    """A collapsed Material "info" details block for authors (HTML, every value escaped).

    ``data-search-exclude`` keeps it out of Material's search index: it is for
    authors, not a part of the lesson.
    """
    e = html.escape
    info = page.info
    head = [f"{page.errors} erro(s)", f"{page.warnings} aviso(s)",
            f"exemplos {examples_text(info)}", f"última execução {format_date(info.get('ran_at'))}"]
    items = " · ".join(f"{e(item)}: <strong>erro</strong>" if state == "erro" else f"{e(item)}: {state}"
                       for item, state in item_states(page, config).items())
    parts = [
        '<details class="info themelion-status" data-search-exclude>',
        "<summary>Estado da verificação</summary>",
        f"<p><strong>{e(head[0])}</strong> · {e(' · '.join(head[1:]))}</p>",
        f"<p>{items}</p>",
    ]
    if page.findings:
        parts.append("<ul>")
        for finding in page.findings[:max_findings]:
            label = "" if finding.is_error else " (aviso)"
            parts.append(f"<li><code>{e(finding.code)}</code> linha {finding.line}{e(label)}: {e(finding.message)}</li>")
        if len(page.findings) > max_findings:
            parts.append(f"<li>… e mais {len(page.findings) - max_findings} (rode <code>themelion check "
                         f"{e(page.path)}</code>)</li>")
        parts.append("</ul>")
    for waiver in page.waivers:
        parts.append(f"<p>Dispensada: <code>{e(waiver.code)}</code> [{e(waiver.name)}] — {e(waiver.reason)}</p>")
    if dashboard_href:
        parts.append(f'<p><a href="{e(dashboard_href)}">Painel de qualidade</a></p>')
    parts.append("</details>")
    return "\n".join(parts)


def _text(value: Any) -> str:
    return MISSING if value is None or value == "" else _cell(str(value))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
