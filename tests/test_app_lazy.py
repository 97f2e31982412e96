"""The app's lazy reads of a parquet store (geomap.app.sql, .lazy): DuckDB selects what pandas does."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from benchmarks.run import synthetic_events
from geomap.app.largemap import bits
from geomap.app.lazy import LazyEvents
from geomap.app.sql import filter_sql, is_everything, within
from geomap.corrections import correct, correct_fields
from geomap.errors import StoreError
from geomap.filters import filter_events
from geomap.ingest.tables import read_table, sources_and_evidence
from geomap.model import EventFilter
from geomap.schema import validate
from geomap.store import Store
from tests.conftest import HOSTILE, SAMPLE_EVENTS, hostile_rows


@pytest.fixture
def parquet_store(tmp_path) -> Store:
    """The sample events, three hostile ones and 400 synthetic ones (some with associates and grades)."""
    store = Store(tmp_path / "events.parquet")
    table = read_table(SAMPLE_EVENTS)
    store.write(table.events, sources=table.sources, evidence=table.evidence)
    extra = synthetic_events(400, seed=3)
    extra.loc[::7, "assoc_actor_1"] = "Wagner Group; Civilians (Mali)"
    extra.loc[::5, "reliability"] = "B"
    extra.loc[::3, "n_sources"] = 2
    extra.loc[::11, "event_date_end"] = "2024-12-31"
    extra.loc[::13, "geo_precision"] = 3
    rows, problems = validate(pd.concat([extra, hostile_rows()], ignore_index=True), file="extra")
    assert not len(problems)
    sources, evidence = sources_and_evidence(rows)
    store.write(rows, sources=sources, evidence=evidence)
    return store


FILTERS = [
    EventFilter(),
    EventFilter(event_types=frozenset({"Battles", "Protests"})),
    EventFilter(claim_statuses=frozenset({"alleged"})),
    EventFilter(date_from=dt.date(2024, 3, 1)),
    EventFilter(date_to=dt.date(2023, 9, 30)),
    EventFilter(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 6, 30)),
    EventFilter(actors=frozenset({"Wagner Group"})),
    EventFilter(actors=frozenset({"Civilians (Mali)", "JNIM: Group for Support of Islam and Muslims"})),
    EventFilter(countries=frozenset({"Mali"}), regions=frozenset({"Kidal", "Gao"})),
    EventFilter(min_sources=2),
    EventFilter(min_reliability="B"),
    EventFilter(geo_precisions=frozenset({3, 4})),
    EventFilter(text="kidal"),
    EventFilter(text="ONERROR"),
    EventFilter(text="it's"),
    EventFilter(text="%"),
    EventFilter(event_types=frozenset({"Battles"}), min_sources=2, date_from=dt.date(2023, 6, 1)),
]


@pytest.mark.parametrize("flt", FILTERS, ids=range(len(FILTERS)))
def test_duckdb_keeps_what_pandas_keeps(parquet_store, flt) -> None:
    contents = parquet_store.read()
    quotes = contents.evidence.dropna(subset=["sentence"]).groupby("event_id")["sentence"].agg(" ".join)
    expected = filter_events(contents.events, flt, quotes=quotes)
    lazy = LazyEvents(parquet_store)
    assert lazy.count(flt) == len(expected)
    page = lazy.page(flt, ["event_id", "event_date"], offset=0, limit=10_000)
    assert sorted(page["event_id"]) == sorted(expected["event_id"])
    if flt == EventFilter():
        assert is_everything(flt)
    else:
        assert not is_everything(flt)
        assert len(expected) < len(contents.events)  # each filter restricts something here


def test_values_travel_as_parameters_not_sql() -> None:
    where = filter_sql(EventFilter(text="x') OR TRUE --", event_types=frozenset({"a'b"})))
    assert "a'b" not in where.sql
    assert "OR TRUE" not in where.sql
    assert "a'b" in where.params
    assert "x') or true --" in where.params


def test_pages_are_newest_first_and_do_not_overlap(parquet_store) -> None:
    lazy = LazyEvents(parquet_store)
    flt = EventFilter(event_types=frozenset({"Battles"}))
    first = lazy.page(flt, ["event_id", "event_date"], offset=0, limit=25)
    second = lazy.page(flt, ["event_id", "event_date"], offset=25, limit=25)
    assert len(first) == 25
    assert len(second) == 25
    assert not set(first["event_id"]) & set(second["event_id"])
    dates = [*first["event_date"], *second["event_date"]]
    assert dates == sorted(dates, reverse=True)


def test_weekly_counts_match_the_apps(parquet_store) -> None:
    from geomap.app.timeline import weekly_counts

    flt = EventFilter(claim_statuses=frozenset({"reported", "alleged"}))
    events = filter_events(parquet_store.read().events, flt)
    expected = weekly_counts(events).sort_values(["week", "event_type"]).reset_index(drop=True)
    found = LazyEvents(parquet_store).weekly(flt)
    assert found["week"].tolist() == expected["week"].tolist()
    assert found["event_type"].tolist() == expected["event_type"].tolist()
    assert found["events"].tolist() == expected["events"].tolist()


@pytest.mark.parametrize("week", [None, dt.date(2024, 3, 6), dt.date(2023, 11, 14)])
@pytest.mark.parametrize("flt", [EventFilter(), EventFilter(event_types=frozenset({"Battles", "Riots"}))])
def test_the_weekly_overview_of_a_lazy_store_is_the_apps(parquet_store, flt, week) -> None:
    from geomap.overview import weekly_overview

    expected_week, expected = weekly_overview(filter_events(parquet_store.read().events, flt), week=week)
    rows = LazyEvents(parquet_store).overview_rows(flt, week)
    found_week, found = weekly_overview(rows, week=week)
    assert found_week == expected_week
    assert len(expected) > 0
    assert len(rows) < len(parquet_store.read().events)  # five weeks are read, not the whole store
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)


def test_sidebar_options_match_the_apps(parquet_store) -> None:
    from geomap.mapping.appmap import sidebar_options

    assert LazyEvents(parquet_store).options() == sidebar_options(parquet_store.read().events)


def test_corrections_are_laid_over_the_stored_rows(parquet_store) -> None:
    events = parquet_store.read().events
    battle = str(events.loc[events["event_type"] == "Battles", "event_id"].iloc[0])
    gone = str(events.loc[events["event_type"] == "Protests", "event_id"].iloc[0])
    correct_fields(parquet_store, battle, [("event_type", "Riots"), ("actor1", "Someone new")], who="t")
    correct(parquet_store, gone, "not_an_event", True, who="t")
    lazy = LazyEvents(parquet_store)
    corrected = parquet_store.read().events
    assert lazy.count() == len(corrected) == len(events) - 1
    assert lazy.rejected == [gone]
    riots = EventFilter(event_types=frozenset({"Riots"}))
    assert lazy.count(riots) == int((corrected["event_type"] == "Riots").sum())
    assert battle in set(lazy.page(riots, ["event_id"], offset=0, limit=1000)["event_id"])
    assert lazy.count(EventFilter(actors=frozenset({"Someone new"}))) == 1
    shown, evidence, _sources = lazy.events([battle, gone])
    assert set(shown["event_id"]) == {battle, gone}  # the detail panel can still show a rejected one
    assert shown.set_index("event_id").loc[battle, "event_type"] == "Riots"
    assert set(evidence["event_id"]) <= {battle, gone}


def test_map_positions_follow_the_positions_file(parquet_store, tmp_path) -> None:
    events = parquet_store.read().events
    order = events["event_id"].astype(str).tolist()[::-1]  # any order the map holds them in
    pd.DataFrame({"event_id": order, "pos": range(len(order))}).to_parquet(tmp_path / "p.parquet")
    lazy = LazyEvents(parquet_store, positions=tmp_path / "p.parquet")
    flt = EventFilter(claim_statuses=frozenset({"alleged"}))
    kept = set(filter_events(events, flt)["event_id"].astype(str))
    assert lazy.map_positions(flt).tolist() == [i for i, e in enumerate(order) if e in kept]
    assert lazy.at_position(0) == order[0]
    assert lazy.at_position(len(order)) is None
    hostile = str(events.loc[events["location"].str.contains("onerror", na=False), "event_id"].iloc[0])
    assert lazy.same_place(hostile, EventFilter())[0] == hostile


def test_bits_name_exactly_the_positions() -> None:
    import base64

    positions = np.array([0, 3, 8, 9, 20])
    raw = np.frombuffer(base64.b64decode(bits(positions, 21)), dtype=np.uint8)
    assert np.flatnonzero(np.unpackbits(raw, bitorder="little")[:21]).tolist() == positions.tolist()
    assert bits(None, 21) is None


def test_within_a_period_narrows_the_dates() -> None:
    flt = EventFilter(date_from=dt.date(2024, 1, 1))
    narrowed = within(flt, (dt.date(2023, 6, 1), dt.date(2024, 3, 1)))
    assert (narrowed.date_from, narrowed.date_to) == (dt.date(2024, 1, 1), dt.date(2024, 3, 1))
    assert within(flt, None) is flt


def test_a_geopackage_store_is_refused(sample_store) -> None:
    with pytest.raises(StoreError, match="parquet store"):
        LazyEvents(sample_store)


def test_hostile_text_is_found_as_text(parquet_store) -> None:
    lazy = LazyEvents(parquet_store)
    assert lazy.count(EventFilter(text=HOSTILE[1])) == 3
