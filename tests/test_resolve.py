"""The thin resolver: exact names within the country, countries, honest fallbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.gazetteer.boundaries import country_at
from geomap.geocode import Resolver, default_resolver, geocode_events
from geomap.model import GeoPrecision
from geomap.schema import validate


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return default_resolver()


@pytest.mark.parametrize("mention", ["Kidal", "KIDAL", "kidal"])
def test_kidal_is_the_town(resolver, mention) -> None:
    place = resolver.resolve(mention, country="Mali")
    assert place.lat == pytest.approx(18.44, abs=0.01)
    assert place.lon == pytest.approx(1.41, abs=0.01)
    assert place.geo_precision == GeoPrecision.PLACE
    assert place.confidence == 1.0


def test_spellings_resolve_to_one_place(resolver) -> None:
    assert resolver.resolve("Tombouctou", country="ML").geonameid == resolver.resolve("Timbuktu").geonameid
    assert (
        resolver.resolve("Ménaka", country="ML").geonameid
        == resolver.resolve("Menaka", country="ML").geonameid
    )


def test_gao_in_mali_is_never_elsewhere(resolver) -> None:
    place = resolver.resolve("Gao", country="Mali")
    assert country_at(place.lat, place.lon).iso3 == "MLI"
    assert place.candidates == ()  # the Burkinabè namesake is ruled out by the country
    anywhere = resolver.resolve("Gao")
    assert anywhere.country == "ML"
    assert anywhere.confidence < 1.0
    assert any("BF" in name and "population" in why for name, why in anywhere.candidates)


def test_a_country_name_is_the_country(resolver) -> None:
    mali = resolver.resolve("Mali")
    assert mali.geo_precision == GeoPrecision.COUNTRY
    assert mali.iso3 == "MLI"
    assert country_at(mali.lat, mali.lon).iso3 == "MLI"


def test_unknown_places_are_none_not_errors(resolver) -> None:
    assert resolver.resolve("Tinkarène-Ouest", country="ML") is None
    assert resolver.resolve("") is None
    assert resolver.resolve("Kidal", country="Niger") is None  # no namesake in another country


def test_geocode_events_fills_and_falls_back(resolver) -> None:
    base = {"event_date": "2023-09-07", "event_type": "Battles", "source": "AFP"}
    raw = pd.DataFrame(
        [
            {**base, "location": "Bourem", "country": "Mali"},
            {**base, "location": "Tinkarène-Ouest", "country": "Mali"},
            {**base, "location": "Intahaka"},  # a gold-mining site, not in cities1000, no country given
            {**base, "location": "Kidal", "country": "Mali", "latitude": 18.5, "longitude": 1.5},
        ]
    )
    events, problems = validate(raw, file="t.csv")
    assert problems == []
    done, unresolved = geocode_events(events, resolver=resolver)
    bourem, unknown, intahaka, given = done.to_dict("records")
    assert bourem["latitude"] == pytest.approx(16.955, abs=0.01)
    assert (bourem["geo_precision"], bourem["iso3"], bourem["geonameid"]) == (1, "MLI", 2459205) or bourem[
        "geonameid"
    ]
    assert unknown["geo_precision"] == 4
    assert country_at(unknown["latitude"], unknown["longitude"]).iso3 == "MLI"
    assert pd.isna(intahaka["latitude"])
    assert given["latitude"] == 18.5  # coordinates that were given are kept
    assert given["iso3"] == "MLI"
    assert len(unresolved) == 2
    assert any("Tinkarène-Ouest" in u and "country level" in u for u in unresolved)
    assert any("Intahaka" in u for u in unresolved)
    assert done.geometry.iloc[0].y == pytest.approx(bourem["latitude"])
