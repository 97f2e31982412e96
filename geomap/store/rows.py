"""Writing changed rows into a geomap GeoPackage, in one SQLite transaction.

A write deletes the rows it replaces (by key) and inserts the new ones, so its
cost follows what changed, not the size of the store; SQLite's rollback journal
makes it atomic (a crash leaves the journal, and the next open rolls it back).
Each row carries a hash of its values (``geomap_row_hash``) so that
:meth:`Transaction.sync` rewrites only rows whose values changed.

GDAL's GeoPackage tables keep their spatial index with triggers that call the
``ST_IsEmpty``/``ST_MinX``… SQL functions; :func:`_register` defines them on our
connection from the geometry blobs (GeoPackage header + WKB, read by shapely).
"""

from __future__ import annotations

import functools
import math
import sqlite3
import struct
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROW_HASH = "geomap_row_hash"
GEOMETRY = "geom"
_ENVELOPE_BYTES = (0, 32, 48, 48, 64)  # by the envelope code in bits 1-3 of the header's flags
_POINT_LE = b"\x01\x01\x00\x00\x00"  # WKB: little-endian, type 1 (2D point)
_SQL_TYPES = {"Int64": "INTEGER", "float64": "REAL"}


@functools.lru_cache(maxsize=16)  # the index trigger asks for the four bounds of one blob in a row
def _bounds(blob: bytes) -> tuple[float, float, float, float] | None:
    flags = blob[3]
    if flags & 0x10:  # the header's "empty geometry" flag
        return None
    start = 8 + _ENVELOPE_BYTES[(flags >> 1) & 7]
    if blob[start : start + 5] == _POINT_LE and len(blob) == start + 21:  # a 2D point: read it directly
        x, y = struct.unpack_from("<dd", blob, start + 5)
        return None if math.isnan(x) else (x, y, x, y)
    geometry = shapely.from_wkb(blob[start:])
    return None if geometry.is_empty else tuple(geometry.bounds)


def _bound(index: int):
    def value(blob: bytes | None) -> float | None:
        bounds = _bounds(bytes(blob)) if blob is not None else None
        return None if bounds is None else bounds[index]

    return value


def _register(db: sqlite3.Connection) -> None:
    db.create_function(
        "ST_IsEmpty", 1, lambda b: None if b is None else int(_bounds(bytes(b)) is None), deterministic=True
    )
    for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        db.create_function(name, 1, _bound(index), deterministic=True)


def gpkg_blobs(geometry: gpd.GeoSeries, srs_id: int) -> list[bytes | None]:
    """GeoPackage geometry blobs: header (magic, version 0, little-endian, no envelope, srs) + WKB."""
    header = b"GP\x00\x01" + int(srs_id).to_bytes(4, "little", signed=True)
    empty = b"GP\x00\x11" + header[4:]
    wkb = shapely.to_wkb(np.asarray(geometry.values, dtype=object), byte_order=1)
    return [
        None if w is None else (empty if g.is_empty else header) + w
        for g, w in zip(geometry.values, wkb, strict=True)
    ]


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash of each row's values (and geometry), for telling changed rows apart."""
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame.columns:
        shapes = np.asarray(frame.geometry.values, dtype=object)
        if shapely.get_type_id(shapes).max(initial=-1) <= 0:  # points or missing: their coordinates
            plain = plain.assign(geometry_x=shapely.get_x(shapes), geometry_y=shapely.get_y(shapes))
        else:
            plain = plain.assign(geometry=shapely.to_wkb(shapes, hex=True))
    return pd.util.hash_pandas_object(plain, index=False).to_numpy().view("int64")


def key_tuples(frame: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """The key of each row as a tuple of plain Python values (None for a missing one)."""
    part = frame[keys].astype(object)
    return list(part.where(part.notna(), None).itertuples(index=False, name=None))


class Transaction:
    """One write transaction on a store; commits on a clean exit, rolls back on an error."""

    def __init__(self, path: Path, *, timeout: float = 60.0) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, timeout=timeout)
        _register(self.db)
        # changed pages stay in memory until the commit (up to 256 MiB), so readers are shut out only
        # while it writes them, not for the whole transaction (SQLite locks the file once pages spill)
        self.db.execute("PRAGMA cache_size = -262144")
        self.db.execute("BEGIN IMMEDIATE")
        self._columns: dict[str, list[str]] = {}

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self.db.execute("COMMIT")
            else:
                self.db.execute("ROLLBACK")
        finally:
            self.db.close()

    def columns(self, table: str) -> list[str]:
        """The table's column names."""
        if table not in self._columns:
            self._columns[table] = [row[1] for row in self.db.execute(f'PRAGMA table_info("{table}")')]
        return self._columns[table]

    def add_columns(self, table: str, frame: pd.DataFrame) -> None:
        """Add to the table the columns of ``frame`` it lacks (a store written by an older geomap)."""
        for name in [c for c in frame.columns if c not in self.columns(table) and c != "geometry"]:
            kind = _SQL_TYPES.get(str(frame[name].dtype), "TEXT")
            self.db.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind}')
            self._columns.pop(table)

    def stored_hashes(self, table: str, keys: list[str]) -> dict[tuple, int | None]:
        """Each stored row's key and value hash."""
        names = ", ".join(f'"{k}"' for k in keys)
        rows = self.db.execute(f'SELECT {names}, "{ROW_HASH}" FROM "{table}"')  # noqa: S608
        return {tuple(row[:-1]): row[-1] for row in rows}

    def delete(self, table: str, keys: list[str], values: Iterable[tuple]) -> None:
        """Delete the rows with these keys (``IS`` so that a missing key part matches a missing one)."""
        where = " AND ".join(f'"{k}" IS ?' for k in keys)
        self.db.executemany(f'DELETE FROM "{table}" WHERE {where}', values)  # noqa: S608

    def existing(self, table: str, key: str, values: Iterable[str]) -> set[str]:
        """Which of ``values`` the table holds in its ``key`` column (through the key index)."""
        sql = f'SELECT 1 FROM "{table}" WHERE "{key}" = ? LIMIT 1'  # noqa: S608
        return {v for v in values if self.db.execute(sql, (v,)).fetchone() is not None}

    def delete_evidence_of(self, table: str, reports: Iterable[str]) -> None:
        """Delete the evidence rows that came with these reports (``report_id``, else ``event_id``)."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS geomap_gone (report_id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM geomap_gone")
        self.db.executemany("INSERT OR IGNORE INTO geomap_gone VALUES (?)", [(r,) for r in reports])
        self.db.execute(  # one pass over the table, however many reports
            f'DELETE FROM "{table}" WHERE coalesce("report_id", "event_id") IN '  # noqa: S608
            "(SELECT report_id FROM geomap_gone)"
        )

    def insert(self, table: str, frame: pd.DataFrame, hashes: np.ndarray) -> None:
        """Insert the rows of ``frame`` (geometry into the layer's geometry column)."""
        if frame.empty:
            return
        self.add_columns(table, frame)
        plain = frame.drop(columns="geometry", errors="ignore")
        names = [*plain.columns, ROW_HASH]
        values = [_python_values(plain[c]) for c in plain.columns] + [hashes.tolist()]
        if isinstance(frame, gpd.GeoDataFrame) and GEOMETRY in self.columns(table):
            names.append(GEOMETRY)
            values.append(gpkg_blobs(frame.geometry, self._srs_id(table)))
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" * len(names))
        self.db.executemany(
            f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',  # noqa: S608
            zip(*values, strict=True),
        )

    def upsert(self, table: str, frame: pd.DataFrame, keys: list[str]) -> int:
        """Replace the rows with the keys of ``frame`` by its rows; returns how many keys were new."""
        stored = self.stored_hashes(table, keys)
        wanted = key_tuples(frame, keys)
        self.delete(table, keys, [k for k in wanted if k in stored])
        self.insert(table, frame, row_hashes(frame))
        return len({k for k in wanted if k not in stored})

    def sync(self, table: str, frame: pd.DataFrame, keys: list[str]) -> tuple[int, int]:
        """Make the table hold exactly the rows of ``frame``, touching only rows that changed.

        Returns how many rows the table held before and how many keys are new.
        """
        stored = self.stored_hashes(table, keys)
        hashes = row_hashes(frame)
        wanted = key_tuples(frame, keys)
        changed = np.array([stored.get(k, -1) != h for k, h in zip(wanted, hashes.tolist(), strict=True)])
        gone = set(stored).difference(wanted)
        replaced = [k for k, c in zip(wanted, changed, strict=True) if c and k in stored]
        self.delete(table, keys, [*gone, *replaced])
        if changed.any():
            self.insert(table, frame[changed], hashes[changed])
        return len(stored), sum(k not in stored for k in wanted)

    def _srs_id(self, table: str) -> int:
        row = self.db.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
        ).fetchone()
        return int(row[0]) if row else 4326

    def touch(self, tables: Iterable[str]) -> None:
        """Record the change time of the layers written (gpkg_contents.last_change)."""
        self.db.executemany(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
            "WHERE table_name = ?",
            [(t,) for t in tables],
        )


def _python_values(column: pd.Series) -> list:
    """The column as values sqlite3 binds: int, float, str or None."""
    values = column.to_numpy(dtype=object, na_value=None).tolist()
    if column.dtype != object or pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return values
    return [v if v is None or isinstance(v, int | float | str | bytes) else str(v) for v in values]
