"""Geocoding an event table: rows with a place name and no coordinates, each row's country as context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geomap.gazetteer.boundaries import find_country
from geomap.geocode.context import region_context
from geomap.model import Place
from geomap.schema import WGS84, point

if TYPE_CHECKING:
    from geomap.geocode.resolve import Resolver


def geocode_events(events: gpd.GeoDataFrame, *, resolver: Resolver) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Give coordinates to rows that have a place name but none; fill iso3 everywhere it is missing.

    Each row's country and region (``admin1``) are its context.  Returns the
    table and one note per row that fell back to a region or country, or stayed
    without coordinates — the list to review.
    """
    events = events.copy()
    notes: list[str] = []
    cache: dict[tuple[str, str, str], Place | None] = {}
    for index in events.index[events["latitude"].isna()]:
        row = events.loc[index]
        mention = row["location"] or row["place_mention"] or ""
        key = (mention, row["country"] or "", row["admin1"] or "")
        if key not in cache:
            ctx = region_context(row["admin1"], row["country"], gazetteer=resolver.gazetteer)
            cache[key] = resolver.resolve(
                mention or row["country"] or "", country=row["country"], context=ctx
            )
        place = cache[key]
        if place is None:
            notes.append(f"{row['event_id']}: {mention or 'no place'} not found and no country given")
            continue
        if place.needs_review:
            notes.append(f"{row['event_id']}: {place.reason}")
        _apply(events, index, place)
    _fill_iso3(events)
    return gpd.GeoDataFrame(events, geometry="geometry", crs=WGS84), notes


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
