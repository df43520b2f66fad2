"""The builder's handle on the fork server: one pre-started interpreter per run.

Starting an interpreter costs tens of milliseconds; forking a started one
costs about one. The fork server (``sandbox_child.py serve``) is started once
by ``run_examples`` with a scrubbed environment and forks a fresh sandbox per
run unit; it never runs block code itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass

from .isolation import CHILD_SCRIPT, NODE_RUNNER, WORKER_SCRIPT
from .settings import RunnerSettings

SEND_BUFFER = 4 << 20


def base_environment() -> dict[str, str]:
    """The only variables a block sees from the builder (an allowlist)."""
    return {
        "PATH": os.environ.get("PATH") or "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
    }


class ForkServerError(RuntimeError):
    pass


@dataclass
class ForkServer:
    """Started lazily, shared by the runner's threads, closed by ``run_examples``."""

    settings: RunnerSettings
    node: str | None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._process: subprocess.Popen | None = None
        self._stderr = None

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        _grow_send_buffer(ours)
        config = {"worker_path": str(WORKER_SCRIPT), "node": self.node, "node_runner": str(NODE_RUNNER),
                  "preload": list(self.settings.preload)}
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                [self.settings.python, "-s", str(CHILD_SCRIPT), "serve", json.dumps(config), str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                env=base_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            raise ForkServerError(f"não foi possível iniciar {self.settings.python}: {exc}") from exc
        finally:
            theirs.close()
        self._socket = ours

    def open_unit(self, request: dict) -> socket.socket:
        """Ask for a new sandbox; returns the control socket of the unit."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        _grow_send_buffer(ours)
        try:
            with self._lock:
                for attempt in (1, 2):
                    if self._socket is None or (self._process and self._process.poll() is not None):
                        self._discard()
                        self._start()
                    try:
                        socket.send_fds(self._socket, [json.dumps(request).encode()], [theirs.fileno()])
                        break
                    except OSError as exc:
                        self._discard()
                        if attempt == 2:
                            raise ForkServerError(f"servidor de processos indisponível: {exc}{self._tail()}") from exc
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def _tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text = self._stderr.read()[-2000:].decode("utf-8", "replace").strip()
        return f"\n{text}" if text else ""

    def _discard(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self._process is not None:
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def close(self) -> None:
        with self._lock:
            self._discard()  # closing the socket makes the server exit
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None

    def __enter__(self) -> "ForkServer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _grow_send_buffer(sock: socket.socket) -> None:
    for option in (getattr(socket, "SO_SNDBUFFORCE", None), socket.SO_SNDBUF):
        if option is None:
            continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, option, SEND_BUFFER)
            return
        except OSError:
            continue
