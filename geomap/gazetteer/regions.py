"""Which country and first-level region hold a point: the shipped admin-1 polygons, or imported ones.

The shipped regions (``geomap/mapping/basemap/admin1.geojson.gz``, Natural Earth admin-1, public domain,
made by ``tools/make_basemap.py``) are worldwide at ~0.08° of detail and the Sahel at ~0.005°; boundaries a
researcher imported (``geomap boundaries import``) take their place for their countries. Countries come from
Natural Earth's 1:10m polygons (:mod:`geomap.gazetteer.boundaries`).

The map uses this to count region-level events in their region; an import uses it to give rows that came
with coordinates only their country and region (:func:`geomap.geocode.tables.geocode_events`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geomap.columns import WGS84
from geomap.gazetteer.boundaries import _country_tree, _polygons, admin1_boundaries, find_country

SHIPPED_ADMIN1 = "admin1.geojson.gz"
#: how far off a country's 1:10m outline a point still counts as in it (~5.5 km): ports, lagoons, islets
COAST_DEGREES = 0.05
#: the same for first-level regions, whose shipped outlines are simplified to ~0.08° outside the Sahel
REGION_SLACK_DEGREES = 0.1


def _shipped(name: str) -> Path:
    return Path(str(resources.files("geomap.mapping").joinpath(f"basemap/{name}")))


@lru_cache(maxsize=1)
def _shipped_admin1() -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(f"/vsigzip/{_shipped(SHIPPED_ADMIN1)}")[["iso3", "name", "geometry"]]


def admin1_regions() -> gpd.GeoDataFrame:
    """First-level regions (iso3, name, geometry): the shipped ones, or the imported ones of a country."""
    shipped = _shipped_admin1()
    imported = admin1_boundaries()
    if imported.empty:
        return shipped
    iso3 = [getattr(find_country(c), "iso3", "") for c in imported["country"]]
    own = gpd.GeoDataFrame(
        {"iso3": iso3, "name": imported["name"].astype(str)}, geometry=imported.geometry.values, crs=WGS84
    )
    keep = shipped[~shipped["iso3"].isin(set(iso3))]
    return gpd.GeoDataFrame(pd.concat([keep, own], ignore_index=True), crs=WGS84)


def countries_at(lat: np.ndarray, lon: np.ndarray) -> list[str | None]:
    """For each point, the ISO3 code of the country holding it or within ~5 km of it (else None)."""
    found: list[str | None] = [None] * len(lat)
    if len(lat) == 0:
        return found
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))  # x is lon, y is lat
    where, which = _country_tree().query(points, predicate="intersects")
    codes = _polygons().iso3
    for i, k in zip(where.tolist(), which.tolist(), strict=True):
        if found[i] is None:  # the first polygon, as country_at does
            found[i] = codes[k] or None
    off = [i for i, code in enumerate(found) if code is None]
    if off:  # a port or an island the 1:10m coastline leaves in the sea: the country within a few km
        near, which = _country_tree().query_nearest(points[off], max_distance=COAST_DEGREES)
        for j, k in zip(near.tolist(), which.tolist(), strict=True):
            if found[off[j]] is None:
                found[off[j]] = codes[k] or None
    return found


def region_of(
    lat: np.ndarray, lon: np.ndarray, regions: gpd.GeoDataFrame, *, iso3: np.ndarray | None = None
) -> np.ndarray:
    """For each point, the position in ``regions`` of the region holding it, or -1.

    With ``iso3`` (each point's country), a region of the point's own country
    wins over a neighbour's whose simplified outline overlaps it.  Each region
    tests only the points inside its bounding box, with a prepared polygon:
    100,000 points in a few hundred milliseconds.
    """
    found = np.full(len(lat), -1, dtype=np.int64)
    if len(lat) == 0 or regions.empty:
        return found
    bounds = regions.geometry.bounds.to_numpy()
    codes = regions["iso3"].to_numpy()
    for own_country in [True, False] if iso3 is not None else [False]:
        left = np.flatnonzero(found < 0)  # the points not placed yet, fewer after each region
        for k, polygon in enumerate(regions.geometry):
            west, south, east, north = bounds[k]
            x, y = lon[left], lat[left]
            wanted = (x >= west) & (x <= east) & (y >= south) & (y <= north)
            if own_country:
                wanted &= iso3[left] == codes[k]
            if not wanted.any():
                continue
            shapely.prepare(polygon)
            inside = np.zeros(len(left), dtype=bool)
            inside[wanted] = shapely.contains_xy(polygon, x[wanted], y[wanted])  # x is lon, y is lat
            found[left[inside]] = k
            left = left[~inside]
    return found


def admin1_at(lat: np.ndarray, lon: np.ndarray, iso3: np.ndarray) -> list[str | None]:
    """For each point, the name of the first-level region of its own country (``iso3``) that holds it.

    A point just off its country's simplified outline (a coast, a lagoon) takes the nearest region of
    its own country within ~11 km; a point farther off, or in a country without regions, gets None
    rather than a neighbour's region.
    """
    regions = admin1_regions()
    wanted = set(pd.Series(iso3).dropna().tolist())
    mine = regions[regions["iso3"].isin(wanted)].reset_index(drop=True)
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    codes = np.asarray([c or "" for c in iso3], dtype=object)
    position = region_of(lat, lon, mine, iso3=codes)
    names, owners = mine["name"].tolist(), mine["iso3"].tolist()
    found = [names[k] if k >= 0 and owners[k] == codes[i] else None for i, k in enumerate(position.tolist())]
    off = [i for i, name in enumerate(found) if name is None and codes[i]]
    if off and not mine.empty:  # just off a simplified coast: the nearest region of its own country
        tree = shapely.STRtree(mine.geometry.to_numpy())
        points = shapely.points(lon[off], lat[off])
        near, which = tree.query_nearest(points, max_distance=REGION_SLACK_DEGREES, all_matches=True)
        for j, k in zip(near.tolist(), which.tolist(), strict=True):
            if found[off[j]] is None and owners[k] == codes[off[j]]:
                found[off[j]] = names[k]
    return found
