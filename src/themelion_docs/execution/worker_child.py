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
    stdout, stderr = sys.stdout, sys.stderr
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
                result = run_node(request, node, node_runner)
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


def run_python(request: dict, main: types.ModuleType) -> dict:
    filename = f"<themelion:{request['index']}>"
    source = request["code"]
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    result: dict = {"exit_code": 0}
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
        exec(code, main.__dict__)
    except SystemExit as exc:
        result = _system_exit(exc)
    except BaseException as exc:  # noqa: BLE001 - that is the point
        result = _failure(exc)
    if request.get("last"):
        _finish_program()
    return result


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


def _finish_program() -> None:
    """What the interpreter does at exit: wait for threads, run atexit."""
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


def _count_tasks() -> int:
    total = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                total += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                pass
    return total


def run_node(request: dict, node: str | None, runner: str) -> dict:
    import subprocess

    if not node or not runner:
        return {"exit_code": 127, "exc_type": "FileNotFoundError", "traceback": "node ausente"}
    filename = f"<themelion:{request['index']}>"
    code_r, code_w = os.pipe()
    report_r, report_w = os.pipe()
    try:
        process = subprocess.Popen(
            [node, "-e", runner, filename, str(code_r), str(report_w)],  # runner: the script's source
            stdin=subprocess.DEVNULL,
            pass_fds=(code_r, report_w),
        )
    finally:
        os.close(code_r)
        os.close(report_w)
    try:
        with open(code_w, "wb") as pipe:
            pipe.write(request["code"].encode())
    except BrokenPipeError:
        pass
    with open(report_r, "rb") as pipe:
        raw = pipe.read()
    status = process.wait()
    result: dict = {"exit_code": status}
    if raw:
        try:
            report = json.loads(raw)
        except ValueError:
            report = {}
        if status != 0 and report.get("type"):
            result["exc_type"] = report["type"]
            result["traceback"] = report.get("stack", "")[:TRACEBACK_LIMIT]
    return result


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - closed or replaced by the block
            pass
    _libc.fflush(None)  # C-level printf from ctypes or extensions


def _send(ctl: socket.socket, message: dict) -> None:
    ctl.send(json.dumps(message).encode())
