"""Continents and the nations of the United Kingdom as areas."""

from __future__ import annotations

import pytest

from geomap.gazetteer.index import distance_km
from geomap.geocode import Resolver
from geomap.geocode.areas import area_named
from geomap.model import GeoPrecision


@pytest.fixture
def resolver(fresh_gazetteer) -> Resolver:
    return Resolver(fresh_gazetteer)


def test_continents_and_nations_are_areas(resolver) -> None:
    europe = resolver.resolve("Europe", context="Flights to Europe resumed on Monday.")
    assert (europe.geo_precision, europe.country) == (GeoPrecision.COUNTRY, "")
    assert "a continent" in europe.reason
    assert distance_km(europe.lat, europe.lon, 48.7, 9.1) < 50
    scotland = resolver.resolve("SCOTLAND", context="Snow closed roads across SCOTLAND and Wales.")
    assert (scotland.name, scotland.country, scotland.geo_precision) == (
        "Scotland",
        "GB",
        GeoPrecision.ADMIN1,
    )
    assert 55 < scotland.lat < 58
    assert -6 < scotland.lon < -2


def test_a_town_the_text_surrounds_beats_the_nation(resolver) -> None:
    text = "An England man was arrested between Lonoke and Carlisle, police said."
    town = resolver.resolve("England", context=text)
    assert (town.country, town.geo_precision) == ("US", GeoPrecision.PLACE)  # England, Arkansas


def test_a_caller_country_bounds_areas(resolver) -> None:
    assert resolver.resolve("Wales", country="Mali", context="Visitors from Wales.").country == "ML"
    assert area_named("Middle Earth") is None
