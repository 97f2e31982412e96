"""Natural Earth countries: names and codes, point in polygon, representative points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geomap.gazetteer.boundaries import country_abbreviated, country_at, country_boundaries, find_country


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


def test_shipped_country_table_is_the_polygons_own(tmp_path) -> None:
    """data/countries.json (names, codes, inside points) is what the installed polygons give, to the bit."""
    from geomap.gazetteer.boundaries import COUNTRIES_FILE, country_table, write_country_table

    assert json.loads(COUNTRIES_FILE.read_text(encoding="utf-8")) == country_table()
    write_country_table(tmp_path / "countries.json")
    assert (tmp_path / "countries.json").read_bytes() == COUNTRIES_FILE.read_bytes()


def test_a_missing_name_is_no_country() -> None:
    assert find_country("nan") is None  # Natural Earth's empty FORMAL_FR is not a name
    assert find_country("NAN") is None


def test_resolving_a_name_reads_no_polygon_and_imports_no_pandas(tmp_path) -> None:
    code = (
        "import sys\n"
        "from geomap.gazetteer import boundaries\n"
        "from geomap.geocode import default_resolver\n"
        "place = default_resolver().resolve('Mopti')\n"
        "assert (place.country, place.geo_precision) == ('ML', 1), place\n"
        "assert boundaries.find_country('Burkina').iso3 == 'BFA'\n"
        "assert boundaries._polygons.cache_info().currsize == 0, 'country polygons were read'\n"
        "heavy = sorted({'pandas', 'geopandas', 'shapely', 'pyogrio'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "GEOMAP_HOME": os.environ.get("GEOMAP_HOME", str(tmp_path))}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


def test_country_at() -> None:
    assert country_at(18.44, 1.41).iso3 == "MLI"
    assert country_at(12.37, -1.53).iso3 == "BFA"
    assert country_at(0.0, -30.0) is None  # the Atlantic


def test_region_boundaries_import_and_lookup(tmp_path) -> None:
    from geomap.gazetteer.boundaries import admin1_boundaries, import_boundaries, region_polygon
    from geomap.schema import point

    source = Path(__file__).parent / "data" / "admin1_test_regions.geojson"
    target = tmp_path / "boundaries.gpkg"
    assert import_boundaries(source, name_field="shapeName", country_field="shapeGroup", target=target) == 3
    regions = admin1_boundaries(target)
    assert sorted(zip(regions["country"], regions["name"], strict=True)) == [
        ("BF", "Sahel"), ("ML", "Gao"), ("ML", "Kidal")
    ]  # fmt: skip
    assert region_polygon("kidal", "ML", path=target).covers(point(18.44, 1.41))
    assert region_polygon("Ménaka", "ML", path=target) is None
    # importing Mali again replaces Mali's regions and keeps Burkina Faso's
    assert import_boundaries(source, name_field="shapeName", country="Mali", target=target) == 3
    assert (admin1_boundaries(target)["country"] == "ML").sum() == 3


def test_bad_boundary_files_are_explained(tmp_path) -> None:
    from geomap.errors import InputError
    from geomap.gazetteer.boundaries import import_boundaries

    source = Path(__file__).parent / "data" / "admin1_test_regions.geojson"
    with pytest.raises(InputError, match="no field 'NAME_1'"):
        import_boundaries(source, name_field="NAME_1", country="ML", target=tmp_path / "b.gpkg")
    with pytest.raises(InputError, match="--country"):
        import_boundaries(source, name_field="shapeName", target=tmp_path / "b.gpkg")
    with pytest.raises(InputError, match="level 2"):
        import_boundaries(source, name_field="shapeName", country="ML", level=2, target=tmp_path / "b.gpkg")


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Democratic Republic of Congo", "COD"),  # ACLED's spellings
        ("Republic of Congo", "COG"),
        ("Ivory Coast", "CIV"),
        ("eSwatini", "SWZ"),
        ("Cabo Verde", "CPV"),
        ("The Gambia", "GMB"),
        ("Czechia", "CZE"),  # GeoNames' name
    ],
)
def test_country_names_as_acled_and_geonames_write_them(name, iso3) -> None:
    assert find_country(name).iso3 == iso3


@pytest.mark.parametrize(
    ("written", "iso2"),
    [("U.S.", "US"), ("U.S.A.", "US"), ("U.K.", "GB"), ("N.Z.", "NZ"), ("U.A.E.", "AE"), ("D.R.C.", "CD")],
)
def test_dotted_initials_of_a_country_name_are_the_country(written: str, iso2: str) -> None:
    assert country_abbreviated(written).iso2 == iso2


@pytest.mark.parametrize("written", ["L.A.", "S.C.", "S.A.", "D.C.", "US", "Calif."])
def test_dotted_letters_that_are_no_country_s_initials_are_no_country(written: str) -> None:
    # "L.A." spells Laos's ISO code but is no initials of "Laos"; "S.A." could be Saudi or South Africa
    assert country_abbreviated(written) is None
