"""Bounded capture of a block's output: keep the head, count the rest."""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True)
class Captured:
    text: str
    cut_bytes: int
    invalid_utf8: bool


class BoundedBuffer:
    """Keeps the first ``limit`` bytes fed to it; counts every byte."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    def captured(self) -> Captured:
        cut = self.total - len(self.kept)
        text, invalid = decode(bytes(self.kept), complete=cut == 0)
        return Captured(text=text, cut_bytes=cut, invalid_utf8=invalid)


def decode(data: bytes, complete: bool = True) -> tuple[str, bool]:
    """UTF-8 with replacement, and whether anything needed replacing.

    When the data was cut (``complete=False``) a multibyte character split at
    the cut is dropped rather than reported as invalid.
    """
    strict = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        strict.decode(data, final=complete)
        invalid = False
    except UnicodeDecodeError:
        invalid = True
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=complete)
    return text.replace("\r\n", "\n"), invalid
