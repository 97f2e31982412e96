"""What a row may hold and still be believed: dates, death counts, coordinates and ids.

:func:`geomap.schema.validate` coerces each cell to its kind; the checks here
refuse values of the right kind that cannot be true: a date in the future or a
placeholder date, a death count that is a missing-value code, coordinates in
metres or at 0, 0, latitude and longitude exchanged, and an id that repeats an
earlier row of the same table (which would silently replace it).  Each refusal
is a :class:`FieldProblem` naming the field, so the row is reported, not guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from geomap.errors import RowProblem

#: dates before this are placeholders for a missing date (0001-01-01), not conflict events
EARLIEST_DATE = "1900-01-01"
#: more deaths than any single event in ACLED or UCDP GED: a typo or a unit error
MAX_FATALITIES = 1_000_000
#: past these, a coordinate is metres of a projected CRS, not a misplaced degree
_PROJECTED = 1000

#: (latitudes, longitudes, country names or ISO codes) → per point: inside its country, None if unknown
InsideCountry = Callable[[np.ndarray, np.ndarray, list], list]


class FieldProblem(Exception):
    """Raised while a row is validated: ``field`` holds something the contract refuses, for ``problem``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def check_dates(out: dict, today: dt.date) -> None:
    """Refuse placeholder dates and dates after ``today`` (an event's end may still be ahead)."""
    tomorrow = _latest_day(today)
    for name in ("event_date", "event_date_end", "source_date"):
        day = out[name]
        if day is None:
            continue
        if day < EARLIEST_DATE:
            raise FieldProblem(name, f"{day} is before {EARLIEST_DATE[:4]}: a placeholder for no date?")
        if name != "event_date_end" and day > tomorrow:
            raise FieldProblem(name, f"{day} is in the future (today is {today.isoformat()})")


@lru_cache(maxsize=4)
def _latest_day(today: dt.date) -> str:
    return (today + dt.timedelta(days=1)).isoformat()  # a day's grace for time zones


def check_fatalities(out: dict) -> None:
    """Refuse death counts that are missing-value codes (9999) or beyond belief, and inverted ranges."""
    for name in ("fatalities", "fatalities_low", "fatalities_high"):
        count = out[name]
        if count is None:
            continue
        if count > MAX_FATALITIES:
            raise FieldProblem(name, f"{count:,} deaths in one event is not credible (> {MAX_FATALITIES:,})")
        if count >= 999 and set(str(count)) == {"9"}:
            raise FieldProblem(name, f"{count} looks like a code for a missing value; leave the cell empty")
    low, high = out["fatalities_low"], out["fatalities_high"]
    if low is not None and high is not None and low > high:
        raise FieldProblem("fatalities_high", f"{high} is below fatalities_low {low}")


def check_coordinates(out: dict) -> None:
    """Refuse half a point, points off the globe (saying when they look projected) and 0, 0."""
    lat, lon = out["latitude"], out["longitude"]
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        raise FieldProblem(missing, "missing while the other coordinate is given")
    if lat is None:
        return
    for name, value, limit in (("latitude", lat, 90), ("longitude", lon, 180)):
        if not -limit <= value <= limit:
            hint = " (metres of a projected CRS? geomap reads degrees: give the file its CRS)"
            hint = hint if abs(value) > _PROJECTED else ""
            raise FieldProblem(name, f"{value} is outside -{limit}..{limit}{hint}")
    if lat == 0 and lon == 0:
        raise FieldProblem("latitude", "0, 0 is in the Gulf of Guinea: missing coordinates written as 0?")


class RepeatedIds:
    """The event and dataset ids of a table's rows so far: a repeated one would silently replace a row."""

    def __init__(self) -> None:
        self.event_ids: dict[str, int] = {}
        self.origin_ids: dict[str, int] = {}

    def check(self, out: dict, row: int, *, given_id: bool) -> None:
        """Raise for a row whose ids repeat an earlier row's, else remember them.

        A computed event id (no ``event_id`` given) repeats when two rows share
        date, place, type and sources; rows with their own dataset ids
        (``origin_id``) are told apart by those.
        """
        origin = out["origin_id"]
        if origin is not None and origin in self.origin_ids:
            raise FieldProblem("origin_id", f"{origin!r} repeats row {self.origin_ids[origin]}")
        event_id = out["event_id"]
        if event_id in self.event_ids and (given_id or origin is None):
            first = self.event_ids[event_id]
            if given_id:
                raise FieldProblem("event_id", f"{event_id!r} repeats row {first}")
            raise FieldProblem(
                "event_id",
                f"same date, place, event type and sources as row {first} (a repeated line?); "
                "give each event its own event_id",
            )
        self.event_ids.setdefault(event_id, row)
        if origin is not None:
            self.origin_ids[origin] = row


def drop_swapped(
    good: list[dict], rows: list[int], *, file: str, inside: InsideCountry
) -> tuple[list[dict], list[RowProblem]]:
    """The rows kept, and a problem for each whose latitude and longitude look exchanged.

    Exchanged means: the point lies outside the row's country and the point with
    the two exchanged lies inside it.  Such a row is refused rather than
    corrected: which of the two the coder meant is for the researcher to say,
    and a point on another continent would mislead the map and the gazetteer.
    A point merely outside its country (a border, a coarse boundary) is kept.
    """
    candidates = [i for i, r in enumerate(good) if r["latitude"] is not None and (r["iso3"] or r["country"])]
    if not candidates:
        return good, []
    lat = np.array([good[i]["latitude"] for i in candidates])
    lon = np.array([good[i]["longitude"] for i in candidates])
    countries = [good[i]["iso3"] or good[i]["country"] for i in candidates]
    outside = [n for n, found in enumerate(inside(lat, lon, countries)) if found is False]
    flipped = [n for n in outside if abs(lon[n]) <= 90]
    if not flipped:
        return good, []
    swapped = inside(lon[flipped], lat[flipped], [countries[n] for n in flipped])
    problems, dropped = [], set()
    for n in (n for n, found in zip(flipped, swapped, strict=True) if found):
        dropped.add(candidates[n])
        problem = (
            f"{lat[n]}, {lon[n]} lies outside {countries[n]} but {lon[n]}, {lat[n]} inside it: "
            "latitude and longitude swapped?"
        )
        problems.append(RowProblem(file, rows[candidates[n]], "latitude", problem))
    return [r for i, r in enumerate(good) if i not in dropped], problems
