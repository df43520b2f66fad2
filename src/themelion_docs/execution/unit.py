"""One run unit (a standalone block or a session) driven through its sandbox.

The builder side of the protocol: send each block with two fresh pipes for its
stdout and stderr, read them with a cap while waiting for the block's answer
or the end of the process, enforce the wall-clock limit, and kill the unit's
init (which takes every process of the unit with it) when it is over.
"""

from __future__ import annotations

import json
import math
import os
import selectors
import shutil
import signal
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Sequence

from .capture import BoundedBuffer
from .forkserver import ForkServer, ForkServerError, base_environment
from .isolation import Isolation
from .outcome import Outcome
from .settings import RunnerSettings

SETUP_TIMEOUT = 30.0
DRAIN_GRACE = 0.05
END_GRACE = 2.0
INFRA_PROCESSES = 2  # init and worker run as the sandbox's uid too (the gate does not)
MAX_MESSAGE = 1 << 20
LOST_UNIT = "os processos do sandbox terminaram durante o bloco, sem relatório"


@dataclass(frozen=True)
class BlockJob:
    index: int
    """Position in the unit: the block runs as ``<themelion:index>``."""
    language: str
    code: str
    timeout: float
    last: bool
    stops_unit_on_failure: bool = True
    """A failing block stops its session, unless the failure was expected."""


@dataclass
class UnitRun:
    outcomes: list[Outcome] = field(default_factory=list)
    isolated: bool = False
    notes: list[str] = field(default_factory=list)


def run_unit(server: ForkServer, isolation: Isolation, jobs: Sequence[BlockJob], settings: RunnerSettings) -> UnitRun:
    root = make_run_root()
    try:
        request = unit_request(root, isolation, jobs, settings)
        try:
            ctl = server.open_unit(request)
        except ForkServerError as exc:
            return UnitRun(outcomes=[Outcome("infra-error", problem=str(exc)) for _ in jobs])
        with ctl, _Unit(ctl, isolation, settings, request["env"]["THEMELION_RUN"]) as unit:
            return unit.run(jobs)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def make_run_root() -> str:
    """A private directory per unit: ``work`` (cwd, /tmp) and ``shm`` (/dev/shm)."""
    root = tempfile.mkdtemp(prefix="themelion-run-")
    os.chmod(root, 0o711)
    return root


def unit_request(root: str, isolation: Isolation, jobs: Sequence[BlockJob], settings: RunnerSettings) -> dict:
    work, shm = os.path.join(root, "work"), os.path.join(root, "shm")
    for directory in (work, shm):
        os.mkdir(directory, 0o700)
        if isolation.namespaces and os.geteuid() == 0:
            os.chown(directory, isolation.outer_uid, isolation.outer_uid)
    home = "/tmp" if isolation.namespaces else work
    env = base_environment() | {"HOME": home, "TMPDIR": home, "THEMELION_RUN": uuid.uuid4().hex}
    cpu = math.ceil(sum(job.timeout for job in jobs)) + 1
    memory = settings.memory_mb << 20
    file_size = settings.max_file_mb << 20
    rlimits = {
        "RLIMIT_AS": [memory, memory],
        "RLIMIT_CPU": [cpu, cpu + 1],
        "RLIMIT_FSIZE": [file_size, file_size],
        "RLIMIT_CORE": [0, 0],
    }
    if isolation.namespaces:
        nproc = settings.max_processes + INFRA_PROCESSES
        rlimits["RLIMIT_NPROC"] = [nproc, nproc]
    return {
        "namespaces": isolation.namespaces,
        "network": isolation.network,
        "id_map": isolation.id_map,
        "keep_read_search": isolation.read_search,
        "mask": isolation.mask_plan,  # directories to cover with a tmpfs before entering the namespaces
        "fallback_id_map": isolation.fallback_id_map,  # if that masking fails: keep the capability instead
        "workdir": work,
        "shmdir": shm,
        "env": env,
        "rlimits": rlimits,
        "max_processes": settings.max_processes,
    }


class _Unit:
    def __init__(self, ctl: socket.socket, isolation: Isolation, settings: RunnerSettings, marker: str) -> None:
        self.ctl = ctl
        self.isolation = isolation
        self.settings = settings
        self.marker = marker
        self.pidfd: int | None = None
        self.pid: int | None = None
        self.dead = False
        self.closed = False  # the control socket reached end of file
        self.exit_status: int | None = None
        self.problem = ""
        self.process_limit = False
        self.notes: list[str] = []
        self.isolated = False

    # -- lifecycle

    def __enter__(self) -> "_Unit":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.kill()
        deadline = time.monotonic() + END_GRACE
        while not self.closed and time.monotonic() < deadline:
            self._read_events(deadline - time.monotonic())
        if not self.isolation.namespaces:
            kill_marked(self.marker)
        if self.pidfd is not None:
            os.close(self.pidfd)

    def kill(self) -> None:
        """SIGKILL the unit's init: in its pid namespace, that ends every process."""
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not self.isolation.namespaces and self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.dead = True

    # -- events

    def _read_events(self, timeout: float) -> list[dict]:
        if self.closed:
            return []
        sel = selectors.DefaultSelector()
        sel.register(self.ctl, selectors.EVENT_READ)
        events = []
        try:
            if sel.select(max(timeout, 0)):
                events.append(self._receive())
        finally:
            sel.close()
        return [e for e in events if e is not None]

    def _receive(self) -> dict | None:
        try:
            data = self.ctl.recv(MAX_MESSAGE)
        except OSError:
            data = b""
        if not data:
            self.closed = True
            self.dead = True
            return None
        event = json.loads(data)
        self._note(event)
        return event

    def _note(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "started":
            self.pid = event["pid"]
            self.isolated = bool(event.get("isolated"))
            try:
                self.pidfd = os.pidfd_open(self.pid)
            except ProcessLookupError:
                self.dead = True
        elif kind == "note":
            self.notes.extend(event.get("notes", []))
        elif kind == "worker-exit":
            self.exit_status = event["status"]
            self.dead = True
        elif kind == "sandbox-exit":
            self.dead = True
        elif kind == "process-limit":
            self.process_limit = True
        elif kind in ("setup-error", "internal-error"):
            self.problem = event.get("message", kind)
            self.dead = True

    # -- running

    def run(self, jobs: Sequence[BlockJob]) -> UnitRun:
        run = UnitRun()
        ready = self._wait_ready()
        stopped_by: int | None = None
        for job in jobs:
            if not ready:
                run.outcomes.append(Outcome("infra-error", problem=self.problem or "o sandbox não ficou pronto"))
                continue
            if stopped_by is not None:
                run.outcomes.append(Outcome("interrupted", interrupted_by=stopped_by))
                continue
            outcome = self._run_block(job)
            run.outcomes.append(outcome)
            if self.dead or (outcome.failed and job.stops_unit_on_failure) or outcome.kind == "infra-error":
                stopped_by = job.index
        run.isolated = self.isolated
        run.notes = self.notes
        return run

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + SETUP_TIMEOUT
        while time.monotonic() < deadline and not self.dead:
            for event in self._read_events(deadline - time.monotonic()):
                if event.get("event") == "ready":
                    return True
        if not self.problem:
            self.problem = "o sandbox não respondeu" if not self.dead else "o sandbox terminou antes de ficar pronto"
        return False

    def _run_block(self, job: BlockJob) -> Outcome:
        limit = self.settings.output_limit_bytes
        flood = limit * self.settings.output_kill_factor
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        buffers = {out_r: BoundedBuffer(limit), err_r: BoundedBuffer(limit)}
        message = {"index": job.index, "language": job.language, "code": job.code, "last": job.last}
        started = time.monotonic()
        try:
            socket.send_fds(self.ctl, [json.dumps(message).encode()], [out_w, err_w])
        except OSError as exc:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            self.dead = True
            return Outcome("infra-error", problem=f"não foi possível enviar o bloco: {exc}")
        os.close(out_w)
        os.close(err_w)

        sel = selectors.DefaultSelector()
        sel.register(self.ctl, selectors.EVENT_READ)
        for fd in buffers:
            sel.register(fd, selectors.EVENT_READ)
        answer: dict | None = None
        kind: str | None = None
        deadline = started + job.timeout
        drain_until: float | None = None
        try:
            while True:
                now = time.monotonic()
                finished = answer is not None or self.dead
                if not finished and now >= deadline:
                    kind = "timeout"
                    self.kill()
                    drain_until = now + DRAIN_GRACE
                    finished = True
                if finished and drain_until is None:
                    if answer is not None and job.last and not self.dead:
                        self.kill()  # nothing else will run: end every leftover process now
                    drain_until = now + (END_GRACE if self.dead else DRAIN_GRACE)
                open_pipes = [fd for fd in buffers if _registered(sel, fd)]
                if finished and (not open_pipes or now >= drain_until):
                    break
                wait = (drain_until if finished else deadline) - now
                for key, _mask in sel.select(max(wait, 0)):
                    if key.fileobj is self.ctl:
                        event = self._receive()
                        if self.closed:
                            sel.unregister(self.ctl)
                        if event and event.get("event") == "done":
                            answer = event
                        continue
                    fd = key.fd
                    data = os.read(fd, 65536)
                    if not data:
                        sel.unregister(fd)
                        continue
                    buffers[fd].feed(data)
                    if buffers[fd].total > flood and kind is None:
                        kind = "output-flood"
                        self.kill()
                        sel.unregister(fd)
        finally:
            sel.close()
            for fd in buffers:
                os.close(fd)
        duration = time.monotonic() - started
        return self._outcome(job, kind, answer, buffers[out_r], buffers[err_r], duration)

    def _outcome(self, job, kind, answer, out: BoundedBuffer, err: BoundedBuffer, duration: float) -> Outcome:
        stdout, stderr = out.captured(), err.captured()
        common = dict(
            stdout=stdout.text, stderr=stderr.text,
            stdout_cut=stdout.cut_bytes, stderr_cut=stderr.cut_bytes,
            invalid_utf8=tuple(name for name, c in (("stdout", stdout), ("stderr", stderr)) if c.invalid_utf8),
            duration=duration,
        )
        if kind is not None:
            return Outcome(kind, **common)
        if self.process_limit:
            return Outcome("process-limit", **common)
        if answer is not None:
            if answer.get("internal"):
                return Outcome("infra-error", problem=answer.get("traceback", ""), **common)
            return Outcome(
                "finished",
                exit_code=answer.get("exit_code", 1),
                exc_type=answer.get("exc_type"),
                errno=answer.get("errno"),
                traceback=answer.get("traceback") or "",
                tasks=answer.get("tasks"),
                **common,
            )
        if self.exit_status is not None:
            return Outcome("exited", exit_code=self.exit_status, **common)
        if self.closed and not self.problem:
            # Every process of the unit is gone mid-block and nobody reported: without
            # namespaces a block can kill its gate, and the worker dies with it (SIGKILL).
            return Outcome("exited", exit_code=-signal.SIGKILL, problem=LOST_UNIT, **common)
        return Outcome("infra-error", problem=self.problem or "o sandbox terminou sem resposta", **common)


def _registered(sel: selectors.BaseSelector, fd: int) -> bool:
    try:
        sel.get_key(fd)
        return True
    except KeyError:
        return False


def kill_marked(marker: str) -> int:
    """Without namespaces: kill any process whose environment carries the unit's marker."""
    needle = f"THEMELION_RUN={marker}".encode()
    killed = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    os.kill(int(entry), signal.SIGKILL)
                    killed += 1
        except (OSError, ProcessLookupError):
            continue
    return killed
