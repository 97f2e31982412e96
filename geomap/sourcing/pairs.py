"""The pairs worth testing: for each row, only the rows that can pass :func:`same_event`'s tests.

:func:`~geomap.sourcing.merging.same_event` accepts a pair only when the two event types are the
same, the date windows share a day, and the place rule of the less precise row holds: with a row
known only to the country (precision 4+), the same country; else with a row known only to the
region (3), the same admin-1 region; else both located and within MERGE_KM.  Each pair is searched
from its less precise row, in one of three indexes of the same type's rows:

* **country**: every row with a country, searched by the rows known only to the country;
* **region**: the rows of precision 1–3 with a region, searched by the rows known only to the region;
* **cells**: the located rows of precision 1–2 by cell of ``CELL`` degrees, searched by the located
  rows in the cells a point within MERGE_KM can lie in (one row of cells either side, and as many
  columns as the latitude needs: more towards the poles, all of them at a pole; across 180°).

Inside a key the rows are sorted by the first day of their window (:class:`Timeline`), so a row
reads only the rows whose windows can share a day with its own.  A pair is searched from one side
only (the less precise row; the lower index when both are of one kind), so each comes out once and
no set of pairs seen is kept.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator

from geomap.schema import is_blank
from geomap.sourcing.merging import MERGE_KM, _country, located

CELL = 0.1  # degrees: a cell's height (11.1 km) is more than MERGE_KM, so a match is one row away
COLUMNS = round(360 / CELL)  # cells around a parallel
EARTH_KM = 6371.0  # the radius distance_km uses
#: window lengths (days) that split a key's rows, so one long window does not widen every search
LENGTHS = (7, 62)


class Timeline:
    """The rows of one key sorted by the first day of their window; finds the windows that overlap."""

    __slots__ = ("ends", "longest", "rows", "starts")

    def __init__(self, entries: list[tuple[int, int, int]]) -> None:
        entries.sort()
        self.starts = [e[0] for e in entries]
        self.ends = [e[1] for e in entries]
        self.rows = [e[2] for e in entries]
        self.longest = max(e[1] - e[0] for e in entries)

    def overlapping(self, first: int, last: int) -> Iterator[int]:
        """The rows whose window shares a day with ``first``…``last``."""
        lo = bisect.bisect_left(self.starts, first - self.longest)
        hi = bisect.bisect_right(self.starts, last)
        ends, rows = self.ends, self.rows
        return (rows[k] for k in range(lo, hi) if ends[k] >= first)


def _length_class(first: int, last: int) -> int:
    return bisect.bisect_left(LENGTHS, last - first)


def _timelines(grouped: dict) -> dict:
    return {key: [Timeline(e) for e in by_length.values()] for key, by_length in grouped.items()}


def precision(row: dict) -> int:
    """The row's place precision as the rules read it (1 when not given)."""
    return int(row.get("geo_precision") or 1)


def place_keys(row: dict) -> tuple[tuple | None, tuple | None, tuple | None]:
    """The row's keys in the three indexes (country, region, cell); None where it is not in one."""
    kind, level = row["event_type"], precision(row)
    country = _country(row)
    admin1 = row.get("admin1")
    by_country = None if country is None else (kind, country)
    by_region = None if level > 3 or is_blank(admin1) else (kind, admin1)
    by_cell = None
    if level <= 2 and located(row):
        by_cell = (kind, math.floor(row["latitude"] / CELL), math.floor(row["longitude"] / CELL) % COLUMNS)
    return by_country, by_region, by_cell


def search_pairs(
    rows: list[dict], labels: list[str], spans: list[tuple[int, int]], allowed: Callable[[str, str], bool]
) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j), each once, that can pass the rules (module docstring); ``spans``: days."""
    keys = [place_keys(row) for row in rows]
    levels = [min(max(precision(row), 2), 4) for row in rows]  # points, regions, countries
    indexes: list[dict] = [{}, {}, {}]
    for i, row_keys in enumerate(keys):
        klass = _length_class(*spans[i])
        for index, key in zip(indexes, row_keys, strict=True):
            if key is not None:
                index.setdefault(key, {}).setdefault(klass, []).append((*spans[i], i))
    by_country, by_region, by_cell = (_timelines(index) for index in indexes)

    def pairs_in(i: int, timelines: list[Timeline]) -> Iterator[tuple[int, int]]:
        first, last = spans[i]
        for timeline in timelines:
            for j in timeline.overlapping(first, last):
                if (levels[j] < levels[i] or j > i) and allowed(labels[i], labels[j]):
                    yield (i, j) if i < j else (j, i)

    for i, (country, region, _) in enumerate(keys):
        if levels[i] == 4 and country is not None:
            yield from pairs_in(i, by_country[country])
        elif levels[i] == 3 and region is not None:
            yield from pairs_in(i, by_region[region])
    for key, timelines in by_cell.items():
        around = [t for near in _cells_around(key, by_cell) for t in by_cell[near]]
        for i in (i for t in timelines for i in t.rows):
            yield from pairs_in(i, around)


def _cells_around(key: tuple, cells: dict) -> list[tuple]:
    """The keys of ``cells`` a point within MERGE_KM of a point in cell ``key`` can lie in (itself too)."""
    kind, row, column = key
    reach = _columns_reached(row)
    if 2 * reach + 1 >= COLUMNS:
        wanted = range(COLUMNS)
    else:
        wanted = sorted({(column + d) % COLUMNS for d in range(-reach, reach + 1)})
    return [(kind, r, c) for r in (row - 1, row, row + 1) for c in wanted if (kind, r, c) in cells]


def _columns_reached(row: int) -> int:
    """How many columns either side a match of a point in cell row ``row`` can be (a bound, rounded up).

    By the haversine formula, two points within d of each other at latitudes whose cosines are at
    least c are at most 2·asin(sin(d/2R) / c) apart in longitude.
    """
    edge = min(90.0, max(abs((row - 1) * CELL), abs((row + 2) * CELL)) + CELL / 10)
    lowest = math.cos(math.radians(edge))
    bound = math.sin(MERGE_KM / (2 * EARTH_KM)) / lowest if lowest > 0 else math.inf
    if bound >= 1:
        return COLUMNS
    return math.ceil(math.degrees(2 * math.asin(bound)) / CELL + 1e-9)  # + a float's rounding
