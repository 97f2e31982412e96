"""Geocoding an event table: rows with a place name and no coordinates, each row's country as context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.regions import admin1_at, countries_at
from geomap.geocode.context import region_context
from geomap.model import Place
from geomap.schema import WGS84, point, records

if TYPE_CHECKING:
    from geomap.geocode.resolve import Resolver


#: what a row is geocoded by: (its place name or mention, its country, its region, its second-level
#: area); one lookup each
PlaceKey = tuple[str, str, str, str]


def geocode_events(
    events: gpd.GeoDataFrame, *, resolver: Resolver, resolved: dict[PlaceKey, Place | None] | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Give coordinates to rows that have a place name but none; fill iso3 everywhere it is missing.

    Rows that came with coordinates but without a country or first-level region get them from
    the polygons holding their point (:func:`fill_regions`).

    Each row's country, region (``admin1``) and second-level area (``admin2``: a cercle, a province, a
    county) are its context: a namesake near the area's seat is the row's.  Returns the
    table and one note per row that fell back to a region or country, or stayed
    without coordinates — the list to review.  ``resolved``: the places of
    :func:`place_keys` found already (the Dask engine resolves them on its workers);
    the others are resolved here.
    """
    events = events.copy()
    notes: list[str] = []
    cache: dict[PlaceKey, Place | None] = dict(resolved or {})
    for index in events.index[events["latitude"].isna()]:
        row = events.loc[index]
        key = _key(row)
        if key not in cache:
            cache[key] = resolve_key(key, resolver)
        place = cache[key]
        if place is None:
            notes.append(f"{row['event_id']}: {key[0] or 'no place'} not found and no country given")
            continue
        if place.needs_review:
            notes.append(f"{row['event_id']}: {place.reason}")
        _apply(events, index, place)
    _fill_iso3(events)
    fill_regions(events)
    return gpd.GeoDataFrame(events, geometry="geometry", crs=WGS84), notes


def _key(row) -> PlaceKey:
    name = row["location"] or row["place_mention"] or ""
    return name, row["country"] or "", row["admin1"] or "", row.get("admin2") or ""


def place_keys(events: pd.DataFrame) -> list[PlaceKey]:
    """The distinct keys of the rows :func:`geocode_events` geocodes, in the order of their first row."""
    columns = [c for c in ("location", "place_mention", "country", "admin1", "admin2") if c in events]
    missing = events.loc[events["latitude"].isna(), columns]
    return list(dict.fromkeys(_key(row) for row in records(missing)))


def resolve_key(key: PlaceKey, resolver: Resolver) -> Place | None:
    """The place of one key: its name (or its country when it names none) within its country and region,
    near the seat of its second-level area."""
    mention, country, admin1, admin2 = key
    ctx = region_context(admin1 or None, country or None, gazetteer=resolver.gazetteer, admin2=admin2 or None)
    return resolver.resolve(mention or country or "", country=country or None, context=ctx)


def _apply(events: pd.DataFrame, index: object, place: Place) -> None:
    precision = max(int(place.geo_precision), int(events.at[index, "geo_precision"] or 1))
    events.at[index, "latitude"] = place.lat
    events.at[index, "longitude"] = place.lon
    events.at[index, "geometry"] = point(place.lat, place.lon)
    events.at[index, "geo_precision"] = precision
    events.at[index, "geocode_confidence"] = place.confidence
    if place.geonameid is not None:
        events.at[index, "geonameid"] = place.geonameid
    if not events.at[index, "iso3"] and place.iso3:
        events.at[index, "iso3"] = place.iso3
    if not events.at[index, "country"]:
        country = find_country(place.country)
        events.at[index, "country"] = country.name if country else None
    if not events.at[index, "admin1"] and place.admin1:
        events.at[index, "admin1"] = place.admin1


def _fill_iso3(events: pd.DataFrame) -> None:
    missing = events["iso3"].isna() & events["country"].notna()
    if not missing.any():
        return
    names = events.loc[missing, "country"]
    codes = {name: getattr(find_country(name), "iso3", None) for name in names.unique()}  # once per name
    found = names.map(codes).dropna()
    events.loc[found.index, "iso3"] = found


def fill_regions(events: pd.DataFrame) -> int:
    """Give located rows without a country (or region) the country and region whose polygons hold them.

    A table of coordinates alone (a researcher's GPS points, a GeoJSON of events) would otherwise be
    left out of every count by country or region and of the country filter.  Values the row already
    has are kept, even where the polygon disagrees (that is for the plausibility checks to flag).
    Changes ``events`` in place; returns the number of rows given a country or a region.
    """
    located = events["latitude"].notna() & events["longitude"].notna()
    changed = pd.Series(False, index=events.index)
    no_country = located & events["iso3"].isna() & events["country"].isna()
    if no_country.any():
        rows = events.index[no_country]
        lat, lon = events.loc[rows, "latitude"].to_numpy(float), events.loc[rows, "longitude"].to_numpy(float)
        codes = countries_at(lat, lon)
        for index, code in zip(rows, codes, strict=True):
            found = find_country(code) if code else None
            if found is not None:
                events.at[index, "iso3"], events.at[index, "country"] = found.iso3, found.name
                changed[index] = True
    no_region = located & events["iso3"].notna() & events["admin1"].isna()
    if no_region.any():
        rows = events.index[no_region]
        names = admin1_at(
            events.loc[rows, "latitude"].to_numpy(dtype=float),
            events.loc[rows, "longitude"].to_numpy(dtype=float),
            events.loc[rows, "iso3"].to_numpy(dtype=object),
        )
        for index, name in zip(rows, names, strict=True):
            if name:
                events.at[index, "admin1"] = name
                changed[index] = True
    return int(changed.sum())
