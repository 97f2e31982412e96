"""One write to a parquet store: the deletes and inserts of a write, then the partitions they touch.

:class:`Transaction` offers the GeoPackage transaction's methods
(:class:`geomap.store.rows.Transaction`: ``upsert``, ``sync``, ``delete``,
``insert``, ``existing``, ``delete_evidence_of``, ``touch``), so the
:class:`~geomap.store.Store` methods run unchanged on both backends.  Nothing
reaches the store before the commit: deletes and inserts are kept in the order
given, then each touched partition is rewritten into a new file and the
manifest is switched (:mod:`geomap.store.partitions`).  On an error the new
files are removed and the manifest is left as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geomap.schema import WGS84
from geomap.store.partitions import (
    INT64,
    PARTITION,
    arrow_schema,
    key_hashes,
    key_table,
    layer_files,
    new_file,
    new_manifest,
    partitions_of,
    read_keys,
    read_manifest,
    scan,
    to_arrow,
    to_schema,
    write_file,
    write_manifest,
)
from geomap.store.rows import ROW_HASH, row_hashes
from geomap.store.tables import _KEYS

log = logging.getLogger(__name__)
LOOKUP_LIMIT = 5000  # keys looked up in the files by DuckDB; more than this: every key is read once


class Transaction:
    """One write to the parquet store at ``root``; commits on a clean exit, leaves it as it was otherwise."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = read_manifest(root) or new_manifest()
        self._stored: dict[str, pd.DataFrame] = {}
        self._held: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
        self._ops: dict[str, list[tuple]] = {}
        self._touched: set[str] = set()
        self._written: list[Path] = []

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self._discard()
            return
        try:
            self._commit()
        except BaseException:
            self._discard()
            raise

    def stored(self, layer: str) -> pd.DataFrame:
        """The committed keys, row hashes and partitions of ``layer`` (read once)."""
        if layer not in self._stored:
            self._stored[layer] = read_keys(self.root, self.manifest, layer, _KEYS[layer])
        return self._stored[layer]

    def held(self, layer: str, keys: Sequence[str]) -> np.ndarray:
        """The key hashes of the committed rows of ``layer`` (computed once a transaction)."""
        if (layer, tuple(keys)) not in self._held:
            self._held[layer, tuple(keys)] = key_hashes(self.stored(layer), keys)
        return self._held[layer, tuple(keys)]

    def found(self, layer: str, keys: Sequence[str], values: pd.DataFrame) -> pd.DataFrame:
        """The committed rows of ``layer`` with these key values: their keys and partitions.

        A few keys are looked up by DuckDB in the key columns of the files; many
        keys, or a layer whose keys were read already, in :meth:`stored`.
        """
        if layer in self._stored or len(values) > LOOKUP_LIMIT:
            return self.stored(layer)[np.isin(self.held(layer, keys), key_hashes(values, keys))]
        files = {str(self.root / e["file"]): p for p, e in self.manifest["layers"].get(layer, {}).items()}
        if not files or values.empty:
            return pd.DataFrame({k: pd.Series(dtype=object) for k in [*keys, PARTITION]})
        names = ", ".join(f'v."{k}"' for k in keys)
        on = " AND ".join(f'v."{k}" IS NOT DISTINCT FROM w."{k}"' for k in keys)
        source = scan(list(files), filename=True)
        sql = f"SELECT DISTINCT {names}, v.filename FROM {source} v JOIN wanted w ON {on}"  # noqa: S608
        with duckdb.connect() as db:
            db.register("wanted", key_table(values, layer, keys))
            rows = db.sql(sql).to_arrow_table().to_pandas(types_mapper=INT64.get)
        return rows.assign(**{PARTITION: rows.pop("filename").map(files)})

    def existing(self, table: str, key: str, values: Iterable[str]) -> set[str]:
        """Which of ``values`` the table holds in its ``key`` column."""
        frame = pd.DataFrame({key: list(values)}, dtype=object)
        return set(self.found(table, [key], frame)[key].astype(str))

    def delete(self, table: str, keys: list[str], values: Iterable[tuple]) -> None:
        """Delete the rows with these keys (a missing key part matches a missing one)."""
        frame = pd.DataFrame(list(values), columns=keys, dtype=object)
        self._delete(table, keys, key_hashes(frame, keys), frame)

    def delete_evidence_of(self, table: str, reports: Collection[str]) -> None:
        """Delete the evidence rows that came with these reports (their ``report_id``, always filled here)."""
        self.delete(table, ["report_id"], [(r,) for r in reports])

    def insert(self, table: str, frame: pd.DataFrame, hashes: np.ndarray) -> None:
        """Insert the rows of ``frame`` at commit."""
        if not frame.empty:
            self._ops.setdefault(table, []).append(("insert", frame.reset_index(drop=True), hashes))

    def upsert(self, table: str, frame: pd.DataFrame, keys: list[str]) -> int:
        """Replace the rows with the keys of ``frame`` by its rows; returns how many keys were new."""
        wanted = key_hashes(frame, keys)
        held = key_hashes(self.found(table, keys, frame[keys]), keys)
        self._delete(table, keys, wanted, frame[keys])
        self.insert(table, frame, row_hashes(frame))
        return len(np.setdiff1d(wanted, held))

    def sync(self, table: str, frame: pd.DataFrame, keys: list[str]) -> tuple[int, int]:
        """Make the table hold exactly the rows of ``frame``, rewriting only partitions that changed.

        Returns how many rows the table held before and how many keys are new.
        """
        stored = self.stored(table)
        held, held_hashes = self.held(table, keys), stored[ROW_HASH].to_numpy(dtype="int64", na_value=0)
        hashes, wanted = row_hashes(frame), key_hashes(frame, keys)
        where = pd.Index(held).get_indexer(wanted)
        known = where >= 0
        changed = ~known | (held_hashes[np.where(known, where, 0)] != hashes)
        gone = np.setdiff1d(held, wanted)
        self._delete(table, keys, np.concatenate([gone, wanted[changed & known]]))
        if changed.any():
            self.insert(table, frame[changed], hashes[changed])
        return len(stored), int((~known).sum())

    def touch(self, tables: Iterable[str]) -> None:
        """Record the change time of the layers written."""
        self._touched.update(tables)

    def _delete(
        self, table: str, keys: list[str], hashes: np.ndarray, values: pd.DataFrame | None = None
    ) -> None:
        """Delete rows by key hash; ``values``: the keys themselves, to find their partitions without
        reading every key (None when :meth:`stored` was read)."""
        if len(hashes):
            self._ops.setdefault(table, []).append(("delete", tuple(keys), np.unique(hashes), values))

    def _commit(self) -> None:
        if not self._ops and read_manifest(self.root) is not None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        manifest = self.manifest
        manifest["generation"] += 1
        obsolete = []
        for layer, ops in self._ops.items():
            obsolete += self._commit_layer(layer, ops)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        manifest["changed"].update({layer: now for layer in self._touched})
        write_manifest(self.root, manifest)
        self._written = []  # committed: the new files are the store's now
        for path in obsolete:  # a reader of the old manifest retries with the new one
            with contextlib.suppress(OSError):
                path.unlink()
        log.info("wrote generation %d of %s", manifest["generation"], self.root)

    def _commit_layer(self, layer: str, ops: list[tuple]) -> list[Path]:
        """Rewrite the partitions of ``layer`` that ``ops`` touch; returns the files they replace."""
        deletes, inserts = _in_order(ops)
        touched = set()
        for keys, hashes, values in deletes:
            if values is None:  # by hash only: the layer's keys were read
                hit = self.stored(layer)[np.isin(self.held(layer, keys), hashes)]
            else:
                hit = self.found(layer, keys, values)
            touched |= set(hit[PARTITION])
        new, parts = self._new_rows(layer, inserts)
        touched |= set(parts)
        entries = self.manifest["layers"].setdefault(layer, {})
        obsolete = []
        for partition in sorted(touched):
            pieces = [new.filter(pa.array(parts == partition))] if new is not None else []
            entry = entries.get(partition)
            if entry is not None:
                obsolete.append(self.root / entry["file"])
                pieces.insert(0, self._kept(layer, entry["file"], deletes))
            table = pa.concat_tables(pieces) if pieces else None
            if table is None or table.num_rows == 0:
                entries.pop(partition, None)
                continue
            path = new_file(self.root, layer, partition, self.manifest["generation"])
            self._written.append(path)
            write_file(table, path)
            entries[partition] = {"file": str(path.relative_to(self.root)), "rows": table.num_rows}
        return obsolete

    def _new_rows(self, layer: str, inserts: list[tuple]) -> tuple[pa.Table | None, np.ndarray]:
        if not inserts:
            return None, np.array([], dtype=object)
        frames = [frame for frame, _ in inserts]
        frame = pd.concat(frames, ignore_index=True)
        if isinstance(frames[0], gpd.GeoDataFrame):
            frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)
        hashes = np.concatenate([h for _, h in inserts])
        start = self.manifest["next_seq"]
        self.manifest["next_seq"] = start + len(frame)
        seqs = np.arange(start, start + len(frame), dtype="int64")
        return to_arrow(frame, layer, hashes, seqs), partitions_of(frame, layer)

    def _kept(self, layer: str, file: str, deletes: list[tuple]) -> pa.Table:
        """A stored partition's rows without the deleted ones."""
        table = to_schema(pq.read_table(self.root / file), arrow_schema(layer))
        keep = np.ones(table.num_rows, dtype=bool)
        for keys, hashes, _ in deletes:
            frame = table.select(list(keys)).to_pandas(types_mapper=INT64.get)
            keep &= ~np.isin(key_hashes(frame, keys), hashes)
        return table.filter(pa.array(keep))

    def _discard(self) -> None:
        for path in self._written:
            with contextlib.suppress(OSError):
                path.unlink()
        self._written = []

    def files(self, layer: str) -> list[str]:
        """The files of ``layer`` as committed when the transaction began."""
        return layer_files(self.root, self.manifest, layer)


def _in_order(ops: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """The deletes (applied to the stored rows) and the inserts left after the deletes that follow them."""
    deletes: list[tuple] = []
    inserts: list[tuple] = []
    for op in ops:
        if op[0] == "insert":
            inserts.append((op[1], op[2]))
            continue
        _, keys, hashes, values = op
        deletes.append((keys, hashes, values))
        kept = []
        for frame, row_hash in inserts:
            keep = ~np.isin(key_hashes(frame, keys), hashes)
            if keep.any():
                kept.append((frame[keep].reset_index(drop=True), row_hash[keep]))
        inserts = kept
    return deletes, inserts
