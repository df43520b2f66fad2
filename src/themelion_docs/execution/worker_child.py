"""Runs the blocks of one unit, inside the sandbox.

Loaded by ``sandbox_child`` in the worker process; standard library only.
Each block arrives over the control socket with two pipe ends for its own
stdout and stderr (passed as file descriptors), runs with ``exec`` in one
``__main__`` namespace shared by the unit (a session) and answers with one
message: exit code, exception type, traceback.

Blocks are compiled under the name ``<themelion:N>`` (N = position in the
unit) with their own line numbers; the builder maps those names to the
Markdown file and lines. Keeping paths and positions out of the sandbox is
what lets a cached result survive an edit of the prose around the block.
"""

from __future__ import annotations

import builtins
import ctypes
import json
import linecache
import os
import socket
import sys
import traceback
import types

MAX_MESSAGE = 4 << 20  # the builder's send buffer bounds a block's code
TRACEBACK_LIMIT = 32 * 1024

_libc = ctypes.CDLL(None)


def serve(ctl: socket.socket, devnull: int, cwd: str, node: str | None, node_runner: str) -> None:
    import faulthandler

    sys.path.insert(0, cwd)  # like ``python exemplo.py`` run from the work directory
    sys.argv = ["exemplo.py"]
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main
    faulthandler.enable(file=sys.stderr)  # a crash still shows the block's line
    thread_friendly_memory()
    stdout, stderr = sys.stdout, sys.stderr
    node_session: NodeSession | None = None
    _send(ctl, {"event": "ready"})
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(ctl, MAX_MESSAGE, 2)
        except InterruptedError:
            continue
        if not data:
            return
        request = json.loads(data)
        _flush()
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in fds:
            os.close(fd)
        try:
            if request["language"] == "javascript":
                if not node or not node_runner:
                    result = {"exit_code": 127, "exc_type": "FileNotFoundError", "traceback": "node ausente"}
                else:
                    node_session = node_session or NodeSession(node, node_runner)
                    result = node_session.run(request)
            else:
                result = run_python(request, main)
        except BaseException as exc:  # noqa: BLE001 - the worker's own failure
            result = {"exit_code": 1, "exc_type": type(exc).__name__, "traceback": traceback.format_exc(), "internal": True}
        sys.stdout, sys.stderr = stdout, stderr  # a block may have redirected them for good
        _flush()
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        result["event"] = "done"
        result["index"] = request["index"]
        _send(ctl, result)


SCRIPT = "exemplo.py"
"""What ``__file__`` names, in the work directory, as for ``python exemplo.py`` (the file itself does not exist)."""


M_ARENA_MAX = -8
MALLOC_ARENAS = 2
THREAD_STACK = 2 << 20


def thread_friendly_memory() -> None:
    """Let the process limit, not the address-space limit, bound a block's threads.

    RLIMIT_AS counts address space, and two glibc defaults spend it per thread
    without using it: a malloc arena per thread (64 MiB reserved each, up to 8
    per core) and an 8 MiB stack (RLIMIT_STACK). Under 1 GiB a block could
    start only ~20 threads, far below the process limit. Two arenas and 2 MiB
    stacks (plenty for Python, whose frames live on the heap) fit 128 threads
    in ~300 MiB. The main thread's stack is unchanged.
    """
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)
        attr = ctypes.create_string_buffer(128)  # pthread_attr_t is 56 bytes on 64-bit glibc
        if libc.pthread_getattr_default_np(attr) == 0:
            libc.pthread_attr_setstacksize(attr, ctypes.c_size_t(THREAD_STACK))
            libc.pthread_setattr_default_np(attr)
    except (OSError, AttributeError):  # another libc: keep its defaults
        pass


def run_python(request: dict, main: types.ModuleType) -> dict:
    filename = f"<themelion:{request['index']}>"
    source = request["code"]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    if "__themelion_started__" not in _state:  # once per unit: a block may delete or change it, as in a script
        _state["__themelion_started__"] = True
        main.__dict__.setdefault("__file__", os.path.join(os.getcwd(), SCRIPT))
        main.__dict__.setdefault("__cached__", None)
    result: dict = {"exit_code": 0}
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
        exec(code, main.__dict__)
    except SystemExit as exc:
        result = _system_exit(exc)
    except BaseException as exc:  # noqa: BLE001 - that is the point
        result = _failure(exc)
    if request.get("last"):
        _finish_program(main)
    return result


_state: dict = {}


def _system_exit(exc: SystemExit) -> dict:
    if exc.code is None:
        return {"exit_code": 0}
    if isinstance(exc.code, int):
        status = exc.code
    else:
        print(exc.code, file=sys.stderr)
        status = 1
    if status == 0:
        return {"exit_code": 0}
    return {"exit_code": status, "exc_type": "SystemExit", "traceback": ""}


def _failure(exc: BaseException) -> dict:
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    if len(text) > TRACEBACK_LIMIT:
        half = TRACEBACK_LIMIT // 2
        text = text[:half] + "\n[...]\n" + text[-half:]
    result = {"exit_code": 1, "exc_type": type(exc).__name__, "traceback": text}
    if isinstance(exc, OSError) and exc.errno is not None:
        result["errno"] = exc.errno
    if isinstance(exc, BlockingIOError) or (isinstance(exc, RuntimeError) and "new thread" in str(exc)):
        result["tasks"] = _count_tasks()
    return result


def _finish_program(main: types.ModuleType) -> None:
    """What the interpreter does at exit: wait for threads, run atexit, then drop
    the program's globals, so that the ``__del__`` of the objects only they held
    runs (an exception there is "ignored", printed on stderr, as in CPython)."""
    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except Exception:  # noqa: BLE001
            traceback.print_exc()
    try:
        import atexit

        atexit._run_exitfuncs()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
    _clear_globals(main.__dict__)


def _clear_globals(namespace: dict) -> None:
    """Like CPython's finalization of ``__main__``: names starting with one
    underscore first, then the others (``__builtins__`` stays), then a collection
    for what is left in reference cycles."""
    import gc

    for private in (True, False):
        for name in list(namespace):
            if name == "__builtins__" or (private and not (name.startswith("_") and not name.startswith("__"))):
                continue
            try:
                namespace[name] = None
            except Exception:  # noqa: BLE001 - a __del__ raising is reported by the unraisable hook
                pass
    gc.collect()


def _count_tasks() -> int:
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                total += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return total


class NodeSession:
    """The unit's javascript blocks, in ONE Node.js process (``node_runner.js``).

    Started at the first javascript block; later blocks share its globals,
    like consecutive ``<script>`` tags. Node writes to pipes of its own and the
    worker relays them to the current block's stdout and stderr, so each
    block's output stays its own. Writes to pipes are synchronous in Node on
    Linux: once a block's report arrives, everything it printed is in the
    pipes, and draining them before answering keeps the output complete.
    """

    def __init__(self, node: str, runner: str) -> None:
        import subprocess

        code_r, self.code_w = os.pipe()
        self.report_r, report_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [node, "-e", runner, str(code_r), str(report_w)],  # runner: the script's source
                stdin=subprocess.DEVNULL, stdout=out_w, stderr=err_w,
                pass_fds=(code_r, report_w),
            )
        finally:
            for fd in (code_r, report_w, out_w, err_w):
                os.close(fd)
        self.relays = {out_r: 1, err_r: 2}
        for fd in (out_r, err_r, self.report_r):
            os.set_blocking(fd, False)
        self.pending = b""
        self.ended: int | None = None
        """Node's exit status once it exited (``process.exit`` or a crash)."""

    def run(self, request: dict) -> dict:
        if self.ended is not None:
            return {"exit_code": 1, "exc_type": "SessionEnded",
                    "traceback": f"a sessão Node.js terminou num bloco anterior (status {self.ended})"}
        filename = f"<themelion:{request['index']}>"
        line = json.dumps({"index": request["index"], "filename": filename,
                           "code": request["code"]}) + "\n"
        try:
            _write_all(self.code_w, line.encode())
        except BrokenPipeError:
            pass
        report = self._wait_report()
        if request.get("last"):
            self.close()
        if report is None:
            status = self._exit_status()
            self.ended = status
            return {"exit_code": status if status else 1, "exc_type": "NodeExit",
                    "traceback": "o processo Node.js terminou sem relatório do bloco"} \
                if status != 0 else {"exit_code": 0}
        if not isinstance(report, dict):
            report = {}
        if report.get("exit") is not None:  # process.exit() inside the block
            status = report["exit"]
            self.ended = status if isinstance(status, int) and not isinstance(status, bool) else 1
            if self.ended == 0:
                return {"exit_code": 0}
            return {"exit_code": self.ended, "exc_type": "SystemExit", "traceback": ""}
        if report.get("ok"):
            return {"exit_code": 0}
        return {"exit_code": 1, "exc_type": str(report.get("type") or "Error"),
                "traceback": str(report.get("stack") or "")[:TRACEBACK_LIMIT]}

    def _wait_report(self) -> dict | None:
        import selectors

        sel = selectors.DefaultSelector()
        for fd in (*self.relays, self.report_r):
            sel.register(fd, selectors.EVENT_READ)
        try:
            while True:
                if b"\n" in self.pending:
                    line, self.pending = self.pending.split(b"\n", 1)
                    self._drain()
                    try:
                        return json.loads(line)
                    except ValueError:
                        return None
                if not sel.get_map():
                    return None
                for key, _mask in sel.select():
                    data = _read(key.fd)
                    if data is None:
                        continue
                    if not data:
                        sel.unregister(key.fd)
                        if key.fd == self.report_r:  # Node exited: relay what is left
                            self._drain()
                            if b"\n" not in self.pending:
                                return None
                        continue
                    if key.fd == self.report_r:
                        self.pending += data
                    else:
                        _write_all(self.relays[key.fd], data)
        finally:
            sel.close()

    def _drain(self) -> None:
        for source, target in self.relays.items():
            while (data := _read(source)):
                _write_all(target, data)

    def _exit_status(self) -> int:
        import subprocess

        try:
            status = self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return 1
        return status if status >= 0 else 128 - status

    def close(self) -> None:
        """No more blocks: Node's loop empties and it exits."""
        if self.code_w >= 0:
            os.close(self.code_w)
            self.code_w = -1
            self._drain()


def _read(fd: int) -> bytes | None:
    """Up to 64 KiB; ``None`` when nothing is there yet, ``b""`` at end of file."""
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - closed or replaced by the block
            pass
    _libc.fflush(None)  # C-level printf from ctypes or extensions


def _send(ctl: socket.socket, message: dict) -> None:
    ctl.send(json.dumps(message).encode())
