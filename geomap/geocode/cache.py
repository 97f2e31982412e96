"""A SQLite cache of online geocoder answers, so nothing is asked twice — not even across restarts.

"No result" is cached too.  Keys are the backend, the normalised query and the
country it was restricted to.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geomap.errors import StoreError
from geomap.gazetteer.index import normalize_name

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    backend TEXT NOT NULL, query TEXT NOT NULL, country TEXT NOT NULL, found INTEGER NOT NULL,
    name TEXT, lat REAL, lon REAL, raw TEXT, fetched TEXT NOT NULL,
    PRIMARY KEY (backend, query, country));
"""


@dataclass(frozen=True)
class CachedAnswer:
    """One stored answer; ``found`` False means the service had no result."""

    found: bool
    name: str = ""
    lat: float = 0.0
    lon: float = 0.0
    raw: dict | None = None


class GeocodeCache:
    """Answers of online geocoders in ``path`` (default ``$GEOMAP_HOME/geocode_cache.sqlite``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not a geomap geocode cache: {err}") from err

    def get(self, backend: str, query: str, country: str | None) -> CachedAnswer | None:
        """The stored answer, or None when this question was never asked."""
        with self._lock:
            row = self._db.execute(
                "SELECT found, name, lat, lon, raw FROM answers"
                " WHERE backend = ? AND query = ? AND country = ?",
                (backend, normalize_name(query), (country or "").upper()),
            ).fetchone()
        if row is None:
            return None
        found, name, lat, lon, raw = row
        return CachedAnswer(bool(found), name or "", lat or 0.0, lon or 0.0, json.loads(raw) if raw else None)

    def put(self, backend: str, query: str, country: str | None, answer: CachedAnswer) -> None:
        """Store an answer (replacing an older one)."""
        with self._lock, self._db:
            raw = json.dumps(answer.raw, default=str) if answer.raw is not None else None
            values = (backend, normalize_name(query), (country or "").upper(), int(answer.found), answer.name)
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?,?,?,?)",
                (*values, answer.lat, answer.lon, raw, stamp),
            )

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM answers").fetchone()[0]
