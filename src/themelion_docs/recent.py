"""Results kept for the life of the process, under a key made of their inputs.

``mkdocs serve`` rebuilds the whole site in one process after every save: a
function of unchanged inputs (a page's examples, its rewritten Markdown, the
catalog of the room, the author's guide) should cost a lookup on the next
build, not its work again. ``Recent`` is that lookup: a bounded mapping from a
hashable key naming every input to the value made from them. Nothing is
written anywhere; a new process starts empty (the disk caches serve it).
"""

from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """The last ``limit`` values made, by key; the oldest is dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: dict[Hashable, V] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        try:
            value = self.entries[key]
        except KeyError:
            self.misses += 1
            value = make()
            if len(self.entries) >= self.limit:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = value
            return value
        self.hits += 1
        return value
