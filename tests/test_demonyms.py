"""Demonyms: a people's name stands for its country."""

from __future__ import annotations

import pytest

from geomap.geocode import Resolver
from geomap.geocode.demonyms import demonym_country
from geomap.model import GeoPrecision


@pytest.mark.parametrize(
    ("name", "iso2"),
    [("American", "US"), ("Americans", "US"), ("Czechs", "CZ"), ("Israeli", "IL"), ("Indian", "IN"),
     ("Cypriot", "CY"), ("malienne", "ML"), ("Burkinabè", "BF")],
)  # fmt: skip
def test_demonyms_name_their_country(name: str, iso2: str) -> None:
    assert demonym_country(name).iso2 == iso2  # "Indian": India, not the British Indian Ocean Territory


@pytest.mark.parametrize("name", ["Texas", "Paris", "Europe", "Minnesotans", "Ss"])
def test_other_words_are_no_demonyms(name: str) -> None:
    assert demonym_country(name) is None


def test_the_resolver_answers_a_demonym_with_the_country(fresh_gazetteer) -> None:
    resolver = Resolver(fresh_gazetteer)
    russian = resolver.resolve("Russian", context="A Russian tanker docked in Limassol on Friday.")
    assert (russian.country, russian.geo_precision, russian.needs_review) == (
        "RU",
        GeoPrecision.COUNTRY,
        False,
    )
    assert "people of Russia" in russian.reason
    bounded = resolver.resolve("Russian", country="Mali", context="Russian instructors arrived in Gao.")
    assert bounded is None or bounded.country == "ML"  # the caller's country stays the bound
