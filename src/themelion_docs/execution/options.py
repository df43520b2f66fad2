"""Options of a runnable fence (``session``, ``expect``, ``timeout``, ``run``, ``reason``,
and ``exercise``/``part`` for the parts of a practice exercise).

Reading never raises: every problem is a finding at the fence's line.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

from themelion_docs.fences import RENDERER_OPTIONS, FenceInfo, parse_info, render_info
from themelion_docs.findings import Finding

from .catalog import make_finding

OWNED_OPTIONS = frozenset({"session", "expect", "timeout", "processes", "run", "reason", "exercise", "part"})

# Parts of a practice exercise (``exercise="id" part="..."``): the code the learner starts from,
# the tests the learner sees, and the reference solution the build runs them against (hidden).
EXERCISE_PARTS = ("starter", "tests", "solution")

# Info-string language -> the runtime that runs it.
RUNNABLE_LANGUAGES = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "javascript": "javascript",
    "js": "javascript",
}

OUTPUT_LANGUAGE = "output"


@dataclass(frozen=True)
class BlockOptions:
    session: str | None = None
    expect: str | None = None
    timeout: float = 10.0
    processes: int | None = None
    """Processes and threads the block's unit may hold, when the fence asks for more than the default."""
    run: bool = True
    reason: str | None = None
    valid: bool = True
    exercise: str | None = None
    """Id of the practice exercise this fence is a part of (``exercise``)."""
    part: str | None = None
    """Which part of the exercise: one of EXERCISE_PARTS."""


def read_options(
    info: FenceInfo,
    runtime: str,
    path: str,
    line: int,
    *,
    default_timeout: float,
    max_timeout: float,
    default_processes: int = 128,
    processes_ceiling: int = 512,
) -> tuple[BlockOptions, list[Finding]]:
    """Validate the options of one runnable fence."""
    findings: list[Finding] = []
    found = lambda code, **fields: findings.append(make_finding(code, path, line, **fields))  # noqa: E731

    for problem in info.errors:
        found("E005", problem=problem)
    for option in info.order:
        if option not in OWNED_OPTIONS | RENDERER_OPTIONS:
            close = difflib.get_close_matches(option, sorted(OWNED_OPTIONS | RENDERER_OPTIONS), n=1)
            found(
                "E001",
                option=option,
                language=runtime,
                known=", ".join(sorted(OWNED_OPTIONS | RENDERER_OPTIONS)),
                suggestion=f" (você quis dizer «{close[0]}»?)" if close else "",
            )

    options = info.options
    session = options.get("session")
    if session is not None and not session.strip():
        found("E002", option="session", value=session, problem="vazio",
              fix='dê um nome à sessão, por exemplo session="cliente"')
        session = None
    elif session is not None:
        session = session.strip()

    expect = options.get("expect")
    if expect is not None and expect != "error" and not expect.isidentifier():
        last = expect.rsplit(".", 1)[-1]
        fix = f'use só o nome da classe: expect="{last}"' if last.isidentifier() else \
            'use expect="error" (qualquer falha) ou o nome de uma exceção, por exemplo expect="ValueError"'
        found("E002", option="expect", value=expect, problem="não é «error» nem um nome de exceção", fix=fix)
        expect = None

    timeout = default_timeout
    if "timeout" in options:
        value = options["timeout"]
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number <= 0:
            found("E002", option="timeout", value=value, problem="não é um número positivo de segundos",
                  fix=f'use segundos, por exemplo timeout="5" (máximo {max_timeout:g})')
        elif number > max_timeout:
            found("E002", option="timeout", value=value, problem=f"acima do máximo de {max_timeout:g} s",
                  fix=f"encurte o exemplo ou use no máximo timeout=\"{max_timeout:g}\"")
        else:
            timeout = number

    processes = None
    if "processes" in options:
        value = options["processes"]
        number = int(value) if value.isdigit() and len(value) <= 6 else 0
        if number < 1:
            found("E002", option="processes", value=value, problem="não é um número inteiro positivo",
                  fix=f'use um inteiro, por exemplo processes="256" (padrão {default_processes}, '
                      f'máximo {processes_ceiling})')
        elif number > processes_ceiling:
            found("E002", option="processes", value=value, problem=f"acima do máximo de {processes_ceiling}",
                  fix=f"use um pool menor ou no máximo processes=\"{processes_ceiling}\"")
        elif number > default_processes:
            processes = number

    run = True
    if "run" in options:
        value = options["run"]
        if value == "no":
            run = False
        elif value != "yes":
            found("E002", option="run", value=value, problem='aceita só "no" ou "yes"',
                  fix='use run="no" reason="..." para não executar o bloco')
    reason = options.get("reason")
    if reason is not None and not reason.strip():
        reason = None
    if not run and reason is None:
        found("E003")
    if run and "reason" in options:
        found("E006", option="reason", context='sem run="no"',
              fix='remova reason, ou acrescente run="no" se o bloco não deve rodar')

    exercise, part = _exercise_options(options, found)

    valid = not any(f.is_error for f in findings)
    return BlockOptions(session=session, expect=expect, timeout=timeout, processes=processes, run=run,
                        reason=reason, valid=valid, exercise=exercise, part=part), findings


def _exercise_options(options: dict[str, str], found) -> tuple[str | None, str | None]:
    """``exercise`` and ``part``: an exercise's parts run in units of their own, so the options
    that place a block in a session, expect an error or skip it make no sense there."""
    exercise, part = options.get("exercise"), options.get("part")
    if exercise is None:
        if part is not None:
            found("E006", option="part", context="sem exercise",
                  fix='acrescente exercise="nome-do-exercicio" ou remova part')
        return None, None
    exercise = exercise.strip()
    if not exercise:
        found("E002", option="exercise", value=options["exercise"], problem="vazio",
              fix='dê um nome ao exercício, por exemplo exercise="limite-de-taxa"')
        return None, None
    parts = ", ".join(f'part="{name}"' for name in EXERCISE_PARTS)
    if part is None:
        found("E002", option="part", value="", problem="falta a parte do exercício",
              fix=f"diga que parte do exercício é o bloco: {parts}")
        return None, None
    if part not in EXERCISE_PARTS:
        close = difflib.get_close_matches(part, EXERCISE_PARTS, n=1)
        found("E002", option="part", value=part, problem="não é uma parte de exercício",
              fix=f'use part="{close[0]}"' if close else f"use {parts}")
        return None, None
    for option, why in (("session", "as partes de um exercício rodam em sessões próprias"),
                        ("expect", "os testes decidem; o código inicial falha neles por construção"),
                        ("run", "todo exercício roda no build")):
        if option in options:
            found("E002", option=option, value=options[option], problem=f"não se usa num exercício: {why}",
                  fix=f"remova {option} deste bloco")
    return exercise, part


def strip_owned_options(info: str) -> str:
    """The info string with only the renderer's options (title, linenums, hl_lines).

    pymdownx.superfences drops a fence with an option it does not know, so the
    Markdown handed to the renderer must not carry ours (nor unknown ones,
    which are reported as findings).
    """
    parsed = parse_info(info)
    if not parsed.language:
        return info.strip()
    return render_info(parsed.language, parsed.options, RENDERER_OPTIONS)
