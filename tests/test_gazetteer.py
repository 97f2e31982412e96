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
