"""The offline base map: admin-1 regions, rivers, lakes and town labels, shipped with geomap.

``basemap/*.geojson.gz`` were made from Natural Earth (public domain) by
``tools/make_basemap.py``: admin-1 regions worldwide at ~0.08° of detail and
the Sahel and its neighbours at ~0.005°, the 1:50m rivers and lakes.  Region
boundaries a researcher imported (``geomap boundaries import``) take the place
of the shipped ones for their countries.  Town labels come from the gazetteer
(GeoNames places with a population), the largest first.

Region and town names reach the page as HTML and are escaped here, with
:func:`geomap.mapping.annotate.escape_text`: an imported boundary file or a
harvested place name may hold anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
import shapely.geometry

from geomap.gazetteer.index import Gazetteer
from geomap.gazetteer.regions import admin1_regions
from geomap.mapping.annotate import escape_series

log = logging.getLogger(__name__)

TOWN_LIMIT = 3_000  # labels shipped per map, the largest towns of its extent first


@dataclass(frozen=True)
class Extent:
    """A lat/lon box around the events, with a margin in degrees."""

    south: float
    west: float
    north: float
    east: float

    def padded(self, pad: float) -> Extent:
        return Extent(self.south - pad, self.west - pad, self.north + pad, self.east + pad)

    def box(self):
        return shapely.box(self.west, self.south, self.east, self.north)


def _shipped(name: str) -> Path:
    return Path(str(resources.files("geomap.mapping").joinpath(f"basemap/{name}")))


@lru_cache(maxsize=4)
def _layer(name: str) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(f"/vsigzip/{_shipped(name)}")


def regions_within(extent: Extent) -> gpd.GeoDataFrame:
    """The regions that reach into ``extent``, with escaped names."""
    regions = admin1_regions()
    inside = regions.iloc[regions.sindex.query(extent.box(), predicate="intersects")]
    inside = inside.reset_index(drop=True)
    return inside.assign(name=escape_series(inside["name"]))


def water_within(extent: Extent) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Rivers (lines) and lakes (polygons) reaching into ``extent``, geometry only."""
    found = []
    for name in ("rivers.geojson.gz", "lakes.geojson.gz"):
        layer = _layer(name)
        found.append(layer.iloc[layer.sindex.query(extent.box(), predicate="intersects")][["geometry"]])
    return found[0], found[1]


def context_payload(
    extent: Extent, *, offline: bool, gazetteer: Gazetteer | None, regions: gpd.GeoDataFrame
) -> dict:
    """What static/basemap.js draws: ``regions`` (always: events are counted in them), and on the
    offline base map the regions' boundaries, rivers, lakes and town labels."""
    anchors = regions.geometry.representative_point()
    context: dict = {
        "regions": {
            "name": regions["name"].tolist(),
            "anchor": [[round(p.y, 4), round(p.x, 4)] for p in anchors],
            "geometry": [shapely.geometry.mapping(g) for g in regions.geometry],
        },
        "outlines": offline,
        "rivers": [],
        "lakes": [],
        "towns": None,
    }
    if offline:
        rivers, lakes = water_within(extent.padded(3.0))
        context["rivers"] = [shapely.geometry.mapping(g) for g in rivers.geometry]
        context["lakes"] = [shapely.geometry.mapping(g) for g in lakes.geometry]
        if gazetteer is not None:
            context["towns"] = town_labels(extent.padded(1.0), gazetteer=gazetteer)
    return context


def town_labels(extent: Extent, *, gazetteer: Gazetteer, limit: int = TOWN_LIMIT) -> dict[str, list]:
    """Towns with a population inside ``extent``, largest first: escaped names, lat, lon, population.

    A town listed twice (GeoNames' city and a dump's entry for it) is labelled once.
    """
    found = gazetteer.towns_within(extent.south, extent.west, extent.north, extent.east, limit=limit)
    seen: set[tuple[str, float, float]] = set()
    towns = []
    for town in found:
        key = (town.name.casefold(), round(town.lat, 1), round(town.lon, 1))
        if key not in seen:
            seen.add(key)
            towns.append(town)
    names = escape_series(pd.Series([t.name for t in towns], dtype="object")).tolist()
    return {
        "name": names,
        "lat": [round(t.lat, 4) for t in towns],
        "lon": [round(t.lon, 4) for t in towns],
        "pop": [int(t.population) for t in towns],
    }
