"""From what happened (an Outcome) to what the author reads (status and findings).

Pure: the same example and outcome always give the same verdict, whether the
outcome comes from a fresh run or from the cache.
"""

from __future__ import annotations

import errno as errnos
import re
import signal
from dataclasses import dataclass
from typing import Literal

from themelion_docs.findings import Finding

from .catalog import make_finding
from .examples import Example
from .outcome import Outcome
from .output_match import output_diff, output_matches
from .settings import RunnerSettings
from .tracebacks import SourceMap, failing_line, map_text, trim, without_runner_frames

Status = Literal["passed", "failed", "timeout", "not-run", "unavailable"]


@dataclass(frozen=True)
class Verdict:
    status: Status
    findings: tuple[Finding, ...]
    stdout: str
    stderr: str
    traceback: str


def judge(
    example: Example,
    outcome: Outcome,
    source: SourceMap,
    settings: RunnerSettings,
    interrupted_line: int | None = None,
) -> Verdict:
    stdout = map_text(outcome.stdout, source)
    stderr = map_text(outcome.stderr, source)
    traceback = map_text(outcome.traceback, source)
    findings: list[Finding] = []
    at = lambda line, code, **fields: findings.append(make_finding(code, example.path, line, **fields))  # noqa: E731
    status: Status

    if outcome.kind == "interrupted":
        at(example.line, "E016", session=example.session or "", failed_line=interrupted_line or example.line)
        return Verdict("not-run", tuple(findings), stdout, stderr, traceback)
    if outcome.kind == "infra-error":
        at(example.line, "E021", problem=outcome.problem or "erro desconhecido")
        return Verdict("failed", tuple(findings), stdout, stderr, traceback)
    if outcome.kind == "timeout":
        at(example.line, "E012", timeout=f"{example.timeout:g}", max_timeout=f"{settings.max_timeout:g}")
        status = "timeout"
    elif outcome.kind == "process-limit":
        at(example.line, "E018", limit=example.processes or settings.max_processes,
           ceiling=settings.processes_ceiling, detail="; o exemplo foi encerrado")
        status = "failed"
    elif outcome.kind == "disk-limit":
        at(example.line, "E026", disk_mb=settings.disk_mb, max_files=settings.max_files,
           detail="; o exemplo foi encerrado")
        status = "failed"
    elif outcome.kind == "output-flood":
        status = "failed"  # the E014 below says what happened
    else:
        _judge_run(example, outcome, source, settings, stdout, stderr, traceback, at)
        status = "passed"

    limit = settings.output_limit_bytes
    for stream, cut in (("stdout", outcome.stdout_cut), ("stderr", outcome.stderr_cut)):
        if cut:
            stopped = "; o processo foi encerrado" if outcome.kind == "output-flood" else ""
            prefix = "pelo menos " if outcome.kind == "output-flood" else ""
            at(example.line, "E014", stream=stream, kept=limit, cut=f"{prefix}{cut}", stopped=stopped, limit=limit)
    for stream in outcome.invalid_utf8:
        at(example.line, "E019", stream=stream)

    if status == "passed" and any(f.is_error for f in findings):
        status = "failed"
    return Verdict(status, tuple(findings), stdout, stderr, traceback)


def _judge_run(example, outcome, source, settings, stdout, stderr, traceback, at) -> None:
    where = failing_line(outcome.traceback or outcome.stderr, example.language, source) or example.line
    shown = trim(traceback or stderr) or "(sem traceback)"
    met = True
    if example.expect is None:
        if outcome.failed:
            _failure(example, outcome, settings, where, shown, stderr, at)
            met = False
    elif not outcome.failed:
        at(example.line, "E015", expect=example.expect)
        met = False
    elif example.expect != "error" and outcome.exc_type != example.expect and _network(outcome, example.code):
        _network_finding(where, outcome, at, example.code)
        met = False
    elif example.expect != "error" and outcome.exc_type != example.expect:
        at(where, "E022", expect=example.expect, got=_what_ended(outcome), traceback=shown)
        met = False
    if met and example.expected_output is not None and not output_matches(example.expected_output, stdout):
        line = example.expected_output_line or example.line
        at(line, "E011", diff=output_diff(example.expected_output, stdout))


def _failure(example, outcome, settings, where, shown, stderr, at) -> None:
    code = outcome.exit_code or 0
    if code < 0:
        number = -code
        if number == signal.SIGXCPU:
            at(example.line, "E012", timeout=f"{example.timeout:g}", max_timeout=f"{settings.max_timeout:g}")
        elif number == signal.SIGXFSZ:
            at(where, "E023", max_file_mb=settings.max_file_mb, traceback=shown)
        else:
            dump = without_runner_frames(stderr).strip()
            detail = f" ({outcome.problem})" if outcome.problem else ""
            detail += f":\n{trim(dump)}" if dump else ""
            at(where, "E017", signal=_signal_name(number), detail=detail)
    elif outcome.exc_type == "MemoryError" or outcome.errno == errnos.ENOMEM or "heap out of memory" in stderr:
        at(where, "E013", memory_mb=settings.memory_mb, traceback=shown)
    elif outcome.errno in (errnos.ENOSPC, errnos.EDQUOT):
        at(where, "E026", disk_mb=settings.disk_mb, max_files=settings.max_files, detail=f":\n{shown}")
    elif outcome.errno == errnos.EFBIG:
        at(where, "E023", max_file_mb=settings.max_file_mb, traceback=shown)
    elif _hit_process_limit(outcome, example, settings):
        at(where, "E018", limit=example.processes or settings.max_processes,
           ceiling=settings.processes_ceiling, detail=f":\n{shown}")
    elif _network(outcome, example.code):
        _network_finding(where, outcome, at, example.code)
    else:
        exit_note = f" (código de saída {code})" if not outcome.exc_type or outcome.exc_type == "SystemExit" else ""
        text = shown if outcome.traceback else (trim(stderr) or "(sem saída de erro)")
        at(where, "E010", exit=exit_note, traceback=text, suggested_expect=outcome.exc_type or "error")


# The sandbox has only loopback: no DNS, no route out. What a block that tries to leave
# the machine gets, by errno, by exception class, or in the text of a wrapping exception
# (urllib's URLError, httpx's ConnectError, Node's getaddrinfo errors keep only the text).
_NO_ROUTE = {errnos.ENETUNREACH: "sem rota para a rede", errnos.EHOSTUNREACH: "sem rota para o host",
             errnos.ENETDOWN: "rede indisponível"}
_NETWORK_TEXT = (
    (re.compile(r"gaierror|\[Errno -\d+\]|name resolution|Name or service not known|nodename nor servname"
                r"|No address associated with hostname|getaddrinfo (?:EAI_AGAIN|ENOTFOUND)"),
     "a resolução de nome (DNS) falhou"),
    (re.compile(r"Network is unreachable|\[Errno 101\]|ENETUNREACH"), "sem rota para a rede"),
    (re.compile(r"No route to host|\[Errno 113\]|EHOSTUNREACH"), "sem rota para o host"),
)


# A refused connection is the block's own bug when it targets loopback (its server did
# not start); it is the sandbox when the block only names hosts outside the machine.
_REFUSED = re.compile(r"Connection refused|\[Errno 111\]|ECONNREFUSED")
_LOOPBACK = re.compile(r"\b127\.\d+\.\d+\.\d+\b|\blocalhost\b|::1|\b0\.0\.0\.0\b|socketpair|AF_UNIX")
_EXTERNAL = re.compile(r"[a-z][a-z0-9+.-]*://(?!127\.|localhost|\[::1\])[^\s/'\"]+"
                       r"|[\"'](?!127\.)\d{1,3}(?:\.\d{1,3}){3}[\"']"
                       r"|[\"'][a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|br|example)[\"']", re.I)


def _network(outcome: Outcome, code: str = "") -> str | None:
    """What the block hit when it tried to leave the machine, or None."""
    if outcome.errno in _NO_ROUTE:
        return _NO_ROUTE[outcome.errno]
    if outcome.exc_type == "gaierror":
        return "a resolução de nome (DNS) falhou"
    text = _last_error(outcome.traceback or outcome.stderr)
    for pattern, what in _NETWORK_TEXT:
        if text and pattern.search(text):
            return what
    refused = outcome.errno == errnos.ECONNREFUSED or bool(text and _REFUSED.search(text))
    if refused and _EXTERNAL.search(code) and not _LOOPBACK.search(code):
        return "conexão recusada num endereço fora da máquina"
    return None


def _last_error(text: str) -> str:
    """The line that names the exception that ended the block (the last one of the traceback)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _network_finding(where: int, outcome: Outcome, at, code: str = "") -> None:
    # Not the traceback: its 40 lines are urllib's or httpx's, the cause is the sandbox.
    error = _last_error(outcome.traceback or outcome.stderr)
    at(where, "E031", what=_network(outcome, code), error=error[:300])


def _hit_process_limit(outcome: Outcome, example: Example, settings: RunnerSettings) -> bool:
    """A thread or process the kernel refused (EAGAIN: RLIMIT_NPROC). The worker
    counts tasks when the error reaches it; a ``finally`` that joined the threads
    first leaves few, so the refusal itself also counts."""
    if outcome.tasks is None or outcome.exc_type not in ("BlockingIOError", "RuntimeError"):
        return False
    if outcome.tasks >= (example.processes or settings.max_processes) - 1:
        return True
    refused_thread = outcome.exc_type == "RuntimeError" and "can't start new thread" in (outcome.traceback or "")
    refused_fork = outcome.exc_type == "BlockingIOError" and outcome.errno == errnos.EAGAIN
    return refused_thread or refused_fork


def _what_ended(outcome: Outcome) -> str:
    code = outcome.exit_code or 0
    if code < 0:
        return f"terminou pelo sinal {_signal_name(-code)}"
    if outcome.exc_type and outcome.exc_type != "SystemExit":
        return f"levantou {outcome.exc_type}"
    return f"terminou com código de saída {code}"


def _signal_name(number: int) -> str:
    try:
        return f"{signal.Signals(number).name} ({number})"
    except ValueError:
        return str(number)
