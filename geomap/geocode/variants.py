"""Names spelt differently: transliteration variants (Tombouctou ~ Tumbuktu) and near misses (rapidfuzz).

Both only propose keys of the gazetteer; :mod:`geomap.geocode.resolve` decides
whether the text corroborates a proposal enough to pin it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from math import ceil, floor

FUZZY_CUTOFF = 85  # rapidfuzz ratio, 0–100
#: ratio = 2·matches / (len a + len b) ≥ c needs the shorter name at least c / (2 − c) of the longer one
_LENGTH_RATIO = (FUZZY_CUTOFF / 100) / (2 - FUZZY_CUTOFF / 100)

_VARIANT_RULES = [(re.compile(p), r) for p, r in [
    (r"ou", "u"), (r"dj", "j"), (r"kh", "k"), (r"gh", "g"), (r"ph", "f"), (r"c(?=[aou])", "k"),
    (r"ck", "k"), (r"q", "k"), (r"w", "u"), (r"y", "i"), (r"([a-z])\1", r"\1"), (r"h(?![aeiou])", ""),
    (r"e\b", ""), (r" ", ""),
]]  # fmt: skip

#: words that tell two places of one name apart: "Tinkarène-Est" is not "Tinkarène-Ouest"
DISTINGUISHING = frozenset(
    ["n", "s", "e", "w", "north", "south", "east", "west", "nord", "sud", "est", "ouest", "centre", "center",
     "haut", "bas", "upper", "lower", "i", "ii", "iii", "1", "2", "3"]
)  # fmt: skip


def words_agree(a: str, b: str) -> bool:
    """Whether two normalized names may spell one name: alike word by word, no telling word apart."""
    from rapidfuzz import fuzz  # imported where used: an exact name needs no fuzzy matcher (issue 16)

    left, right = a.split(), b.split()
    if len(left) != len(right):
        return False
    for x, y in zip(left, right, strict=True):
        if x != y and (x in DISTINGUISHING or y in DISTINGUISHING or fuzz.ratio(x, y) < 75):
            return False
    return True


def variant_key(key: str) -> str:
    """A coarse key under which French and English transliterations meet (Tombouctou ~ Tumbuktu)."""
    for pattern, replacement in _VARIANT_RULES:
        key = pattern.sub(replacement, key)
    return key


class NameVariants:
    """The name keys of some countries, indexed for variant and fuzzy proposals.

    Keys are bucketed by first letter and length: a fuzzy query compares only
    the keys that begin like it and are long enough or short enough to reach
    :data:`FUZZY_CUTOFF` (a misspelt first letter is left to the variant rules:
    Gh/G, K/C/Q, Dj/J, Ou/W…).
    """

    def __init__(self, keys: list[str]) -> None:
        self._variants: dict[str, list[str]] = defaultdict(list)
        self._buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for key in keys:
            self._variants[variant_key(key)].append(key)
            self._buckets[key[:1], len(key)].append(key)

    def variants(self, key: str) -> list[str]:
        """Keys that share ``key``'s variant key."""
        return self._variants.get(variant_key(key), [])

    def fuzzy(self, key: str) -> tuple[str, float] | None:
        """The closest key at or above the cutoff whose words agree with ``key``, with its score."""
        from rapidfuzz import fuzz, process

        low, high = ceil(len(key) * _LENGTH_RATIO), floor(len(key) / _LENGTH_RATIO)
        pool = [k for size in range(low, high + 1) for k in self._buckets.get((key[:1], size), ())]
        close = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
        return next(((k, score) for k, score, _ in close if words_agree(key, k)), None)
