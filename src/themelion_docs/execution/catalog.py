"""The runner's finding codes, read from ``findings.yaml``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import yaml

from themelion_docs.findings import Finding, Severity


@dataclass(frozen=True)
class FindingKind:
    code: str
    name: str
    severity: Severity
    message: str
    hint: str


class _Blank(dict):
    """Missing placeholders render as nothing rather than raising mid-build."""

    def __missing__(self, key: str) -> str:
        return ""


@functools.cache  # constant data shipped with the package
def catalog() -> Mapping[str, FindingKind]:
    text = resources.files("themelion_docs.execution").joinpath("findings.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    kinds = {
        code: FindingKind(
            code=code,
            name=entry["name"],
            severity=Severity(entry["severity"]),
            message=entry["message"],
            hint=entry.get("hint", ""),
        )
        for code, entry in raw.items()
    }
    return MappingProxyType(kinds)


def make_finding(code: str, path: str, line: int, **fields: object) -> Finding:
    kind = catalog()[code]
    values = _Blank({key: value for key, value in fields.items()})
    return Finding(
        path=path,
        line=line,
        code=kind.code,
        name=kind.name,
        severity=kind.severity,
        message=kind.message.format_map(values).rstrip(),
        hint=kind.hint.format_map(values),
    )
