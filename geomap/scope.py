"""The stored reports an import can change: the new rows' connected components (issue 13).

Merging (:mod:`geomap.sourcing.merging`) only joins rows that match, directly
or through other rows, and a researcher's split only keeps matching rows
apart.  So the merged events of a set of rows closed under matching (every row
that matches one of them is in it) are the same whether it is merged alone or
with the whole store.  :func:`touched` finds that set for an import without
reading the store: starting from the new rows and the stored rows they replace
(a replaced row's old neighbours may fall apart without it), it asks the store
for the rows in their blocks — same event type, a date window that can
overlap, the same country or region or a point within reach — and keeps those
that match, until no new row matches.  Each round reads only the blocks of
the rows found in the round before, through an SQLite filter on the reports
layer.
"""

from __future__ import annotations

import math

import pandas as pd

from geomap.schema import is_blank, records
from geomap.sourcing.merging import MERGE_KM, candidate_pairs, dataset_of, located, same_event, span
from geomap.store import REPORTS, Store, where_in

_DEGREE_KM = 110.5  # the shortest a degree of latitude gets: a margin in degrees errs on the wide side


def touched(store: Store, new: list[dict], replaced: list[dict]) -> dict[str, dict]:
    """The stored reports (event_id → row) connected by matching to ``new`` or ``replaced`` rows.

    ``replaced``: stored rows the import removes or replaces; they lead to
    their neighbours but are not returned unless a row matches them again.
    """
    found: dict[str, dict] = {}
    seen = {str(r["event_id"]) for r in replaced}
    frontier = [*new, *replaced]
    while frontier:
        where = block_filter(frontier)
        if where is None:
            break
        candidates = [
            r
            for r in records(store.select(REPORTS, where).drop(columns="geometry"))
            if r["event_id"] not in seen and r["event_id"] not in found
        ]
        frontier = _matching(frontier, candidates)
        found.update((r["event_id"], r) for r in frontier)
    return found


def _matching(frontier: list[dict], candidates: list[dict]) -> list[dict]:
    """The candidates that match a frontier row (the pairs merging would test, then its rule)."""
    if not candidates:
        return []
    rows = [*frontier, *candidates]
    first = len(frontier)
    hit: set[int] = set()
    for i, j in candidate_pairs(rows, [dataset_of(r) for r in rows]):
        if (i < first) == (j < first) or max(i, j) in hit:
            continue  # two frontier rows, two candidates, or a candidate found already
        if same_event(rows[i], rows[j]):
            hit.add(max(i, j))
    return [rows[k] for k in sorted(hit)]


def block_filter(rows: list[dict]) -> str | None:
    """An SQLite filter for the stored rows that can match one of ``rows`` (a superset of them)."""
    kinds = {r["event_type"] for r in rows if not is_blank(r.get("event_type"))}
    if not kinds:
        return None
    spans = [span(r) for r in rows]
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    return " AND ".join([where_in("event_type", sorted(kinds)), _dates(first, last), f"({_places(rows)})"])


def _dates(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """Rows whose date window, widened by their own precision, can overlap ``first``–``last``."""
    start = "event_date"
    end = "coalesce(nullif(event_date_end, ''), event_date)"
    week_end, week_start = (first - pd.Timedelta(days=3)).date(), (last + pd.Timedelta(days=3)).date()
    return (
        "(CASE WHEN time_precision >= 4 THEN substr({s}, 1, 4) <= '{ly}' AND substr({e}, 1, 4) >= '{fy}'"
        " WHEN time_precision = 3 THEN substr({s}, 1, 7) <= '{lm}' AND substr({e}, 1, 7) >= '{fm}'"
        " WHEN time_precision = 2 THEN {s} <= '{ws}' AND {e} >= '{we}'"
        " ELSE {s} <= '{ld}' AND {e} >= '{fd}' END)"
    ).format(
        s=start,
        e=end,
        ly=f"{last.year:04d}",
        fy=f"{first.year:04d}",
        lm=last.strftime("%Y-%m"),
        fm=first.strftime("%Y-%m"),
        ws=week_start,
        we=week_end,
        ld=last.date(),
        fd=first.date(),
    )


def _places(rows: list[dict]) -> str:
    """Rows in the same country or region as one of ``rows``, or within reach of one's point."""
    countries = {str(r[c]) for r in rows for c in ("iso3", "country") if not is_blank(r.get(c))}
    regions = {str(r["admin1"]) for r in rows if not is_blank(r.get("admin1"))}
    countries, regions = sorted(countries), sorted(regions)
    parts = [where_in("iso3", countries), where_in("country", countries), where_in("admin1", regions)]
    placed = [r for r in rows if located(r)]
    if placed:
        margin = MERGE_KM / _DEGREE_KM
        lats = [float(r["latitude"]) for r in placed]
        lons = [float(r["longitude"]) for r in placed]
        top = min(max(abs(v) for v in lats) + margin, 89.0)
        wide = min(margin / math.cos(math.radians(top)), 180.0)
        parts.append(
            f"(latitude BETWEEN {min(lats) - margin!r} AND {max(lats) + margin!r}"
            f" AND longitude BETWEEN {min(lons) - wide!r} AND {max(lons) + wide!r})"
        )
    return " OR ".join(parts)
