"""The gazetteer index: normalisation, GeoNames alternate names, regions, overrides, harvests, rebuilds."""

from __future__ import annotations

import sqlite3
import time

import pytest

from geomap.errors import InputError, StoreError
from geomap.gazetteer.index import DEFAULT_OVERRIDES, Gazetteer, default_path, normalize_name, read_overrides


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.embedded()


@pytest.mark.parametrize(
    ("raw", "key"),
    [("Ménaka", "menaka"), ("TOMBOUCTOU", "tombouctou"), ("Aguel'hoc", "aguel hoc"),
     ("Tin-Zaouatene", "tin zaouatene"), ("  Gao  ", "gao"), ("Ségou", "segou"),
     ("N’Débougou", "n debougou")],
)  # fmt: skip
def test_normalize_name(raw: str, key: str) -> None:
    assert normalize_name(raw) == key


def _places(entries):
    return [e for e in entries if not e.is_region]


def test_it_holds_cities1000_and_lives_in_geomap_home(gazetteer, geomap_home) -> None:
    assert len(gazetteer) > 150_000
    assert gazetteer.path == default_path() == geomap_home / "gazetteer.sqlite"
    kidal, *others = _places(gazetteer.lookup("Kidal"))
    assert (kidal.lat, kidal.lon, kidal.country, kidal.geonameid) == (18.44345, 1.40921, "ML", 2455290)
    assert kidal.feature_code == "PPLA"  # the Sahel dumps' code; cities1000's position
    assert {(e.feature, e.feature_code) for e in others} == {("H", "WAD"), ("A", "ADM2")}  # wadi, cercle


def test_opening_again_is_fast(gazetteer) -> None:
    start = time.perf_counter()
    again = Gazetteer._open(gazetteer.path, DEFAULT_OVERRIDES)  # what a second process does
    assert (
        time.perf_counter() - start < 2.0
    )  # the index is read, not rebuilt (benchmarks hold the real figure)
    assert len(again) >= len(gazetteer) - 10


def test_alternate_names_and_spellings_find_the_same_place(gazetteer) -> None:
    def towns(name):
        return {e.geonameid for e in gazetteer.lookup(name, country="ML") if e.feature == "P"}

    assert towns("Tombouctou") == towns("Timbuktu") == {2449067}
    assert _places(gazetteer.lookup("menaka", country="ML"))[0].name == "Ménaka"


def test_airport_codes_are_not_names(gazetteer) -> None:
    assert all(e.country != "CU" for e in gazetteer.lookup("Gao"))  # GAO is Guantánamo's airport code


def test_regions_carry_geonames_codes(gazetteer) -> None:
    regions = {r.name: r for r in gazetteer.regions("ML")}
    assert {"Kidal", "Gao", "Tombouctou", "Ménaka", "Taoudénit"} <= set(regions)
    assert regions["Gao"].admin1 == _places(gazetteer.lookup("Gao", country="ML"))[0].admin1
    assert regions["Kidal"].geo_precision == 3
    assert len(gazetteer.regions("BF")) == 13
    assert len(gazetteer.regions("NE")) == 8


def test_overrides_add_places_and_spellings(gazetteer) -> None:
    (ber,) = _places(gazetteer.lookup("Ber", country="ML"))
    assert (ber.origin, ber.geo_precision) == ("override", 2)
    assert gazetteer.lookup("Aguelhoc", country="ML")[0].name == "Aguelhok"
    assert gazetteer.lookup("Ouaga")[0].name == "Ouagadougou"


def test_harvest_learns_new_places_and_confirms_known_ones(fresh_gazetteer) -> None:
    rows = [
        {"location": "Intahaka", "country_code": "ML", "admin1": "Gao", "latitude": 16.6, "longitude": -1.2},
        {
            "location": "Intahaka",
            "country_code": "ML",
            "admin1": "Gao",
            "latitude": 16.61,
            "longitude": -1.21,
        },
        {"location": "Kidal", "country_code": "ML", "latitude": 18.44, "longitude": 1.41},
        {
            "location": "Somewhere",
            "country_code": "ML",
            "latitude": 16.0,
            "longitude": 0.0,
            "geo_precision": 3,
        },
    ]
    before = fresh_gazetteer.counts().get("harvest", 0)
    assert fresh_gazetteer.harvest(rows) == (1, 2)
    (learnt,) = fresh_gazetteer.lookup("Intahaka", country="ML")
    assert (learnt.origin, learnt.lat, learnt.admin1) == ("harvest", 16.6, "09")
    assert fresh_gazetteer.lookup("Somewhere", country="ML") == []  # region-level rows teach nothing
    assert fresh_gazetteer.counts()["harvest"] == before + 1


def test_a_changed_overrides_file_rebuilds_and_keeps_imports(fresh_gazetteer, tmp_path) -> None:
    fresh_gazetteer.harvest(
        [{"location": "Intahaka", "country_code": "ML", "latitude": 16.6, "longitude": -1.2}]
    )
    overrides = tmp_path / "mine.csv"
    overrides.write_text("name,lat,lon,country,note\nKidal Est,18.45,1.45,ML,ours\n", encoding="utf-8")
    rebuilt = Gazetteer._open(fresh_gazetteer.path, overrides)
    assert rebuilt.lookup("Kidal Est")[0].origin == "override"
    assert rebuilt.lookup("Intahaka")[0].origin == "harvest"  # what the user taught it is kept
    assert (
        rebuilt.lookup("Ber", country="ML") == []
        or rebuilt.lookup("Ber", country="ML")[0].origin != "override"
    )


def test_a_bad_override_names_its_row(tmp_path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text("name,lat,lon,country\nKidal,18.4,1.4,ML\nGao,north,0,ML\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"overrides\.csv:3"):
        read_overrides(path)


def test_a_foreign_file_is_not_a_gazetteer(tmp_path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a geomap gazetteer"):
        Gazetteer._open(path, None)
    assert isinstance(StoreError("x"), OSError)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("select 1 from sqlite_master").fetchall()


def test_the_sahel_dumps_are_embedded_with_every_feature_class(gazetteer) -> None:
    (village,) = gazetteer.lookup("Ouatagouna")  # a village cities1000 lacks
    assert (village.country, village.feature, village.feature_code) == ("ML", "P", "PPL")
    sahel = gazetteer._db.execute(
        "SELECT feature, count(*) FROM places WHERE country IN ('ML', 'BF', 'NE') GROUP BY feature"
    ).fetchall()
    counts = dict(sahel)
    assert counts["P"] > 36_000
    assert counts["H"] > 11_000  # wells, wadis, streams
    assert counts["T"] > 5_000  # hills, dunes
    assert len(gazetteer.regions("BF")) == 13  # regions once, from data/admin1.csv, not twice


def test_a_harvested_point_outside_its_country_is_flagged_not_learnt(fresh_gazetteer) -> None:
    """An ACLED-like row for Ménaka with latitude and longitude swapped: a point in the Gulf of Guinea."""
    before = len(fresh_gazetteer)
    flagged: list[str] = []
    rows = [
        {"event_id": event_id, "location": name, "country_code": "ML", "latitude": lat, "longitude": lon}
        for event_id, name, lat, lon in [
            ("MLI1", "Ménaka", 2.27, 15.92),
            ("MLI2", "Kidal", 1.41, 18.44),
            ("MLI3", "Ménaka", 15.92, 2.40),
        ]
    ]
    assert fresh_gazetteer.harvest(rows, flagged=flagged) == (0, 1)  # the right row confirms Ménaka
    assert len(fresh_gazetteer) == before
    assert flagged[0].startswith("MLI1: Ménaka (ML) at 2.27, 15.92 is in Cameroon, not in its country")
    assert flagged[1].startswith("MLI2: Kidal (ML) at 1.41, 18.44 is in Democratic Republic of the Congo")
    assert all(f.endswith("not learnt") for f in flagged)
    from geomap.geocode import Resolver

    place = Resolver(fresh_gazetteer).resolve("Kidal", context="au Mali")
    assert (round(place.lat), round(place.lon)) == (18, 1)  # nothing learnt moved Kidal


def test_a_harvested_point_far_from_the_known_place_is_flagged(fresh_gazetteer) -> None:
    flagged: list[str] = []
    far = {"location": "Tessalit", "country_code": "ML", "latitude": 17.0, "longitude": -4.0}  # in Mali
    near = {"location": "Tessalit", "country_code": "ML", "latitude": 20.45, "longitude": 1.0}  # 28 km
    unknown = {"location": "Tin Akof Est", "country_code": "ML", "latitude": 15.9, "longitude": 0.9}
    assert fresh_gazetteer.harvest([far, near, unknown], flagged=flagged) == (2, 0)
    (why,) = flagged
    assert "km from every known place of that name in ML" in why
    learnt = [e for e in fresh_gazetteer.lookup("Tessalit") if e.origin == "harvest"]
    assert [(e.lat, e.lon) for e in learnt] == [(20.45, 1.0)]
    border = {"location": "Labbezanga", "country_code": "NE", "latitude": 14.95, "longitude": 0.70}
    assert fresh_gazetteer.harvest([border], flagged=flagged) == (1, 0)  # 2 km into Mali: on the border
    assert len(flagged) == 1


def test_an_import_reports_the_rows_it_did_not_learn(fresh_gazetteer, tmp_path) -> None:
    from geomap.geocode import Resolver
    from geomap.pipeline import import_files
    from geomap.store import Store

    table = tmp_path / "swapped.csv"
    table.write_text(
        "event_date,event_type,country,admin1,location,latitude,longitude,source\n"
        "2024-02-02,Battles,Mali,Ménaka,Ménaka,3.87,11.52,Studio Tamani\n"
        "2024-02-03,Battles,Mali,Gao,Tinkarène-Est,16.51,0.98,Studio Tamani\n",
        encoding="utf-8",
    )
    report = import_files([table], store=Store(tmp_path / "s.gpkg"), resolver=Resolver(fresh_gazetteer))
    assert report.problems == ()  # not swapped (the readers refuse those): only in the wrong country
    assert report.harvested == (1, 0)  # Tinkarène-Est learnt; Ménaka neither learnt nor confirmed
    (note,) = [n for n in report.unresolved if "not learnt" in n]
    assert "Ménaka (ML) at 3.87, 11.52 is in Cameroon" in note
    assert all(e.origin != "harvest" for e in fresh_gazetteer.lookup("Ménaka"))


def test_harvest_rows_are_compact_and_teach_what_every_row_taught(fresh_gazetteer) -> None:
    """Only exact, named, located rows in a known country travel; the harvest learns the same from them."""
    import pandas as pd

    from geomap.gazetteer.learning import FIELDS, as_mappings, harvest_rows

    rows = pd.DataFrame(
        {
            "event_id": ["b:2", "a:1", "c:3", "d:4", "e:5"],
            "location": ["Tinkarène-Ouest", "Tinkarène-Ouest", "Tinkarène-Ouest", None, "Ber-Sud"],
            "country": ["Mali", "Mali", "Mali", "Mali", "Atlantis"],
            "iso3": ["MLI", "MLI", "MLI", "MLI", ""],
            "admin1": ["Tombouctou"] * 5,
            "latitude": [17.3512, 17.3513, 14.2, 16.0, 16.9],
            "longitude": [-1.8923, -1.8922, -4.1, -1.0, -2.0],
            "geo_precision": [1, 1, 2, 1, 1],
        }
    )
    found = harvest_rows(rows)
    # the precision-2 row, the unnamed row and the unknown country stay behind; in event_id order
    assert [r[0] for r in found] == ["a:1", "b:2"]
    assert all(isinstance(r, tuple) and len(r) == len(FIELDS) for r in found)
    assert found[0][FIELDS.index("country_code")] == "ML"
    assert found[0][FIELDS.index("location")] is found[1][FIELDS.index("location")]  # interned
    flagged: list[str] = []
    learnt = fresh_gazetteer.harvest(as_mappings(found), flagged=flagged)
    assert learnt == (1, 1)
    assert not flagged
    fresh_gazetteer.remove_origin("harvest")
    named = rows[rows["location"].notna() & (rows["iso3"] != "")].sort_values("event_id")
    every = [{**r, "country_code": "ML"} for r in named.to_dict("records")]
    flagged_every: list[str] = []
    assert fresh_gazetteer.harvest(every, flagged=flagged_every) == learnt  # the far precision-2 row: skipped
    assert flagged_every == flagged
