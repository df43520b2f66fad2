"""What isolation this machine gives the blocks, probed once per builder process."""

from __future__ import annotations

import ctypes
import functools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD_SCRIPT = HERE / "sandbox_child.py"
WORKER_SCRIPT = HERE / "worker_child.py"
NODE_RUNNER = HERE / "node_runner.js"

NOBODY = 65534
SPARE_UID = NOBODY - 1
"""Host uid (and gid) that uid 1 of a masked sandbox is: no process ever runs as it
there (no capability is kept), it only makes ``setuid(1)`` fail for lack of
privilege (EPERM), as with host root mapped, rather than as an unknown id."""


def masked_id_map(outer_uid: int) -> str:
    return f"0 {outer_uid} 1\n1 {SPARE_UID} 1"


@dataclass(frozen=True)
class Isolation:
    namespaces: bool
    """User, pid, mount, ipc and uts namespaces per unit."""
    network: bool
    """A network namespace per unit with only loopback."""
    private_proc: bool
    """The unit sees its own /proc (not the builder's processes)."""
    read_search: bool
    """CAP_DAC_READ_SEARCH kept, because the interpreter is not world-readable."""
    outer_uid: int
    """Host uid that uid 0 of the sandbox is."""
    masked: tuple[str, ...]
    """Directories that alone kept others from the interpreter (e.g. ``/root`` at 0700):
    each unit covers them with a tmpfs that shows only ``kept``, so no capability is
    needed. Required on purpose: a record saved before this field is probed again."""
    kept: tuple[str, ...]
    """The subtrees of ``masked`` bound back in place (e.g. ``/root/.pyenv``)."""
    detail: str = ""

    def __post_init__(self) -> None:  # a record read back from JSON has lists
        object.__setattr__(self, "masked", tuple(self.masked))
        object.__setattr__(self, "kept", tuple(self.kept))

    @property
    def id_map(self) -> str:
        lines = [f"0 {self.outer_uid} 1"]
        if self.read_search:
            lines.append("1 0 1")  # host root's files must be mapped for the capability to apply
        elif self.masked:
            return masked_id_map(self.outer_uid)
        return "\n".join(lines)

    @property
    def fallback_id_map(self) -> str:
        """The map of a unit whose masking failed: it keeps the capability instead."""
        return f"0 {self.outer_uid} 1\n1 0 1"

    @property
    def mask_plan(self) -> list[list]:
        """``[[masked directory, [kept subtrees]], ...]`` for the unit request."""
        return [[top, [k for k in self.kept if os.path.dirname(k) == top]] for top in self.masked]

    def describe(self) -> str:
        if not self.namespaces:
            user = "; usuário nobody" if os.geteuid() == 0 else ""
            return (f"processos comuns com subreaper (sem namespaces: {self.detail or 'desligados'}){user}; "
                    f"{describe_landlock(landlock_abi())}")
        parts = ["namespaces de usuário, pid, montagem, ipc e uts", f"uid {self.outer_uid} no hospedeiro"]
        parts.append("rede só com loopback" if self.network else "rede do hospedeiro")
        if not self.private_proc:
            parts.append("/proc do hospedeiro")
        if self.read_search:
            parts.append("CAP_DAC_READ_SEARCH (interpretador fora do alcance de outros usuários)")
        elif self.masked:
            shown = ", ".join(
                f"{top} mascarado por tmpfs (visível só {', '.join(kept) or 'nada'})" for top, kept in self.mask_plan
            )
            parts.append(f"{shown}; nenhuma capacidade")
        parts.append(describe_landlock(landlock_abi()))
        return "; ".join(parts)


def landlock_abi() -> int:
    """This kernel's Landlock ABI (0: none); the sandbox applies it in every mode."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(ctypes.c_long(444), None, ctypes.c_size_t(0), ctypes.c_uint32(1))  # create_ruleset(VERSION)
    return max(int(abi), 0)


def describe_landlock(abi: int) -> str:
    if abi < 1:
        return "SEM Landlock (kernel anterior ao 5.13 ou Landlock desligado): os arquivos do projeto ficam ao alcance do uid do sandbox"
    scoped = ", sinais e sockets abstratos só dentro da unidade" if abi >= 6 else ""
    return f"Landlock ABI {abi} (só leitura do sistema e do interpretador, escrita só nas pastas da unidade{scoped})"


PLAIN = Isolation(namespaces=False, network=False, private_proc=False, read_search=False, outer_uid=os.geteuid(),
                  masked=(), kept=())


@functools.cache  # a fact about this machine and interpreter; probing forks a few processes
def detect_isolation(python: str, namespaces: str, network: str, extra_paths: tuple[str, ...] = ()) -> Isolation:
    if namespaces == "off":
        return PLAIN
    outer = NOBODY if os.geteuid() == 0 else os.geteuid()
    probe_map = f"0 {outer} 1" + ("\n1 0 1" if outer != os.geteuid() else "")
    config = {
        "probe_id_map": probe_map,
        # masking a blocking directory (see Isolation.masked) needs host root outside and no root inside
        "masked_id_map": masked_id_map(outer) if outer != os.geteuid() else None,
        "must_read": [str(NODE_RUNNER), *extra_paths],
    }
    try:
        completed = subprocess.run(
            [python, "-s", str(CHILD_SCRIPT), "probe", json.dumps(config)],
            capture_output=True, text=True, timeout=60, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        found = json.loads(completed.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        return Isolation(False, False, False, False, os.geteuid(), (), (), detail=f"sonda falhou: {exc}")
    if not found.get("namespaces"):
        return Isolation(False, False, False, False, os.geteuid(), (), (), detail=found.get("detail", ""))
    masks = (found.get("masked") or []) if outer != os.geteuid() else []
    return Isolation(
        namespaces=True,
        network=bool(found["network"]) and network == "auto",
        private_proc=bool(found["proc"]),
        read_search=bool(found["needs_read_search"]) and outer != os.geteuid(),
        outer_uid=outer,
        masked=tuple(top for top, _kept in masks),
        kept=tuple(path for _top, kept in masks for path in kept),
    )
