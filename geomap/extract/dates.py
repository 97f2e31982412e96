"""Dates in English and French text: absolute, relative to the publication date, ranges, and vaguer ones.

The spans are found with patterns of our own (so that ranges, weekdays and
"a day later" can be anchored); a span naming a day and month is parsed with
dateparser, which knows the month names and abbreviations of both languages
and, given the publication date as its base, chooses the year of a date written
without one ("Nov. 14").

Anchoring rules
---------------
* A weekday ("on Tuesday", "mardi") is the last such day on or before the
  publication date (wires write "mardi" for the day they publish); "last
  Tuesday", "mardi dernier" is the one before it.
* "Yesterday", "the day before", "a day later", "two days later", "le
  lendemain" count from the publication date ("yesterday") or from the previous
  date in the text ("a day later").
* "Last week" is the week before the publication week (week precision, dated
  its Monday, the ACLED convention of the first day); "earlier this month" the
  publication month (month precision); "last month" the month before.
* A date without a year and without a publication date takes the year of the
  nearest date before it in the text that has one; when it names a weekday
  ("Tuesday, October 31") the year that puts it on that weekday wins.
* With neither a year nor a publication date ("On 11 January, soldiers
  arrested …"), the caller may give ``assumed``, the day the text is read: the
  date is then counted from it as from a publication date and marked
  ``assumed`` (its year is a guess, for a researcher to review).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import dateparser

from geomap.extract.text import Spans, fold
from geomap.model import TimePrecision

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "decembre": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}  # fmt: skip
NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "dix": 10,
}  # fmt: skip

# Patterns run on folded text (lower case, no accents), so they are written in lower case.
_MONTH = r"(?P<{0}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th|er)?"
_YEAR = r"(?P<{0}>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<wd>" + "|".join(WEEKDAYS) + r")"


def _p(template: str) -> re.Pattern[str]:
    parts = {
        "M1": _MONTH.format("m1"), "M2": _MONTH.format("m2"), "D1": _DAY.format("d1"),
        "D2": _DAY.format("d2"), "Y1": _YEAR.format("y1"), "Y2": _YEAR.format("y2"), "WD": _WEEKDAY,
    }  # fmt: skip
    for key, value in parts.items():
        template = template.replace(key, value)
    return re.compile(r"\b" + template + r"(?![\w])")


_OPT_WD = r"(?:WD,?\s+(?:the\s+|le\s+)?)?"
#: absolute patterns, most specific first; each names its groups d1/m1/y1 (start) and d2/m2/y2 (end)
_ABSOLUTE = [
    # ranges
    (
        "range",
        _p(
            r"(?:between|from)\s+(?:the\s+)?D1(?:\s+of)?\s+(?:M1\s+)?(?:and|to|-)\s+(?:the\s+)?D2(?:\s+of)?\s+M2,?(?:\s+Y2)?"
        ),
    ),
    ("range", _p(r"(?:between|from)\s+M1\s+D1\s+(?:and|to|-)\s+(?:M2\s+)?D2(?:,?\s+Y2)?")),
    ("range", _p(r"(?:entre\s+le|du)\s+D1(?:\s+M1)?\s+(?:et\s+le|au)\s+D2\s+M2(?:\s+Y2)?")),
    ("range", _p(r"D1\s*-\s*D2\s+M2(?:\s+Y2)?")),
    ("range", _p(r"M1\s+D1\s*-\s*D2(?:,?\s+Y2)?")),
    # one day
    ("day", _p(_OPT_WD + r"D1(?:\s+of)?\s+M1,?\s+Y1")),
    ("day", _p(_OPT_WD + r"M1\s+D1,?\s+Y1")),
    ("day", _p(_OPT_WD + r"D1(?:\s+of)?\s+M1")),
    ("day", _p(_OPT_WD + r"M1\s+D1")),
    # a month, a year
    (
        "month",
        _p(r"(?:(?:early|mid|late|end of|the end of|debut|mi|fin|courant)[\s-]+)?M1\s+(?:de\s+|of\s+)?Y1"),
    ),
    (
        "month",
        _p(r"(?:in|en|during|durant|early|late|mid|debut|fin|courant|since|depuis)[\s-]+(?:de\s+|of\s+)?M1"),
    ),
    ("year", _p(r"(?:in|en|during|durant|early|late|mid|debut|fin|courant)[\s-]+Y1")),
]
_RELATIVE = [
    (
        "weekday",
        re.compile(
            r"\b(?:on\s+|last\s+|this\s+|ce\s+|dans\s+la\s+nuit\s+de\s+|dans\s+la\s+nuit\s+du\s+)?"
            r"(?P<wd>"
            + "|".join(WEEKDAYS)
            + r")(?:\s+dernier)?(?:\s+(?:night|morning|evening|soir|matin|apres-midi))?\b"
        ),
    ),
    ("yesterday", re.compile(r"\b(?:yesterday|hier|the\s+day\s+before\s+yesterday|avant-hier)\b")),
    ("today", re.compile(r"\b(?:today|aujourd'hui|this\s+morning|ce\s+matin|tonight|earlier\s+today)\b")),
    (
        "later",
        re.compile(
            r"\b(?:(?P<n>a|one|two|three|four|five|un|une|deux|trois|quatre|cinq|\d)\s+(?:days?|jours?)\s+(?:later|plus\s+tard|apres)|the\s+(?:next|following)\s+day|le\s+lendemain|the\s+day\s+after)\b"
        ),
    ),
    ("before", re.compile(r"\b(?:the\s+day\s+before|la\s+veille)\b")),
    (
        "last_week",
        re.compile(
            r"\b(?:last\s+week|earlier\s+this\s+week|this\s+week|la\s+semaine\s+(?:derniere|passee)|cette\s+semaine|en\s+debut\s+de\s+semaine)\b"
        ),
    ),
    (
        "this_month",
        re.compile(
            r"\b(?:earlier\s+this\s+month|this\s+month|plus\s+tot\s+ce\s+mois-ci|ce\s+mois-ci|en\s+debut\s+de\s+mois|au\s+debut\s+du\s+mois)\b"
        ),
    ),
    ("last_month", re.compile(r"\b(?:last\s+month|le\s+mois\s+dernier|le\s+mois\s+passe)\b")),
    ("last_year", re.compile(r"\b(?:last\s+year|l'an\s+dernier|l'annee\s+derniere)\b")),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date the text gives, with its offsets, its precision and how it was found."""

    start: int
    end: int
    text: str
    date: dt.date
    end_date: dt.date | None = None
    precision: TimePrecision = TimePrecision.DAY
    relative: bool = False
    assumed: bool = False  # counted from the day the text was read: the year is a guess

    @property
    def last(self) -> dt.date:
        return self.end_date or self.date


def find_dates(
    text: str, *, published: dt.date | None = None, language: str = "en", assumed: dt.date | None = None
) -> list[DateMention]:
    """Every date mention in ``text``, in order, anchored to ``published`` (see the module docstring).

    ``assumed`` anchors, in place of ``published``, the dates that neither the
    publication date nor a year in the text can place; those are marked ``assumed``.
    """
    folded = fold(text)
    taken = Spans()
    raw: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _ABSOLUTE + _RELATIVE:
        for match in pattern.finditer(folded):
            span = match.span()
            if taken.overlaps(*span):
                continue
            taken.add(*span)
            raw.append((span[0], span[1], kind, match))
    raw.sort()
    found: list[DateMention] = []
    for start, end, kind, match in raw:
        mention = _resolve(text, start, end, kind, match, published, language, found)
        if mention is None and published is None and assumed is not None:
            mention = _resolve(text, start, end, kind, match, assumed, language, found)
            mention = replace(mention, assumed=True) if mention is not None else None
        if mention is not None:
            found.append(mention)
    return found


def _resolve(text, start, end, kind, match, published, language, previous) -> DateMention | None:
    span_text = text[start:end]
    groups = match.groupdict()
    if kind in ("day", "range", "month", "year"):
        return _absolute(span_text, start, end, kind, groups, published, language, previous)
    anchor = published
    if kind in ("later", "before"):
        days = [m for m in previous if m.precision == TimePrecision.DAY]
        anchor = days[-1].last if days else published
    if anchor is None:
        return None
    if kind == "weekday":
        back = (anchor.weekday() - WEEKDAYS[groups["wd"]]) % 7
        folded = fold(span_text)
        if back == 0 and ("last " in folded or "dernier" in folded):
            back = 7  # "last Tuesday", "mardi dernier" in a paper of Tuesday: the Tuesday before
        day = anchor - dt.timedelta(days=back)
        return DateMention(start, end, span_text, day, relative=True)
    if kind == "yesterday":
        back = 2 if ("before" in fold(span_text) or "avant" in fold(span_text)) else 1
        return DateMention(start, end, span_text, anchor - dt.timedelta(days=back), relative=True)
    if kind == "today":
        return DateMention(start, end, span_text, anchor, relative=True)
    if kind == "later":
        count = groups.get("n")
        days = 1 if not count else (int(count) if count.isdigit() else NUMBERS.get(count, 1))
        return DateMention(start, end, span_text, anchor + dt.timedelta(days=days), relative=True)
    if kind == "before":
        return DateMention(start, end, span_text, anchor - dt.timedelta(days=1), relative=True)
    if kind == "last_week":
        this_monday = anchor - dt.timedelta(days=anchor.weekday())
        folded = fold(span_text)
        monday = (
            this_monday
            if ("this" in folded or "cette" in folded or "debut" in folded)
            else (this_monday - dt.timedelta(days=7))
        )
        return DateMention(
            start, end, span_text, monday, monday + dt.timedelta(days=6), TimePrecision.WEEK, relative=True
        )
    if kind == "this_month":
        first = anchor.replace(day=1)
        return DateMention(start, end, span_text, first, anchor, TimePrecision.MONTH, relative=True)
    if kind == "last_month":
        last = anchor.replace(day=1) - dt.timedelta(days=1)
        return DateMention(
            start, end, span_text, last.replace(day=1), last, TimePrecision.MONTH, relative=True
        )
    if kind == "last_year":
        year = anchor.year - 1
        return DateMention(
            start,
            end,
            span_text,
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            TimePrecision.YEAR,
            relative=True,
        )
    return None


def _absolute(span_text, start, end, kind, groups, published, language, previous) -> DateMention | None:
    year1 = int(groups["y1"]) if groups.get("y1") else None
    year2 = int(groups["y2"]) if groups.get("y2") else None
    if kind == "year":
        return DateMention(
            start, end, span_text, dt.date(year1, 1, 1), dt.date(year1, 12, 31), TimePrecision.YEAR
        )
    month1 = MONTHS[groups["m1"]] if groups.get("m1") else None
    month2 = MONTHS[groups["m2"]] if groups.get("m2") else None
    if kind == "month":
        year1 = year1 or _year_of_month(month1, published, previous)
        if year1 is None:
            return None
        first = dt.date(year1, month1, 1)
        return DateMention(start, end, span_text, first, _month_end(first), TimePrecision.MONTH)
    year = year1 or year2
    weekday = WEEKDAYS.get(groups.get("wd") or "")
    if kind == "day":
        day = _day(span_text, int(groups["d1"]), month1, year, weekday, published, language, previous)
        return DateMention(start, end, span_text, day) if day else None
    # a range: the end carries the month and year the start leaves out
    month1 = month1 or month2
    last = _day(span_text, int(groups["d2"]), month2 or month1, year, None, published, language, previous)
    if last is None:
        return None
    try:
        first = dt.date(last.year, month1, int(groups["d1"]))
    except ValueError:
        return None
    if first > last:
        first = first.replace(year=first.year - 1)
    return DateMention(start, end, span_text, first, last if last != first else None)


def _day(span_text, day, month, year, weekday, published, language, previous) -> dt.date | None:
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    if published is not None:
        # dateparser picks the year: the most recent past one, seen from a week after publication
        base = dt.datetime.combine(published + dt.timedelta(days=7), dt.time())
        parsed = dateparser.parse(
            f"{day} {_month_name(month)}",
            languages=["en"],
            settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "REQUIRE_PARTS": ["day", "month"]},
        )
        return parsed.date() if parsed else None
    years = [m.date.year for m in previous if m.precision <= TimePrecision.MONTH and not m.relative]
    candidates = [years[-1]] if years else []
    if weekday is not None:
        pool = sorted({y + k for y in (years or [dt.date.today().year]) for k in (-1, 0, 1)})
        matching = [y for y in pool if _valid(y, month, day) and dt.date(y, month, day).weekday() == weekday]
        if matching:
            near = years[-1] if years else matching[-1]
            candidates = [min(matching, key=lambda y: abs(y - near))]
    if not candidates or not _valid(candidates[0], month, day):
        return None
    return dt.date(candidates[0], month, day)


def _year_of_month(month: int, published: dt.date | None, previous: list[DateMention]) -> int | None:
    """The year of a month named without one ("in June"): the last such month up to publication."""
    if published is not None:
        return published.year if month <= published.month else published.year - 1
    years = [m.date.year for m in previous if not m.relative]
    return years[-1] if years else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _month_name(month: int) -> str:
    return dt.date(2000, month, 1).strftime("%B")


def _month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
