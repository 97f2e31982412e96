"""Spatial coherence: the namesake that lies among the text's other (possibly ambiguous) names."""

from __future__ import annotations

import pytest

import geomap.geocode.resolve as resolve_module
from geomap.gazetteer.index import GazetteerEntry, distance_km
from geomap.geocode import Resolver
from geomap.geocode.proximity import named_places

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
    monkeypatch.setattr(resolve_module, "SUPPORT_SCORE", 0.0)
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
