"""Gazetteer entries and countries as :class:`~geomap.model.Place` answers."""

from __future__ import annotations

from geomap.errors import ConfigError
from geomap.gazetteer.boundaries import Country, find_country
from geomap.gazetteer.index import GazetteerEntry
from geomap.gazetteer.water import countries_of, water_in_country
from geomap.model import GeoPrecision, Place


def label(entry: GazetteerEntry) -> str:
    return f"{entry.name} ({entry.country}, {entry.lat:.3f}, {entry.lon:.3f}, {entry.origin})"


def entry_place(
    entry: GazetteerEntry,
    *,
    mention: str,
    confidence: float,
    reason: str,
    candidates=(),
    origin: str | None = None,
) -> Place:
    country = find_country(entry.country)
    precision = GeoPrecision.ADMIN1 if entry.is_region else GeoPrecision(min(entry.geo_precision, 2))
    return Place(
        name=entry.name,
        lat=entry.lat,
        lon=entry.lon,
        geo_precision=precision,
        confidence=confidence,
        country=entry.country,
        iso3=country.iso3 if country else "",
        admin1=entry.name if entry.is_region else "",
        geonameid=entry.geonameid,
        origin=entry.origin,
        reason=reason,
        candidates=tuple(candidates),
    )


def country_place(country: Country, *, mention: str, reason: str = "") -> Place:
    """A country as a place: a point inside it, precision 4."""
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
        needs_review=bool(reason),
    )


def country_code(code: str) -> str:
    """The ISO2 code of a country the researcher names (``GEOMAP_COUNTRIES``, ``--country``)."""
    country = find_country(code)
    if country is None:
        raise ConfigError(f"GEOMAP_COUNTRIES / --country: {code!r} is not a country name or ISO code")
    return country.iso2


def water_place(name: str, country: Country | None, *, configured: tuple[str, ...] = ()) -> Place | None:
    """An event on the river or lake ``name`` whose place near it is unknown: its course in ``country``.

    Without a country, only a river or lake that lies in one country (of the researcher's
    ``configured`` ones, ISO2, when set) is placed. Area precision (admin-1), flagged for review.
    """
    if country is None:
        codes = [c for c in countries_of(name) if not configured or c in configured]
        country = find_country(codes[0]) if len(codes) == 1 else None
    area = water_in_country(name, country.iso2) if country is not None else None
    if area is None:
        return None
    where = f"the {area.admin1} region" if area.admin1 else country.name
    return Place(
        name=f"{area.name} ({area.admin1 or country.name})",
        lat=area.lat,
        lon=area.lon,
        geo_precision=GeoPrecision.ADMIN1,
        confidence=0.4,
        country=country.iso2,
        iso3=country.iso3,
        admin1=area.admin1,
        origin="Natural Earth",
        reason=f"on the {area.name}, no place near it known: on its course in {country.name}, in {where}",
        needs_review=True,
    )
