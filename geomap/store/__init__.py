"""The store: one GeoPackage with events, sources, evidence, reports and corrections layers.

* ``events``: the events as shown, after reports of the same event were merged;
* ``reports``: every report as imported, before merging (the events are
  recomputed from them on each import, so the order of imports does not matter
  and re-importing a file never overwrites a merged event with one report);
* ``sources`` and ``evidence``: who said it and the sentences that say so
  (``report_id`` is the report an evidence row came with);
* ``corrections``: the researcher's corrections (geomap.corrections), applied
  when the store is read, so they survive re-imports and re-extraction.

Nothing committed is lost.  A write changes only the rows that changed, in one
SQLite transaction (:mod:`geomap.store.rows`): a crash or a bad row leaves the
store as the last committed write left it.  Writers hold the store's lock
(:meth:`Store.lock`, :mod:`geomap.store.package`), so two imports or an import
and a correction wait for each other instead of overwriting each other.  A
file that is not a geomap store is refused and never written to.  Events and
reports are keyed by ``event_id``, sources by ``source_id``, evidence by
``(event_id, report_id, source_id, start)`` and corrections by
``correction_id``: writing the same rows twice stores them once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geomap.atomic import replace_atomically
from geomap.errors import StoreError
from geomap.schema import (
    CORRECTION_COLUMNS,
    EVIDENCE_COLUMNS,
    SOURCE_COLUMNS,
    WGS84,
    conform,
    empty_events,
    empty_table,
)
from geomap.store.package import (
    check_store,
    is_current,
    is_parquet,
    mark,
    temporary_name,
    while_busy,
    write_lock,
)
from geomap.store.rows import ROW_HASH, Transaction, row_hashes
from geomap.store.tables import (
    _KEYS,
    _PLAIN,
    CORRECTIONS,
    EVENTS,
    EVIDENCE,
    REPORTS,
    SOURCES,
    _conform_events,
    _conform_plain,
    _plain,
    where_in,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreContents:
    """What a store shows: events (corrected), their sources and evidence, and the corrections."""

    events: gpd.GeoDataFrame
    sources: pd.DataFrame
    evidence: pd.DataFrame
    corrections: pd.DataFrame


@dataclass(frozen=True)
class WriteSummary:
    """What a write changed: new and updated rows per table."""

    events_added: int
    events_updated: int
    sources_added: int
    evidence_added: int


class Store:
    """A geomap store on disk: a GeoPackage, or a folder of GeoParquet files for a name ending in .parquet.

    ``Store(path)`` gives a :class:`geomap.store.parquet.ParquetStore` for a
    ``.parquet`` name or a folder holding a parquet store's manifest, a
    GeoPackage store otherwise; both have these methods.
    """

    def __new__(cls, path: str | os.PathLike, **_: object) -> Store:
        if cls is Store and is_parquet(Path(path)):
            try:  # DuckDB: only for such stores
                from geomap.store.parquet import ParquetStore
            except ImportError as err:
                raise StoreError(
                    f"{path}: a parquet store needs {err.name}: pip install 'geomap[parquet]'"
                ) from err
            return super().__new__(ParquetStore)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float | None = None) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def exists(self) -> bool:
        """True when the store is present; StoreError when the path holds something else."""
        return self._check()

    def read(
        self, *, corrected: bool = True, rejected: bool = False, event_ids: Collection[str] | None = None
    ) -> StoreContents:
        """All tables; empty tables when the store does not exist yet.

        With ``corrected`` (the default) the researcher's corrections are
        applied to the events and events marked not-an-event are left out
        (kept with ``rejected=True``); ``corrected=False`` gives the events as
        merged from the reports.  ``event_ids``: only these events, their
        evidence and sources (and every correction, which may find an event
        by its evidence), read through the key index.
        """
        if not self.exists():
            return StoreContents(
                empty_events(),
                empty_table(SOURCE_COLUMNS),
                empty_table(EVIDENCE_COLUMNS),
                empty_table(CORRECTION_COLUMNS),
            )
        where = None if event_ids is None else where_in("event_id", event_ids)
        events = _conform_events(self._read_layer(EVENTS, where=where))
        evidence = self._read_plain(EVIDENCE, where=where)
        evidence["report_id"] = evidence["report_id"].fillna(evidence["event_id"])
        corrections = self._read_plain(CORRECTIONS)
        if corrected and not corrections.empty:
            from geomap.corrections import apply_corrections

            events = apply_corrections(events, corrections, evidence=evidence, keep_rejected=rejected)
        cited = None if event_ids is None else where_in("source_id", evidence["source_id"].dropna())
        return StoreContents(events, self._read_plain(SOURCES, where=cited), evidence, corrections)

    def read_events(self, *, corrected: bool = True) -> gpd.GeoDataFrame:
        """The events layer as an event table (DESIGN.md §3), corrected unless ``corrected=False``."""
        if not self.exists():
            return empty_events()
        if corrected:
            return self.read().events
        return _conform_events(self._read_layer(EVENTS))

    def read_reports(self, *, events: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
        """Every report as imported, before merging (the events layer for stores older than reports).

        ``events``: the uncorrected events layer when the caller has just read it
        (``read(corrected=False).events``), so that it is not read again.
        """
        if not self.exists():
            return empty_events()
        if events is None:
            events = self.read_events(corrected=False)
        reports = self._reports_layer()
        if reports is None:
            return events
        # events written without their reports (Store.write) are reports of their own
        alone = events[~events["event_id"].isin(reports["event_id"])]
        if alone.empty:
            return reports
        return gpd.GeoDataFrame(
            pd.concat([reports, alone], ignore_index=True), geometry="geometry", crs=WGS84
        )

    def keeps_reports(self) -> bool:
        """Whether the store is of this format and holds the report of every event (``reports``).

        Events written without their reports (:meth:`write`, older stores) are
        reports of their own, found only by reading every event.
        """
        if not self.exists():
            return False
        if REPORTS not in self._layers():
            return False
        alone = "SELECT 1 FROM events WHERE event_id NOT IN (SELECT event_id FROM reports) LIMIT 1"
        with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=60)) as db:
            return is_current(db) and db.execute(alone).fetchone() is None

    def read_columns(self, layer: str, columns: Sequence[str]) -> pd.DataFrame:
        """Some columns of a layer in the order it holds its rows (columns it lacks come empty)."""
        if not self.exists() or layer not in self._layers():
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=60)) as db:
            have = {row[1] for row in db.execute(f'PRAGMA table_info("{layer}")')}
            names = ", ".join(f'"{c}"' if c in have else f'NULL AS "{c}"' for c in columns)
            rows = db.execute(f'SELECT {names} FROM "{layer}" ORDER BY rowid').fetchall()  # noqa: S608
        return pd.DataFrame(rows, columns=list(columns))

    def corrections(self) -> pd.DataFrame:
        """The corrections layer (empty when there is none)."""
        return self._read_plain(CORRECTIONS) if self.exists() else empty_table(CORRECTION_COLUMNS)

    def add_corrections(self, rows: pd.DataFrame) -> None:
        """Store correction rows (geomap.corrections makes them); no other layer is rewritten."""
        table = _conform_plain(rows, CORRECTION_COLUMNS).drop_duplicates(_KEYS[CORRECTIONS], keep="last")
        with self.lock(), self._transaction() as tx:
            tx.upsert(CORRECTIONS, table, _KEYS[CORRECTIONS])
            tx.touch([CORRECTIONS])

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The store's write lock: hold it around a read → merge → write so no other writer comes between.

        Re-entrant within a thread (other threads and processes wait for it); a
        writer waits for another up to ``lock_timeout`` seconds
        (``$GEOMAP_LOCK_TIMEOUT``, default 300), then raises StoreError.
        Taking it first removes temporary files a killed write left beside
        the store.
        """
        self._check()
        return write_lock(self.path, timeout=self.lock_timeout)

    def _check(self) -> bool:
        return check_store(self.path)

    def _layers(self) -> set[str]:
        try:
            return {name for name, _ in while_busy(pyogrio.list_layers, self.path)}
        except (pyogrio.errors.DataSourceError, OSError) as err:
            raise StoreError(f"{self.path}: cannot read the store: {err}") from err

    def _reports_layer(self) -> gpd.GeoDataFrame | None:
        return _conform_events(self._read_layer(REPORTS)) if REPORTS in self._layers() else None

    def write(
        self,
        events: gpd.GeoDataFrame,
        *,
        sources: pd.DataFrame | None = None,
        evidence: pd.DataFrame | None = None,
    ) -> WriteSummary:
        """Merge new rows into the store (new rows win over stored rows with the same key)."""
        new_events = _conform_events(events).drop_duplicates(_KEYS[EVENTS], keep="last")
        new_sources, new_evidence = _plain(sources, SOURCES), _plain(evidence, EVIDENCE)
        with self.lock():
            if not self.exists():
                self._create({EVENTS: new_events, SOURCES: new_sources, EVIDENCE: new_evidence})
                return WriteSummary(len(new_events), 0, len(new_sources), len(new_evidence))
            with self._transaction() as tx:
                added = tx.upsert(EVENTS, new_events, _KEYS[EVENTS])
                sources_added = tx.upsert(SOURCES, new_sources, _KEYS[SOURCES])
                evidence_added = tx.upsert(EVIDENCE, new_evidence, _KEYS[EVIDENCE])
                tx.touch([EVENTS, SOURCES, EVIDENCE])
        return WriteSummary(
            events_added=added,
            events_updated=len(new_events) - added,
            sources_added=sources_added,
            evidence_added=evidence_added,
        )

    def replace(
        self,
        events: gpd.GeoDataFrame,
        *,
        evidence: pd.DataFrame,
        sources: pd.DataFrame | None = None,
        reports: gpd.GeoDataFrame | None = None,
        stored: StoreContents | None = None,
    ) -> WriteSummary:
        """Store exactly these events, evidence and reports (sources are still merged), atomically.

        For callers that have combined the stored events with new ones
        themselves, such as merging reports of the same event.  Corrections
        are kept.  Only rows that differ from the stored ones are written.
        ``stored``: kept for callers that pass their ``read(corrected=False)``
        of this store; the rows to write are found from the store itself.
        """
        del stored  # the transaction compares with what is committed, which cannot be stale
        new_events = _conform_events(events).drop_duplicates(_KEYS[EVENTS], keep="last")
        new_reports = _conform_events(reports).drop_duplicates(_KEYS[REPORTS], keep="last")
        kept_evidence, new_sources = _plain(evidence, EVIDENCE), _plain(sources, SOURCES)
        with self.lock():
            if not self.exists():
                tables = {EVENTS: new_events, REPORTS: new_reports, EVIDENCE: kept_evidence}
                self._create({**tables, SOURCES: new_sources})
                return WriteSummary(len(new_events), 0, len(new_sources), len(kept_evidence))
            with self._transaction() as tx:
                _, added = tx.sync(EVENTS, new_events, _KEYS[EVENTS])
                tx.sync(REPORTS, new_reports, _KEYS[REPORTS])
                evidence_before, _ = tx.sync(EVIDENCE, kept_evidence, _KEYS[EVIDENCE])
                sources_added = tx.upsert(SOURCES, new_sources, _KEYS[SOURCES])
                tx.touch([EVENTS, REPORTS, EVIDENCE, SOURCES])
        return WriteSummary(
            events_added=added,
            events_updated=len(new_events) - added,
            sources_added=sources_added,
            evidence_added=len(kept_evidence) - evidence_before,
        )

    def select(self, layer: str, where: str) -> pd.DataFrame:
        """The rows of one layer that an SQLite filter ``where`` picks, conformed (events, reports, …)."""
        if layer in (EVENTS, REPORTS):
            return _conform_events(self._read_layer(layer, where=where))
        table = self._read_plain(layer, where=where)
        if layer == EVIDENCE:
            table["report_id"] = table["report_id"].fillna(table["event_id"])
        return table

    def update(
        self,
        events: gpd.GeoDataFrame,
        *,
        delete_events: Collection[str] = (),
        reports: gpd.GeoDataFrame | None = None,
        delete_reports: Collection[str] = (),
        evidence: pd.DataFrame | None = None,
        evidence_of: Collection[str] = (),
        sources: pd.DataFrame | None = None,
    ) -> WriteSummary:
        """Write only what changed, in one transaction: the cost follows the rows given, not the store.

        Deletes the events ``delete_events`` and the reports ``delete_reports``,
        and every evidence row of the reports ``evidence_of`` (by ``report_id``);
        then stores ``events``, ``reports`` and ``evidence`` in place of the rows
        with their keys, and adds ``sources`` as :meth:`write` does.
        """
        new_events = _conform_events(events).drop_duplicates(_KEYS[EVENTS], keep="last")
        new_reports = _conform_events(reports).drop_duplicates(_KEYS[REPORTS], keep="last")
        new_evidence, new_sources = _plain(evidence, EVIDENCE), _plain(sources, SOURCES)
        ids = [*new_events["event_id"].astype(str)]
        with self.lock(), self._transaction() as tx:
            before = tx.existing(EVENTS, "event_id", ids)
            tx.delete(EVENTS, ["event_id"], [(i,) for i in {*delete_events, *ids}])
            tx.insert(EVENTS, new_events, row_hashes(new_events))
            tx.delete(REPORTS, ["event_id"], [(i,) for i in {*delete_reports, *new_reports["event_id"]}])
            tx.insert(REPORTS, new_reports, row_hashes(new_reports))
            tx.delete_evidence_of(EVIDENCE, evidence_of)
            tx.upsert(EVIDENCE, new_evidence, _KEYS[EVIDENCE])
            sources_added = tx.upsert(SOURCES, new_sources, _KEYS[SOURCES])
            tx.touch([EVENTS, REPORTS, EVIDENCE, SOURCES])
        return WriteSummary(
            events_added=len(set(ids) - before),
            events_updated=len(before),
            sources_added=sources_added,
            evidence_added=len(new_evidence),
        )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        """A write transaction on a store of this format (created or brought up to date first)."""
        self._prepare()
        try:
            with Transaction(self.path) as tx:
                yield tx
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: write failed, the store is unchanged: {err}") from err
        log.info("wrote to %s", self.path)

    def _read_layer(self, layer: str, *, where: str | None = None) -> pd.DataFrame:
        if layer not in self._layers():
            return empty_events() if layer in (EVENTS, REPORTS) else pd.DataFrame()
        try:  # arrow: ~5x faster than rows
            return while_busy(pyogrio.read_dataframe, self.path, layer=layer, use_arrow=True, where=where)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as err:
            raise StoreError(f"{self.path}: cannot read layer {layer!r}: {err}") from err

    def _read_plain(self, layer: str, *, where: str | None = None) -> pd.DataFrame:
        columns = _PLAIN[layer]
        frame = self._read_layer(layer, where=where)
        return conform(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")), columns)

    def _prepare(self) -> None:
        """Create the store, or bring one written by an older geomap to this format (once)."""
        if not self._check():
            self._create()
            return
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            if is_current(db):
                return
        for layer in set(_KEYS) - self._layers():  # older stores lack reports or corrections
            _write_layer(_empty_layer(layer), self.path, layer)
        with Transaction(self.path) as tx:
            _finish(tx)

    def _create(self, tables: dict[str, pd.DataFrame] | None = None) -> None:
        """Write a new store (every layer, the marker, key indexes) and move it into place at once.

        ``tables``: the first rows of some layers, written by GDAL in bulk (a first
        import of 100k rows takes seconds; row by row through SQLite it would take ~5x longer).
        """
        tables = tables or {}

        def build(tmp: Path) -> None:
            tmp.unlink()  # GDAL wants to create the file itself
            for layer in _KEYS:
                table = tables.get(layer)
                table = _empty_layer(layer) if table is None or table.empty else table
                hashes = pd.array(row_hashes(table), dtype="Int64")
                _write_layer(table.assign(**{ROW_HASH: hashes}), tmp, layer)
            with Transaction(tmp) as tx:
                _finish(tx)

        try:
            replace_atomically(self.path, build, suffix=temporary_name(self.path)[1])
        except (OSError, sqlite3.Error) as err:
            raise StoreError(
                f"{self.path}: cannot create the store: {getattr(err, 'strerror', None) or err}"
            ) from err


def _empty_layer(layer: str) -> pd.DataFrame:
    return empty_events() if layer in (EVENTS, REPORTS) else empty_table(_PLAIN[layer])


def _write_layer(frame: pd.DataFrame, path: Path, layer: str) -> None:
    try:
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", append=False)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise StoreError(f"{path}: cannot write layer {layer!r}: {err}") from err


def _finish(tx: Transaction) -> None:
    """Marker, key indexes and row-hash columns of this format, inside ``tx``."""
    for layer, keys in _KEYS.items():
        tx.add_columns(layer, pd.DataFrame({ROW_HASH: pd.Series(dtype="Int64")}))
        tx.db.execute(f'CREATE INDEX IF NOT EXISTS "geomap_{layer}_key" ON "{layer}" ("{keys[0]}")')
    mark(tx.db)
