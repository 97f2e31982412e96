"""Natural Earth countries: names and codes, point in polygon, representative points."""

from __future__ import annotations

import pytest

from geomap.gazetteer.boundaries import country_at, country_boundaries, find_country


def test_boundaries_have_fixed_codes() -> None:
    countries = country_boundaries()
    assert len(countries) > 200
    assert countries.crs == "EPSG:4326"
    assert {"FRA", "NOR", "MLI"} <= set(countries["iso3"])  # France and Norway are -99 in ISO_A3
    assert "-99" not in set(countries["iso2"])


@pytest.mark.parametrize("name", ["Mali", "ML", "MLI", "mali", "  MALI "])
def test_find_country_by_name_and_code(name: str) -> None:
    mali = find_country(name)
    assert (mali.iso2, mali.iso3, mali.name) == ("ML", "MLI", "Mali")


def test_french_names_and_accents() -> None:
    assert find_country("Côte d'Ivoire").iso3 == "CIV"
    assert find_country("Algérie").iso3 == "DZA"
    assert find_country("France").iso2 == "FR"
    assert find_country("Azawad") is None
    assert find_country("") is None


def test_representative_points_fall_inside() -> None:
    for name in ("Mali", "Norway", "France", "Niger"):
        country = find_country(name)
        assert country_at(country.lat, country.lon) == country, name
    assert find_country("Norway").lat < 72  # the mainland, not Svalbard


def test_country_at() -> None:
    assert country_at(18.44, 1.41).iso3 == "MLI"
    assert country_at(12.37, -1.53).iso3 == "BFA"
    assert country_at(0.0, -30.0) is None  # the Atlantic
