"""The Streamlit app, driven by AppTest: filters change what is shown; a missing store is explained."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geomap.filters import TEXT_COLUMNS

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


def test_the_text_search_reads_the_quotes_not_only_the_notes(monkeypatch, tmp_path) -> None:
    from geomap.pipeline import import_files
    from geomap.store import Store

    store = Store(tmp_path / "s.gpkg")  # JNIM's claim and the army's denial: one event, two quotes
    import_files([ARTICLES / "lere_claim.md", ARTICLES / "lere_denial.md"], store=store, harvest=False)
    stored = store.read()
    notes = " ".join(" ".join(stored.events[c].fillna("").astype(str)) for c in TEXT_COLUMNS).casefold()
    # a word of some evidence sentence (not an event's first quote) that none of the searched columns hold
    word, event_id = next(
        (w, e)
        for e, sentence in zip(stored.evidence["event_id"], stored.evidence["sentence"], strict=True)
        if isinstance(sentence, str)
        for w in sorted(sentence.split(), key=len, reverse=True)
        if w.isalpha() and len(w) > 6 and w.casefold() not in notes
    )
    app = _run(monkeypatch, store.path)
    next(w for w in app.text_input if w.label == "Search notes and quotes").input(word).run()
    assert not app.exception, app.exception
    assert event_id in set(app.dataframe[0].value["event_id"])


def test_downloads_are_offered(monkeypatch, sample_store) -> None:
    app = _run(monkeypatch, sample_store.path)
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["HTML map (offline)", "CSV (ACLED columns)", "GeoJSON", "GeoPackage"]


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


# --- selection, upload, corrections ------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles" / "sourcing"


def _load_app_module():
    """app.py's helpers, imported without running the page."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("geomap_app", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pick(app: AppTest, event_id: str) -> AppTest:
    app.selectbox(key="pick").set_value(event_id).run()
    assert not app.exception, app.exception
    return app


def _html(app: AppTest) -> str:
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", h.proto.body)) for h in app.get("html"))


def test_choosing_an_event_shows_its_sources_and_place(monkeypatch, sample_store) -> None:
    events = sample_store.read_events()
    alleged = events[events["claim_status"] == "alleged"].iloc[0]
    app = _pick(_run(monkeypatch, sample_store.path), alleged["event_id"])
    shown = _html(app)
    assert "ALLEGED" in shown
    assert alleged["quote"][:60] in shown
    place = " ".join(t.value for t in app.text)
    assert str(alleged["location"]) in place
    assert "location:" in place


def test_an_upload_lands_in_the_store_and_a_bad_file_is_named(monkeypatch, tmp_path) -> None:
    store = tmp_path / "new.gpkg"  # no store yet: the first upload makes it
    app = _run(monkeypatch, store)
    files = [(p.name, p.read_bytes(), "text/markdown") for p in sorted(ARTICLES.glob("bourem_*.md"))]
    files.append(("broken.csv", b"event_date,latitude\nnot a date,95\n", "text/csv"))
    files.append(("empty.txt", b"", "text/plain"))
    app.file_uploader(key="uploads").set_value(files).run()
    app.button(key="import").click().run()
    assert not app.exception, app.exception
    from geomap.store import Store

    events = Store(store).read().events
    assert list(events["location"]) == ["Bourem"]
    assert events.iloc[0]["n_sources"] == 2
    errors = " ".join(t.value for t in app.text)
    assert "empty.txt" in errors  # named by the name it was uploaded under
    assert str(tmp_path) not in errors
    assert app.caption[0].value.startswith("1 of 1 events")
    kept = sorted(p.name for p in (tmp_path / "new-uploads").iterdir())
    assert len(kept) == 5  # the documents are kept beside the store


def test_a_hostile_upload_name_cannot_leave_the_upload_folder() -> None:
    app = _load_app_module()
    name = app.safe_name("../../etc/<script>alert(1)</script>.md", b"x")
    assert "/" not in name
    assert "<" not in name
    assert name.endswith(".md")


def test_a_correction_made_in_the_app_persists_across_a_restart(monkeypatch, tmp_path) -> None:
    from geomap.pipeline import import_files
    from geomap.store import Store

    store = Store(tmp_path / "s.gpkg")
    import_files([ARTICLES / "lere_claim.md", ARTICLES / "lere_denial.md"], store=store, harvest=False)
    event = store.read().events.iloc[0]
    app = _pick(_run(monkeypatch, store.path), event["event_id"])
    form = {w.label: w for w in app.text_input}
    form["Your name (kept with the correction)"].input("anna")
    next(w for w in app.selectbox if w.label == "Claim status").set_value("claimed")
    next(w for w in app.selectbox if w.label == "Credibility").set_value(5)
    form["Why (optional)"].input("the denial is the army's own word")
    app.button(key="FormSubmitter:review-form-Save corrections").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Saved corrections")
    saved = store.corrections()
    assert sorted(saved["field"]) == ["claim_status", "credibility"]
    assert set(saved["who"]) == {"anna"}
    restarted = _run(monkeypatch, store.path)  # a new session reading the same store
    table = restarted.dataframe[0].value
    assert list(table["claim_status"]) == ["claimed"]
    assert list(table["credibility"]) == [5]
    assert "Corrected: claim_status by anna" in _html(_pick(restarted, event["event_id"]))


def test_not_an_event_hides_it_from_the_table_and_the_count(monkeypatch, sample_store) -> None:
    events = sample_store.read_events()
    target = events.iloc[0]["event_id"]
    app = _pick(_run(monkeypatch, sample_store.path), target)
    next(w for w in app.text_input if w.label.startswith("Your name")).input("ben")
    next(w for w in app.checkbox if w.label.startswith("Not an event")).check()
    app.button(key="FormSubmitter:review-form-Save corrections").click().run()
    assert not app.exception, app.exception
    assert target not in set(app.dataframe[0].value["event_id"])
    assert app.caption[0].value == f"{len(events) - 1} of {len(events) - 1} events"


def test_a_correction_without_a_name_is_refused(monkeypatch, sample_store) -> None:
    target = sample_store.read_events().iloc[0]["event_id"]
    app = _pick(_run(monkeypatch, sample_store.path), target)
    next(w for w in app.selectbox if w.label == "Claim status").set_value("disputed")
    app.button(key="FormSubmitter:review-form-Save corrections").click().run()
    assert "who" in " ".join(t.value for t in app.text)
    assert sample_store.corrections().empty


def test_the_timeline_counts_weeks_and_a_brush_selects_a_period(sample_store) -> None:
    import datetime as dt

    from geomap.app import timeline as app  # the timeline's module (app.py shows it)

    events = sample_store.read_events()
    counts = app.weekly_counts(events)
    assert counts["events"].sum() == events["event_date"].notna().sum()
    assert set(pd.to_datetime(counts["week"]).dt.day_of_week) == {0}  # weeks start on Monday

    state = SimpleNamespace(selection={"period": {"week": [1698796800000, 1700006400000]}})  # Nov 1–15, 2023
    period = app.brushed_period(state)
    assert period == (dt.date(2023, 11, 1), dt.date(2023, 11, 15))
    inside = app.in_period(events, period)
    assert len(inside) > 0
    assert (inside["event_date"] <= "2023-11-15").all()
    assert (inside["event_date_end"].fillna(inside["event_date"]) >= "2023-11-01").all()
    assert app.brushed_period(SimpleNamespace(selection={"period": {}})) is None


def test_a_marker_click_selects_the_events_at_its_point(sample_store) -> None:
    app = _load_app_module()
    events = sample_store.read_events()
    first = events.iloc[0]
    here = app.events_at(events, {"lat": first["latitude"], "lng": first["longitude"]})
    assert first["event_id"] in here
    assert app.events_at(events, {"lat": 0.0, "lng": 0.0}) == []


def test_the_weekly_overview_counts_regions_and_filters_with_the_rest(monkeypatch, sample_store) -> None:
    from geomap.overview import weekly_overview

    app = _run(monkeypatch, sample_store.path)
    events = sample_store.read_events()
    week, expected = weekly_overview(events)
    overview = app.dataframe[1].value
    assert any(f"Week of {week}" in m.value for m in app.markdown)
    assert list(overview["admin1"]) == list(expected["admin1"])
    assert overview["events"].sum() == len(events[events["event_date"] >= str(week)])
    next(w for w in app.multiselect if w.label == "Event types").select("Battles").run()
    battles = events[events["event_type"] == "Battles"]
    week, expected = weekly_overview(battles)
    assert list(app.dataframe[1].value["events"]) == list(expected["events"])
    assert any(f"Week of {week}" in m.value for m in app.markdown)
