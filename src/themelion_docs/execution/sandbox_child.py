"""The sandbox side of the runner: fork server, namespaces and the init process.

This file runs inside the configured interpreter as ``python -I sandbox_child.py``
with a scrubbed environment. It uses only the standard library (the configured
interpreter need not have themelion_docs installed) and is never imported by
the builder.

Process tree of one run unit (a standalone block or a whole session)::

    builder ──socket──> fork server (root, host namespaces, long-lived)
                          └─ gate   joins new user/pid/net/mount/ipc/uts
                                    namespaces; the fork server writes its
                                    uid map; reports the host pid of init
                               └─ init   pid 1 of the new pid namespace:
                                         mounts, loopback, drops privileges,
                                         rlimits, reaps orphans
                                    └─ worker   runs the blocks (worker_child)

When init dies the kernel kills every process of its pid namespace, so a
block's daemon that called ``setsid()`` cannot outlive the unit. Inside, uid 0
is the host's ``nobody``: the kernel then counts RLIMIT_NPROC per unit and the
host's files are read-only to the block.

Without namespaces (``namespaces="off"`` or a kernel that refuses them) the
gate is a child subreaper instead: orphans of the unit are re-parented to it
and it kills the whole subtree when the worker ends, and enforces the process
limit by counting that subtree.
"""

from __future__ import annotations

import sys

if sys.path and sys.path[0] == __file__.rpartition("/")[0]:
    del sys.path[0]  # blocks must not import the runner's modules by accident

import ctypes
import fcntl
import json
import os
import resource
import select
import signal
import socket
import struct
import time
import traceback

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

CAP_DAC_READ_SEARCH = 2
LINUX_CAPABILITY_VERSION_3 = 0x20080522

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

MAX_MESSAGE = 1 << 20  # requests are small

_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class SetupError(Exception):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise SetupError(f"{what}: {os.strerror(err)} (errno {err})")


def prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, arg, 0, 0, 0), f"prctl({option})")


def send(sock: socket.socket, event: dict) -> None:
    try:
        sock.send(json.dumps(event).encode())
    except OSError:
        pass


# ---------------------------------------------------------------- namespaces


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def write_id_maps(pid: int, id_map: str) -> None:
    with open(f"/proc/{pid}/setgroups", "w") as f:
        f.write("deny")
    with open(f"/proc/{pid}/uid_map", "w") as f:
        f.write(id_map)
    with open(f"/proc/{pid}/gid_map", "w") as f:
        f.write(id_map)


def loopback_up() -> None:
    """Bring ``lo`` up in a fresh network namespace (it starts down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sh22x", b"lo", 0)
        flags = struct.unpack("16sh22x", fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", flags | IFF_UP))


def mount(source: str | None, target: str, fstype: str | None, flags: int) -> None:
    encode = lambda v: v.encode() if v is not None else None  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), flags, None), f"mount {target}")


def drop_privileges(keep_read_search: bool) -> None:
    """Keep at most CAP_DAC_READ_SEARCH, in every set, for good."""
    keep = {CAP_DAC_READ_SEARCH} if keep_read_search else set()
    with open("/proc/sys/kernel/cap_last_cap") as f:
        last = int(f.read())
    for cap in range(last + 1):
        if cap not in keep:
            prctl(PR_CAPBSET_DROP, cap)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    for cap in keep:
        bit = 1 << (cap % 32)
        data[cap // 32].effective |= bit
        data[cap // 32].permitted |= bit
        data[cap // 32].inheritable |= bit
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def apply_rlimits(limits: dict[str, list[int]]) -> None:
    for name, (soft, hard) in limits.items():
        resource.setrlimit(getattr(resource, name), (soft, hard))


def namespace_flags(request: dict) -> int:
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    if request["network"]:
        flags |= CLONE_NEWNET
    return flags


def enter_filesystem(request: dict) -> list[str]:
    """Private mounts, our own /proc, the run directory as /tmp. Returns notes."""
    notes = []
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except SetupError as exc:  # e.g. a container that masks parts of /proc
        notes.append(f"/proc do hospedeiro visível ({exc})")
    # /tmp last: the sources usually live under the host's /tmp, hidden once it is covered
    for target, source in (("/dev/shm", request["shmdir"]), ("/var/tmp", request["workdir"]), ("/tmp", request["workdir"])):
        if os.path.isdir(target):
            mount(source, target, None, MS_BIND | MS_REC)
    return notes


# ---------------------------------------------------------------- fork server


def serve(config: dict, server: socket.socket, worker) -> None:
    """Fork one gate per request until the builder closes the socket."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the gates
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(server, MAX_MESSAGE, 1)
        except InterruptedError:
            continue
        if not data:
            return
        request = json.loads(data)
        ctl = socket.socket(fileno=fds[0])
        try:
            start_unit(config, request, ctl, server, worker)
        except Exception as exc:  # noqa: BLE001 - report, keep serving
            send(ctl, {"event": "setup-error", "message": f"fork server: {exc!r}"})
        finally:
            ctl.close()


def start_unit(config: dict, request: dict, ctl: socket.socket, server: socket.socket, worker) -> None:
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(go_w)
        server.close()
        code = 70
        try:
            if request["namespaces"]:
                gate_isolated(config, request, ctl, ready_w, go_r, worker)
            else:
                os.close(ready_w)
                os.close(go_r)
                gate_plain(config, request, ctl, worker)
            code = 0
        except BaseException as exc:  # noqa: BLE001
            send(ctl, {"event": "setup-error", "message": f"{exc}", "detail": traceback.format_exc()})
        finally:
            os._exit(code)
    os.close(ready_w)
    os.close(go_r)
    try:
        if request["namespaces"]:
            status = os.read(ready_r, 1)
            if status == b"1":
                write_id_maps(pid, request["id_map"])
                os.write(go_w, b"g")
    finally:
        os.close(ready_r)
        os.close(go_w)


def gate_isolated(config: dict, request: dict, ctl: socket.socket, ready_w: int, go_r: int, worker) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        unshare(namespace_flags(request))
    except SetupError:
        os.write(ready_w, b"0")
        raise
    os.write(ready_w, b"1")
    os.close(ready_w)
    if os.read(go_r, 1) != b"g":
        raise SetupError("o servidor de processos não escreveu o mapa de usuários")
    os.close(go_r)
    pid = os.fork()
    if pid == 0:
        try:
            init_isolated(config, request, ctl, worker)
        except BaseException as exc:  # noqa: BLE001
            send(ctl, {"event": "setup-error", "message": f"{exc}", "detail": traceback.format_exc()})
        os._exit(70)
    send(ctl, {"event": "started", "pid": pid, "isolated": True})
    _, status = os.waitpid(pid, 0)
    send(ctl, {"event": "sandbox-exit", "status": os.waitstatus_to_exitcode(status)})


def init_isolated(config: dict, request: dict, ctl: socket.socket, worker_module) -> None:
    """Pid 1 of the unit: set the stage, start the worker, reap until it ends."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setsid()  # so that kill(0, ...) from a block stays inside the unit
    os.setresgid(0, 0, 0)
    os.setresuid(0, 0, 0)
    if request["network"]:
        loopback_up()
    notes = enter_filesystem(request)
    _libc.sethostname(b"exemplo", 7)
    os.chdir("/tmp")
    drop_privileges(request["keep_read_search"])
    apply_rlimits(request["rlimits"])
    if notes:
        send(ctl, {"event": "note", "notes": notes})
    worker = os.fork()
    if worker == 0:
        run_worker(config, request, ctl, worker_module, cwd="/tmp")
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        if pid == worker:
            send(ctl, {"event": "worker-exit", "status": os.waitstatus_to_exitcode(status)})
            os._exit(0)  # the kernel now kills everything left in the namespace


def gate_plain(config: dict, request: dict, ctl: socket.socket, worker_module) -> None:
    """No namespaces: a subreaper that tracks, limits and finally kills the unit's tree."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    worker = os.fork()
    if worker == 0:
        os.setsid()
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.chdir(request["workdir"])
        apply_rlimits(request["rlimits"])
        run_worker(config, request, ctl, worker_module, cwd=request["workdir"])
    send(ctl, {"event": "started", "pid": worker, "isolated": False})
    me = os.getpid()
    limit = request["max_processes"]
    exited = os.pidfd_open(worker)
    status = None
    while status is None:
        select.select([exited], [], [], 0.02)  # wakes as soon as the worker ends
        status = _reap(worker)  # orphans are re-parented to us: reap them, and spot the worker
        if status is None and len(descendants(me)) > limit:
            send(ctl, {"event": "process-limit", "limit": limit})
            status = kill_tree(me, worker)
    send(ctl, {"event": "worker-exit", "status": status})
    kill_tree(me)
    send(ctl, {"event": "sandbox-exit", "status": 0})


def _reap(worker: int | None = None) -> int | None:
    """Reap every finished child; the worker's exit code if it was one of them."""
    found = None
    while True:
        try:
            pid, raw = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == worker:
            found = os.waitstatus_to_exitcode(raw)


def descendants(root: int) -> list[int]:
    """Pids whose ancestry leads to ``root``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(root: int, worker: int | None = None) -> int | None:
    """SIGKILL every descendant of ``root``; the worker's exit code if it was reaped here."""
    status = None
    for _ in range(200):
        pids = descendants(root)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reaped = _reap(worker)
        status = reaped if reaped is not None else status
        time.sleep(0.005)
    return status


# ---------------------------------------------------------------- worker


def run_worker(config: dict, request: dict, ctl: socket.socket, worker, cwd: str) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    keep = sorted({ctl.fileno(), devnull})
    os.closerange(3, keep[0])
    os.closerange(keep[0] + 1, keep[1])
    os.closerange(keep[1] + 1, 1 << 16)
    os.set_inheritable(ctl.fileno(), False)
    os.environ.clear()
    os.environ.update(request["env"])
    try:
        worker.serve(ctl, devnull=devnull, cwd=cwd, node=config.get("node"), node_runner=config["node_runner"])
    except BaseException:  # noqa: BLE001
        send(ctl, {"event": "internal-error", "message": traceback.format_exc()})
    os._exit(0)


def preload(modules) -> None:
    """Import standard modules once here, so every forked unit finds them loaded.

    Lessons import asyncio (~27 ms), http.server, sqlite3... in nearly every
    block; paying that once per build instead of once per block saves ~10% on
    light blocks. Only import side effects are shared: each unit is a fresh
    fork of this state (``random`` reseeds itself after a fork).
    """
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module only loses the head start
            pass


def _load_worker(path: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location("_themelion_worker", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_themelion_worker"] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- probe


def probe(config: dict) -> dict:
    """What this machine allows: namespaces, network namespace, private /proc,
    and whether the interpreter is readable without CAP_DAC_READ_SEARCH."""
    result = {"namespaces": False, "network": False, "proc": False, "needs_read_search": False, "detail": ""}
    for network in (True, False):
        outcome = _probe_once(config, network)
        if outcome.get("ok"):
            result.update(namespaces=True, network=network, proc=outcome["proc"],
                          needs_read_search=outcome["needs_read_search"], detail="")
            return result
        result["detail"] = outcome.get("error", "")
    return result


def _probe_once(config: dict, network: bool) -> dict:
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(go_w)
        os.close(out_r)
        report = {"ok": False}
        try:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            flags = namespace_flags({"network": network})
            ok = True
            try:
                unshare(flags)
            except SetupError as exc:
                ok = False
                report["error"] = str(exc)
            os.write(ready_w, b"1" if ok else b"0")
            if ok and os.read(go_r, 1) == b"g":
                report = _probe_inside(config, network)
        except BaseException as exc:  # noqa: BLE001
            report = {"ok": False, "error": repr(exc)}
        os.write(out_w, json.dumps(report).encode())
        os._exit(0)
    os.close(ready_w)
    os.close(go_r)
    os.close(out_w)
    if os.read(ready_r, 1) == b"1":
        try:
            write_id_maps(pid, config["probe_id_map"])
            os.write(go_w, b"g")
        except OSError as exc:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"ok": False, "error": f"uid_map: {exc}"}
    os.close(go_w)
    chunks = []
    while chunk := os.read(out_r, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"ok": false, "error": "probe died"}')


def _probe_inside(config: dict, network: bool) -> dict:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        report = {"ok": False}
        try:
            must_read = _access_modes(_interpreter_paths() + config["must_read"])  # while still visible
            os.setresgid(0, 0, 0)
            os.setresuid(0, 0, 0)
            if network:
                loopback_up()
                with socket.socket() as server, socket.socket() as client:
                    server.bind(("127.0.0.1", 0))
                    server.listen(1)
                    client.connect(server.getsockname())
            proc = True
            mount(None, "/", None, MS_REC | MS_PRIVATE)
            try:
                mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            except SetupError:
                proc = False
            drop_privileges(False)
            report = {"ok": True, "proc": proc, "needs_read_search": not _readable(must_read)}
        except BaseException as exc:  # noqa: BLE001
            report = {"ok": False, "error": repr(exc)}
        os.write(w, json.dumps(report).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.waitpid(pid, 0)
    return json.loads(data or b'{"ok": false, "error": "probe init died"}')


def _interpreter_paths() -> list[str]:
    import sysconfig

    paths = sysconfig.get_paths()
    return [os.path.realpath(sys.executable), os.__file__, paths["stdlib"], paths["purelib"], paths["platlib"]]


def _access_modes(paths: list[str]) -> list[tuple[str, int]]:
    """Existing paths and the access a block needs to them (checked later, unprivileged)."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            found.append((path, os.R_OK | os.X_OK))
        elif os.path.exists(path):
            found.append((path, os.R_OK))
    return found


def _readable(paths: list[tuple[str, int]]) -> bool:
    return all(os.access(path, mode) for path, mode in paths)


def main() -> None:
    mode = sys.argv[1]
    config = json.loads(sys.argv[2])
    if mode == "probe":
        sys.stdout.write(json.dumps(probe(config)))
        return
    if os.geteuid() == 0:
        os.setgroups([])  # supplementary groups would survive into the sandbox
    worker = _load_worker(config["worker_path"])  # now, while the file is readable
    # Likewise the Node runner: inside a unit /tmp is the unit's own folder, so a
    # checkout under /tmp is invisible there; the source travels as text instead.
    try:
        with open(config["node_runner"], encoding="utf-8") as runner:
            config["node_runner"] = runner.read()
    except OSError:
        config["node_runner"] = ""
    preload(config.get("preload", ()))
    server = socket.socket(fileno=int(sys.argv[3]))
    serve(config, server, worker)


if __name__ == "__main__":
    main()
