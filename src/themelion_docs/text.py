"""Text helpers for rules: accent-insensitive term search and quantities.

These work on the prose the lesson model already extracted (inline text of
paragraphs, list items, table rows), never on raw Markdown.
"""

from __future__ import annotations

import re
import reprlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics (and NBSP, µ...) mapped to their base form."""
    table = {}
    for code in (*range(0x00A0, 0x0250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != char:
            table[code] = base
    return table


_FOLD = _fold_table()
# str.translate looks every character up in the table (~40 ns each: 5 ms for a 130 KB page);
# a regex finds only the few that change and swaps them (0,7 ms): the same result.
_FOLD_CHARS = {chr(code): base for code, base in _FOLD.items()}
_FOLDED = re.compile("[" + "".join(re.escape(char) for char in sorted(_FOLD_CHARS)) + "]")


def _swap(match: re.Match[str]) -> str:
    return _FOLD_CHARS[match.group()]


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case and strip accents, keeping symbols such as ❌ and /."""
    return fold_uncached(text)


def fold_uncached(text: str) -> str:
    """``fold`` for a text seen once (a whole page): not kept in fold's cache."""
    folded = text.casefold()
    return folded if folded.isascii() else _FOLDED.sub(_swap, folded)


def _term_regex(term: str) -> str:
    folded = fold(term)
    if folded.endswith("*"):
        return re.escape(folded[:-1]) + r"\w*"
    if folded[-1:].isalnum():
        return re.escape(folded) + r"(?!\w)"
    return re.escape(folded)


@lru_cache(maxsize=256)
def term_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word alternatives, one group per term (longest first); ``*`` ends a prefix."""
    ordered = sorted(range(len(terms)), key=lambda i: len(terms[i]), reverse=True)
    groups = "|".join(f"(?P<t{i}>{_term_regex(terms[i])})" for i in ordered)
    return re.compile(r"(?<!\w)(?:" + groups + ")")


def find_terms(text: str, terms: Sequence[str]) -> list[str]:
    """Distinct terms (as written in ``terms``, in that order) that occur in ``text``."""
    if not terms:
        return []
    terms = tuple(terms)
    seen = {int(m.lastgroup[1:]) for m in term_pattern(terms).finditer(fold(text))}
    return [terms[i].rstrip("*") for i in sorted(seen)]


def contains_any(text: str, markers: Sequence[str]) -> bool:
    return bool(markers) and bool(term_pattern(tuple(markers)).search(fold(text)))


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float
    unit: str


_MULTIPLIERS = {"k": 1e3, "mil": 1e3, "m": 1e6, "milhao": 1e6, "milhoes": 1e6, "mi": 1e6,
                "bilhao": 1e9, "bilhoes": 1e9, "bi": 1e9}
_NUMBER = r"(?<![\w.,])(\d+(?:[.,]\d+)*)(?:\s?(k|mil|milhao|milhoes|mi|bilhao|bilhoes|bi)(?!\w))?"


@lru_cache(maxsize=64)
def quantity_pattern(units: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for unit in sorted((fold(u) for u in units), key=len, reverse=True):
        tail = r"(?![\w/])" if unit[-1:].isalnum() else ""
        alternatives.append(re.escape(unit) + tail)
    unit_group = "|".join(alternatives)
    return re.compile(_NUMBER + r"\s?(?:de\s)?(" + unit_group + r")")


def find_quantities(text: str, units: Sequence[str]) -> list[Quantity]:
    folded = fold(text)
    found = []
    for match in quantity_pattern(tuple(units)).finditer(folded):
        number, multiplier, unit = match.group(1), match.group(2), match.group(3)
        value = parse_number(number) * _MULTIPLIERS.get(multiplier or "", 1.0)
        found.append(Quantity(match.group(0), value, unit))
    return found


def parse_number(text: str) -> float:
    """pt-BR numbers: ``100.000`` is a hundred thousand, ``1,5`` is one and a half."""
    groups = re.split(r"[.,]", text)
    separators = re.findall(r"[.,]", text)
    if not separators:
        return float(text)
    if "," in separators:
        integer, _, decimal = text.rpartition(",")
        return float(integer.replace(".", "") + "." + decimal) if decimal.isdigit() else float(integer.replace(".", ""))
    if all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    return float(text) if len(separators) == 1 else float("".join(groups))


def magnitude_spread(values: Iterable[float]) -> float:
    positive = [v for v in values if v > 0]
    if len(positive) < 2:
        return 1.0
    return max(positive) / min(positive)


_DIGIT = re.compile(r"\d")


def has_digit(text: str) -> bool:
    """Whether ``text`` holds a decimal digit of any script (superscripts like ² alone do not count)."""
    return _DIGIT.search(text) is not None


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 4, 60, 60


def short_repr(value: object) -> str:
    """A bounded repr for messages: YAML aliases can nest lists exponentially."""
    return _SHORT.repr(value)
