"""One cell of an input table read as a number or a date, refusing what would change its meaning.

Table cells are written by people and spreadsheets in many conventions.  A
reader that guesses turns "-0,5" into -5.0 or 03/02/2023 into the wrong month
without a word, so these parsers accept only what has one reading and raise
:class:`CellError` (with the reason) for the rest; :mod:`geomap.schema` turns
that into a row problem.

Numbers: a point is the decimal mark.  A comma is a thousands separator only in
whole numbers grouped by three ("1,234"); anywhere else it is refused, unless
the table is semicolon-separated (``decimal_comma=True``), where the comma is
the decimal mark, as spreadsheets in French or German write it.

Dates: ISO 8601 (``2023-11-14``, with or without a time), year first with
slashes or dots (``2023/11/14``), or with an English month name (``14 November
2023``, ``14-Nov-2023``, ``November 14, 2023``).  All-numeric day and month
(``03/02/2023``) are taken only when one reading exists (``25/03/2023``) or
both readings give the same day (``03/03/2023``); a two-digit year is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re

#: a count of people written with thousands separators: 1,234 or 12,345,678
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
#: a number written with a decimal comma (semicolon-separated tables)
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::[\d.]+)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # a time of day, ignored
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_DAY_MONTH = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})")
_NAMED_FORMATS = (
    "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y",
)  # fmt: skip


class CellError(ValueError):
    """Raised when a cell cannot be read as the number or date it should hold; the message says why."""


def parse_number(text: str, *, whole: bool = False, decimal_comma: bool = False) -> float:
    """The number a cell holds (``whole`` for counts, which may use thousands separators)."""
    text = text.strip()
    if "_" in text:  # Python reads 1_5 as 15; a table cell does not mean that
        raise CellError(f"not a number: {text!r}")
    try:
        number = float(text)
    except ValueError:
        number = _number_with_comma(text, whole=whole, decimal_comma=decimal_comma)
    if math.isnan(number) or math.isinf(number):
        raise CellError(f"not a finite number: {text!r}")
    return number


def _number_with_comma(text: str, *, whole: bool, decimal_comma: bool) -> float:
    if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    if whole and not decimal_comma and _GROUPED.fullmatch(text):
        return float(text.replace(",", ""))
    if "," in text and not decimal_comma:
        raise CellError(
            f"{text!r} has a comma: a decimal comma or a thousands separator? "
            "write the number with a point as decimal mark (-0.5) and no separators"
        )
    raise CellError(f"not a number: {text!r}")


def parse_date(text: str) -> dt.date:
    """The day a cell names; see the module docstring for the formats accepted."""
    text = text.strip()
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        return _day(text, int(match[1]), int(match[2]), int(match[3]))
    match = _DAY_MONTH.fullmatch(text)
    if match:
        return _numeric_day_month(text, match)
    if any(c.isalpha() for c in text):
        for form in _NAMED_FORMATS:
            try:
                return dt.datetime.strptime(text, form).date()
            except ValueError:
                continue
    raise CellError(f"not a date: {text!r}")


def _day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"not a date: {text!r}") from None


def _numeric_day_month(text: str, match: re.Match) -> dt.date:
    first, second, year = int(match[1]), int(match[2]), match[3]
    if len(year) != 4:
        raise CellError(f"{text!r} has a two-digit year: write it as YYYY-MM-DD")
    readings = set()
    for day, month in ((first, second), (second, first)):
        with contextlib.suppress(ValueError):
            readings.add(dt.date(int(year), month, day))
    if len(readings) == 1:
        return readings.pop()
    if not readings:
        raise CellError(f"not a date: {text!r}")
    one, other = sorted(readings)
    raise CellError(
        f"{text!r} is ambiguous: day/month or month/day ({one.isoformat()} or {other.isoformat()})? "
        "write it as YYYY-MM-DD"
    )
