"""Rivers and lakes by name: where "on the Niger River" or "near Lake Chad" is, inside one country.

A river or a lake is never a country, but when a text places an event on one
and names no place the gazetteer knows ("on the Niger River near a village"),
the water body's course inside the text's country is an honest area: the
middle of the longest stretch of the river in that country (or the part of
the lake in it), with the first-level region there.

The shapes are the Natural Earth 1:50m rivers and lakes shipped for the
offline base map (``geomap/mapping/basemap/``, public domain, credited in
data/ATTRIBUTION.md), read with pyogrio's raw reader and shapely: no pandas.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from geomap.gazetteer.boundaries import _country_shape, find_country
from geomap.gazetteer.index import normalize_name

log = logging.getLogger(__name__)
_LAYERS = ("rivers.geojson.gz", "lakes.geojson.gz", "admin1.geojson.gz")
_LAKE_WORDS = ("lake ", "lac ", "l. ")


@dataclass(frozen=True, slots=True)
class WaterArea:
    """Where on a river or lake, inside one country: a point, the region there, and the water's name."""

    name: str  # "Niger River", "Lake Chad"
    lat: float
    lon: float
    iso2: str
    admin1: str


def _shipped(name: str) -> Path:
    return Path(str(resources.files("geomap.mapping").joinpath(f"basemap/{name}")))


@lru_cache(maxsize=3)
def _layer(name: str) -> tuple[list[dict], list]:
    import shapely
    from pyogrio.raw import read

    meta, _fids, wkb, values = read(f"/vsigzip/{_shipped(name)}", encoding="UTF-8")
    fields = list(meta["fields"])
    rows = [dict(zip(fields, row, strict=True)) for row in zip(*values, strict=True)]
    return rows, list(shapely.from_wkb(wkb))


def _key(name: str) -> str:
    folded = normalize_name(name)
    for word in _LAKE_WORDS:
        folded = folded.removeprefix(normalize_name(word) + " ")
    return folded.removesuffix(" lake").removesuffix(" river").strip()


@lru_cache(maxsize=256)
def _shape(name: str):
    """The river ("Niger") or else the lake ("Lake Chad") named ``name``: (its name, shape), or None."""
    import shapely

    key = _key(name)
    for layer, named in zip(_LAYERS[:2], ("{} River", "Lake {}"), strict=False):
        rows, shapes = _layer(layer)
        found = [s for row, s in zip(rows, shapes, strict=True) if _key(str(row.get("name") or "")) == key]
        if found:
            return named.format(name.strip()) if _key(name) == normalize_name(
                name
            ) else name, shapely.union_all(found)
    return None


def water_in_country(name: str, country: str) -> WaterArea | None:
    """Where the river or lake ``name`` lies in ``country`` (a name or code); None when it does not.

    Examples
    --------
    >>> water_in_country("Niger", "Mali").admin1  # doctest: +SKIP
    'Mopti'
    """
    import shapely

    found, known = _shape(name), find_country(country)
    border = _country_shape(known.iso3) if known else None
    if found is None or border is None:
        return None
    inside = shapely.intersection(found[1], border)
    if inside.is_empty:
        return None
    parts = list(getattr(inside, "geoms", [inside]))
    longest = max(parts, key=lambda g: g.length if g.geom_type.endswith("LineString") else g.area)
    if longest.geom_type.endswith("LineString"):
        point = shapely.line_interpolate_point(longest, 0.5, normalized=True)
    else:
        point = longest.point_on_surface()
    return WaterArea(found[0], point.y, point.x, known.iso2, _region_at(point, known.iso3))


def countries_of(name: str) -> list[str]:
    """ISO2 codes of the countries the river or lake ``name`` runs through (empty when unknown)."""
    import shapely

    from geomap.gazetteer.boundaries import _polygons

    found = _shape(name)
    if found is None:
        return []
    shapes = _polygons()
    hits = shapely.intersects(shapes.geometry, found[1])
    return sorted({code for code, hit in zip(shapes.iso2, hits, strict=True) if hit and code})


def _region_at(point, iso3: str) -> str:
    rows, shapes = _layer("admin1.geojson.gz")
    for row, shape in zip(rows, shapes, strict=True):
        if row.get("iso3") == iso3 and shape.contains(point):
            return str(row.get("name") or "")
    return ""
