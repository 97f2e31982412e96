"""Which rows are one event: the matching rules, the pairs worth testing, and the merge plan.

Two kinds of rows reach the merge (``extraction`` tells them apart):

* a **report** (``rules``, ``ner``: what one article says) merges with the
  other reports of the same event;
* a **coded** row (``table``, ``manual``: a row of ACLED, UCDP GED or a
  researcher's coded table) is an event its coders already de-duplicated.  It
  is never merged with another coded row, whatever its place, day and actors:
  no pair of coded rows is even tested, except across datasets (``dataset``),
  where matching rows are *linked* (``linked_ids``), each keeping its own
  fields and fatalities.

A group of reports that matches a coded event attaches to it as
corroboration; a group matching several coded events attaches to one only:
the closest, then the smallest event_id.  A researcher's split
(:func:`geomap.corrections.apart_pairs`) keeps named reports apart before
anything is merged, so it survives every re-import.

Two rows are of the same event (:func:`same_event`) when all of these hold:

- their dates overlap, each widened by its own precision (day ±0, week ±3 days, month: the calendar
  month, year: the calendar year); two day-precision reports of different days never merge;
- their places are close: within MERGE_KM when both are located to a place (precision 1–2), in the
  same admin-1 region when one is only known to the region, in the same country when one is only
  known to the country; two precise places farther apart never merge, and a row whose place or
  country is unknown matches nothing;
- their event types are the same;
- their actors overlap when both name actors (one side empty is compatible).

Report groups are closed transitively (union–find over pairs taken in id
order), so the result does not depend on the order of the rows.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from geomap.model import CODED_EXTRACTIONS
from geomap.schema import is_blank, records

MERGE_KM = 10.0
#: the columns the rules read (all :func:`plan_merge` keeps of a row, and what the engine sends a task)
RULE_COLUMNS = (
    "event_id", "event_type", "event_date", "event_date_end", "time_precision", "latitude",
    "longitude", "geo_precision", "iso3", "country", "admin1", "actor1", "actor2", "assoc_actor_1",
    "assoc_actor_2", "extraction", "dataset",
)  # fmt: skip
CODED = CODED_EXTRACTIONS
REPORT = ""  # the dataset label of a report: reports match everything


def is_coded(row: dict) -> bool:
    """Whether a row is a coded dataset's event (never merged with another) rather than a report."""
    return str(row.get("extraction") or "table") in CODED


def dataset_of(row: dict) -> str:
    """The dataset a coded row belongs to ("acled", "ucdp", "native", …); ``REPORT`` for a report."""
    if not is_coded(row):
        return REPORT
    return str(row.get("dataset") or "native")


def member_ids(event: dict) -> list[str]:
    """The ids of the rows an event was made of: its ``origin_id`` list, or its own id when alone."""
    origin = event.get("origin_id")
    if is_blank(origin):
        return [str(event["event_id"])]
    return [o.strip() for o in str(origin).split(";") if o.strip()]


def member_id(row: dict) -> str:
    """How a merged event names one of its rows: the dataset's id, or the report's event_id."""
    origin = row.get("origin_id")
    return str(row["event_id"]) if is_blank(origin) else str(origin)


# --- the rules -------------------------------------------------------------------------------------


# cached: merging tests a row's window once per candidate pair, and parsing dates was most of a
# 1M-row merge (py-spy); the arguments are a row's plain values, the result immutable Timestamps
@functools.lru_cache(maxsize=1 << 16)
def _window(start: str, end: object, precision: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    first = pd.Timestamp(start)
    last = first if is_blank(end) else pd.Timestamp(end)
    if precision == 2:
        return first - pd.Timedelta(days=3), last + pd.Timedelta(days=3)
    if precision == 3:
        return first.replace(day=1), last + pd.offsets.MonthEnd(0)
    if precision >= 4:
        return first.replace(month=1, day=1), last.replace(month=12, day=31)
    return first, last


def span(row: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The row's date window, widened by its precision (the rules above)."""
    return _window(row["event_date"], row.get("event_date_end"), int(row.get("time_precision") or 1))


def _actors(row: dict) -> set[str]:
    names = set()
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        value = row.get(column)
        if isinstance(value, str):
            names |= {n.strip().lower() for n in value.split(";") if n.strip()}
    return names


def located(row: dict) -> bool:
    """Whether the row has a point."""
    lat, lon = row.get("latitude"), row.get("longitude")
    return not is_blank(lat) and not is_blank(lon) and not (math.isnan(lat) or math.isnan(lon))


def _country(row: dict) -> str | None:
    key = row.get("iso3") or row.get("country")
    return None if is_blank(key) else str(key)


def same_event(a: dict, b: dict) -> bool:
    """Whether two rows describe one event (the rules in this module's docstring)."""
    if a["event_type"] != b["event_type"]:
        return False
    a0, a1 = span(a)
    b0, b1 = span(b)
    if a1 < b0 or b1 < a0:
        return False
    if not _close(a, b):
        return False
    left, right = _actors(a), _actors(b)
    return not left or not right or bool(left & right)


def _close(a: dict, b: dict) -> bool:
    pa, pb = int(a.get("geo_precision") or 1), int(b.get("geo_precision") or 1)
    if max(pa, pb) >= 4:
        return _country(a) is not None and _country(a) == _country(b)
    if max(pa, pb) == 3:
        return not is_blank(a.get("admin1")) and a.get("admin1") == b.get("admin1")
    return located(a) and located(b) and km_apart(a, b) <= MERGE_KM


def km_apart(a: dict, b: dict) -> float:
    """Distance between two rows' points; infinite when either has none."""
    from geomap.gazetteer.index import distance_km

    if not (located(a) and located(b)):
        return math.inf
    return distance_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"])


def why(a: dict, b: dict) -> str:
    """In words, the rules by which two matching rows are one event (for ``geomap explain``)."""
    a0, a1 = span(a)
    b0, b1 = span(b)
    first, last = max(a0, b0).date(), min(a1, b1).date()
    days = f"dates overlap ({first})" if first == last else f"dates overlap ({first} to {last})"
    pa, pb = int(a.get("geo_precision") or 1), int(b.get("geo_precision") or 1)
    if max(pa, pb) >= 4:
        place = f"same country ({_country(a)}; one is known only to the country)"
    elif max(pa, pb) == 3:
        place = f"same region ({a.get('admin1')}; one is known only to the region)"
    else:
        place = f"{km_apart(a, b):.1f} km apart (within {MERGE_KM:g} km)"
    shared = sorted(_actors(a) & _actors(b))
    actors = f"shared actors: {', '.join(shared)}" if shared else "one side names no actors"
    return f"same type ({a['event_type']}); {days}; {place}; {actors}"


# --- pairs worth testing ---------------------------------------------------------------------------


def _allowed(left: str, right: str) -> bool:
    """Pairs that can match: anything with a report, and coded rows of two different datasets."""
    return left == REPORT or right == REPORT or left != right


def span_days(row: dict) -> tuple[int, int]:
    """The first and last day (days since 1970) of :func:`span`."""
    start, end = span(row)
    return int(start.timestamp() // 86400), int(end.timestamp() // 86400)


def candidate_pairs(rows: list[dict], labels: list[str]) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j), each once, holding every pair :func:`same_event` can accept.

    A pair can only match when its event types are the same, its date windows share a day and one
    of the place rules holds, so each row searches only the rows that can pass them (by
    :func:`~geomap.sourcing.pairs.place_keys`): a row known to the country those of its country,
    one known to the region those of its region, and a located row the located rows of the cells
    around it.  Two coded rows of one dataset are never paired, so a coded table costs no tests
    against itself.
    """
    from geomap.sourcing.pairs import search_pairs

    yield from search_pairs(rows, labels, [span_days(row) for row in rows], _allowed)


# --- the plan --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePlan:
    """Where each row goes: ``target`` maps every event_id to its merged event's id; ``links`` maps a
    coded event to the coded events of other datasets that match it."""

    target: dict[str, str]
    links: dict[str, tuple[str, ...]] = field(default_factory=dict)


def plan_merge(
    events: pd.DataFrame,
    *,
    apart: Iterable[tuple[str, str]] = (),
    matches: Iterable[tuple[str, str]] | None = None,
) -> MergePlan:
    """The merge plan of a table of rows (reports and coded rows); ``apart``: pairs never merged.

    ``matches``: the pairs of event_ids that :func:`same_event` accepts among the rows, when the
    caller has found them already (the Dask engine, on its workers); searched and tested when omitted.
    """
    ruled = events[[c for c in RULE_COLUMNS if c in events.columns]]  # the rules read no other column
    rows = sorted(records(ruled), key=lambda r: r["event_id"])
    labels = [dataset_of(r) for r in rows]
    forbidden = _forbidden(apart)
    report_pairs, attach, links = [], {}, {}
    for i, j in _matching(rows, labels, matches):  # any order: only the report pairs' order counts
        a, b = rows[i], rows[j]
        if _is_apart(a, b, forbidden):
            continue
        if labels[i] == REPORT and labels[j] == REPORT:
            report_pairs.append((i, j))
        elif labels[i] == REPORT or labels[j] == REPORT:
            report, coded = (i, j) if labels[i] == REPORT else (j, i)
            attach.setdefault(report, []).append(coded)
        else:
            links.setdefault(a["event_id"], set()).add(b["event_id"])
            links.setdefault(b["event_id"], set()).add(a["event_id"])
    reports = [i for i, label in enumerate(labels) if label == REPORT]
    groups = _report_groups(rows, reports, sorted(report_pairs), forbidden)
    target = {r["event_id"]: r["event_id"] for r in rows}
    for root, members in groups.items():
        anchor = _anchor(rows, members, attach, forbidden)
        for i in members:
            target[rows[i]["event_id"]] = rows[anchor]["event_id"] if anchor is not None else root
    return MergePlan(target, {k: tuple(sorted(v)) for k, v in links.items()})


def _matching(rows: list[dict], labels: list[str], matches) -> Iterator[tuple[int, int]]:
    """The matching pairs (i < j) of ``rows``: ``matches`` (event_ids) if given, else searched and tested."""
    if matches is None:
        return ((i, j) for i, j in candidate_pairs(rows, labels) if same_event(rows[i], rows[j]))
    position = {row["event_id"]: k for k, row in enumerate(rows)}
    return ((min(p), max(p)) for p in ((position[a], position[b]) for a, b in matches))


def _forbidden(apart: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a, b in apart:
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def _is_apart(a: dict, b: dict, forbidden: dict[str, set[str]]) -> bool:
    return bool(forbidden) and b["event_id"] in forbidden.get(a["event_id"], ())


def _report_groups(rows, reports: list[int], pairs, forbidden) -> dict[str, list[int]]:
    """Union–find over matching report pairs, never joining two groups that hold a pair kept apart."""
    parent = {i: i for i in reports}
    members = {i: [i] for i in parent}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:  # in id order, so a split gives the same groups whatever the rows' order
        ri, rj = root(i), root(j)
        if ri == rj or _crosses(rows, members[ri], members[rj], forbidden):
            continue
        keep, gone = min(ri, rj), max(ri, rj)
        parent[gone] = keep
        members[keep] += members.pop(gone)
    return {rows[r]["event_id"]: sorted(m) for r, m in members.items()}


def _crosses(rows, left: list[int], right: list[int], forbidden: dict[str, set[str]]) -> bool:
    if not forbidden:
        return False
    ids = {rows[j]["event_id"] for j in right}
    return any(forbidden.get(rows[i]["event_id"], set()) & ids for i in left)


def _anchor(rows, members: list[int], attach: dict[int, list[int]], forbidden) -> int | None:
    """The coded event a group of reports attaches to: the closest match, then the smallest id."""
    best: tuple[float, str, int] | None = None
    for i in members:
        for c in attach.get(i, ()):
            if any(_is_apart(rows[m], rows[c], forbidden) for m in members):
                continue
            key = (round(km_apart(rows[i], rows[c]), 2), rows[c]["event_id"], c)  # equal to 10 m: a tie
            if best is None or key < best:
                best = key
    return best[2] if best is not None else None
