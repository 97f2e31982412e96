"""The store's file: telling a geomap store from any other file, the write lock, leftovers.

A geomap store is a GeoPackage (SQLite with application id ``GPKG``) that
carries a ``geomap_store`` table with its format version (a plain table, not
registered in ``gpkg_contents``, so GIS tools do not show it).  Stores written
before the marker existed are recognised by their ``events`` layer.  Anything
else named as a store (a CSV, a GeoJSON, another SQLite database or
GeoPackage, a folder, a truncated file) is refused with a
:class:`~geomap.errors.StoreError` and never written to.

Writers take an OS file lock (``.NAME.lock`` beside the store, through
:mod:`filelock`) around the whole read → merge → write, so that a second
import or a correction waits for the first and merges with what it committed.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import filelock
import pyogrio

from geomap.errors import StoreError

log = logging.getLogger(__name__)

MARKER = "geomap_store"
MANIFEST = "geomap_store.json"  # the manifest of a parquet store (geomap.store.partitions)
FORMAT_VERSION = 2  # 1: stores without the marker; 2: marker, key indexes, every layer present
GPKG_IDS = (0x47504B47, 0x47503130)  # "GPKG", and "GP10" of GeoPackage 1.0
SQLITE_MAGIC = b"SQLite format 3\x00"
LOCK_TIMEOUT = 300.0  # seconds a writer waits for another; GEOMAP_LOCK_TIMEOUT overrides
_LOCKS: dict[Path, filelock.FileLock] = {}


def is_parquet(path: Path) -> bool:
    """Whether ``path`` names a parquet store: a ``.parquet`` name, or a folder with its manifest."""
    return path.suffix.lower() == ".parquet" or (path / MANIFEST).is_file()


def check_store(path: Path) -> bool:
    """True when ``path`` is a geomap store, False when nothing is there yet; StoreError otherwise."""
    if not os.path.lexists(path):
        return False
    if path.is_dir():
        raise StoreError(
            f"{path}: is a folder, not a geomap store; name a .gpkg file (or a new NAME.parquet folder) "
            "with --store"
        )
    _check_header(path)
    try:
        with contextlib.closing(_connect(path)) as db:
            application = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if application not in GPKG_IDS:
                raise _refused(path, "a SQLite database but not a GeoPackage")
            if MARKER in tables:
                _check_version(path, db)
            elif "gpkg_contents" not in tables or not _has_events(db):
                raise _refused(path, "a GeoPackage without geomap's events layer")
            db.execute("SELECT count(*) FROM gpkg_contents").fetchone()  # reads past the header
    except sqlite3.DatabaseError as err:
        raise _refused(path, f"damaged or not a database ({err})") from err
    return True


def _connect(path: Path) -> sqlite3.Connection:
    # read-write when we may, so that SQLite rolls back a write that a crash left in its journal
    mode = "rw" if os.access(path, os.W_OK) else "ro"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as err:
        raise StoreError(f"{path}: cannot read the store: {err.strerror or err}") from err
    if not header.startswith(SQLITE_MAGIC):
        raise _refused(path, "not a GeoPackage (not even a SQLite database)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the page count is valid only then
    if counted and path.stat().st_size < pages * page_size:
        raise _refused(path, f"truncated ({path.stat().st_size:,} of {pages * page_size:,} bytes)")


def _has_events(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM gpkg_contents WHERE table_name = 'events'").fetchone() is not None


def _check_version(path: Path, db: sqlite3.Connection) -> None:
    row = db.execute(f"SELECT value FROM {MARKER} WHERE key = 'format_version'").fetchone()  # noqa: S608
    if row is None or not str(row[0]).isdigit():
        raise _refused(path, f"its {MARKER} table has no format version")
    if int(row[0]) > FORMAT_VERSION:
        raise StoreError(
            f"{path}: written by a newer geomap (store format {row[0]}, this one reads up to "
            f"{FORMAT_VERSION}); upgrade geomap"
        )


def _refused(path: Path, what: str) -> StoreError:
    return StoreError(
        f"{path}: is not a geomap store: {what}; it was left untouched (choose another --store)"
    )


def is_current(db: sqlite3.Connection) -> bool:
    """True when an open store carries the marker of this format version."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (MARKER,)).fetchone() is None:
        return False
    row = db.execute(f"SELECT value FROM {MARKER} WHERE key = 'format_version'").fetchone()  # noqa: S608
    return row is not None and str(row[0]) == str(FORMAT_VERSION)


def mark(db: sqlite3.Connection) -> None:
    """Write the geomap marker into an open GeoPackage (inside the caller's transaction)."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        f"INSERT OR REPLACE INTO {MARKER} (key, value) VALUES ('format_version', ?)",  # noqa: S608
        (str(FORMAT_VERSION),),
    )


def lock_path(path: Path) -> Path:
    """The lock file of a store: hidden, beside it."""
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def write_lock(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the store's write lock (re-entrant within a thread); StoreError when it waits too long."""
    wait = timeout if timeout is not None else float(os.environ.get("GEOMAP_LOCK_TIMEOUT", LOCK_TIMEOUT))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{path}: cannot create {path.parent}: {err.strerror or err}") from err
    key = path.resolve()
    # one lock object a store, each thread with its own hold on it: the app's sessions are threads
    lock = _LOCKS.setdefault(key, filelock.FileLock(lock_path(key), thread_local=True))
    try:
        lock.acquire(timeout=wait)
    except filelock.Timeout as err:
        raise StoreError(
            f"{path}: another geomap process has been writing this store for {wait:g} s; "
            "try again when it has finished (nothing was written)"
        ) from err
    except OSError as err:
        raise StoreError(
            f"{path}: cannot write in {path.parent}: {err.strerror or err} (nothing was written)"
        ) from err
    try:
        if lock.lock_counter == 1:
            _check_writable(path)
            remove_leftovers(path)
        yield
    finally:
        lock.release()


def _check_writable(path: Path) -> None:
    """StoreError unless files can be made beside the store (SQLite's journal, temporary packages)."""
    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as err:
        raise StoreError(
            f"{path}: cannot write in {path.parent}: {err.strerror or err} (nothing was written)"
        ) from err


def temporary_name(path: Path) -> tuple[str, str]:
    """Prefix and suffix of the temporary packages a write makes beside ``path``."""
    return f".{path.name}.", ".tmp.gpkg"


def remove_leftovers(path: Path) -> list[Path]:
    """Delete the temporary packages a killed write left beside the store; call with the lock held."""
    prefix, suffix = temporary_name(path)
    found = []
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*{glob.escape(suffix)}*"):
        name = leftover.name
        if name.endswith((suffix, suffix + "-journal")):
            leftover.unlink(missing_ok=True)
            found.append(leftover)
    if found:
        log.warning("removed %d temporary file(s) left by an interrupted write: %s", len(found), found)
    return found


def while_busy(read, *args, tries: int = 4, **kwargs):
    """``read(*args, **kwargs)``, tried again while a writer commits (GDAL waits ~5 s, then fails)."""
    for _ in range(tries - 1):
        try:
            return read(*args, **kwargs)
        except pyogrio.errors.DataSourceError as err:
            if "locked" not in str(err):
                raise
            log.info("%s: a writer is committing; reading again", args[0])
    return read(*args, **kwargs)
