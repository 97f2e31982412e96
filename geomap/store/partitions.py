"""The parquet store's files: a manifest naming every file, partitions, and one write transaction.

A parquet store is a folder (``NAME.parquet/``)::

    geomap_store.json                                  the manifest: format, generation, files
    events/year=2023/iso3=MLI/g000007-1a2b3c4d.parquet one GeoParquet 1.1 file a partition
    reports/…  sources/all/…  evidence/all/…  corrections/all/…

Events and reports are partitioned by the year of ``event_date`` and by ``iso3``
(``none`` when blank), the other layers have one partition.  A
:class:`Transaction` keeps its deletes and inserts in memory; its commit
rewrites only the partitions they touch, each into a new file (flushed to
disk), then switches the manifest with :func:`os.replace`.  Readers follow the
manifest, so they see the old state or the new one, never half of a write; a
killed write leaves files no manifest names, which the next writer removes
under the store's lock (:func:`remove_leftovers`).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyproj
import shapely

from geomap.atomic import flush_to_disk, replace_atomically
from geomap.errors import StoreError
from geomap.schema import EVENT_COLUMNS, WGS84
from geomap.store.package import MANIFEST
from geomap.store.rows import ROW_HASH, _python_values
from geomap.store.tables import _KEYS, _PLAIN, EVENTS, REPORTS

log = logging.getLogger(__name__)

FORMAT = "geomap-parquet"
FORMAT_VERSION = 1
SEQ = "geomap_seq"  # the order rows were written in, as a GeoPackage's rowid
PARTITION = "geomap_partition"
_ARROW = {"str": pa.string(), "date": pa.string(), "int": pa.int64(), "float": pa.float64()}
INT64 = {pa.int64(): pd.Int64Dtype()}


def refused(root: Path, what: str) -> StoreError:
    """The error for a path that is not a parquet store (it is left untouched)."""
    return StoreError(
        f"{root}: is not a geomap store: {what}; it was left untouched (choose another --store)"
    )


def read_manifest(root: Path) -> dict | None:
    """The store's manifest; None when the folder holds none yet; StoreError when it is not ours."""
    try:
        text = (root / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise refused(root, f"its manifest cannot be read ({err})") from err
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as err:
        raise refused(root, f"its manifest {MANIFEST} is damaged ({err})") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refused(root, f"{MANIFEST} is not a geomap parquet manifest")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise StoreError(
            f"{root}: written by a newer geomap (parquet store format {version}, this one reads up to "
            f"{FORMAT_VERSION}); upgrade geomap"
        )
    return manifest


def new_manifest() -> dict:
    """The manifest of a store with every layer and no rows."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generation": 0,
        "next_seq": 0,
        "layers": {layer: {} for layer in _KEYS},
        "changed": {},
    }


def layer_files(root: Path, manifest: dict | None, layer: str) -> list[str]:
    """The files that hold a layer's rows now, in partition order."""
    entries = (manifest or {}).get("layers", {}).get(layer, {})
    return [str(root / entries[part]["file"]) for part in sorted(entries)]


def write_manifest(root: Path, manifest: dict) -> None:
    """Switch the store to ``manifest`` at once: a temporary file, flushed, then renamed over the old."""

    def dump(tmp: Path) -> None:
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")

    replace_atomically(root / MANIFEST, dump, durable=True)


def remove_leftovers(root: Path) -> list[Path]:
    """Delete files a killed write left in the store (named by no manifest); call with the lock held."""
    manifest = read_manifest(root)
    if manifest is None and not root.is_dir():
        return []
    named = {str(root / f) for f in (set().union(*_named(manifest).values()) if manifest else set())}
    found = [p for p in root.glob(f".{MANIFEST}.*.tmp*") if p.is_file()]
    for layer in _KEYS:
        found += [p for p in (root / layer).glob("*/**/*.parquet") if str(p) not in named]
    for leftover in found:
        leftover.unlink(missing_ok=True)
    for layer in _KEYS:  # partitions left empty
        for folder in sorted((root / layer).glob("**/"), key=lambda p: -len(p.parts)):
            if folder != root / layer and not any(folder.iterdir()):
                folder.rmdir()
    if found:
        log.warning("removed %d file(s) left by an interrupted write in %s", len(found), root)
    return found


def _named(manifest: dict) -> dict[str, set[str]]:
    return {layer: {e["file"] for e in parts.values()} for layer, parts in manifest["layers"].items()}


def arrow_schema(layer: str) -> pa.Schema:
    """The fixed schema of a layer's files (so that an all-empty column keeps its type)."""
    columns = EVENT_COLUMNS if layer in (EVENTS, REPORTS) else _PLAIN[layer]
    fields = [pa.field(name, _ARROW[kind]) for name, kind in columns.items()]
    fields += [pa.field(ROW_HASH, pa.int64()), pa.field(SEQ, pa.int64())]
    if layer not in (EVENTS, REPORTS):
        return pa.schema(fields)
    return pa.schema([*fields, pa.field("geometry", pa.binary())], metadata={b"geo": _geo_metadata()})


def _geo_metadata() -> bytes:
    """GeoParquet 1.1 file metadata: one WKB geometry column in WGS84."""
    crs = pyproj.CRS(WGS84).to_json_dict()
    column = {"encoding": "WKB", "geometry_types": [], "crs": crs}
    return json.dumps({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}})


def to_arrow(frame: pd.DataFrame, layer: str, hashes: np.ndarray, seqs: np.ndarray) -> pa.Table:
    """Conformed rows of ``layer`` as a table of its file schema."""
    schema = arrow_schema(layer)
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).reset_index(drop=True)
    arrays = []
    for field in schema:
        if field.name == "geometry":
            shapes = np.asarray(frame.geometry.values, dtype=object)
            arrays.append(pa.array(shapely.to_wkb(shapes), type=pa.binary()))
        elif field.name in (ROW_HASH, SEQ):
            arrays.append(pa.array(hashes if field.name == ROW_HASH else seqs, type=pa.int64()))
        elif field.type == pa.string():
            arrays.append(pa.array(_python_values(plain[field.name]), type=pa.string()))
        else:
            arrays.append(pa.array(plain[field.name], type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def to_schema(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A stored table given the current schema (columns added since it was written come empty)."""
    arrays = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def partitions_of(frame: pd.DataFrame, layer: str) -> np.ndarray:
    """Each row's partition: ``year=YYYY/iso3=XXX`` for events and reports, ``all`` otherwise."""
    if layer not in (EVENTS, REPORTS):
        return np.full(len(frame), "all", dtype=object)
    year = _text(frame["event_date"]).str[:4]
    year = year.where(year.str.fullmatch(r"\d{4}"), "none")
    iso3 = _text(frame["iso3"]).str.upper()
    iso3 = iso3.where(iso3.str.fullmatch(r"[A-Z]{3}"), "none")
    return ("year=" + year + "/iso3=" + iso3).to_numpy(dtype=object)


def _text(column: pd.Series) -> pd.Series:
    values = column.astype(object)
    return values.where(values.notna(), "").astype(str).reset_index(drop=True)


def key_hashes(frame: pd.DataFrame, keys: list[str] | tuple[str, ...]) -> np.ndarray:
    """One 64-bit hash of each row's key (a missing key part matches a missing one, as SQL ``IS``)."""
    if len(frame) == 0:
        return np.array([], dtype=np.uint64)
    parts = [_text(frame[k].astype(object).where(frame[k].notna(), "\x00")) for k in keys]
    text = parts[0] if len(parts) == 1 else parts[0].str.cat(parts[1:], sep="\x1f")
    return pd.util.hash_pandas_object(text, index=False).to_numpy()


def scan(files: list[str], *, filename: bool = False) -> str:
    """DuckDB's table function over ``files`` (folder names are not columns: iso3 is read from the files)."""
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    extra = ", filename = true" if filename else ""
    return f"read_parquet([{listed}], union_by_name = true, hive_partitioning = false{extra})"


def key_table(values: pd.DataFrame, layer: str, keys: Sequence[str]) -> pa.Table:
    """Key values as an arrow table of the layer's key types (for DuckDB to join with)."""
    schema = arrow_schema(layer)
    arrays = {}
    for key in keys:
        kind = schema.field(key).type
        column = values[key]
        if kind == pa.string():
            arrays[key] = pa.array(_python_values(column), type=kind)
        else:
            arrays[key] = pa.array(
                pd.to_numeric(column).astype(_pandas_dtype(kind)), type=kind, from_pandas=True
            )
    return pa.table(arrays)


def new_file(root: Path, layer: str, partition: str, generation: int) -> Path:
    """A fresh file name in a partition (never one a reader may be reading)."""
    return root / layer / partition / f"g{generation:06d}-{uuid.uuid4().hex[:8]}.parquet"


def write_file(table: pa.Table, path: Path) -> None:
    """Write one partition file and flush it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=64 * 1024)
    flush_to_disk(path)


def read_keys(root: Path, manifest: dict, layer: str, keys: list[str]) -> pd.DataFrame:
    """Key columns, row hash and partition of every stored row of ``layer``."""
    names = [*dict.fromkeys([*keys, ROW_HASH])]
    frames = []
    for partition, entry in sorted(manifest["layers"].get(layer, {}).items()):
        table = to_schema(
            pq.read_table(root / entry["file"], columns=names), _fields(arrow_schema(layer), names)
        )
        frames.append(table.to_pandas(types_mapper=INT64.get).assign(**{PARTITION: partition}))
    if not frames:
        schema = arrow_schema(layer)
        return pd.DataFrame({n: pd.Series(dtype=_pandas_dtype(schema.field(n).type)) for n in names}).assign(
            **{PARTITION: pd.Series(dtype=object)}
        )
    return pd.concat(frames, ignore_index=True)


def _fields(schema: pa.Schema, names: list[str]) -> pa.Schema:
    return pa.schema([schema.field(n) for n in names])


def _pandas_dtype(kind: pa.DataType) -> str:
    return "Int64" if kind == pa.int64() else "float64" if kind == pa.float64() else "object"
