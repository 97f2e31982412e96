"""Big CSV tables read on the Dask cluster in row chunks, with the local reader's rows and problems.

One worker parses the file (a quoted cell may span lines, so the records are found in one pass) and
cuts its records into chunks of :data:`CHUNK_ROWS` (:func:`geomap.ingest.tables.csv_chunks`), which
stay on the cluster.  The chunks are checked row by row on the workers
(:func:`~geomap.ingest.tables.check_chunk`); the client finds the ids that repeat across the whole
table from the chunks' (row, ids) lists, in row order (:func:`geomap.schema.repeated_rows`); the
workers drop those rows and the swapped points and make each chunk's table
(:func:`geomap.schema.finish_rows`); the client puts the tables together
(:func:`~geomap.ingest.tables.table_import`).  Every refused row keeps its ``file:row``.
"""

from __future__ import annotations

import csv
import operator
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.errors import GeomapError, InputError
from geomap.gazetteer.boundaries import inside_country
from geomap.ingest.tables import TableImport, check_chunk, csv_chunks, table_import
from geomap.schema import CheckedRows, finish_rows, repeated_rows

if TYPE_CHECKING:
    from distributed import Client

#: records per chunk: about 10 MB of a coded table
CHUNK_ROWS = 25_000
#: CSV files larger than this are read in chunks; smaller ones whole, one file per task
CHUNK_BYTES = 8 << 20
CHUNKED_SUFFIXES = (".csv", ".tsv", ".txt")


def chunked(path: Path) -> bool:
    """Whether ``path`` is a CSV table big enough to be read in row chunks."""
    try:
        return path.suffix.lower() in CHUNKED_SUFFIXES and path.stat().st_size > CHUNK_BYTES
    except OSError:
        return False  # the whole-file reader reports it


def read_chunked(client: Client, path: Path, *, rows: int | None = None) -> TableImport | GeomapError:
    """Read one CSV table in row chunks of ``rows`` records (:data:`CHUNK_ROWS`) on the cluster."""
    parsed = client.submit(parse, str(path), rows or CHUNK_ROWS, pure=False)
    head = client.submit(_head, parsed, pure=False).result()
    if isinstance(head, GeomapError):
        return head
    fmt, count, notes = head
    parts = [client.submit(operator.getitem, parsed, 2 + k, pure=False) for k in range(count)]
    checked = [client.submit(check_chunk, fmt, part, pure=False) for part in parts]
    ids = client.gather([client.submit(CheckedRows.ids, c, pure=False) for c in checked])
    refused = repeated_rows(i for chunk in ids for i in chunk)
    done = [client.submit(finish_chunk, c, refused, str(path), pure=False) for c in checked]
    tables = client.gather(done)
    frames = [frame for frame, _ in tables if not frame.empty] or [tables[0][0]]
    problems = sorted((p for _, found in tables for p in found), key=lambda p: p.row)
    return table_import(path, fmt, frames, problems, notes)


def parse(path: str, rows: int) -> tuple | GeomapError:
    """On a worker: (format, notes, chunk, chunk, …) of a CSV table, or the error that stops it."""
    try:
        fmt, chunks, notes = csv_chunks(Path(path), rows=rows)
    except GeomapError as err:
        return err
    except (OSError, ValueError, LookupError, csv.Error) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err) or type(err).__name__
        return InputError(f"{path}: cannot read: {reason}")
    return (fmt, notes, *chunks)


def _head(parsed: tuple | GeomapError) -> tuple | GeomapError:
    if isinstance(parsed, GeomapError):
        return parsed
    return parsed[0], len(parsed) - 2, parsed[1]


def finish_chunk(checked: CheckedRows, refused: dict, file: str):
    """On a worker: a chunk without the rows whose ids repeat, its swapped points refused, as a table."""
    return finish_rows(checked.without(refused, file=file), file=file, inside_country=inside_country)
