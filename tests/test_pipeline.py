"""The import pipeline: files in, geocoded events in the store, errors per file and per row."""

from __future__ import annotations

import textwrap

import pytest

from geomap.pipeline import expand_inputs, import_files
from geomap.store import Store

HEADER = "event_date,event_type,actor1,country,location,latitude,longitude,source,claim_status,quote\n"
ROWS = """\
2023-11-14,Battles,Military Forces of Mali (2021-),Mali,Kidal,18.44345,1.40921,Reuters,reported,Army in Kidal.
2023-10-31,Strategic developments,MINUSMA,Mali,Kidal,18.44345,1.40921,RFI,reported,The UN left its Kidal camp.
2023-09-08,Violence against civilians,JNIM,Mali,Tombouctou,,,AFP,reported,A boat was attacked near Timbuktu.
2024-09-17,Battles,JNIM,Mali,Bamako,,,Le Monde,claimed,JNIM claimed the attack in Bamako.
2024-03-02,Battles,Unidentified Armed Group (Mali),Mali,Tinkarène-Ouest,,,Studio Tamani,alleged,Fighting.
2023-13-01,Battles,JNIM,Mali,Gao,16.27,-0.04,AFP,reported,bad date
"""


@pytest.fixture
def events_csv(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_import_geocodes_stores_and_reports(events_csv, tmp_path) -> None:
    store = Store(tmp_path / "s.gpkg")
    report = import_files([events_csv], store=store)
    assert report.events_read == 5
    assert [str(p) for p in report.problems] == [f"{events_csv}:7: event_date: not a date: '2023-13-01'"]
    events = store.read_events().set_index("location")
    timbuktu = events.loc["Tombouctou"]
    assert timbuktu["latitude"] == pytest.approx(16.77, abs=0.05)  # found by its French name
    assert timbuktu["geo_precision"] == 1
    assert events.loc["Bamako", "longitude"] == pytest.approx(-8.0, abs=0.1)
    unknown = events.loc["Tinkarène-Ouest"]  # not in the gazetteer: falls back to Mali, drawn as the country
    assert unknown["geo_precision"] == 4
    assert unknown["iso3"] == "MLI"
    assert any("Tinkarène-Ouest" in note for note in report.unresolved)


def test_a_bad_file_does_not_stop_the_others(events_csv, tmp_path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\x01\x02\xff\xfe binary")
    store = Store(tmp_path / "s.gpkg")
    report = import_files([broken, events_csv], store=store)
    assert len(report.file_errors) == 1
    assert "broken.csv" in report.file_errors[0]
    assert len(store.read_events()) == 5


def test_articles_are_imported_with_their_evidence_beside_tables(tmp_path, events_csv) -> None:
    article = tmp_path / "kidal.md"
    article.write_text(
        "---\noutlet: Sahel Desk (sample)\npublished: 2023-11-15\n---\n\n"
        "The Malian army entered Kidal on 14 November 2023, residents said.\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    store = Store(tmp_path / "s.gpkg")
    report = import_files([article, empty, events_csv], store=store, merge=False)
    assert len(report.file_errors) == 1
    assert "empty.txt" in report.file_errors[0]
    assert report.formats[str(article)] == "article"
    stored = store.read()
    kidal = stored.events[stored.events["source"] == "Sahel Desk (sample)"]
    assert len(kidal) == 1
    row = kidal.iloc[0]
    assert (row["event_date"], row["location"]) == ("2023-11-14", "Kidal")
    assert row["actor1"] == "Malian Armed Forces"
    assert row["extraction"] == "rules"
    cited = stored.evidence[stored.evidence["event_id"] == row["event_id"]]
    assert cited.iloc[0]["sentence"].startswith("The Malian army entered Kidal")
    assert len(stored.events) == 6  # the table's five rows are still there


def test_folders_expand_to_their_tables_and_articles(tmp_path, events_csv) -> None:
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "notes.txt").write_text("an article", encoding="utf-8")
    (sub / "b.csv").write_text(textwrap.dedent(HEADER), encoding="utf-8")
    (sub / "image.png").write_bytes(b"\x89PNG")
    (sub / ".hidden.md").write_text("editor backup", encoding="utf-8")
    assert expand_inputs([tmp_path]) == [events_csv, sub / "b.csv", sub / "notes.txt"]


def test_progress_is_reported_per_file(events_csv, tmp_path) -> None:
    seen = []
    import_files([events_csv], store=Store(tmp_path / "s.gpkg"), progress=lambda *a: seen.append(a))
    assert seen == [(1, 1, str(events_csv))]
