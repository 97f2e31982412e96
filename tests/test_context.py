"""Document context: countries, regions and anchor places a text establishes."""

from __future__ import annotations

import pytest

from geomap.geocode import Resolver
from geomap.geocode.context import read_context, region_context
from geomap.model import GeoPrecision


def test_countries_from_names_and_demonyms(fresh_gazetteer) -> None:
    ctx = read_context(
        "The Malian army and its allies entered Kidal, in northern Mali.", gazetteer=fresh_gazetteer
    )
    assert ctx.main_country == "ML"
    french = read_context(
        "L'armée burkinabè a repoussé une attaque près de Djibo.", gazetteer=fresh_gazetteer
    )
    assert french.main_country == "BF"
    assert read_context("NE and ML are codes, not prose.", gazetteer=fresh_gazetteer).countries == ()


def test_regions_in_english_and_french(fresh_gazetteer) -> None:
    english = read_context("Clashes in the Gao region of Mali.", gazetteer=fresh_gazetteer)
    assert [r.name for r in english.regions] == ["Gao"]
    french = read_context("Des combats dans la région de Tombouctou, au Mali.", gazetteer=fresh_gazetteer)
    assert [r.name for r in french.regions] == ["Tombouctou"]


def test_anchor_places_are_unambiguous_places_in_the_countries(fresh_gazetteer) -> None:
    ctx = read_context("In Bourem and Ansongo, in Mali, the army said.", gazetteer=fresh_gazetteer)
    assert {a.name for a in ctx.anchors} >= {"Bourem", "Ansongo"}


def test_a_table_rows_context(fresh_gazetteer) -> None:
    ctx = region_context("Kidal", "Mali", gazetteer=fresh_gazetteer)
    assert ctx.countries == ("ML",)
    assert [r.name for r in ctx.regions] == ["Kidal"]


def _names(regions) -> list[str]:
    return [r.name for r in regions]


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday, JNIM attacked the camp in Bourem. A day later, the same group struck the camp in Léré, "
        "in the Timbuktu region, the army said.",
        "Mardi, le JNIM a attaqué le camp de Bourem. Le lendemain, il a frappé le camp de Léré, dans la "
        "région de Tombouctou, selon l'armée.",
        "Le JNIM a attaqué Bourem mardi, puis le camp de Léré (région de Tombouctou) mercredi.",
        "JNIM fighters attacked Bourem on Tuesday and Léré in Timbuktu region on Wednesday.",
    ],
)
def test_a_region_phrase_after_a_place_is_that_places_region(fresh_gazetteer, text) -> None:
    ctx = read_context(text, gazetteer=fresh_gazetteer)
    assert ctx.regions == ()  # nothing stands alone for the whole text
    assert _names(ctx.regions_for("Léré")) == _names(ctx.regions_for("LERE")) == ["Tombouctou"]
    assert ctx.regions_for("Bourem") == ()
    assert _names(ctx.regions_of_others("Bourem")) == ["Tombouctou"]  # weighs only a little
    assert ctx.regions_of_others("Léré") == ()
    assert {a.name for a in ctx.anchors} >= {"Bourem", "Léré"}
    assert not {"Timbuktu", "Tombouctou"} & {a.name for a in ctx.anchors}  # a region's name is no town


@pytest.mark.parametrize(
    "text",
    [
        "In the Mopti region, gunmen attacked Boni, Hombori and Douentza overnight.",
        "Dans la région de Mopti, des hommes armés ont attaqué Boni, Hombori et Douentza.",
        "Clashes in the Mopti region of Mali left twelve dead near Boni.",
    ],
)
def test_a_region_phrase_that_stands_alone_is_the_whole_texts(fresh_gazetteer, text) -> None:
    ctx = read_context(text, gazetteer=fresh_gazetteer)
    assert _names(ctx.regions) == ["Mopti"]
    assert ctx.tied == ()
    assert _names(ctx.regions_for("Boni")) == _names(ctx.regions_for("Bourem")) == ["Mopti"]


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen attacked Boni, Hombori and Douentza, in the Mopti region, on Sunday; Gao was calm.",
        "Des hommes armés ont attaqué Boni, Hombori et Douentza, dans la région de Mopti. Gao était calme.",
    ],
)
def test_places_listed_before_a_region_phrase_share_it(fresh_gazetteer, text) -> None:
    ctx = read_context(text, gazetteer=fresh_gazetteer)
    assert ctx.regions == ()
    for name in ("Boni", "Hombori", "Douentza"):
        assert _names(ctx.regions_for(name)) == ["Mopti"]
    assert ctx.regions_for("Gao") == ()


def test_a_country_inside_another_name_is_not_named(fresh_gazetteer) -> None:
    """A country inside a longer name: "New Jersey", "Guernsey County", a person called "Chad Smith"."""
    text = "Storms hit New Jersey; Chad Smith of Guernsey County lost his roof."
    assert read_context(text, gazetteer=fresh_gazetteer).countries == ()
    assert read_context("Au Mali, l'armée a repoussé l'attaque.", gazetteer=fresh_gazetteer).countries == (
        "ML",
    )
    northern = read_context("Police in Northern Ireland said so.", gazetteer=fresh_gazetteer)
    assert "IE" not in northern.countries


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Clashes in Mali's Inner Niger Delta killed 12 herders near Youwarou.", ("ML",)),
        ("Niger’s Tillabéri region saw three attacks in a week.", ("NE",)),
        ("Burkina Faso's Sahel region: gunmen attacked Djibo.", ("BF",)),
        ("New Jersey's Governor spoke in Trenton.", ()),  # the possessive ends the name, not a part of it
    ],
)
def test_a_possessive_country_before_other_names_is_named(fresh_gazetteer, text, countries) -> None:
    assert read_context(text, gazetteer=fresh_gazetteer).countries == countries


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Jihadists attacked a convoy in the Sahel region near Kidal on Monday.", ()),
        ("La situation au Sahel reste tendue ; à Gao, des tirs ont été entendus mardi.", ()),
        ("Across the Sahel, armed groups have grown. In Mali, soldiers were killed near Boni.", ("ML",)),
        ("Gunmen killed 12 people in Dori, in the Sahel region, on Sunday.", ("BF",)),
        ("Burkina Faso's Sahel region: gunmen attacked Djibo.", ("BF",)),
    ],
)
def test_the_wider_sahel_names_no_country(fresh_gazetteer, text, countries) -> None:
    """ "The Sahel" is Burkina Faso's region only after a place of it or in a text naming Burkina Faso."""
    ctx = Resolver(fresh_gazetteer).context(text)
    assert ctx.countries == countries
    assert all(region.country in countries for region in ctx.all_regions)
    assert all(region.country in countries for _, region in ctx.mentioned)


def test_places_beside_the_wider_sahel_stay_where_they_are(fresh_gazetteer) -> None:
    resolver = Resolver(fresh_gazetteer)
    for text, name in [
        ("Jihadists attacked a convoy in the Sahel region near Kidal on Monday.", "Kidal"),
        ("La situation au Sahel reste tendue ; à Gao, des tirs ont été entendus mardi.", "Gao"),
    ]:
        place = resolver.resolve(name, context=text)
        assert (place.country, place.geo_precision) == ("ML", GeoPrecision.PLACE), place.reason
