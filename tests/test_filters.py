"""Filters over the event table: date overlap, types, actors (incl. associates), claim status, text."""

from __future__ import annotations

from datetime import date

import pytest

from geomap.filters import EventFilter, actor_names, date_bounds, filter_events


@pytest.fixture
def events(sample_store):
    return sample_store.read_events()


def test_no_filter_keeps_everything(events) -> None:
    assert len(filter_events(events, EventFilter())) == len(events)


def test_date_ranges_overlap(events) -> None:
    # the Tinzaouaten battle runs 2024-07-25..27: a filter starting on the 26th still finds it
    chosen = filter_events(events, EventFilter(date_from=date(2024, 7, 26), date_to=date(2024, 7, 26)))
    assert set(chosen["location"]) == {"Tinzaouaten"}
    assert (chosen["event_date"] == "2024-07-25").any()
    november = filter_events(events, EventFilter(date_from=date(2023, 11, 1), date_to=date(2023, 11, 30)))
    assert set(november["event_date"]) == {"2023-11-14", "2023-11-15", "2023-11-18"}


def test_types_statuses_and_actors(events) -> None:
    battles = filter_events(events, EventFilter(event_types=frozenset({"Battles"})))
    assert set(battles["event_type"]) == {"Battles"}
    alleged = filter_events(events, EventFilter(claim_statuses=frozenset({"alleged"})))
    assert len(alleged) == int((events["claim_status"] == "alleged").sum())
    wagner = filter_events(events, EventFilter(actors=frozenset({"Wagner Group"})))
    assert len(wagner) >= 4
    assert (wagner["actor1"] != "Wagner Group").any()  # found as an associate too
    both = filter_events(
        events, EventFilter(actors=frozenset({"Wagner Group"}), event_types=frozenset({"Battles"}))
    )
    assert set(both.index) <= set(wagner.index) & set(battles.index)


def test_text_search_is_case_insensitive(events) -> None:
    found = filter_events(events, EventFilter(text="FRENCH INTELLIGENCE"))
    assert len(found) == 1
    assert found["claim_status"].iloc[0] == "alleged"


def test_actor_names_and_bounds(events) -> None:
    names = actor_names(events)
    assert "Wagner Group" in names
    assert names == sorted(names)
    assert date_bounds(events) == (date(2023, 6, 30), date(2024, 12, 2))
    assert date_bounds(events.iloc[0:0]) is None


def test_sourcing_precision_and_place_filters(events) -> None:
    corroborated = filter_events(events, EventFilter(min_sources=2))
    assert len(corroborated) == int((events["n_sources"] >= 2).sum())
    assert (corroborated["n_sources"] >= 2).all()
    good = filter_events(events, EventFilter(min_reliability="B"))
    assert set(good["reliability"]) <= {"A", "B"}
    assert len(good) == int(events["reliability"].isin(["A", "B"]).sum())
    areas = filter_events(events, EventFilter(geo_precisions=frozenset({3, 4})))
    assert set(areas["geo_precision"]) <= {3, 4}
    assert len(areas) >= 3
    kidal = filter_events(events, EventFilter(regions=frozenset({"Kidal"})))
    assert set(kidal["admin1"]) == {"Kidal"}
    assert len(filter_events(events, EventFilter(countries=frozenset({"Niger"})))) == 0
