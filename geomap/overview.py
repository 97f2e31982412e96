"""An ACLED-style overview: events and fatalities per first-level region in one week, against the 4 before.

For a week (Monday to Sunday) the table lists each region with events in it or
in the four weeks before: the week's events and fatalities, their weekly mean
over the four previous weeks, and the change between the two.  Events whose
region is unknown are counted under "(region unknown)" of their country.  The
caller passes the events its filters kept, so the overview filters with the
rest of the view.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

UNKNOWN_REGION = "(region unknown)"
BEFORE_WEEKS = 4
COLUMNS = [
    "country", "admin1", "events", "events_before", "events_change", "fatalities", "fatalities_before",
    "fatalities_change",
]  # fmt: skip


def week_of(day: object) -> dt.date | None:
    """The Monday of the week holding ``day`` (a date or an ISO date string), or None."""
    stamp = pd.to_datetime(day, errors="coerce")
    if pd.isna(stamp):
        return None
    return (stamp - pd.Timedelta(days=stamp.day_of_week)).date()


def weekly_overview(
    events: pd.DataFrame, *, week: dt.date | None = None
) -> tuple[dt.date | None, pd.DataFrame]:
    """The overview for the week holding ``week`` (default: the last week with an event), and its Monday.

    Returns
    -------
    tuple
        The Monday of the week, and a table of :data:`COLUMNS`: ``events`` and
        ``fatalities`` in the week, ``*_before`` their weekly mean over the
        four previous weeks, ``*_change`` the week minus that mean; the regions
        with the most events in the week first.
    """
    weeks = pd.to_datetime(events["event_date"], errors="coerce")
    weeks = (weeks - pd.to_timedelta(weeks.dt.day_of_week, unit="D")).dt.normalize()
    if week is None:
        if weeks.notna().sum() == 0:
            return None, pd.DataFrame(columns=COLUMNS)
        week = weeks.max().date()
    week = week_of(week)
    monday = pd.Timestamp(week)
    table = pd.DataFrame(
        {
            "country": events["country"].fillna("").astype(str),
            "admin1": events["admin1"].where(events["admin1"].fillna("").astype(str).str.strip() != "", None),
            "fatalities": pd.to_numeric(events["fatalities"], errors="coerce").fillna(0),
            "weeks_ago": ((monday - weeks).dt.days // 7),
        }
    )
    table["admin1"] = table["admin1"].fillna(UNKNOWN_REGION)
    recent = table[table["weeks_ago"].between(0, BEFORE_WEEKS)]
    if recent.empty:
        return week, pd.DataFrame(columns=COLUMNS)
    now, before = recent[recent["weeks_ago"] == 0], recent[recent["weeks_ago"] > 0]
    keys = ["country", "admin1"]
    out = pd.DataFrame(index=pd.MultiIndex.from_frame(recent[keys].drop_duplicates()))
    out["events"] = now.groupby(keys).size()
    out["events_before"] = before.groupby(keys).size() / BEFORE_WEEKS
    out["fatalities"] = now.groupby(keys)["fatalities"].sum()
    out["fatalities_before"] = before.groupby(keys)["fatalities"].sum() / BEFORE_WEEKS
    out = out.fillna(0)
    out["events_change"] = out["events"] - out["events_before"]
    out["fatalities_change"] = out["fatalities"] - out["fatalities_before"]
    out = out.reset_index().sort_values(["events", "fatalities", "events_before"], ascending=False)
    for column in ("events", "fatalities"):
        out[column] = out[column].astype(np.int64)
    return week, out[COLUMNS].reset_index(drop=True)
