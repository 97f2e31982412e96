"""geomap's Streamlit app: the layered map, filters, the event table and the sources behind each event.

Run it with `geomap serve` (or `make run`); it reads the store named by $GEOMAP_STORE.
Everything it shows comes from geomap's public API; every piece of source text is
escaped by geomap.mapping.annotate before it reaches the page.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geomap.filters import GRADES, EventFilter, actor_names, date_bounds, filter_events
from geomap.mapping.annotate import event_annotation
from geomap.mapping.build import build_map
from geomap.mapping.export import export_events, export_html
from geomap.model import ClaimStatus
from geomap.store import Store

PRECISION_LABELS = {1: "the place", 2: "near the place", 3: "the region only", 4: "the country only"}
TABLE_COLUMNS = [
    "event_date",
    "event_type",
    "actor1",
    "actor2",
    "location",
    "fatalities",
    "claim_status",
    "n_sources",
    "reliability",
    "geo_precision",
    "source",
]


@st.cache_data(show_spinner="Reading the store…")
def load_store(path: str, modified: float) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """The store's tables; ``modified`` (the file's mtime) makes a new import show up."""
    contents = Store(path).read()
    return contents.events, contents.sources, contents.evidence


def sidebar_filter(events: gpd.GeoDataFrame) -> EventFilter:
    """The sidebar's widgets, read into an EventFilter."""
    st.sidebar.header("Filters")
    bounds = date_bounds(events)
    date_from = date_to = None
    if bounds is not None:
        picked = st.sidebar.date_input("Dates", value=bounds, min_value=bounds[0], max_value=bounds[1])
        if isinstance(picked, tuple | list) and len(picked) == 2:
            date_from, date_to = picked
    types = st.sidebar.multiselect("Event types", sorted(events["event_type"].dropna().unique()))
    actors = st.sidebar.multiselect("Actors", actor_names(events))
    statuses = st.sidebar.multiselect("Claim status", [c.value for c in ClaimStatus])
    countries = st.sidebar.multiselect("Countries", sorted(events["country"].dropna().unique()))
    regions = st.sidebar.multiselect("Regions (admin-1)", sorted(events["admin1"].dropna().unique()))
    min_sources = st.sidebar.number_input("At least this many independent outlets", min_value=1, value=1)
    min_grade = st.sidebar.select_slider("Best source graded at least", options=GRADES, value="F")
    precisions = st.sidebar.multiselect(
        "Location known to", [1, 2, 3, 4], format_func=lambda p: PRECISION_LABELS[p]
    )
    text = st.sidebar.text_input("Search notes and quotes")
    return EventFilter(
        date_from=date_from,
        date_to=date_to,
        event_types=frozenset(types),
        actors=frozenset(actors),
        claim_statuses=frozenset(statuses),
        text=text,
        countries=frozenset(countries),
        regions=frozenset(regions),
        min_sources=int(min_sources),
        min_reliability=min_grade,
        geo_precisions=frozenset(precisions),
    )


def show_map(events: gpd.GeoDataFrame, sources: pd.DataFrame, evidence: pd.DataFrame) -> None:
    m = build_map(events, evidence=evidence, sources=sources, time=False)  # the sidebar filters
    # returned_objects=[]: panning and zooming do not rerun the script
    st_folium(m, key="map", height=560, use_container_width=True, returned_objects=[])


def show_table(events: gpd.GeoDataFrame) -> pd.Series | None:
    """The filtered events; returns the selected row (or None)."""
    table = pd.DataFrame(events[TABLE_COLUMNS]).reset_index(drop=True)
    choice = st.dataframe(
        table,
        width="stretch",
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="table",
    )
    rows = choice.selection.rows if choice is not None else []
    return events.iloc[rows[0]] if rows else None


def show_detail(event: pd.Series, sources: pd.DataFrame, evidence: pd.DataFrame) -> None:
    st.subheader("Sources behind the selected event")
    own = evidence[evidence["event_id"] == event["event_id"]].to_dict("records")
    by_id = {str(r["source_id"]): r for r in sources.to_dict("records")}
    st.html(event_annotation(event.to_dict(), evidence=own, sources=by_id))


def downloads(events: gpd.GeoDataFrame, sources: pd.DataFrame, evidence: pd.DataFrame) -> None:
    st.sidebar.header("Export the current view")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        html = export_html(
            build_map(events, evidence=evidence, sources=sources), folder / "map.html", offline=True
        )
        csv = export_events(events, folder / "events.csv", fmt="csv", sources=sources, evidence=evidence)
        geojson = export_events(events, folder / "events.geojson", fmt="geojson")
        files = [
            ("HTML map (offline)", html, "text/html"),
            ("CSV (ACLED columns)", csv, "text/csv"),
            ("GeoJSON", geojson, "application/geo+json"),
        ]
        for label, path, mime in files:
            st.sidebar.download_button(label, path.read_bytes(), file_name=path.name, mime=mime)


def main() -> None:
    st.set_page_config(page_title="geomap", layout="wide")
    st.title("geomap")
    store_path = os.environ.get("GEOMAP_STORE", "geomap.gpkg")
    store = Store(store_path)
    if not store.exists():
        st.info(
            f"No store at {store_path}. Import events first: "
            "`geomap import data/sample/events.csv` (or run `make run`)."
        )
        return
    events, sources, evidence = load_store(str(store.path), store.path.stat().st_mtime)
    if events.empty:
        st.info(f"The store {store_path} holds no events yet. Import some with `geomap import FILE`.")
        return
    chosen = filter_events(events, sidebar_filter(events))
    st.caption(f"{len(chosen)} of {len(events)} events")
    show_map(chosen, sources, evidence)
    selected = show_table(chosen)
    if selected is not None:
        show_detail(selected, sources, evidence)
    downloads(chosen, sources, evidence)


main()
