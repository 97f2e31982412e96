"""The gazetteer's name index: normalisation, GeoNames alternate names, overrides."""

from __future__ import annotations

import pytest

from geomap.errors import InputError
from geomap.gazetteer.index import Gazetteer, normalize_name, read_overrides


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


def test_it_holds_cities1000(gazetteer) -> None:
    assert len(gazetteer) > 150_000
    (kidal,) = gazetteer.lookup("Kidal")
    assert (kidal.lat, kidal.lon, kidal.country, kidal.geonameid) == (18.44345, 1.40921, "ML", 2455290)


def test_alternate_names_and_spellings_find_the_same_place(gazetteer) -> None:
    timbuktu = {e.geonameid for e in gazetteer.lookup("Tombouctou", country="ML")}
    assert timbuktu == {e.geonameid for e in gazetteer.lookup("Timbuktu", country="ML")}
    assert gazetteer.lookup("menaka", country="ML")[0].name == "Ménaka"


def test_airport_codes_are_not_names(gazetteer) -> None:
    assert all(e.country != "CU" for e in gazetteer.lookup("Gao"))  # GAO is Guantánamo's airport code


def test_country_filter_and_population_order(gazetteer) -> None:
    gao = gazetteer.lookup("Gao")
    assert [e.country for e in gao][:2] == ["ML", "BF"]  # the Malian city is far larger
    assert [e.country for e in gazetteer.lookup("Gao", country="bf")] == ["BF"]


def test_overrides_add_places_and_spellings(gazetteer) -> None:
    (ber,) = gazetteer.lookup("Ber", country="ML")
    assert (ber.origin, ber.geo_precision) == ("override", 2)
    assert gazetteer.lookup("Aguelhoc", country="ML")[0].name == "Aguelhok"
    assert gazetteer.lookup("Ouaga")[0].name == "Ouagadougou"


def test_a_bad_override_names_its_row(tmp_path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text("name,lat,lon,country\nKidal,18.4,1.4,ML\nGao,north,0,ML\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"overrides\.csv:3"):
        read_overrides(path)
