"""What a store holds, for ``geomap info``, read in milliseconds.

The store is a GeoPackage, that is an SQLite file whose layers are tables, so
the counts ``geomap info`` prints are a few SQL queries through :mod:`sqlite3`
with no pandas or GDAL to import (0.3 s of start-up saved on each call).  The
researcher's corrections change what an event is (its type, dates, status or
whether it is one at all), and laying them over is the work of
:mod:`geomap.corrections`; a store that holds corrections is therefore read in
full through :class:`geomap.store.Store`, which gives the same facts.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import StoreError
from geomap.model import CODED_EXTRACTIONS

_EVENTS, _SOURCES, _EVIDENCE, _CORRECTIONS = "events", "sources", "evidence", "corrections"
MERGED_COLUMNS = _MERGED = (
    "origin_id",
    "extraction",
    "linked_ids",
)  # the columns that say how rows became an event


@dataclass(frozen=True)
class MergeCounts:
    """How the store's rows became its events."""

    rows: int  # reports and coded rows, as imported
    events: int
    reports_merged: int  # article reports merged into another report's event
    attached: int  # article reports attached to a coded event
    linked: int  # coded events linked to a coded event of another dataset

    def __str__(self) -> str:
        merged = self.rows - self.events
        return (
            f"{self.rows} rows → {self.events} events ({merged} merged: {self.reports_merged} article "
            f"report(s) into other reports, {self.attached} attached to coded events; "
            f"{self.linked} coded event(s) linked to another dataset's)"
        )


def tally_merges(events: Iterable[tuple[object, object, object]]) -> MergeCounts:
    """What merging did, from each merged event's (origin_id, extraction, linked_ids).

    ``origin_id`` lists an event's members joined by "; " (its own id when it
    stands alone); a coded event's extra members are article reports attached
    to it, a report's are reports merged into it.
    """
    rows = count = reports = attached = linked = 0
    for origin, extraction, links in events:
        extra = 0 if _blank(origin) else max(sum(1 for o in str(origin).split(";") if o.strip()) - 1, 0)
        count += 1
        rows += extra + 1
        if str(extraction or "table") in CODED_EXTRACTIONS:
            attached += extra
        else:
            reports += extra
        linked += not _blank(links)
    return MergeCounts(rows, count, reports, attached, linked)


def _blank(value: object) -> bool:
    """None, NaN or blank text (what SQLite and pandas records give for an empty cell)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def store_facts(path: Path) -> dict:
    """The facts ``geomap info`` shows about the store at ``path``.

    Parameters
    ----------
    path
        The GeoPackage store; a missing file holds nothing.

    Returns
    -------
    dict
        store, exists, events, sources, evidence, first_date, last_date,
        event_types and claim_status (counts, most frequent first),
        without_coordinates, merging (how rows became events, :class:`MergeCounts`),
        corrections and orphaned_corrections.
    """
    if path.suffix.lower() == ".parquet" or path.is_dir():
        from geomap.store.package import is_parquet

        if is_parquet(path):
            return _parquet_facts(path)
    if not path.is_file():
        if path.exists():
            _refuse(path)  # a folder
        return _facts(path, exists=False, counts={}, events=None)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if _EVENTS not in tables:
                _refuse(path)
            counts = {t: _count(db, t) for t in (_EVENTS, _SOURCES, _EVIDENCE, _CORRECTIONS) if t in tables}
            if counts.get(_CORRECTIONS):
                return _corrected_facts(path)
            events = _event_facts(db)
    except sqlite3.DatabaseError as err:
        _refuse(path)
        raise StoreError(f"{path}: cannot read the store: {err}") from err
    return _facts(path, exists=True, counts=counts, events=events)


def _refuse(path: Path) -> None:
    """Raise the store's own words for a file that is not a geomap store (CSV, other SQLite, truncated)."""
    from geomap.store.package import check_store  # pyogrio and geopandas: only when something is wrong

    check_store(path)


def _count(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (our layer names)


def _event_facts(db: sqlite3.Connection) -> dict:
    first, last, unplaced = db.execute(
        "SELECT min(event_date), max(event_date_end), sum(latitude IS NULL) FROM events"
    ).fetchone()
    return {
        "merging": str(merge_tally(db)),
        "first_date": first,
        "last_date": last,
        "event_types": _tally(db, "event_type"),
        "claim_status": _tally(db, "claim_status"),
        "without_coordinates": int(unplaced or 0),
    }


def merge_tally(db: sqlite3.Connection) -> MergeCounts:
    """How the rows of an open store became its events, from three columns of its events layer."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    wanted = [c if c in columns else "NULL" for c in _MERGED]
    return tally_merges(db.execute(f"SELECT {', '.join(wanted)} FROM events"))  # noqa: S608 (ours)


def _tally(db: sqlite3.Connection, column: str) -> dict[str, int]:
    # most frequent first, ties in the order the store holds them (as pandas' value_counts)
    rows = db.execute(
        f"SELECT {column}, count(*) AS n FROM events WHERE {column} IS NOT NULL "  # noqa: S608 (our column)
        f"GROUP BY {column} ORDER BY n DESC, min(rowid)"
    )
    return {str(value): int(n) for value, n in rows}


def _facts(path: Path, *, exists: bool, counts: dict[str, int], events: dict | None) -> dict:
    events = events or {"first_date": None, "last_date": None, "event_types": {}, "claim_status": {}}
    return {
        "store": str(path),
        "exists": exists,
        "events": counts.get(_EVENTS, 0),
        "sources": counts.get(_SOURCES, 0),
        "evidence": counts.get(_EVIDENCE, 0),
        "first_date": events["first_date"],
        "last_date": events["last_date"],
        "event_types": events["event_types"],
        "claim_status": events["claim_status"],
        "without_coordinates": events.get("without_coordinates", 0),
        "merging": events.get("merging", str(MergeCounts(0, 0, 0, 0, 0))),
        "corrections": counts.get(_CORRECTIONS, 0),
        "orphaned_corrections": 0,
    }


def _parquet_facts(path: Path) -> dict:
    """The facts of a parquet store: counts from its manifest, the rest from a few columns of its events."""
    from geomap.store import Store

    store = Store(path)
    if not store.exists():
        return _facts(path, exists=False, counts={}, events=None)
    counts = {t: store.count(t) for t in (_EVENTS, _SOURCES, _EVIDENCE, _CORRECTIONS)}
    if counts[_CORRECTIONS]:
        return _corrected_facts(path)
    wanted = ["event_date", "event_date_end", "latitude", "event_type", "claim_status", *_MERGED]
    events = store.read_columns(_EVENTS, wanted).astype(object)
    facts = {
        "merging": str(tally_merges(events[list(_MERGED)].itertuples(index=False, name=None))),
        "first_date": min(events["event_date"].dropna(), default=None),
        "last_date": max(events["event_date_end"].dropna(), default=None),
        "event_types": {str(k): int(v) for k, v in events["event_type"].value_counts().items()},
        "claim_status": {str(k): int(v) for k, v in events["claim_status"].value_counts().items()},
        "without_coordinates": int(events["latitude"].isna().sum()),
    }
    return _facts(path, exists=True, counts=counts, events=facts)


def _corrected_facts(path: Path) -> dict:
    from geomap.corrections import apply_corrections, orphaned
    from geomap.schema import records
    from geomap.store import Store

    contents = Store(path).read(corrected=False)  # read once: corrections are laid over and counted from it
    events = apply_corrections(contents.events, contents.corrections, evidence=contents.evidence)
    return {
        "store": str(path),
        "exists": True,
        "events": len(events),
        "sources": len(contents.sources),
        "evidence": len(contents.evidence),
        "first_date": min(events["event_date"].dropna(), default=None),
        "last_date": max(events["event_date_end"].dropna(), default=None),
        "event_types": {str(k): int(v) for k, v in events["event_type"].value_counts().items()},
        "claim_status": {str(k): int(v) for k, v in events["claim_status"].value_counts().items()},
        "without_coordinates": int(events["latitude"].isna().sum()),
        "merging": str(tally_merges(tuple(r.values()) for r in records(contents.events[list(_MERGED)]))),
        "corrections": len(contents.corrections),
        "orphaned_corrections": len(orphaned(contents.corrections, contents.events, contents.evidence)),
    }
