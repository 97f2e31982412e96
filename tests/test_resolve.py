"""The resolver: exact names in context, namesakes, spelling variants, honest fallbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.gazetteer.boundaries import country_at
from geomap.geocode import Resolver, geocode_events
from geomap.model import GeoPrecision
from geomap.schema import validate


@pytest.fixture
def resolver(fresh_gazetteer) -> Resolver:
    return Resolver(fresh_gazetteer)


@pytest.mark.parametrize("mention", ["Kidal", "KIDAL", "kidal"])
def test_kidal_is_the_town(resolver, mention) -> None:
    place = resolver.resolve(mention, country="Mali")
    assert place.lat == pytest.approx(18.44, abs=0.01)
    assert place.lon == pytest.approx(1.41, abs=0.01)
    assert place.geo_precision == GeoPrecision.PLACE
    assert place.confidence == 1.0


@pytest.mark.parametrize("mention", ["Kidal region", "the Kidal region", "région de Kidal", "Kidal Region"])
def test_the_kidal_region_is_the_region(resolver, mention) -> None:
    place = resolver.resolve(mention, context="Fighting in northern Mali")
    assert place.geo_precision == GeoPrecision.ADMIN1
    assert (place.admin1, place.country) == ("Kidal", "ML")


def test_spellings_resolve_to_one_place(resolver) -> None:
    timbuktu = resolver.resolve("Timbuktu").geonameid
    assert resolver.resolve("Tombouctou", country="ML").geonameid == timbuktu
    assert resolver.resolve("Tumbuktu", context="au Mali").geonameid == timbuktu  # fuzzy, penalised
    assert resolver.resolve("Tumbuktu", context="au Mali").confidence < 1.0
    assert (
        resolver.resolve("Ménaka", country="ML").geonameid
        == resolver.resolve("Menaka", country="ML").geonameid
    )
    assert resolver.resolve("Aguelhoc", context="Mali").name == "Aguelhok"
    assert resolver.resolve("Tessalitt", context="in Mali").name == "Tessalit"


def test_gao_in_a_malian_text_is_never_elsewhere(resolver) -> None:
    place = resolver.resolve("Gao", context="Jihadists attacked Bourem, in northern Mali, on Tuesday.")
    assert country_at(place.lat, place.lon).iso3 == "MLI"
    assert any("BF" in name for name, _ in place.candidates)
    ruled_out = resolver.resolve("Gao", country="Mali").candidates
    assert [why for _, why in ruled_out] == ["outside the document's countries"]  # kept, with the reason
    burkina = resolver.resolve("Gao", context="Des soldats ont été tués au Burkina Faso.")
    assert burkina.country == "BF"  # the document's country decides, not population


def test_a_country_name_is_the_country(resolver) -> None:
    mali = resolver.resolve("Mali")
    assert mali.geo_precision == GeoPrecision.COUNTRY
    assert mali.iso3 == "MLI"
    assert country_at(mali.lat, mali.lon).iso3 == "MLI"


def test_missing_places_fall_back_to_what_the_text_establishes(resolver) -> None:
    in_region = resolver.resolve(
        "Tinkarène-Ouest", context="A village in the Gao region of Mali was attacked."
    )
    assert (in_region.geo_precision, in_region.admin1, in_region.needs_review) == (
        GeoPrecision.ADMIN1,
        "Gao",
        True,
    )
    in_country = resolver.resolve("Tinkarène-Ouest", context="Fighting in Mali")
    assert (in_country.geo_precision, in_country.country, in_country.needs_review) == (4, "ML", True)
    assert "not in the gazetteer" in in_country.reason
    assert resolver.resolve("Tinkarène-Ouest") is None  # the text establishes nothing
    paris = resolver.resolve("Paris", context="An attack in Mali")
    assert paris.geo_precision == 4
    assert "only outside Mali" in paris.reason


def test_suspect_coordinates_are_not_pinned(resolver) -> None:
    """GeoNames puts a 'Bamba' of the Gao region 1,000 km away, in the far south: geomap will not pin it."""
    place = resolver.resolve("Bamba", country="Mali", context="in the Gao region")
    assert place.geo_precision == GeoPrecision.ADMIN1
    assert place.admin1 == "Gao"


def test_harvested_places_resolve_to_the_tables_coordinates(resolver) -> None:
    resolver.gazetteer.harvest(
        [{"location": "Intahaka", "country_code": "ML", "admin1": "Gao", "latitude": 16.6, "longitude": -1.2}]
    )
    place = resolver.resolve("Intahaka", context="gold mine in Mali")
    assert (place.lat, place.lon, place.origin) == (16.6, -1.2, "harvest")


def test_geocode_events_fills_and_falls_back(resolver) -> None:
    base = {"event_date": "2023-09-07", "event_type": "Battles", "source": "AFP"}
    raw = pd.DataFrame(
        [
            {**base, "location": "Bourem", "country": "Mali"},
            {**base, "location": "Tinkarène-Ouest", "country": "Mali", "admin1": "Gao"},
            {**base, "location": "Xyzzy"},  # no country: nothing to fall back to
            {**base, "location": "Kidal", "country": "Mali", "latitude": 18.5, "longitude": 1.5},
        ]
    )
    events, problems = validate(raw, file="t.csv")
    assert problems == []
    done, notes = geocode_events(events, resolver=resolver)
    bourem, unknown, nowhere, given = done.to_dict("records")
    assert bourem["latitude"] == pytest.approx(16.955, abs=0.01)
    assert (bourem["geo_precision"], bourem["iso3"]) == (1, "MLI")
    assert unknown["geo_precision"] == 3  # the row's region
    assert unknown["latitude"] == pytest.approx(16.27, abs=0.01)
    assert pd.isna(nowhere["latitude"])
    assert given["latitude"] == 18.5  # coordinates that were given are kept
    assert given["iso3"] == "MLI"
    assert len(notes) == 2
    assert any("Tinkarène-Ouest" in n and "Gao region" in n for n in notes)
    assert any("Xyzzy" in n for n in notes)


def test_imported_boundaries_decide_region_membership(resolver, tmp_path, monkeypatch) -> None:
    from functools import partial
    from pathlib import Path

    from geomap.gazetteer import boundaries
    from geomap.geocode import resolve

    resolver.gazetteer.harvest(
        [{"location": "Intadeyni", "country_code": "ML", "latitude": 18.2, "longitude": 1.0}]
    )
    without = resolver.resolve("Intadeyni", context="in the Kidal region of Mali")
    assert "outside the region the text names" in without.reason  # no admin1 code to compare
    target = tmp_path / "boundaries.gpkg"
    source = Path(__file__).parent / "data" / "admin1_test_regions.geojson"
    boundaries.import_boundaries(source, name_field="shapeName", country_field="shapeGroup", target=target)
    monkeypatch.setattr(resolve, "region_polygon", partial(boundaries.region_polygon, path=target))
    fresh = Resolver(resolver.gazetteer)
    inside = fresh.resolve("Intadeyni", context="in the Kidal region of Mali")
    assert "in the region the text names" in inside.reason
