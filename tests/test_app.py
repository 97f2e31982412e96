"""The Streamlit app, driven by AppTest: filters change what is shown; a missing store is explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _run(monkeypatch, store_path) -> AppTest:
    monkeypatch.setenv("GEOMAP_STORE", str(store_path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_the_app_shows_every_event_then_filters(monkeypatch, sample_store) -> None:
    app = _run(monkeypatch, sample_store.path)
    total = len(sample_store.read_events())
    assert app.caption[0].value == f"{total} of {total} events"
    assert len(app.dataframe[0].value) == total
    types = next(w for w in app.multiselect if w.label == "Event types")
    types.select("Battles").run()
    battles = int((sample_store.read_events()["event_type"] == "Battles").sum())
    assert app.caption[0].value == f"{battles} of {total} events"
    assert len(app.dataframe[0].value) == battles
    assert set(app.dataframe[0].value["event_type"]) == {"Battles"}


def test_claim_status_and_text_filters(monkeypatch, sample_store) -> None:
    app = _run(monkeypatch, sample_store.path)
    next(w for w in app.multiselect if w.label == "Claim status").select("alleged").run()
    assert set(app.dataframe[0].value["claim_status"]) == {"alleged"}
    app.text_input[0].input("intelligence").run()
    assert len(app.dataframe[0].value) == 1


def test_downloads_are_offered(monkeypatch, sample_store) -> None:
    app = _run(monkeypatch, sample_store.path)
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["HTML map (offline)", "CSV (ACLED columns)", "GeoJSON"]


@pytest.mark.parametrize("exists", [False, True])
def test_a_missing_or_empty_store_is_explained(monkeypatch, tmp_path, exists) -> None:
    path = tmp_path / "none.gpkg"
    if exists:
        from geomap.schema import empty_events
        from geomap.store import Store

        Store(path).write(empty_events())
    app = _run(monkeypatch, path)
    assert "geomap import" in app.info[0].value
    assert not app.dataframe


def test_sourcing_filters_in_the_sidebar(monkeypatch, sample_store) -> None:
    app = _run(monkeypatch, sample_store.path)
    events = sample_store.read_events()
    app.number_input[0].set_value(2).run()
    assert len(app.dataframe[0].value) == int((events["n_sources"] >= 2).sum())
    app.select_slider[0].set_value("A").run()
    both = events[(events["n_sources"] >= 2) & (events["reliability"] == "A")]
    assert len(app.dataframe[0].value) == len(both)
    assert set(app.dataframe[0].value["reliability"]) == {"A"}
