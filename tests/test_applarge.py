"""The app's large map (geomap.mapping.applarge) and the app's page on the large path (AppTest)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geomap.app.largemap import clicked_index, wanted
from geomap.corrections import correct
from geomap.ingest.tables import read_table
from geomap.mapping.applarge import (
    PACKED_PAGE,
    PAGE,
    POSITIONS,
    RECORD,
    build_app_map,
    current_map,
    main,
    maps_folder,
)
from geomap.overview import weekly_overview
from geomap.store import Store
from tests.conftest import HOSTILE, SAMPLE_EVENTS

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def parquet_sample(tmp_path, hostile_csv) -> Store:
    store = Store(tmp_path / "sample.parquet")
    for path in (SAMPLE_EVENTS, hostile_csv):
        table = read_table(path)
        store.write(table.events, sources=table.sources, evidence=table.evidence)
    return store


def test_the_map_is_made_once_per_store_version(parquet_sample) -> None:
    assert current_map(parquet_sample.path) is None
    folder = build_app_map(parquet_sample.path)
    found = current_map(parquet_sample.path)
    assert found is not None
    assert found[0] == folder
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    events = parquet_sample.read().events
    assert record["drawn"] == record["shown"] == len(events)
    positions = pd.read_parquet(folder / POSITIONS)
    assert positions["pos"].tolist() == list(range(len(events)))
    assert set(positions["event_id"]) == set(events["event_id"])
    dates = events.set_index("event_id").loc[positions["event_id"], "event_date"].tolist()
    assert dates == sorted(dates)  # the large map holds its events in date order
    first = next(e for e in events["event_id"] if e.startswith("ev-"))
    correct(parquet_sample, first, "not_an_event", True, who="test")  # a write: a new version
    assert current_map(parquet_sample.path) is None
    again = build_app_map(parquet_sample.path)
    assert again != folder
    assert not folder.exists()
    assert json.loads((again / RECORD).read_text(encoding="utf-8"))["drawn"] == len(events) - 1
    assert [p.name for p in maps_folder(parquet_sample.path).iterdir()] == [again.name]


def test_the_page_is_offline_and_keeps_hostile_text_escaped(parquet_sample) -> None:
    folder = build_app_map(parquet_sample.path)
    assert "page.html.gz" in (folder / PAGE).read_text(encoding="utf-8")
    html = gzip.decompress((folder / PACKED_PAGE).read_bytes()).decode("utf-8")
    assert "geomapAppBridge" in html
    assert "streamlit:componentReady" in html
    assert '<script src="http' not in html
    assert '<link href="http' not in html
    for hostile in HOSTILE[:2]:
        assert hostile not in html  # only escaped (and packed) copies travel


def test_main_names_a_store_it_cannot_read(tmp_path, caplog) -> None:
    bad = tmp_path / "not.parquet"
    bad.mkdir()
    (bad / "something").write_text("x", encoding="utf-8")
    assert main([str(bad)]) == 1
    assert str(bad) in caplog.text
    assert main([]) == 2


def test_the_large_path_is_chosen_by_size_or_setting(monkeypatch, tmp_path, sample_store) -> None:
    folder = tmp_path / "big.parquet"
    folder.mkdir()
    monkeypatch.delenv("GEOMAP_APP_LARGE", raising=False)
    assert wanted(folder, 60_000, threshold=50_000)
    assert not wanted(folder, 10, threshold=50_000)
    assert not wanted(sample_store.path, 60_000, threshold=50_000)  # a GeoPackage keeps the small path
    monkeypatch.setenv("GEOMAP_APP_LARGE", "1")
    assert wanted(folder, 10, threshold=50_000)
    assert not wanted(folder, 0, threshold=50_000)  # no events: the page that says how to import some
    monkeypatch.setenv("GEOMAP_APP_LARGE", "0")
    assert not wanted(folder, 60_000, threshold=50_000)


def test_a_click_is_checked_before_it_is_used() -> None:
    assert clicked_index({"index": 3, "lat": 1, "lng": 2}, 10) == 3
    for bad in [None, {}, {"index": 10}, {"index": -1}, {"index": "3"}, {"index": 2.5}, {"index": True}]:
        assert clicked_index(bad, 10) is None


def test_the_app_on_the_large_path_filters_in_duckdb(monkeypatch, parquet_sample) -> None:
    monkeypatch.setenv("GEOMAP_STORE", str(parquet_sample.path))
    monkeypatch.setenv("GEOMAP_APP_LARGE", "1")
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    events = parquet_sample.read().events
    total = len(events)
    assert app.caption[0].value == f"{total} of {total} events"
    assert len(app.dataframe[0].value) == total  # one page: fewer than a page's rows
    _, overview = weekly_overview(events)
    assert list(app.dataframe[1].value["admin1"]) == list(overview["admin1"])  # the weekly overview
    next(w for w in app.multiselect if w.label == "Event types").select("Battles").run()
    battles = int((events["event_type"] == "Battles").sum())
    assert app.caption[0].value == f"{battles} of {total} events"
    assert set(app.dataframe[0].value["event_type"]) == {"Battles"}
    _, overview = weekly_overview(events[events["event_type"] == "Battles"])
    assert app.dataframe[1].value["events"].tolist() == overview["events"].tolist()  # it filters too
    assert not app.exception, app.exception
