"""The resolver: exact names in context, namesakes, spelling variants, honest fallbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.errors import ConfigError
from geomap.gazetteer.boundaries import country_at
from geomap.gazetteer.index import GazetteerEntry, distance_km
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
    assert resolver.resolve("Aguelhoc", context="dans la région de Kidal, au Mali").name == "Aguelhok"
    assert resolver.resolve("Tessalitt", context="in the Kidal region of Mali").name == "Tessalit"


def test_gao_in_a_malian_text_is_never_elsewhere(resolver) -> None:
    place = resolver.resolve("Gao", context="Jihadists attacked Bourem, in northern Mali, on Tuesday.")
    assert country_at(place.lat, place.lon).iso3 == "MLI"
    assert any("BF" in name for name, _ in place.candidates)
    ruled_out = resolver.resolve("Gao", country="Mali").candidates
    outside = [name for name, why in ruled_out if why == "outside the document's countries"]
    assert outside  # kept, with the reason
    assert all("(ML," not in name for name in outside)
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
    assert (paris.geo_precision, paris.country, paris.needs_review) == (4, "ML", True)
    assert "not corroborated" in paris.reason  # the hamlet "Pari" is kept as a candidate, not pinned
    assert any(name.startswith("Pari (ML") for name, _ in paris.candidates)


def test_the_region_picks_among_namesakes(resolver) -> None:
    """Mali has three villages called Bamba (and a stream); the Gao region names the one on the river."""
    place = resolver.resolve("Bamba", country="Mali", context="in the Gao region")
    assert (place.lat, place.lon, place.geo_precision) == (17.03358, -1.40381, GeoPrecision.PLACE)
    assert "in the region the text names" in place.reason


def test_suspect_coordinates_are_not_pinned(fresh_gazetteer) -> None:
    """An entry filed under the Gao region (admin1 09) but placed 1,000 km away, in the far south."""
    bad = GazetteerEntry(None, "Tin Adjar", 11.0, -7.5, "ML", admin1="09", origin="geonames-dump")
    fresh_gazetteer.add([(bad, [])])
    place = Resolver(fresh_gazetteer).resolve("Tin Adjar", country="Mali", context="in the Gao region")
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
    from geomap.geocode import ranking

    resolver.gazetteer.harvest(
        [{"location": "Intadeyni", "country_code": "ML", "latitude": 18.2, "longitude": 1.0}]
    )
    without = resolver.resolve("Intadeyni", context="in the Kidal region of Mali")
    assert "outside the region the text names" in without.reason  # no admin1 code to compare
    target = tmp_path / "boundaries.gpkg"
    source = Path(__file__).parent / "data" / "admin1_test_regions.geojson"
    boundaries.import_boundaries(source, name_field="shapeName", country_field="shapeGroup", target=target)
    monkeypatch.setattr(ranking, "region_polygon", partial(boundaries.region_polygon, path=target))
    fresh = Resolver(resolver.gazetteer)
    inside = fresh.resolve("Intadeyni", context="in the Kidal region of Mali")
    assert "in the region the text names" in inside.reason


# --- the Sahel gazetteer: short names, namesakes, fuzzy matches, the researcher's countries ---


def test_a_town_beats_its_stream_hill_and_cercle(resolver) -> None:
    tessalit = resolver.resolve("Tessalit", context="Rockets hit the camp at Tessalit, Mali.")
    assert (tessalit.geo_precision, tessalit.geonameid) == (GeoPrecision.PLACE, 2449893)  # the town
    assert any("WAD" in why or "Tessalit (ML, 20.271" in name for name, why in tessalit.candidates)


def test_the_seat_of_a_cercle_beats_hamlets_of_its_name(resolver) -> None:
    bourem = resolver.resolve("Bourem", context="Des hommes armés ont attaqué Bourem, au Mali.")
    assert (round(bourem.lat, 2), round(bourem.lon, 2)) == (16.95, -0.35)


def test_short_namesakes_the_text_cannot_tell_apart_are_not_guessed(resolver) -> None:
    """Mali has three villages called Dogo, 200–500 km apart, none counted or a seat."""
    dogo = resolver.resolve("Dogo", context="Gunmen killed five people in Dogo, Mali, on Sunday.")
    assert (dogo.geo_precision, dogo.country, dogo.needs_review) == (GeoPrecision.COUNTRY, "ML", True)
    assert sum(name.startswith("Dogo (ML") for name, _ in dogo.candidates) == 3  # kept for review
    in_region = resolver.resolve("Dogo", context="Des villageois ont fui Dogo, dans la région de Sikasso.")
    assert in_region.geo_precision == GeoPrecision.PLACE  # the one Dogo of the Sikasso region
    assert "in the region the text names" in in_region.reason


def test_a_fuzzy_match_alone_is_not_a_pin(resolver) -> None:
    """'Tassalit' is one letter from Tassaliout, a village 230 km south of Tessalit: not a pin on its own."""
    alone = resolver.resolve("Tassalit", context="The base at Tassalit, in Mali, was shelled.")
    assert (alone.geo_precision, alone.needs_review) == (GeoPrecision.COUNTRY, True)
    assert "not corroborated" in alone.reason
    assert alone.candidates[0][0].startswith("Tassaliout (ML")  # kept for review
    variant = resolver.resolve("Tessalitt", context="The base at Tessalitt, in Mali, was shelled.")
    assert variant.geo_precision == GeoPrecision.COUNTRY
    backed = resolver.resolve("Tessalitt", context="The base at Tessalitt, Kidal region, was shelled.")
    assert (backed.geonameid, backed.geo_precision) == (2449893, GeoPrecision.PLACE)
    assert backed.confidence < 1.0
    named = resolver.resolve("Kidall", context="Rockets hit Kidal on Monday; in Kidall, two died (Mali).")
    assert named.geo_precision == GeoPrecision.PLACE  # the text also names Kidal exactly
    elsewhere = resolver.resolve("Tessalitt", context="Rockets hit Tessalitt in the Gao region of Mali.")
    assert (elsewhere.geo_precision, elsewhere.admin1) == (GeoPrecision.ADMIN1, "Gao")


def test_a_text_naming_no_country_stays_in_the_configured_countries(fresh_gazetteer, monkeypatch) -> None:
    anywhere = Resolver(fresh_gazetteer).resolve("Bama", context="The convoy left Bama on Sunday.")
    assert (anywhere.country, anywhere.needs_review) == ("NG", True)  # a guess, for review: no country
    sahel = Resolver(fresh_gazetteer, countries=["BFA", "ML", "ne"])
    bama = sahel.resolve("Bama", context="The convoy left Bama on Sunday.")
    assert (bama.country, bama.geo_precision) == ("BF", GeoPrecision.PLACE)  # Bama, 31,000 people
    assert sahel.resolve("Lagos", context="A march in Lagos.") is None  # never pinned outside them
    monkeypatch.setenv("GEOMAP_COUNTRIES", "ML, BF")
    from geomap.config import load_settings

    assert load_settings().countries == ("ML", "BF")
    monkeypatch.setenv("GEOMAP_COUNTRIES", "Mali1")
    with pytest.raises(ConfigError, match="GEOMAP_COUNTRIES: 'MALI1'"):
        load_settings()
    with pytest.raises(ConfigError, match="'Atlantis'"):
        Resolver(fresh_gazetteer, countries=["Atlantis"])


def test_a_river_is_never_the_country(resolver) -> None:
    river = resolver.resolve("Niger River", context="Boats on the Niger River near Mopti, Mali.")
    assert (river.country, river.geo_precision) == ("ML", GeoPrecision.COUNTRY)
    assert resolver.resolve("le fleuve Niger") is None  # no country, and no place the text establishes
    near = resolver.resolve(
        "Diafarabé", context="Des pêcheurs ont été tués sur le fleuve Niger, près de Diafarabé."
    )
    assert (near.country, near.geo_precision) == ("ML", GeoPrecision.PLACE)


def test_a_three_letter_village_is_not_a_country_code(resolver) -> None:
    ala = resolver.resolve("Ala", context="Les habitants de Ala ont fui, au Burkina Faso.")
    assert ala.country == "BF"  # not Åland (ALA)
    assert resolver.resolve("MLI").geo_precision == GeoPrecision.COUNTRY  # a code in capitals still is


def test_an_import_geocodes_within_the_stores_countries(fresh_gazetteer, tmp_path, monkeypatch) -> None:
    """A store of Malian events: a later row naming no country is not pinned to Nigeria's Bama."""
    from geomap.geocode import resolve
    from geomap.pipeline import _store_resolver, import_files
    from geomap.store import Store

    monkeypatch.delenv("GEOMAP_COUNTRIES", raising=False)
    monkeypatch.setattr(resolve, "default_resolver", lambda: Resolver(fresh_gazetteer))
    monkeypatch.setattr("geomap.pipeline.default_resolver", lambda: Resolver(fresh_gazetteer))
    store = Store(tmp_path / "s.gpkg")
    assert _store_resolver(store).countries == ()  # no store yet: nothing to bound by
    table = tmp_path / "mali.csv"
    table.write_text(
        "event_date,event_type,country,location,latitude,longitude,source\n"
        "2024-02-02,Battles,Mali,Kidal,18.44,1.41,Studio Tamani\n"
        "2024-02-03,Battles,Burkina Faso,Djibo,14.10,-1.63,Studio Tamani\n",
        encoding="utf-8",
    )
    import_files([table], store=store)
    bounded = _store_resolver(store)
    assert set(bounded.countries) == {"ML", "BF"}
    bama = bounded.resolve("Bama", context="The convoy left Bama on Sunday.")
    assert (bama.country, bama.needs_review) == ("BF", False)  # not Nigeria's, and not a guess


BOUREM, HAMLET = (16.95, -0.35), (16.36, -3.34)  # the Gao region's cercle seat; "Bourèm", Tombouctou region


def _at(place) -> tuple[float, float]:
    return (round(place.lat, 2), round(place.lon, 2))


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday, JNIM fighters attacked the army camp in Bourem, killing ten soldiers. A day later, the "
        "same group struck the camp in Léré, in the Timbuktu region, the army said.",
        "Mardi, des combattants du JNIM ont attaqué le camp de Bourem. Le lendemain, le même groupe a frappé "
        "le camp de Léré, dans la région de Tombouctou, selon l'armée.",
        "Des jihadistes ont attaqué Bourem mardi, puis Goundam (région de Tombouctou) mercredi.",
        "JNIM attacked Bourem on Tuesday. A day later, the group struck Goundam, in the Timbuktu region.",
    ],
)
def test_a_region_given_another_place_does_not_move_a_seat_to_a_hamlet(resolver, text) -> None:
    """Issue 14: the Timbuktu region of Léré or Goundam once sent Bourem to "Bourèm", 300 km west."""
    ctx = resolver.context(text)
    bourem = resolver.resolve("Bourem", context=ctx)
    assert (_at(bourem), bourem.geo_precision) == (BOUREM, GeoPrecision.PLACE)
    assert "a seat, named with no region of its own" in bourem.reason
    other, at = ("Léré", (15.72, -4.91)) if "Léré" in text else ("Goundam", (16.41, -3.67))
    tied = resolver.resolve(other, context=ctx)
    assert (_at(tied), tied.geo_precision <= GeoPrecision.NEAR) == (at, True)
    assert "in the region the text names" in tied.reason


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen attacked Bourem, in the Timbuktu region, on Tuesday, residents of Goundam said.",
        "Des hommes armés ont attaqué Bourèm, dans la région de Tombouctou, mardi.",
        "In the Timbuktu region, gunmen attacked Bourem on Tuesday.",  # stands alone: the whole text's
    ],
)
def test_a_region_the_text_gives_the_name_picks_the_hamlet(resolver, text) -> None:
    place = resolver.resolve("Bourem", context=text)
    assert (_at(place), place.geo_precision) == (HAMLET, GeoPrecision.PLACE)
    assert "in the region the text names" in place.reason
    assert any(name.startswith("Bourem (ML, 16.955") for name, _ in place.candidates)  # kept for review


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "In the Gao region, gunmen attacked Bamba on Monday; Léré, in the Timbuktu region, on Tuesday.",
            17.03,
        ),
        (
            "Dans la région de Mopti, des hommes armés ont attaqué Bamba, et Goundam (région de Tombouctou).",
            14.64,
        ),
    ],
)
def test_a_region_standing_alone_still_places_the_other_names(resolver, text, where) -> None:
    bamba = resolver.resolve("Bamba", context=text)
    assert (round(bamba.lat, 2), bamba.geo_precision) == (where, GeoPrecision.PLACE)
    assert "in the region the text names" in bamba.reason


def test_the_callers_country_bounds_every_mention_of_the_text(resolver) -> None:
    # a note coded in Kenya that takes a neighbour as its reference point
    text = "Al-Shabaab militants ambushed a police patrol near the Somalia border on 3 July 2016."
    ctx = resolver.context(text, country="Kenya")
    somalia = resolver.resolve("Somalia", context=ctx)
    assert somalia.country == "KE"
    assert somalia.geo_precision == GeoPrecision.COUNTRY
    # the same text with no country given may well mean Somalia
    assert resolver.resolve("Somalia", context=resolver.context(text)).country == "SO"
    # a town of the caller's country is still pinned
    niamey = resolver.resolve("Niamey", context=resolver.context("Gunmen attacked Niamey.", country="Niger"))
    assert (niamey.country, niamey.geo_precision) == ("NE", GeoPrecision.PLACE)


def test_a_us_county_is_an_area_chosen_by_its_state(resolver) -> None:
    place = resolver.resolve(
        "Henry County", context="Deputies in Henry County, Tennessee, searched the lake."
    )
    assert (place.country, place.geo_precision) == ("US", GeoPrecision.NEAR)  # an area, not a point
    assert place.lat == pytest.approx(36.33, abs=0.05)  # Henry County, Tennessee, of ten
    parish = resolver.resolve("Rapides Parish", context="Flooding in Rapides Parish closed schools.")
    assert parish.lat == pytest.approx(31.2, abs=0.2)


def test_a_major_city_beats_its_small_namesakes(resolver) -> None:
    """Atlanta, Georgia (510,000 people) against four towns under 6,000: the text need not say which."""
    atlanta = resolver.resolve(
        "Atlanta", context="Flights across the United States were delayed; Atlanta was hit worst."
    )
    assert (atlanta.country, atlanta.geo_precision) == ("US", GeoPrecision.PLACE)
    assert atlanta.lat == pytest.approx(33.75, abs=0.05)


def test_a_major_city_outside_the_texts_countries_and_where_the_line_is(fresh_gazetteer) -> None:
    resolver = Resolver(fresh_gazetteer)
    atlanta = resolver.resolve("Atlanta", context="Soldiers back from Iraq flew into Atlanta on Monday.")
    assert (atlanta.country, atlanta.needs_review) == ("US", True)
    assert "outside the text's countries" in atlanta.reason
    # a national capital too: the US government's city in a text naming only Egypt
    text = "Egyptian officials in Cairo said Egypt cooperated closely with Washington."
    washington = resolver.resolve("Washington", context=text)
    assert (washington.country, washington.needs_review) == ("US", True)
    assert distance_km(washington.lat, washington.lon, 38.90, -77.04) < 10
    # a first-level region, the only one of its name: California in a text naming only Iraq
    california = resolver.resolve("California", context="Back from Iraq, he joined the California party.")
    assert (california.country, california.geo_precision, california.needs_review) == ("US", 3, True)
    # a name close to a place of the text's country stays there: "Paris" beside the hamlet Pari, Mali
    assert resolver.resolve("Paris", context="An attack in Mali; talks in Paris.").country == "ML"
    # a name close to a place of the text's country is that place misspelt (Doulé), not Dhule, India
    assert resolver.resolve("Dule", context="Gunmen attacked Dule in Mali on Friday.").country == "ML"
    assert resolver.resolve("Dule", context="Gunmen attacked Dule, Mali, on Friday.").country == "ML"
    # a minor name outside the text's countries still falls back to them
    pewaukee = resolver.resolve("Pewaukee", context="Soldiers back from Iraq paraded in Pewaukee.")
    assert pewaukee.country == "IQ"
    # the researcher's countries stay a bound
    sahel = Resolver(fresh_gazetteer, countries=["ML"])
    assert sahel.resolve("Atlanta", context="Soldiers back from Iraq flew into Atlanta.").country != "US"


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("", ("", GeoPrecision.COUNTRY, True)),  # the area itself, for review
        ("Soldiers were killed in Mali.", ("ML", GeoPrecision.COUNTRY, True)),  # no more than Mali
        ("Gunmen attacked a village in Burkina Faso.", ("BF", GeoPrecision.ADMIN1, False)),  # its region
        ("La France a retiré ses soldats.", ("FR", GeoPrecision.COUNTRY, True)),  # only France's fallback
    ],
)
def test_the_sahel_is_a_wider_area_unless_the_text_is_about_burkina_faso(resolver, context, expected) -> None:
    place = resolver.resolve("the Sahel", context=context)
    assert (place.country, place.geo_precision, place.needs_review) == expected, place.reason
    if not context:
        assert place.name == "Sahel"
        assert 10 < place.lat < 20
        assert "wider area" in place.reason


def test_a_wider_area_is_no_namesake_village(resolver) -> None:
    """With no country around it "Sahara" is the desert, not the Yemeni village that has it as an alias."""
    place = resolver.resolve("Sahara", context="Smugglers crossed the Sahara with fuel.")
    assert (place.name, place.country) == ("Sahara", "")
    assert resolver.resolve("le Sahara", context="au Niger").country == "NE"


def test_a_rows_second_level_area_chooses_between_namesakes_of_its_region(resolver) -> None:
    """Two villages called Débéré lie in the Mopti region, one by Youwarou, one by Douentza: the row's
    admin2 (its cercle, as coded datasets give it) tells them apart; with the region alone it stays there."""
    base = {"event_date": "2023-09-07", "event_type": "Battles", "source": "AFP", "location": "Débéré"}
    raw = pd.DataFrame(
        [
            {**base, "country": "Mali", "admin1": "Mopti", "admin2": "Youwarou"},
            {**base, "country": "Mali", "admin1": "Mopti", "admin2": "Douentza"},
            {**base, "country": "Mali", "admin1": "Mopti"},
            {**base, "country": "Mali", "admin1": "Mopti", "admin2": "Nowhere Cercle"},  # unknown: no help
        ]
    )
    events, problems = validate(raw, file="t.csv")
    assert problems == []
    done, _ = geocode_events(events, resolver=resolver)
    youwarou, douentza, region, unknown = done.to_dict("records")
    assert distance_km(youwarou["latitude"], youwarou["longitude"], 15.381, -4.195) < 5
    assert distance_km(douentza["latitude"], douentza["longitude"], 15.102, -3.010) < 5
    assert (youwarou["geo_precision"], douentza["geo_precision"]) == (1, 1)
    assert (region["geo_precision"], unknown["geo_precision"]) == (3, 3)  # the Mopti region, for review
