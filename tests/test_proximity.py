"""Spatial coherence: the namesake that lies among the text's other (possibly ambiguous) names."""

from __future__ import annotations

import pytest

import geomap.geocode.ranking as ranking_module
from geomap.gazetteer.index import GazetteerEntry, distance_km
from geomap.geocode import Resolver
from geomap.geocode.proximity import named_places
from geomap.model import GeoPrecision

NEBRASKA = (
    "The Columbus school board met Monday. Parents from Norfolk drove in, and Platte County and "
    "Colfax County deputies kept order."
)


@pytest.fixture
def resolver(fresh_gazetteer) -> Resolver:
    return Resolver(fresh_gazetteer)


def test_ambiguous_names_choose_each_other(resolver, monkeypatch) -> None:
    columbus = resolver.resolve("Columbus", context=NEBRASKA)
    assert distance_km(columbus.lat, columbus.lon, 41.43, -97.37) < 20  # Columbus, Nebraska
    assert "of the text's other names lie near it" in columbus.reason
    monkeypatch.setattr(ranking_module, "SUPPORT_SCORE", 0.0)
    alone = Resolver(resolver.gazetteer).resolve("Columbus", context=NEBRASKA)
    assert distance_km(alone.lat, alone.lon, 41.43, -97.37) > 161  # without the rule: another Columbus


def test_a_county_supports_its_seat(resolver) -> None:
    text = "A tornado touched down near Athens on Friday; Henderson County officials said homes lost power."
    athens = resolver.resolve("Athens", context=text)
    assert (athens.country, round(athens.lat)) == ("US", 32)  # Athens, Texas, not Greece


def test_support_counts_each_name_once_and_never_the_name_itself(fresh_gazetteer) -> None:
    named = named_places(
        "In Platte County and Platte County again, Columbus Telegram staff", gazetteer=fresh_gazetteer
    )
    columbus = GazetteerEntry(None, "Columbus", 41.43, -97.37, "US")
    assert named.support(columbus, "columbus") == 1  # Platte County; "Columbus Telegram" holds the name
    assert named.support(GazetteerEntry(None, "Elsewhere", 0.0, 0.0, "US"), "elsewhere") == 0
    assert named_places("", gazetteer=fresh_gazetteer).support(columbus, "columbus") == 0


def test_a_country_name_is_the_town_the_other_names_surround(resolver) -> None:
    text = "A Jordan man was hurt when his car left the road between Shakopee and Belle Plaine on Tuesday."
    town = resolver.resolve("Jordan", context=text)
    assert (town.country, town.geo_precision) == ("US", GeoPrecision.PLACE)
    assert distance_km(town.lat, town.lon, 44.67, -93.63) < 20  # Jordan, Minnesota
    obituary = "Services will be held in Lebanon. She was born in Myerstown and lived in Annville."
    assert resolver.context(obituary).countries == ()  # "Lebanon" is no evidence of the country
    assert resolver.resolve("Lebanon", context=obituary).country == "US"


def test_a_country_name_stays_the_country_among_its_own_places(resolver) -> None:
    kingdom = resolver.resolve("Jordan", context="King Abdullah of Jordan met officials in Amman and Zarqa.")
    assert (kingdom.country, kingdom.geo_precision) == ("JO", GeoPrecision.COUNTRY)
    text = "Migrants from Mexico crossed near El Paso and Laredo, officials in Texas said."
    assert resolver.resolve("Mexico", context=text).country == "MX"
    mali = resolver.resolve("Mali", context="Des hommes armés ont attaqué Boni et Hombori au Mali.")
    assert (mali.country, mali.geo_precision) == ("ML", GeoPrecision.COUNTRY)


def test_dotted_state_abbreviations_are_states_not_countries(resolver) -> None:
    state = resolver.resolve("S.C.", context="COLUMBIA, S.C. — Lawmakers met on Tuesday.")
    assert (state.name, state.country, state.geo_precision) == ("South Carolina", "US", GeoPrecision.ADMIN1)
    assert resolver.resolve("U.S.", context="U.S. officials met.").geo_precision == GeoPrecision.COUNTRY


def test_dotted_initials_of_a_city_are_not_a_country_code(resolver) -> None:
    text = (
        "LOS ANGELES — Dock workers at the Port of Los Angeles walked out on Monday. "
        "Traffic backed up across L.A. as trucks queued at the terminals in San Pedro, California."
    )
    city = resolver.resolve("L.A.", context=text)  # LA is Laos's ISO code; "L.A." is Los Angeles
    assert (city.country, city.geo_precision) == ("US", GeoPrecision.PLACE)
    assert distance_km(city.lat, city.lon, 34.05, -118.24) < 25
    uae = resolver.resolve("U.A.E.", context="Flights from the U.A.E. resumed on Friday.")
    assert (uae.country, uae.geo_precision) == ("AE", GeoPrecision.COUNTRY)  # initials of its name
