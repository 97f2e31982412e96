"""The store's layers and keys, and its rows conformed to the event and plain table schemas."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geomap.schema import (
    CORRECTION_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    SOURCE_COLUMNS,
    WGS84,
    conform,
    empty_events,
    empty_table,
)

EVENTS, SOURCES, EVIDENCE = "events", "sources", "evidence"
REPORTS, CORRECTIONS = "reports", "corrections"
_KEYS = {
    EVENTS: ["event_id"],
    REPORTS: ["event_id"],
    SOURCES: ["source_id"],
    EVIDENCE: ["event_id", "report_id", "source_id", "start"],
    CORRECTIONS: ["correction_id"],
}
_PLAIN = {SOURCES: SOURCE_COLUMNS, EVIDENCE: EVIDENCE_COLUMNS, CORRECTIONS: CORRECTION_COLUMNS}


def _conform_events(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if events is None or events.empty:
        return empty_events()
    if _conformed(events):  # as read from a store: copying 100k rows again costs ~0.2 s
        return events
    geometry = (
        events.geometry if isinstance(events, gpd.GeoDataFrame) else gpd.GeoSeries([None] * len(events))
    )
    table = conform(pd.DataFrame(events.drop(columns="geometry", errors="ignore")), EVENT_COLUMNS)
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geometry.values, crs=WGS84), crs=WGS84)


def _conformed(events: pd.DataFrame) -> bool:
    if not isinstance(events, gpd.GeoDataFrame) or list(events.columns) != [*EVENT_COLUMNS, "geometry"]:
        return False
    wanted = {"int": "Int64", "float": "float64"}
    return events.crs == WGS84 and all(
        str(events[name].dtype) == wanted.get(kind, "object") for name, kind in EVENT_COLUMNS.items()
    )


def _with_reports(evidence: pd.DataFrame | None) -> pd.DataFrame:
    """Evidence rows with ``report_id`` filled (a row without one supports the event it names)."""
    table = _conform_plain(evidence, EVIDENCE_COLUMNS)
    table["report_id"] = table["report_id"].fillna(table["event_id"])
    return table


def _conform_plain(frame: pd.DataFrame | None, columns: dict[str, str]) -> pd.DataFrame:
    if frame is None or frame.empty:
        return empty_table(columns)
    return conform(frame, columns)


def where_in(column: str, values: Iterable[str]) -> str:
    """An OGR SQL filter: ``column`` is one of ``values`` (quoted as SQL strings)."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in dict.fromkeys(values))
    return f"{column} IN ({quoted})" if quoted else "0 = 1"


def _plain(frame: pd.DataFrame | None, layer: str) -> pd.DataFrame:
    """A plain layer's rows, conformed, one per key (the last wins)."""
    table = _with_reports(frame) if layer == EVIDENCE else _conform_plain(frame, _PLAIN[layer])
    return table.drop_duplicates(_KEYS[layer], keep="last").reset_index(drop=True)
