"""Resolve a place mention to a :class:`~geomap.model.Place`, offline.

This is the thin resolver: an exact (accent- and case-insensitive) lookup in
the injected gazetteer, within the country when one is known, and countries
from Natural Earth.  A place it does not know is not an error: the caller gets
``None`` and, in :func:`geocode_events`, the row falls back to its country
(precision 4) with a reason.  It never picks a namesake in another country
when the country is known.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import geopandas as gpd
import pandas as pd

from geomap.gazetteer.boundaries import Country, find_country
from geomap.gazetteer.index import Gazetteer, GazetteerEntry
from geomap.model import GeoPrecision, Place
from geomap.schema import WGS84, point

log = logging.getLogger(__name__)


class Resolver:
    """Place mentions → places, from an injected gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def resolve(self, mention: str, *, country: str | None = None, context: str = "") -> Place | None:
        """The place ``mention`` names, or None when the gazetteer does not know it.

        Parameters
        ----------
        mention
            The name as written ("Tombouctou", "KIDAL", "Mali").
        country
            The country it is in, as a name or ISO code, when known; namesakes elsewhere are then ruled out.
        context
            The surrounding text; unused by this resolver, kept for the interface.
        """
        if not mention or not mention.strip():
            return None
        within = find_country(country) if country else None
        named_country = find_country(mention)
        if named_country is not None and (within is None or within.iso2 == named_country.iso2):
            return country_place(named_country, mention=mention)
        found = self.gazetteer.lookup(mention, country=within.iso2 if within else None)
        if not found:
            return None
        return _place(found[0], found[1:], mention=mention, country_known=within is not None)


def country_place(country: Country, *, mention: str, reason: str = "") -> Place:
    """A country as a place: its representative point, precision 4."""
    return Place(
        name=country.name,
        lat=country.lat,
        lon=country.lon,
        geo_precision=GeoPrecision.COUNTRY,
        confidence=1.0 if not reason else 0.5,
        country=country.iso2,
        iso3=country.iso3,
        origin="embedded",
        reason=reason or f"{mention!r} names the country",
    )


def _place(best: GazetteerEntry, others: list[GazetteerEntry], *, mention: str, country_known: bool) -> Place:
    country = find_country(best.country)
    rejected = tuple((f"{o.name} ({o.country}, {o.lat:.3f}, {o.lon:.3f})", _why(best, o)) for o in others)
    confidence = 1.0 if not others else (0.8 if country_known else 0.6)
    return Place(
        name=best.name,
        lat=best.lat,
        lon=best.lon,
        geo_precision=GeoPrecision(best.geo_precision),
        confidence=confidence if best.geo_precision == 1 else confidence * 0.8,
        country=best.country,
        iso3=country.iso3 if country else "",
        admin1=best.admin1 if not best.admin1.isdigit() else "",
        geonameid=best.geonameid,
        origin=best.origin,
        reason=f"exact name match for {mention!r}"
        + ("" if not others else f" among {len(others) + 1} namesakes"),
        candidates=rejected,
    )


def _why(best: GazetteerEntry, other: GazetteerEntry) -> str:
    if other.origin != best.origin:
        return "an override names this place"
    return f"smaller population ({other.population:,} < {best.population:,})"


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The offline resolver over the embedded gazetteer (built once per process)."""
    return Resolver(Gazetteer.embedded())


def geocode_events(events: gpd.GeoDataFrame, *, resolver: Resolver) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Give coordinates to rows that have a place name but none; fill iso3 everywhere it is missing.

    Returns
    -------
    (events, unresolved)
        The table with coordinates filled where they could be, and one note per
        row that fell back to its country or stayed without coordinates.
    """
    events = events.copy()
    unresolved: list[str] = []
    cache: dict[tuple[str, str], Place | None] = {}
    for index in events.index[events["latitude"].isna()]:
        row = events.loc[index]
        mention = row["location"] or row["place_mention"] or ""
        key = (mention, row["country"] or "")
        if key not in cache:
            cache[key] = resolver.resolve(mention, country=row["country"]) if mention else None
        place = cache[key] or _fallback(row, mention)
        if place is None:
            unresolved.append(f"{row['event_id']}: {mention or 'no place'!s} not found and no country given")
            continue
        if place.geo_precision == GeoPrecision.COUNTRY and mention and place.name != mention:
            unresolved.append(
                f"{row['event_id']}: {mention} not in the gazetteer; placed at country level ({place.name})"
            )
        _apply(events, index, place)
    _fill_iso3(events)
    events = gpd.GeoDataFrame(events, geometry="geometry", crs=WGS84)
    return events, unresolved


def _fallback(row: pd.Series, mention: str) -> Place | None:
    country = find_country(row["country"] or row["iso3"] or "")
    if country is None:
        return None
    reason = (
        f"{mention!r} is not in the gazetteer; only the country is known"
        if mention
        else "only the country is known"
    )
    return country_place(country, mention=mention, reason=reason)


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
    for index in events.index[missing]:
        country = find_country(events.at[index, "country"])
        if country is not None:
            events.at[index, "iso3"] = country.iso3
