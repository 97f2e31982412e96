"""Table import: native CSV/GeoJSON/GPKG, ACLED (website and HDX) and UCDP GED, with per-row problems."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geomap.errors import InputError, UnknownFormatError
from geomap.ingest.tables import detect_format, iso3_for_country, read_table
from geomap.schema import point
from tests.conftest import HOSTILE, SAMPLE_EVENTS

TABLES = Path(__file__).parent / "data" / "tables"


def _by_origin(table) -> pd.DataFrame:
    return table.events.set_index("origin_id")


def test_formats_are_detected_from_the_header() -> None:
    assert detect_format(TABLES / "acled_export.csv") == "acled"
    assert detect_format(TABLES / "acled_hdx.csv") == "acled"  # the HXL row is found while reading
    assert detect_format(TABLES / "ucdp_ged.csv") == "ucdp-ged"
    assert detect_format(SAMPLE_EVENTS) == "native-csv"
    assert detect_format("x.geojson") == "native-geojson"
    with pytest.raises(UnknownFormatError, match=r"events\.xlsx"):
        detect_format("events.xlsx")


def test_acled_export_maps_codes_and_keeps_ids() -> None:
    table = read_table(TABLES / "acled_export.csv")
    assert table.format == "acled"
    assert table.problems == []
    rows = _by_origin(table)
    kidal = rows.loc["MLI90001"]
    assert (kidal["inter1"], kidal["inter2"]) == (1, 2)  # "State forces", "Rebel group"
    assert kidal["iso3"] == "MLI"
    assert kidal["actor2"].startswith("CSP-PSD")
    assert rows.loc["MLI90002", "event_date"] == "2024-09-17"  # "17 September 2024"
    assert rows.loc["MLI90003", "inter2"] == 8  # numeric codes pass through
    assert rows.loc["MLI90003", "time_precision"] == 2
    assert rows.loc["MLI90005", "geo_precision"] == 2
    assert rows.loc["BFA90008", "iso3"] == "BFA"
    assert set(table.events["claim_status"]) == {"reported"}
    assert kidal["source"] == "Reuters; Studio Tamani"


def test_acled_hdx_skips_the_hxl_row_and_counts_file_rows() -> None:
    table = read_table(TABLES / "acled_hdx.csv")
    assert table.format == "acled-hdx"
    assert len(table.events) == 4
    assert not table.events["event_date"].str.startswith("#").any()
    assert [str(p) for p in table.problems] == [
        f"{TABLES / 'acled_hdx.csv'}:5: event_date: not a date: 'not a date'"
    ]  # header row 1, HXL row 2, data rows from 3
    assert _by_origin(table).loc["MLI91001", "fatalities"] == 49


def test_ucdp_ged_maps_precision_sides_and_fatalities() -> None:
    table = read_table(TABLES / "ucdp_ged.csv")
    assert table.format == "ucdp-ged"
    rows = _by_origin(table)
    kidal = rows.loc["ucdp:900001"]
    assert (kidal["actor1"], kidal["actor2"], kidal["inter1"]) == ("Government of Mali", "CSP", 1)
    assert (kidal["fatalities"], kidal["fatalities_low"], kidal["fatalities_high"]) == (1, 1, 10)
    assert "UCDP best estimate: 2" in kidal["notes"]
    assert kidal["source"] == "Reuters; AFP"
    assert kidal["location"] == "Kidal"
    assert kidal["admin1"] == "Kidal"
    tin = rows.loc["ucdp:900002"]
    assert (tin["event_date"], tin["event_date_end"], tin["time_precision"]) == (
        "2024-07-25",
        "2024-07-27",
        2,
    )
    assert tin["source_url"].startswith("https://www.reuters.com/")
    assert tin["geo_precision"] == 2
    boat = rows.loc["ucdp:900003"]
    assert (boat["event_type"], boat["geo_precision"], boat["time_precision"]) == (
        "Violence against civilians",
        3,
        3,
    )
    assert rows.loc["ucdp:900004", "time_precision"] == 4  # date_prec 5: the year
    assert rows.loc["ucdp:900005", "geo_precision"] == 4  # where_prec 6: the country
    assert [p.field for p in table.problems] == ["event_type"]  # type_of_violence 9 does not exist
    assert table.problems[0].row == 7


def test_twenty_rows_with_three_bad_keep_seventeen(tmp_path) -> None:
    rows = pd.read_csv(SAMPLE_EVENTS, dtype=str, keep_default_na=False).head(20)
    rows.loc[2, "event_date"] = "2023-02-30"
    rows.loc[9, "latitude"] = "123"
    rows.loc[14, "event_type"] = "Ambush"
    path = tmp_path / "twenty.csv"
    rows.to_csv(path, index=False)
    table = read_table(path)
    assert len(table.events) == 17
    assert [(p.row, p.field) for p in table.problems] == [
        (4, "event_date"),
        (11, "latitude"),
        (16, "event_type"),
    ]
    assert all(p.file == str(path) for p in table.problems)


def test_multiline_quotes_keep_row_numbers(tmp_path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        "event_date,event_type,location,latitude,longitude,quote\n"
        '2023-11-14,Battles,Kidal,18.44,1.41,"first line\nsecond line"\n'
        "2023-11-15,Battles,Kidal,18.44,999,bad\n",
        encoding="utf-8",
    )
    table = read_table(path)
    assert table.events["quote"].iloc[0] == "first line\nsecond line"
    assert [(p.row, p.field) for p in table.problems] == [(4, "longitude")]


def test_native_geojson_and_geopackage(tmp_path) -> None:
    frame = pd.read_csv(SAMPLE_EVENTS).head(5)
    geo = gpd.GeoDataFrame(
        frame.drop(columns=["latitude", "longitude"]),
        geometry=[point(lat, lon) for lat, lon in zip(frame["latitude"], frame["longitude"], strict=True)],
        crs="EPSG:4326",
    )
    for name, driver in (("events.geojson", "GeoJSON"), ("events.gpkg", "GPKG")):
        geo.to_file(tmp_path / name, driver=driver)
        table = read_table(tmp_path / name)
        assert len(table.events) == 5, name
        assert table.events["latitude"].round(4).tolist() == frame["latitude"].round(4).tolist()


def test_sources_and_evidence_are_built_with_stable_ids() -> None:
    first, again = read_table(TABLES / "acled_export.csv"), read_table(TABLES / "acled_export.csv")
    assert first.events["event_id"].tolist() == again.events["event_id"].tolist()
    assert first.sources["source_id"].tolist() == again.sources["source_id"].tolist()
    kidal_id = _by_origin(first).loc["MLI90001", "event_id"]
    evidence = first.evidence[first.evidence["event_id"] == kidal_id]
    outlets = first.sources.set_index("source_id").loc[evidence["source_id"], "outlet"].tolist()
    assert outlets == ["Reuters", "Studio Tamani"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
        (b"a;b;c\n1;2;3\n", "no recognisable columns"),
    ],
)
def test_whole_file_problems_name_the_file(tmp_path, content: bytes, words: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=words) as caught:
        read_table(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")


def test_hostile_text_arrives_unchanged(hostile_csv) -> None:
    table = read_table(hostile_csv)
    assert table.problems == []
    assert all(h in table.events["quote"].iloc[0] for h in HOSTILE)  # escaping is the map's job


def test_country_codes() -> None:
    assert iso3_for_country("Mali") == "MLI"
    assert iso3_for_country("burkina faso") == "BFA"
    assert iso3_for_country("NE") == "NER"
    assert iso3_for_country("Azawad") is None
