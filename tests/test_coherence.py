"""Worldwide regions and document coherence: regions named bare, "City, Region", "City, Country"."""

from __future__ import annotations

import pytest

from geomap.gazetteer.index import distance_km
from geomap.geocode import Resolver
from geomap.model import GeoPrecision


@pytest.fixture
def resolver(fresh_gazetteer) -> Resolver:
    return Resolver(fresh_gazetteer)


def test_a_region_named_bare_is_the_region(resolver) -> None:
    ohio = resolver.resolve("Ohio", context="Storms hit Ohio on Tuesday.")
    assert (ohio.geo_precision, ohio.country, ohio.admin1) == (GeoPrecision.ADMIN1, "US", "Ohio")
    virginia = resolver.resolve("W.Va.", context="CHARLESTON, W.Va. — The legislature met.")
    assert (virginia.name, virginia.geo_precision) == ("West Virginia", GeoPrecision.ADMIN1)


def test_city_region_pairs_choose_the_namesake(resolver) -> None:
    text = "PARIS, Tenn. — Police in Paris, Tenn., said the fire started at noon."
    paris = resolver.resolve("Paris", context=text)
    assert (paris.country, paris.geo_precision) == ("US", GeoPrecision.PLACE)
    assert distance_km(paris.lat, paris.lon, 36.30, -88.33) < 20  # Paris, Tennessee
    assert resolver.resolve("Paris", context="Flights to Paris were cancelled.").country == "FR"


def test_towns_of_a_region_the_text_names_are_preferred(resolver) -> None:
    text = "Flooding closed roads across Texas. In Paris, schools were shut."
    paris = resolver.resolve("Paris", context=text)
    assert distance_km(paris.lat, paris.lon, 33.66, -95.56) < 20  # Paris, Texas
    assert "in a region the text names" in paris.reason


def test_a_country_name_is_a_region_when_the_text_says_so(resolver) -> None:
    state = resolver.resolve("Georgia", context="ATLANTA, Ga. — Voters in Georgia went to the polls.")
    assert (state.country, state.geo_precision) == ("US", GeoPrecision.ADMIN1)
    country = resolver.resolve("Georgia", context="Tbilisi: Georgia and Armenia signed a treaty.")
    assert (country.country, country.geo_precision) == ("GE", GeoPrecision.COUNTRY)


def test_city_country_pairs_and_dotted_country_codes(resolver) -> None:
    dogo = resolver.resolve("Dogo", context="Gunmen killed five people in Dogo, Mali, on Sunday.")
    assert dogo.country == "ML"  # not Guinea's Mali region
    us = resolver.resolve("U.S.", context="U.S. officials said the aid would arrive.")
    assert (us.country, us.geo_precision) == ("US", GeoPrecision.COUNTRY)
    assert distance_km(us.lat, us.lon, 39.8, -98.6) < 161  # the centre of the lower 48, not Kansas's edge


def test_short_abbreviations_need_their_dot(resolver) -> None:
    assert resolver.resolve("Ala", country="BF").country == "BF"  # a village, not Alabama
    alabama = resolver.resolve("Ala.", context="MOBILE, Ala. — A storm hit the coast.")
    assert alabama.name == "Alabama"


def test_a_state_named_bare_establishes_its_country(resolver) -> None:
    text = "Soldiers back from Iraq were welcomed in Texas; a parade in Killeen drew thousands."
    ctx = resolver.context(text)
    assert ctx.countries == ("IQ", "US")  # Texas is a region of the United States only
    killeen = resolver.resolve("Killeen", context=ctx)
    assert (killeen.country, killeen.geo_precision) == ("US", GeoPrecision.PLACE)
    assert resolver.context("Delta Air Lines flew to Lagos, Nigeria.").countries == ("NG",)  # towns too
    # "Georgia" beside Ohio is the state: no evidence of the country Georgia
    assert resolver.context("Voters in Georgia and Ohio went to the polls.").countries == ("US",)
    assert "GE" in resolver.context("Tbilisi: Georgia and Armenia signed a treaty.").countries


def test_a_text_naming_no_country_prefers_where_its_places_lie(resolver) -> None:
    text = "A Pineville man was arrested in Alexandria after a chase through Ball and Tioga."
    ctx = resolver.context(text)
    assert (ctx.countries, ctx.likely) == ((), "US")
    alexandria = resolver.resolve("Alexandria", context=ctx)
    assert distance_km(alexandria.lat, alexandria.lon, 31.31, -92.45) < 20  # Alexandria, Louisiana
    alone = resolver.resolve("Alexandria", context="Police said the woman from Alexandria was arrested.")
    assert (alone.country, alone.needs_review) == ("EG", True)  # nothing points anywhere: a guess


def test_a_common_word_that_names_a_region_is_no_evidence(resolver) -> None:
    """ "City" is a region of England; a text that also writes "the city" is not about England."""
    text = "City officials met in Santa Ana, California; the city closed two schools."
    assert "GB" not in resolver.context(text).countries


def test_a_region_beside_other_regions_of_its_country_is_the_region(resolver) -> None:
    text = "Farmers in Indiana and Illinois lost their crops to the flood."
    indiana = resolver.resolve("Indiana", context=text)
    assert (indiana.geo_precision, indiana.country) == (GeoPrecision.ADMIN1, "US")  # not Indiana, Pa.
    henry = resolver.resolve("Henry County", context="Flooding in Tennessee: Henry County closed its roads.")
    assert henry.lat == pytest.approx(36.33, abs=0.05)  # the Henry County of the state the text names


def test_parts_of_a_region_and_city_region_pairs_establish_its_country(resolver) -> None:
    east = resolver.context("Rain flooded roads across East Texas, officials in Iraq heard.")
    assert "US" in east.countries  # "East Texas" is part of Texas
    paired = resolver.context("The consul of Italy spoke in Springfield, Mass., on Monday.")
    assert paired.countries == ("IT", "US")
    springfield = resolver.resolve("Springfield", context=paired)
    assert springfield.lat == pytest.approx(42.1, abs=0.05)  # Springfield, Massachusetts


def test_regions_of_territories_natural_earth_codes_its_own_way_are_known(resolver) -> None:
    # Natural Earth's admin-1 file writes Palestine as PSX and South Sudan as SDS, not PSE and SSD
    text = "Aid convoys crossed into the Gaza Strip while talks on the West Bank stalled."
    gaza = resolver.resolve("Gaza Strip", context=text)
    bank = resolver.resolve("West Bank", context=text)
    assert (gaza.country, gaza.geo_precision, bank.country) == ("PS", GeoPrecision.ADMIN1, "PS")
    assert distance_km(gaza.lat, gaza.lon, bank.lat, bank.lon) > 50
    upper_nile = resolver.resolve("Upper Nile", context="Cholera spread in Upper Nile state, South Sudan.")
    assert (upper_nile.country, upper_nile.geo_precision) == ("SS", GeoPrecision.ADMIN1)


def test_a_nation_of_the_united_kingdom_establishes_the_kingdom(resolver) -> None:
    text = (
        "He was born in the village of Flumeri in southern Italy and had lived in England for four "
        "years before the couple opened a cafe in Cambridge. Friends came from Newmarket for the funeral."
    )
    assert "GB" in resolver.context(text).countries
    cambridge = resolver.resolve("Cambridge", context=text)
    assert (cambridge.country, cambridge.geo_precision) == ("GB", GeoPrecision.PLACE)
    assert distance_km(cambridge.lat, cambridge.lon, 52.20, 0.12) < 25
    arkansas = "Police in England arrested a man between Lonoke and Carlisle on Tuesday."
    assert "GB" not in resolver.context(arkansas).countries  # England, Arkansas: no evidence of the kingdom
    assert resolver.resolve("England", context=arkansas).country == "US"


def test_a_country_name_is_a_region_of_the_country_the_text_s_places_point_to(resolver) -> None:
    text = (
        "School boards in Barrow County and Oconee County are reviewing layoff policies. Most Northeast "
        "Georgia systems have not yet cut teachers, said Phil Hartley, an attorney for the school boards."
    )
    assert resolver.context(text).likely == "US"
    state = resolver.resolve("Georgia", context=text)
    assert (state.country, state.geo_precision) == ("US", GeoPrecision.ADMIN1)
    country = resolver.resolve("Georgia", context="Voters in Georgia went to the polls on Sunday.")
    assert (country.country, country.geo_precision) == ("GE", GeoPrecision.COUNTRY)


def test_a_county_beside_another_country_establishes_its_own(resolver) -> None:
    text = (
        "Four years ago she was in Nigeria. Now she is a senior at a high school in Clayton County, "
        "and the scholarship will take her from Jonesboro to medical school."
    )
    assert resolver.context(text).countries[:2] == ("NG", "US")
    jonesboro = resolver.resolve("Jonesboro", context=text)
    assert jonesboro.country == "US"  # was ruled out: the text named Nigeria only
    alone = "Deputies in Clayton County arrested two men on Tuesday."
    assert resolver.context(alone).countries == ()  # a text naming no country: a likely one, no bound


def test_namesakes_in_the_region_the_text_names_most_are_meant(resolver) -> None:
    text = (
        "The Madison Central team will represent Kentucky at the national tournament. Central was one "
        "of four Madison County teams; only Jefferson County had more. Kentucky's coaches said the "
        "teams from Montgomery County did well."
    )
    ctx = resolver.context(text)
    assert (ctx.home.name, ctx.home.country) == ("Kentucky", "US")
    county = resolver.resolve("Madison County", context=ctx)
    assert distance_km(county.lat, county.lon, 37.73, -84.28) < 25  # Kentucky's, not Alabama's
    assert resolver.context("Kentucky and Tennessee signed a water compact.").home is None  # once each


def _boulel(resolver: Resolver, *others: str):
    """Where "Boulel" is placed in a text that also names ``others`` (Boulels: Kayes and Ségou regions)."""
    text = (
        "Gunmen on motorbikes attacked the village of Boulel in Mali on Tuesday, killing four civilians, "
        f"residents said. Survivors fled to {' and '.join(others)}, where traders closed their shops."
    )
    ctx = resolver.framed(resolver.context(text), ["Boulel", *others])
    return resolver.resolve("Boulel", context=ctx)


def test_a_namesake_in_the_region_the_text_s_other_places_lie_in_is_meant(fresh_gazetteer) -> None:
    resolver = Resolver(fresh_gazetteer)
    in_kayes = _boulel(resolver, "Kita", "Diéma")  # both towns of the Kayes region, far from either Boulel
    assert in_kayes.geo_precision == GeoPrecision.PLACE
    assert distance_km(in_kayes.lat, in_kayes.lon, 14.84, -11.36) < 5
    assert "the region the text's other places lie in" in in_kayes.reason
    in_segou = _boulel(resolver, "San", "Bla")  # towns of the Ségou region
    assert distance_km(in_segou.lat, in_segou.lon, 15.12, -5.28) < 5
    alone = _boulel(resolver, "Kita")  # one other place frames nothing: the namesakes stay apart
    assert alone.geo_precision == GeoPrecision.COUNTRY
    split = _boulel(resolver, "Kita", "Diéma", "San", "Bla")  # two regions, two names each: no frame
    assert split.geo_precision == GeoPrecision.COUNTRY
