"""What happened when a block ran, before any judgement (this is what is cached).

Text is kept in sandbox form (``<themelion:N>`` names, block-relative lines):
the same outcome is valid wherever the block sits in the page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Literal

OutcomeKind = Literal[
    "finished",       # the block ran to its end or raised; the interpreter lived on
    "exited",         # the interpreter ended during the block (os._exit, signal)
    "timeout",        # wall-clock (or CPU) limit: the unit was killed
    "output-flood",   # far more output than kept: the unit was killed
    "process-limit",  # too many processes (tracked without namespaces): killed
    "disk-limit",     # the unit's folders outgrew the disk quota (checked without namespaces): killed
    "interrupted",    # not run: an earlier block of its session stopped the unit
    "infra-error",    # the runner itself failed; says nothing about the block
]

DETERMINISTIC_KINDS = frozenset({"finished", "exited", "output-flood"})


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    exit_code: int | None = None
    """Exit status; negative when a signal ended the process (as subprocess does)."""
    exc_type: str | None = None
    """Name of the exception class that ended the block, if any."""
    errno: int | None = None
    traceback: str = ""
    stdout: str = ""
    stderr: str = ""
    stdout_cut: int = 0
    """Bytes of stdout beyond the kept limit (discarded)."""
    stderr_cut: int = 0
    invalid_utf8: tuple[str, ...] = ()
    """Streams ("stdout", "stderr") that held bytes that are not UTF-8."""
    duration: float = 0.0
    tasks: int | None = None
    """Processes and threads in the unit when a fork/thread start failed."""
    interrupted_by: int | None = None
    """Position in the unit of the block that stopped it (kind "interrupted")."""
    problem: str = ""
    """What went wrong around the block (always for "infra-error"); such outcomes are not cached."""
    ran_at: float = 0.0
    """When the block really ran (Unix time); a cached outcome keeps its original time."""

    @property
    def failed(self) -> bool:
        return self.exit_code not in (0, None)

    def to_json(self) -> str:
        return json.dumps(asdict(self))  # ASCII: survives lone surrogates

    @classmethod
    def from_json(cls, text: str) -> "Outcome":
        """Raises ValueError/TypeError/KeyError on anything that is not an outcome."""
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown or "kind" not in raw:
            raise ValueError(f"unexpected fields {sorted(unknown)}")
        raw["invalid_utf8"] = tuple(raw.get("invalid_utf8", ()))
        outcome = cls(**raw)
        if outcome.kind not in DETERMINISTIC_KINDS | {"interrupted"}:
            raise ValueError(f"kind {outcome.kind!r} is never cached")
        for name in ("stdout", "stderr", "traceback"):
            if not isinstance(getattr(outcome, name), str):
                raise TypeError(name)
        return outcome
