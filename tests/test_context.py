"""Document context: countries, regions and anchor places a text establishes."""

from __future__ import annotations

from geomap.geocode.context import read_context, region_context


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
