"""The app's timeline: events per week by type (Altair), whose brush chooses a period for the whole page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

if TYPE_CHECKING:
    import geopandas as gpd


def weekly_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per week (weeks start on Monday) and event type."""
    days = pd.to_datetime(events["event_date"], errors="coerce")
    weeks = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.normalize()
    table = pd.DataFrame({"week": weeks, "event_type": events["event_type"]}).dropna()
    return table.groupby(["week", "event_type"]).size().rename("events").reset_index()


def show_timeline(
    events: pd.DataFrame | None, *, counts: pd.DataFrame | None = None
) -> tuple[dt.date, dt.date] | None:
    """Events per week by type (of ``events``, or ``counts`` made already as :func:`weekly_counts` makes
    them); brushing a period returns it (first and last day), else None."""
    import altair as alt  # after the map: the first page does not wait for it

    from geomap.mapping.style import TYPE_COLOURS

    counts = weekly_counts(events) if counts is None else counts
    if counts.empty:
        return None
    types = sorted(counts["event_type"].unique())
    brush = alt.selection_interval(encodings=["x"], name="period")
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="Week"),
            y=alt.Y("sum(events):Q", title="Events"),
            color=alt.Color(
                "event_type:N",
                title="Event type",
                scale=alt.Scale(domain=types, range=[TYPE_COLOURS.get(t, "#666666") for t in types]),
            ),
            tooltip=[alt.Tooltip("week:T", title="Week of"), "event_type:N", "events:Q"],
        )
        .add_params(brush)
        .properties(height=140)
    )
    state = st.altair_chart(chart, on_select="rerun", key="timeline", width="stretch")
    return brushed_period(state)


def brushed_period(state) -> tuple[dt.date, dt.date] | None:
    """The period a timeline brush covers, from the chart's selection state (ms since 1970 or dates)."""
    try:
        selection = state["selection"] if isinstance(state, dict) else state.selection
        period = selection["period"]
    except (AttributeError, KeyError, TypeError):
        return None
    values = next(iter(period.values()), None) if isinstance(period, dict) else None
    if not values or len(values) != 2:
        return None
    days = []
    for value in values:
        stamp = pd.Timestamp(value, unit="ms") if isinstance(value, int | float) else pd.Timestamp(value)
        days.append(stamp.date())
    return min(days), max(days)


def in_period(events: gpd.GeoDataFrame, period: tuple[dt.date, dt.date]) -> gpd.GeoDataFrame:
    """Events whose own date range overlaps the period."""
    start, end = period[0].isoformat(), period[1].isoformat()
    ends = events["event_date_end"].fillna(events["event_date"])
    return events[(ends >= start) & (events["event_date"] <= end)]
