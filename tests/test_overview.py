"""geomap.overview: events and fatalities per region in a week, against the mean of the 4 weeks before."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geomap.overview import UNKNOWN_REGION, week_of, weekly_overview


def _events(rows: list[tuple[str, str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["event_date", "country", "admin1", "fatalities"])


EVENTS = _events(
    [
        # the week of Monday 2024-07-22: three events in Kidal, one in Mopti, one with no region
        ("2024-07-25", "Mali", "Kidal", 47), ("2024-07-27", "Mali", "Kidal", 2),
        ("2024-07-22", "Mali", "Kidal", None),
        ("2024-07-28", "Mali", "Mopti", 5), ("2024-07-24", "Mali", None, 1),
        # the four weeks before (2024-06-24 .. 2024-07-21): Kidal 2 events, Mopti 6 events
        ("2024-07-15", "Mali", "Kidal", 4), ("2024-06-24", "Mali", "Kidal", 0),
        *[(f"2024-07-0{d}", "Mali", "Mopti", 2) for d in range(1, 7)],
        # five weeks before: outside the comparison
        ("2024-06-23", "Mali", "Gao", 30),
        # after the week: left out
        ("2024-07-29", "Mali", "Gao", 3),
    ]
)  # fmt: skip


def test_a_week_against_the_mean_of_the_four_before() -> None:
    week, table = weekly_overview(EVENTS, week=dt.date(2024, 7, 24))
    assert week == dt.date(2024, 7, 22)  # its Monday
    rows = table.set_index("admin1")
    assert list(table["admin1"])[:2] == ["Kidal", "Mopti"]  # most events in the week first
    kidal, mopti = rows.loc["Kidal"], rows.loc["Mopti"]
    assert (kidal["events"], kidal["events_before"], kidal["events_change"]) == (3, 0.5, 2.5)
    assert (kidal["fatalities"], kidal["fatalities_before"]) == (49, 1.0)
    assert (mopti["events"], mopti["events_before"], mopti["events_change"]) == (1, 1.5, -0.5)
    assert rows.loc[UNKNOWN_REGION, "events"] == 1
    assert "Gao" not in rows.index  # its events are five weeks before and one week after


def test_the_last_week_with_events_by_default_and_empty_input() -> None:
    week, table = weekly_overview(EVENTS)
    assert week == dt.date(2024, 7, 29)
    # nothing happened that week outside Gao: the others are ordered by their weekly mean before it
    assert list(table["admin1"]) == ["Gao", "Mopti", "Kidal", UNKNOWN_REGION]
    assert table.set_index("admin1").loc["Kidal", "events"] == 0
    week, table = weekly_overview(EVENTS.iloc[:0])
    assert week is None
    assert table.empty


def test_week_of_is_the_monday() -> None:
    assert week_of("2024-07-28") == dt.date(2024, 7, 22)
    assert week_of(dt.date(2024, 7, 22)) == dt.date(2024, 7, 22)
    assert week_of("not a date") is None
