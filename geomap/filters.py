"""Filters over the event table: what the app's sidebar (and any script) selects."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd

from geomap.model import GRADES, EventFilter  # light: the app's first page builds a filter without pandas

ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
TEXT_COLUMNS = ("notes", "quote", "location", "source", "actor1", "actor2")


def filter_events(
    events: gpd.GeoDataFrame, flt: EventFilter, *, quotes: pd.Series | None = None
) -> gpd.GeoDataFrame:
    """The events ``flt`` selects; an event matches a date range when its own range overlaps it.

    ``quotes`` (event_id → the text of all its evidence sentences) widens the
    text search to every quote, not only the event's first.
    """
    keep = pd.Series(True, index=events.index)
    if flt.date_from is not None:
        keep &= events["event_date_end"].fillna(events["event_date"]) >= flt.date_from.isoformat()
    if flt.date_to is not None:
        keep &= events["event_date"] <= flt.date_to.isoformat()
    if flt.event_types:
        keep &= events["event_type"].isin(flt.event_types)
    if flt.claim_statuses:
        keep &= events["claim_status"].isin(flt.claim_statuses)
    if flt.actors:
        keep &= _actor_mask(events, flt.actors)
    if flt.countries:
        keep &= events["country"].isin(flt.countries)
    if flt.regions:
        keep &= events["admin1"].isin(flt.regions)
    if flt.min_sources > 1:
        keep &= events["n_sources"].fillna(1) >= flt.min_sources
    if flt.min_reliability != "F":
        keep &= events["reliability"].fillna("F").map(GRADES.index) <= GRADES.index(flt.min_reliability)
    if flt.geo_precisions:
        keep &= events["geo_precision"].fillna(1).astype(int).isin(flt.geo_precisions)
    if flt.text.strip():
        keep &= _text_mask(events, flt.text.strip().casefold(), quotes)
    return events[keep]


def _names(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [n.strip() for n in value.split(";") if n.strip()]


def _actor_mask(events: pd.DataFrame, actors: frozenset[str]) -> pd.Series:
    def matches(row: tuple) -> bool:
        return any(name in actors for value in row for name in _names(value))

    rows = events[list(ACTOR_COLUMNS)].itertuples(index=False, name=None)
    return pd.Series([matches(r) for r in rows], index=events.index, dtype=bool)


def _text_mask(events: pd.DataFrame, needle: str, quotes: pd.Series | None = None) -> pd.Series:
    mask = pd.Series(False, index=events.index)
    if quotes is not None and not quotes.empty:
        cited = events["event_id"].map(quotes).fillna("").astype(str)
        mask |= cited.str.casefold().str.contains(needle, regex=False)
    for column in TEXT_COLUMNS:
        mask |= events[column].fillna("").astype(str).str.casefold().str.contains(needle, regex=False)
    return mask


def actor_names(events: pd.DataFrame) -> list[str]:
    """Every actor named in the four actor columns (associates split on "; "), sorted."""
    return sorted({n for column in ACTOR_COLUMNS for value in events[column] for n in _names(value)})


def date_bounds(events: pd.DataFrame) -> tuple[date, date] | None:
    """The first and last day the events cover, or None for no events."""
    starts = events["event_date"].dropna()
    if starts.empty:
        return None
    ends = events["event_date_end"].fillna(events["event_date"]).dropna()
    return date.fromisoformat(min(starts)), date.fromisoformat(max(ends))
