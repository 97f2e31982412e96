"""Death tolls in English and French sentences: "killing at least 12", "une dizaine de morts".

A figure is read before the word for death ("12 soldiers were killed", "trois
morts") or after the word that gives it ("killing 12", "faisant 12 morts");
ranges ("between 10 and 15", "10 to 15") keep both ends, and the vague words
ACLED codes by convention ("dozens": 12, "several": 3) take those figures.
The lowest figure a sentence gives is the one kept, as ACLED does.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
    # ACLED's conventions for vague figures (the table)
    "dozens": 12, "a dozen": 12, "dozen": 12, "une dizaine": 10, "des dizaines": 12, "dizaines": 12,
    "several": 3, "a few": 3, "some": 3, "plusieurs": 3, "quelques": 3, "hundreds": 100, "des centaines": 100,
    "scores": 12, "many": 10, "numerous": 10, "nombreux": 10, "a number of": 3,
}  # fmt: skip
_NUMBER = (
    r"(?P<n>\d[\d,. ]*\d|\d|"
    + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
    + r")"
)
_RANGE = r"(?:(?:between|entre)\s+(?P<lo>\d+)\s+(?:and|et)\s+)?"
_KILL_AFTER = re.compile(
    r"\b(?:at least\s+|au moins\s+|some\s+|about\s+|around\s+|nearly\s+|almost\s+|more than\s+|plus de\s+|"
    r"pres de\s+|environ\s+|une\s+|up to\s+|jusqu'a\s+)?" + _RANGE + _NUMBER + r"(?:\s+to\s+(?P<hi>\d+))?"
    r"\s+(?:(?!and\b|et\b)[\w'-]+\s+){0,4}?(?:were\s+|have been\s+|had been\s+|was\s+|ont ete\s+|sont\s+|"
    r"a ete\s+|ont\s+|been\s+)?(?:killed|dead|died|lost their lives|slain|tue(?:e?s?|r)\b|morts?|perished|"
    r"ont peri|ont trouve la mort|executed|massacred|abattu\w*|victimes|deaths)\b"
)
_KILL_BEFORE = re.compile(
    r"\b(?:killing|killed|left|leaving|death toll (?:of|at|rose to|stood at|reached)|toll (?:of|rose to)|"
    r"bilan (?:de|d'au moins|provisoire de|s'eleve a)|faisant|fait|tuant|ont tue|a tue)\s+"
    r"(?:at least\s+|au moins\s+|some\s+|about\s+|around\s+|nearly\s+|more than\s+|plus de\s+|environ\s+|"
    r"pres de\s+)?" + _RANGE + _NUMBER + r"(?:\s+(?:to|a)\s+(?P<hi>\d+))?\b"
)


def fatalities(folded: str) -> tuple[int, int | None] | None:
    """The lowest death toll a sentence gives, and the highest of a range; None when it gives none."""
    best: tuple[int, int | None] | None = None
    for pattern in (_KILL_AFTER, _KILL_BEFORE):
        for match in pattern.finditer(folded):
            low = _number(match.group("lo") or match.group("n"))
            if low is None:
                continue
            high = (
                _number(match.group("hi"))
                if match.group("hi")
                else (_number(match.group("n")) if match.group("lo") else None)
            )
            if best is None or low < best[0]:
                best = (low, high)
    return best


def _number(word: str | None) -> int | None:
    if word is None:
        return None
    word = word.strip()
    digits = re.sub(r"[,. ]", "", word)
    if digits.isdigit():
        value = int(digits)
        return value if value < 100_000 else None
    return NUMBER_WORDS.get(word)
