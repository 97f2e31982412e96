"""Text helpers shared by the extractors: accent- and case-folding that keeps offsets, and sentences.

Every extractor reports character offsets into the document text as given, so
folding maps each character to exactly one character: a match found in the
folded text is at the same offsets in the original.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "–": "-", "—": "-", "‑": "-"})


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1] or char
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


def fold(text: str) -> str:
    """``text`` lower-cased, accents stripped and apostrophes/dashes unified, one character per character."""
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) if not c.isascii() else c.lower() for c in text)


class Spans:
    """Half-open character spans ``[start, end)``, asked whether any overlaps a given span.

    Sorted once, then each question looks only at the spans that start before
    its end and could still reach it, so checking every candidate of a long text
    stays linear in the text instead of growing with its square.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]
        self._longest = max((e - s for s, e in self._spans), default=0)

    def add(self, start: int, end: int) -> None:
        """Add one span, keeping the order."""
        i = bisect.bisect_left(self._spans, (start, end))
        self._spans.insert(i, (start, end))
        self._starts.insert(i, start)
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """True when a span overlaps ``[start, end)``."""
        i = bisect.bisect_left(self._starts, end)
        while i > 0:
            i -= 1
            s, e = self._spans[i]
            if s < start - self._longest:
                return False
            if e > start:
                return True
        return False


_Item = TypeVar("_Item")


def starting_within(items: Sequence[_Item], starts: Sequence[int], start: int, end: int) -> list[_Item]:
    """The ``items`` (sorted by their start offsets, ``starts``) that start in ``[start, end)``."""
    return list(items[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)])


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def whole_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not part of a longer word."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not is_word_char(before) and not is_word_char(after)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with its offsets in the document and its paragraph number."""

    text: str
    start: int
    end: int
    paragraph: int


#: words after which a full stop does not end a sentence
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "col",
        "lt",
        "maj",
        "capt",
        "sgt",
        "st",
        "mt",
        "no",
        "nos",
        "vol",
        "fig",
        "p",
        "pp",
        "jan",
        "feb",
        "mar",
        "apr",
        "aug",
        "sept",
        "sep",
        "oct",
        "nov",
        "dec",
        "m",
        "mme",
        "mmes",
        "mlle",
        "me",
        "cdt",
        "cne",
        "lcl",
        "ltn",
        "etc",
        "approx",
        "ca",
        "vs",
        "inc",
        "ltd",
        "co",
        "u.s",
        "u.n",
        "e.g",
        "i.e",
    ]
)
_BOUNDARY = re.compile(r"([.!?…]+)([\"'»”’)\]]*)(\s+)(?=[\"'«“‘(\[]?[A-ZÀ-Ý0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n")


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, with offsets; paragraphs (blank lines) always end a sentence."""
    found: list[Sentence] = []
    paragraph_start = 0
    for number, block in enumerate(_paragraphs(text)):
        block_start, block_end = block
        cursor = block_start
        chunk = text[block_start:block_end]
        for match in _BOUNDARY.finditer(chunk):
            end = block_start + match.end(2)
            word = re.search(r"([\w.]+)\.*$", text[cursor : block_start + match.start(1)])
            if match.group(1) == "." and word and _is_abbreviation(word.group(1)):
                continue
            _add(found, text, cursor, end, number)
            cursor = block_start + match.end(3)
        _add(found, text, cursor, block_end, number)
        paragraph_start = block_end
    del paragraph_start
    return found


def _is_abbreviation(word: str) -> bool:
    lowered = word.lower().rstrip(".")
    if lowered in _ABBREVIATIONS:
        return True
    return len(lowered) == 1 and lowered.isalpha()  # an initial: "J. Smith"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    blocks, cursor = [], 0
    for match in _PARAGRAPH.finditer(text):
        blocks.append((cursor, match.start()))
        cursor = match.end()
    blocks.append((cursor, len(text)))
    return blocks


def _add(found: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        found.append(Sentence(" ".join(text[start:end].split()), start, end, paragraph))
