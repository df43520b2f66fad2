"""One run unit (a standalone block or a session) driven through its sandbox.

The builder side of the protocol: send each block with two fresh pipes for its
stdout and stderr, read them with a cap while waiting for the block's answer
or the end of the process, enforce the wall-clock limit, and kill the unit's
init (which takes every process of the unit with it) when it is over.

Two channels (see sandbox_child): the control socket is trusted (the gate and
init write to it; ``started`` brings a pidfd, the only process this side ever
signals, and the worker's socket). The worker's socket is reachable by block
code, so every message on it is checked (``ready`` once, then exactly one
``done`` per block, for that block's index, with a fixed schema and size); a
block that writes anything else there is stopped. A forged ``done`` can only
make the block's own result say what the block could have produced anyway.
"""

from __future__ import annotations

import json
import math
import os
import select
import selectors
import shutil
import signal
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Sequence

from .capture import BoundedBuffer
from .forkserver import ForkServer, ForkServerError, base_environment
from .isolation import NOBODY, Isolation
from .outcome import Outcome
from .settings import RunnerSettings

SETUP_TIMEOUT = 30.0
DRAIN_GRACE = 0.05
END_GRACE = 2.0
THREAD_STACK_RESERVE = 2 << 20  # worker_child.THREAD_STACK
V8_ADDRESS_RESERVE = 4 << 30
"""Address space a JavaScript unit gets on top of its memory budget. V8 reserves about
600 MiB of address space per isolate (code range, cage), used or not: under the plain
budget a block that starts one worker_threads Worker died without a report. The heap
itself stays bounded by the budget (--max-old-space-size in NODE_OPTIONS)."""
INFRA_PROCESSES = 2  # init and worker run as the sandbox's uid too (the gate does not)
MAX_MESSAGE = 1 << 20
MAX_WORKER_MESSAGE = 256 << 10  # a done carries at most a 32 KiB traceback
MAX_NOTES = 32
MAX_NOTE_CHARS = 2000
STRAY_BUDGET = 4
"""Unexpected messages on the worker's socket tolerated in one block before it is stopped."""
FORGED = "o bloco escreveu no canal de controle do executor ({detail}); a unidade foi encerrada"
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
    processes: int | None = None
    """What the fence asked for with ``processes`` (the unit takes the largest)."""


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
            unit.quota_dirs = [request["workdir"], request["shmdir"]] if request["quota_plain"] else []
            return unit.run(jobs)
    finally:
        remove_tree(root)


def remove_tree(root: str) -> bool:
    """Remove a run root whatever the block left there; True when it is gone.

    A block may close a folder of its own (mode 000, or 0500 to keep its files):
    a builder that is not root cannot then list or empty it. We own every folder
    there (or are root), so each one that refuses is opened again and retried."""
    def reopen(function, path, _exc_info) -> None:
        if os.geteuid() == 0:
            return  # root is never refused (and must not chmod where a symlink may point)
        for folder in (os.path.dirname(path), path):
            try:
                if os.path.isdir(folder) and not os.path.islink(folder):
                    os.chmod(folder, 0o700)
            except OSError:
                pass
    for _attempt in range(64):  # each pass opens one more level of closed folders
        shutil.rmtree(root, onerror=reopen)
        if not os.path.lexists(root):
            return True
    return False


def make_run_root() -> str:
    """A private directory per unit: ``work`` (cwd, /tmp), ``shm`` (/dev/shm), ``run`` (/run)."""
    root = tempfile.mkdtemp(prefix="themelion-run-")
    os.chmod(root, 0o711)
    return root


def unit_request(root: str, isolation: Isolation, jobs: Sequence[BlockJob], settings: RunnerSettings) -> dict:
    work, shm, run = os.path.join(root, "work"), os.path.join(root, "shm"), os.path.join(root, "run")
    # Blocks of a build run as root never run as root: the unit's uid is the outer
    # uid with namespaces, nobody without (see sandbox_child.become_nobody).
    owner = (isolation.outer_uid if isolation.namespaces else NOBODY) if os.geteuid() == 0 else None
    quota = {"bytes": settings.disk_mb << 20, "inodes": settings.max_files}
    if not isolation.namespaces:  # with namespaces, the unit mounts its own tmpfs there
        for directory in (work, shm):
            os.mkdir(directory, 0o700)
            if owner is not None:
                os.chown(directory, owner, owner)
    home = "/tmp" if isolation.namespaces else work
    env = base_environment() | {"HOME": home, "TMPDIR": home, "THEMELION_RUN": uuid.uuid4().hex}
    cpu = math.ceil(sum(job.timeout for job in jobs)) + 1
    # Address space: the memory budget plus a stack per allowed thread (reserved, not
    # used: see worker_child.thread_friendly_memory), so threads do not eat the budget.
    memory = (settings.memory_mb << 20) + unit_processes(jobs, settings) * THREAD_STACK_RESERVE
    if any(job.language == "javascript" for job in jobs):
        memory += V8_ADDRESS_RESERVE
        env["NODE_OPTIONS"] = f"--max-old-space-size={settings.memory_mb}"
    file_size = settings.max_file_mb << 20
    rlimits = {
        "RLIMIT_AS": [memory, memory],
        "RLIMIT_CPU": [cpu, cpu + 1],
        "RLIMIT_FSIZE": [file_size, file_size],
        "RLIMIT_CORE": [0, 0],
    }
    max_processes = unit_processes(jobs, settings)
    if isolation.namespaces:
        nproc = max_processes + INFRA_PROCESSES
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
        "rundir": run if isolation.namespaces else None,
        "owner": owner,
        "quota": quota if isolation.namespaces else None,  # a tmpfs of this size holds the run folders
        "quota_plain": None if isolation.namespaces else quota,  # the gate measures the folders
        "env": env,
        "rlimits": rlimits,
        "max_processes": max_processes,
    }


def unit_processes(jobs: Sequence[BlockJob], settings: RunnerSettings) -> int:
    """The unit's process limit: the default, or the largest a block asked for."""
    return max([settings.max_processes, *(job.processes for job in jobs if job.processes)])


class _Unit:
    def __init__(self, ctl: socket.socket, isolation: Isolation, settings: RunnerSettings, marker: str) -> None:
        self.ctl = ctl
        self.isolation = isolation
        self.settings = settings
        self.marker = marker
        self.pidfd: int | None = None
        self.pid: int | None = None
        self.work: socket.socket | None = None  # the worker's socket: untrusted
        self.work_closed = False
        self.strays = 0
        self.violation = ""
        self.dead = False
        self.closed = False  # the control socket reached end of file
        self.exit_status: int | None = None
        self.problem = ""
        self.process_limit = False
        self.disk_limit = False
        self.quota_dirs: list[str] = []
        """Without namespaces: the unit's folders on the host's disk, measured after each block."""
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
        if self.work is not None:
            self.work.close()

    def kill(self) -> None:
        """SIGKILL the unit's init: in its pid namespace, that ends every process."""
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not self.isolation.namespaces and self.pid is not None and self._alive():
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.dead = True

    # -- events

    def _alive(self) -> bool:
        """Whether the process of the pidfd still runs (so its pid is still its own)."""
        if self.pidfd is None:
            return False
        return not select.select([self.pidfd], [], [], 0)[0]

    def _read_events(self, timeout: float) -> list[dict]:
        """Trusted events, and the worker's messages (marked ``"from": "worker"``)."""
        if self.closed:
            return []
        sel = selectors.DefaultSelector()
        sel.register(self.ctl, selectors.EVENT_READ)
        if self.work is not None and not self.work_closed:
            sel.register(self.work, selectors.EVENT_READ)
        events = []
        try:
            for key, _mask in sel.select(max(timeout, 0)):
                events.append(self._receive() if key.fileobj is self.ctl else self._receive_work())
        finally:
            sel.close()
        return [e for e in events if e is not None]

    def _receive(self) -> dict | None:
        """One event of the trusted control socket."""
        try:
            data, fds, _flags, _addr = socket.recv_fds(self.ctl, MAX_MESSAGE, 2)
        except OSError:
            data, fds = b"", []
        if not data:
            for fd in fds:
                os.close(fd)
            self.closed = True
            self.dead = True
            return None
        try:
            event = json.loads(data)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            event = {"event": "setup-error", "message": "mensagem de controle ilegível"}
        self._note(event, fds)
        return event

    def _receive_work(self) -> dict | None:
        """One message of the worker's socket: shape-checked, never trusted."""
        try:
            data = self.work.recv(MAX_WORKER_MESSAGE + 1)
        except OSError:
            data = b""
        if not data:
            self.work_closed = True
            return None
        try:
            event = json.loads(data) if len(data) <= MAX_WORKER_MESSAGE else None
        except (ValueError, RecursionError):
            event = None
        if not isinstance(event, dict):
            event = {"event": "invalid"}
        return {**event, "from": "worker"}

    def _stray(self, detail: str) -> None:
        """An unexpected message from the worker's side: past the budget, stop the unit."""
        self.strays += 1
        if self.strays > STRAY_BUDGET and not self.violation:
            self.violation = FORGED.format(detail=detail)
            self.kill()

    def _note(self, event: dict, fds: list[int] = ()) -> None:
        kind = event.get("event")
        if kind == "started" and self.pidfd is None and len(fds) == 2:
            self.pid = event.get("pid") if isinstance(event.get("pid"), int) else None
            self.isolated = bool(event.get("isolated"))
            self.pidfd = fds[0]
            self.work = socket.socket(fileno=fds[1])
            _grow_send_buffer(self.work)
            fds = []
        elif kind == "note":
            notes = event.get("notes")
            for note in notes if isinstance(notes, list) else []:
                if isinstance(note, str) and len(self.notes) < MAX_NOTES:
                    self.notes.append(note[:MAX_NOTE_CHARS])
        elif kind == "worker-exit":
            status = event.get("status")
            self.exit_status = status if isinstance(status, int) else -signal.SIGKILL
            self.dead = True
        elif kind == "sandbox-exit":
            self.dead = True
        elif kind == "process-limit":
            self.process_limit = True
        elif kind == "disk-limit":
            self.disk_limit = True
        elif kind in ("setup-error", "internal-error"):
            message = event.get("message")
            self.problem = message[:MAX_NOTE_CHARS * 4] if isinstance(message, str) else kind
            self.dead = True
        for fd in fds:
            os.close(fd)

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
            if self.quota_dirs and outcome.kind in ("finished", "exited") and self._over_quota():
                self.kill()  # what the gate's checks did not catch while it ran (a block faster than them)
                outcome = replace(outcome, kind="disk-limit")
            run.outcomes.append(outcome)
            # Over its disk quota the unit cannot go on, however the limit was seen (the gate's
            # check while the block ran, or ours after it): its files are still there.
            if (self.dead or (outcome.failed and job.stops_unit_on_failure)
                    or outcome.kind in ("infra-error", "disk-limit")):
                stopped_by = job.index
        run.isolated = self.isolated
        run.notes = self.notes
        return run

    def _over_quota(self) -> bool:
        used, inodes = disk_usage(self.quota_dirs, self.settings.max_files)
        return used > self.settings.disk_mb << 20 or inodes > self.settings.max_files

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + SETUP_TIMEOUT
        while time.monotonic() < deadline and not self.dead:
            for event in self._read_events(deadline - time.monotonic()):
                if event.get("from") == "worker":
                    if event.get("event") == "ready":
                        return True
                    self._stray("mensagem antes de ficar pronto")
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
        self.strays = 0
        try:
            socket.send_fds(self.work, [json.dumps(message).encode()], [out_w, err_w])
        except OSError as exc:
            for fd in (out_r, out_w, err_r, err_w):
                os.close(fd)
            self.dead = True
            return Outcome("infra-error", problem=f"não foi possível enviar o bloco: {exc}")
        os.close(out_w)
        os.close(err_w)

        sel = selectors.DefaultSelector()
        sel.register(self.ctl, selectors.EVENT_READ)
        sel.register(self.work, selectors.EVENT_READ)
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
                        self._receive()
                        if self.closed:
                            sel.unregister(self.ctl)
                        continue
                    if key.fileobj is self.work:
                        event = self._receive_work()
                        if self.work_closed:  # the worker died (its exit comes on ctl) or the block closed it
                            sel.unregister(self.work)
                        elif event is not None:
                            done = valid_done(event, job.index) if answer is None else None
                            if done is not None:
                                answer = done
                            else:
                                self._stray(_describe(event, job.index))
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
        if self.violation:
            return Outcome("exited", exit_code=-signal.SIGKILL, problem=self.violation, **common)
        if self.process_limit:
            return Outcome("process-limit", **common)
        if self.disk_limit:
            return Outcome("disk-limit", **common)
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


_DONE_SCHEMA = {
    "event": str, "index": int, "from": str, "exit_code": int, "exc_type": (str, type(None)),
    "errno": (int, type(None)), "traceback": (str, type(None)), "tasks": (int, type(None)), "internal": bool,
}
_MAX_TRACEBACK = 128 << 10


def valid_done(event: dict, index: int) -> dict | None:
    """``event`` if it is a well-formed ``done`` for block ``index``, else None."""
    if event.get("event") != "done" or event.get("index") != index or type(event.get("index")) is not int:
        return None
    for name, value in event.items():
        expected = _DONE_SCHEMA.get(name)
        if expected is None or not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            return None
    if not -255 <= event.get("exit_code", 0) <= 255:
        return None
    exc_type = event.get("exc_type")
    if exc_type is not None and (len(exc_type) > 200 or not exc_type.isidentifier()):
        return None
    if len(event.get("traceback") or "") > _MAX_TRACEBACK:
        return None
    for name in ("errno", "tasks"):
        value = event.get(name)
        if value is not None and not 0 <= value < 1 << 31:
            return None
    return event


def _describe(event: dict, index: int) -> str:
    kind = event.get("event")
    if kind == "done" and event.get("index") == index:
        return "resposta repetida ou malformada"
    return f"mensagem inesperada {str(kind)[:40]!r}"


def _grow_send_buffer(sock: socket.socket) -> None:
    for option in (getattr(socket, "SO_SNDBUFFORCE", None), socket.SO_SNDBUF):
        if option is None:
            continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, 4 << 20)
            return
        except OSError:
            continue


def _registered(sel: selectors.BaseSelector, fd: int) -> bool:
    try:
        sel.get_key(fd)
        return True
    except KeyError:
        return False


def disk_usage(paths: Sequence[str], max_inodes: int) -> tuple[int, int]:
    """Bytes allocated and entries under ``paths``, counting stops past ``max_inodes``
    (the gate's ``sandbox_child.disk_usage``, here after a block). A folder the block
    closed (mode 000) is opened again: we own it, or are root."""
    used = inodes = 0
    todo = list(paths)
    while todo and inodes <= max_inodes:
        path = todo.pop()
        try:
            entries = list(os.scandir(path))
        except PermissionError:
            if os.geteuid() == 0:  # root reads any folder; chmod could follow a symlink swapped in
                continue
            try:
                os.chmod(path, 0o700)  # as the block's own uid: at worst opens a folder of that uid to itself
                entries = list(os.scandir(path))
            except OSError:
                continue
        except OSError:
            continue
        for entry in entries:
            inodes += 1
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            used += info.st_blocks * 512
            if entry.is_dir(follow_symlinks=False):
                todo.append(entry.path)
    return used, inodes


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
