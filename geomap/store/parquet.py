"""The store as a folder of partitioned GeoParquet files, for corpora past what one GeoPackage serves.

``Store("events.parquet")`` (a name ending in ``.parquet``, or a folder that
holds a parquet store's manifest) gives a :class:`ParquetStore`: the same
methods and the same rules as the GeoPackage store (:mod:`geomap.store`) —
new rows win, nothing committed is lost, writers hold the lock beside the
store — with the rows in GeoParquet 1.1 files that GDAL, geopandas, DuckDB or
dask read directly.  Filters (:meth:`Store.select`, the SQL of
:mod:`geomap.scope` and :func:`geomap.store.where_in`) run in DuckDB over the
files, which reads only the columns and row groups a filter needs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely

from geomap.errors import StoreError
from geomap.schema import WGS84, empty_events
from geomap.store import Store
from geomap.store.changes import Transaction
from geomap.store.package import _LOCKS, write_lock
from geomap.store.partitions import (
    INT64,
    MANIFEST,
    SEQ,
    arrow_schema,
    layer_files,
    read_manifest,
    refused,
    remove_leftovers,
    scan,
)
from geomap.store.tables import EVENTS, REPORTS

log = logging.getLogger(__name__)
_TRIES = 3  # a reader whose files a writer just replaced reads the new manifest and tries again


class ParquetStore(Store):
    """A geomap store as a folder of partitioned GeoParquet files (``NAME.parquet/``)."""

    def _check(self) -> bool:
        if not self.path.exists():
            return False
        if not self.path.is_dir():
            raise refused(self.path, "a file; a parquet store is a folder (name a new one, or a .gpkg)")
        if read_manifest(self.path) is not None:
            return True
        if any(self.path.iterdir()):
            raise refused(self.path, f"a folder without a geomap manifest ({MANIFEST})")
        return False  # an empty folder: the store is created in it

    def _layers(self) -> set[str]:
        manifest = read_manifest(self.path)
        return set(manifest["layers"]) if manifest else set()

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The write lock, as the GeoPackage store's; taking it removes files a killed write left."""
        self._check()
        return self._locked()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with write_lock(self.path, timeout=self.lock_timeout):
            if _LOCKS[self.path.resolve()].lock_counter == 1:
                remove_leftovers(self.path)
            yield

    def keeps_reports(self) -> bool:
        """Whether every event has its report in the reports layer."""
        if not self.exists() or not layer_files(self.path, read_manifest(self.path), REPORTS):
            return False
        sql = "SELECT 1 FROM events WHERE event_id NOT IN (SELECT event_id FROM reports) LIMIT 1"
        return self.query(sql, [EVENTS, REPORTS]).num_rows == 0

    def read_columns(self, layer: str, columns: Sequence[str]) -> pd.DataFrame:
        """Some columns of a layer, in the order the rows were written (missing columns come empty)."""
        names = ", ".join(f'"{c}"' for c in columns)
        table = self.query(f'SELECT {names} FROM "{layer}" ORDER BY {SEQ}', [layer])  # noqa: S608
        return table.to_pandas(types_mapper=INT64.get)

    def count(self, layer: str) -> int:
        """How many rows a layer holds (from the manifest: no file is opened)."""
        manifest = read_manifest(self.path) or {"layers": {}}
        return sum(entry["rows"] for entry in manifest["layers"].get(layer, {}).values())

    def files(self, layer: str) -> list[str]:
        """The GeoParquet files that hold a layer now (for dask or DuckDB to read directly)."""
        return layer_files(self.path, read_manifest(self.path), layer)

    def query(self, sql: str, layers: Sequence[str]) -> pa.Table:
        """Run DuckDB ``sql`` over the store, each of ``layers`` a view of its files (or of no rows)."""
        for attempt in range(_TRIES):
            manifest = read_manifest(self.path)
            try:
                with duckdb.connect() as db:
                    for layer in layers:
                        _view(db, layer, layer_files(self.path, manifest, layer))
                    return db.sql(sql).to_arrow_table()
            except duckdb.IOException as err:
                if attempt + 1 < _TRIES and read_manifest(self.path) != manifest:
                    log.info("%s: a writer replaced the files being read; reading again", self.path)
                    continue
                raise StoreError(f"{self.path}: cannot read the store: {err}") from err
            except duckdb.Error as err:
                raise StoreError(f"{self.path}: cannot read {', '.join(layers)}: {err}") from err
        raise AssertionError("unreachable")

    def _read_layer(self, layer: str, *, where: str | None = None) -> pd.DataFrame:
        condition = f"WHERE {where}" if where else ""
        table = self.query(f'SELECT * FROM "{layer}" {condition} ORDER BY {SEQ}', [layer])  # noqa: S608
        frame = table.to_pandas(types_mapper=INT64.get)
        if layer not in (EVENTS, REPORTS):
            return frame
        if frame.empty and not table.num_columns:
            return empty_events()
        shapes = shapely.from_wkb(frame.pop("geometry").to_numpy())
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes, crs=WGS84), crs=WGS84)

    def _prepare(self) -> None:
        """A parquet store is created by its first commit; there is no older format to bring up to date."""

    def _create(self, tables: dict[str, pd.DataFrame] | None = None) -> None:
        """Write a new store: its first rows and the manifest, in one commit."""
        from geomap.store.rows import row_hashes

        with self._transaction() as tx:
            for layer, table in (tables or {}).items():
                tx.insert(layer, table, row_hashes(table))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        try:
            with Transaction(self.path) as tx:
                yield tx
        except (OSError, pa.ArrowException) as err:
            detail = getattr(err, "strerror", None) or err
            raise StoreError(f"{self.path}: write failed, the store is unchanged: {detail}") from err
        log.info("wrote to %s", self.path)


def _view(db: duckdb.DuckDBPyConnection, layer: str, files: list[str]) -> None:
    """``layer`` as a DuckDB view of its files, or of no rows with the layer's columns."""
    if files:
        db.execute(f'CREATE VIEW "{layer}" AS SELECT * FROM {scan(files)}')  # noqa: S608
        return
    db.register(layer, arrow_schema(layer).empty_table())
