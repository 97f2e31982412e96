"""A parquet store read lazily for the app: counts, pages, map positions and one event, all through DuckDB.

The app on the large-map path never holds the whole event table: each script
run asks DuckDB for what the page shows (how many events the filter keeps, one
page of the table, which of the map's events to draw), and DuckDB reads only
the columns and row groups that query needs from the store's files.

Corrections are laid over events on read (:mod:`geomap.corrections`).  The
events a correction may touch (by id, or by its anchor sentence) are few: they
are read whole and corrected once per store version, and every query reads
them in place of their stored rows (:attr:`LazyEvents.patched`).  Events marked
not-an-event are left out of every query (:attr:`LazyEvents.rejected`).
"""

# ruff: noqa: S608 — SQL here formats only column and view names of this module's own; values are parameters
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from geomap.app.sql import filter_sql
from geomap.errors import StoreError
from geomap.model import EventFilter
from geomap.store import CORRECTIONS, EVENTS, EVIDENCE, SOURCES, Store
from geomap.store.partitions import arrow_schema, scan

OVERVIEW_COLUMNS = ("country", "admin1", "event_date", "fatalities")  # what geomap.overview counts
POSITIONS = "positions"  # event_id → the event's place in the map's payload (see geomap.mapping.applarge)


class LazyEvents:
    """The events of a parquet store (corrections applied), queried where they are stored.

    Parameters
    ----------
    store
        A :class:`geomap.store.parquet.ParquetStore`.
    positions
        A parquet file of ``event_id`` and ``pos`` (the event's index in the map), when a map is drawn.
    """

    def __init__(self, store: Store, *, positions: Path | None = None) -> None:
        if not hasattr(store, "files"):
            raise StoreError(f"{store.path}: lazy reads need a parquet store (NAME.parquet/)")
        self.store = store
        self.positions = positions
        self.patched, self._replaced, self.rejected = self._corrected()

    # --- the connection: the store's layers as views, corrected events in place of stored ones -----

    @contextlib.contextmanager
    def _db(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with duckdb.connect() as db:
            _layer_views(db, self.store, (EVENTS, EVIDENCE, SOURCES), prefix="stored_")
            db.execute('CREATE VIEW evidence AS SELECT * FROM "stored_evidence"')
            db.execute('CREATE VIEW sources AS SELECT * FROM "stored_sources"')
            self._events_view(db)
            if self.positions is not None:
                db.execute(f"CREATE VIEW {POSITIONS} AS SELECT * FROM {scan([str(self.positions)])}")
            yield db

    def _events_view(self, db: duckdb.DuckDBPyConnection) -> None:
        if self.patched is None:
            db.execute("CREATE VIEW events AS SELECT * EXCLUDE (geometry) FROM stored_events")
            return
        db.register("patched_rows", self.patched)
        db.register("replaced_ids", pa.table({"event_id": pa.array(self._replaced, type=pa.string())}))
        db.execute(
            "CREATE VIEW events AS SELECT * EXCLUDE (geometry) FROM stored_events"
            " WHERE event_id NOT IN (SELECT event_id FROM replaced_ids)"
            " UNION ALL BY NAME SELECT * FROM patched_rows"
        )

    def query(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """Run ``sql`` over the views ``events`` (corrected, not-an-event left out), ``evidence``,
        ``sources`` and ``positions``; StoreError when the store cannot be read."""
        try:
            with self._db() as db:
                return db.execute(sql, list(params)).df()
        except duckdb.Error as err:
            raise StoreError(f"{self.store.path}: cannot read the events: {err}") from err

    # --- corrections ----------------------------------------------------------------------------

    def _corrected(self) -> tuple[pa.Table | None, list[str], list[str]]:
        """The corrected events (rows of the events view), the ids they replace, those not-an-event."""
        from geomap.corrections import apply_corrections, rejected_ids

        if self.store.count(CORRECTIONS) == 0:
            return None, [], []
        candidates = self._touched()
        raw = self.store.read(corrected=False, event_ids=candidates)
        kept = apply_corrections(raw.events, raw.corrections, evidence=raw.evidence, keep_rejected=True)
        rejected = sorted(rejected_ids(raw.corrections, raw.events, raw.evidence))
        kept = kept[~kept["event_id"].astype(str).isin(rejected)]
        plain = pd.DataFrame(kept.drop(columns="geometry"))
        return pa.Table.from_pandas(plain, preserve_index=False), candidates, rejected

    def _touched(self) -> list[str]:
        """Every event a correction may apply to: named by its id, or holding its anchor sentence."""
        with duckdb.connect() as db:
            _layer_views(db, self.store, (EVENTS, EVIDENCE, CORRECTIONS))
            found = db.execute(
                "SELECT e.event_id FROM corrections c JOIN events e USING (event_id)"
                " UNION SELECT v.event_id FROM corrections c JOIN evidence v"
                " ON v.source_id = c.anchor_source_id AND v.sentence = c.anchor_sentence"
            ).fetchall()
        return sorted({str(row[0]) for row in found})

    # --- what the page asks -------------------------------------------------------------------

    def count(self, flt: EventFilter | None = None) -> int:
        """How many events ``flt`` keeps (all: None)."""
        where = filter_sql(flt or EventFilter())
        found = self.query(f"SELECT count(*) AS n FROM events WHERE {where.sql}", where.params)
        return int(found["n"][0])

    def page(self, flt: EventFilter, columns: Sequence[str], *, offset: int, limit: int) -> pd.DataFrame:
        """A page of the events ``flt`` keeps, newest first: ``limit`` rows of ``columns`` from ``offset``."""
        where = filter_sql(flt)
        names = ", ".join(f'"{c}"' for c in columns)
        sql = (
            f"SELECT {names} FROM events WHERE {where.sql}"
            " ORDER BY event_date DESC, event_id LIMIT ? OFFSET ?"
        )
        return self.query(sql, [*where.params, int(limit), int(offset)])

    def weekly(self, flt: EventFilter) -> pd.DataFrame:
        """Events per week (from Monday) and type that ``flt`` keeps, as ``app.weekly_counts`` counts them."""
        where = filter_sql(flt)
        day = "TRY_CAST(event_date AS DATE)"
        sql = (
            f"SELECT CAST(date_trunc('week', {day}) AS TIMESTAMP) AS week, event_type, count(*) AS events"
            f" FROM events WHERE {day} IS NOT NULL AND event_type IS NOT NULL AND {where.sql}"
            " GROUP BY ALL ORDER BY week, event_type"
        )
        return self.query(sql, where.params)

    def overview_rows(self, flt: EventFilter, week: dt.date | None = None) -> pd.DataFrame:
        """The events ``flt`` keeps in the week holding ``week`` (default: the last week with an event)
        and the 4 weeks before, with the columns :func:`geomap.overview.weekly_overview` counts: its
        overview of these rows is the overview of every event ``flt`` keeps."""
        from geomap.overview import BEFORE_WEEKS, week_of

        where = filter_sql(flt)
        day = "TRY_CAST(event_date AS DATE)"
        if week is None:
            week = self.query(f"SELECT max({day}) AS d FROM events WHERE {where.sql}", where.params)["d"][0]
        monday = week_of(week)  # None when no event has a date
        if monday is None:
            return pd.DataFrame(columns=list(OVERVIEW_COLUMNS))
        first, last_day = monday - dt.timedelta(weeks=BEFORE_WEEKS), monday + dt.timedelta(days=6)
        names = ", ".join(OVERVIEW_COLUMNS)
        sql = f"SELECT {names} FROM events WHERE {day} BETWEEN ? AND ? AND {where.sql}"
        return self.query(sql, [first, last_day, *where.params])

    def map_positions(self, flt: EventFilter) -> np.ndarray:
        """The map's positions of the events ``flt`` keeps (sorted), for the map to draw only them."""
        if self.positions is None:
            raise StoreError("no map is drawn: the events have no positions")
        where = filter_sql(flt)
        sql = f"SELECT pos FROM events JOIN {POSITIONS} USING (event_id) WHERE {where.sql} ORDER BY pos"
        return self.query(sql, where.params)["pos"].to_numpy(dtype=np.int64)

    def at_position(self, pos: int) -> str | None:
        """The id of the event at ``pos`` in the map (None when there is none)."""
        found = self.query(f"SELECT event_id FROM {POSITIONS} WHERE pos = ?", [int(pos)])
        return str(found["event_id"][0]) if len(found) else None

    def same_place(self, event_id: str, flt: EventFilter) -> list[str]:
        """The events ``flt`` keeps drawn at the point of ``event_id`` (the event itself first)."""
        where = filter_sql(flt)
        sql = (
            "WITH here AS (SELECT latitude, longitude FROM events WHERE event_id = ?)"
            f" SELECT e.event_id FROM events e, here WHERE e.latitude = here.latitude"
            f" AND e.longitude = here.longitude AND {where.sql}"
            " ORDER BY e.event_id = ? DESC, e.event_date DESC, e.event_id LIMIT 50"
        )
        return [str(e) for e in self.query(sql, [event_id, *where.params, event_id])["event_id"]]

    def events(self, event_ids: Sequence[str]):
        """Those events whole (corrected, with geometry), their evidence and the sources they cite."""
        contents = self.store.read(event_ids=list(event_ids), rejected=True)
        return contents.events, contents.evidence, contents.sources

    def options(self) -> dict:
        """What the sidebar offers (as :func:`appmap.sidebar_options` makes it from a whole table)."""
        from geomap.filters import ACTOR_COLUMNS

        def distinct(column: str) -> list[str]:
            found = self.query(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) AS v FROM events WHERE "{column}" IS NOT NULL'
            )
            return sorted(found["v"].tolist())

        bounds = self.query(
            "SELECT min(event_date) AS a, max(coalesce(event_date_end, event_date)) AS b FROM events"
        )
        names = " UNION ".join(
            f'SELECT trim(unnest(string_split("{c}", \';\'))) AS n FROM events WHERE "{c}" IS NOT NULL'
            for c in ACTOR_COLUMNS
        )
        actors = self.query(f"SELECT DISTINCT n FROM ({names}) WHERE n <> ''")["n"]
        first, last = bounds["a"][0], bounds["b"][0]
        return {
            "dates": [first, last] if isinstance(first, str) and isinstance(last, str) else None,
            "types": distinct("event_type"),
            "actors": sorted(actors.tolist()),
            "countries": distinct("country"),
            "regions": distinct("admin1"),
        }


def _layer_views(
    db: duckdb.DuckDBPyConnection, store: Store, layers: Sequence[str], *, prefix: str = ""
) -> None:
    """Each of ``layers`` as a view ``prefix + layer`` of its files (or of no rows, with its columns)."""
    for layer in layers:
        files = store.files(layer)
        if files:
            db.execute(f'CREATE VIEW "{prefix}{layer}" AS SELECT * FROM {scan(files)}')
        else:
            db.register(f"{prefix}{layer}", arrow_schema(layer).empty_table())
