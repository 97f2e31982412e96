"""The large map in the app: made once per store version (in a child process), drawn as a Streamlit component,
and the parts of app.py's large page that read the store lazily (:func:`opened`, :func:`table_page`).

The component's page is :mod:`geomap.mapping.applarge`'s ``index.html`` (which
unpacks the map's page), served by Streamlit from the folder kept beside the
store.  Each script run hands it
the map's version and which events to draw (a bit per event, base64: 125 kB for
a million events, where a list of positions would be several MB); it answers
with the last click (the event's position in the map, and the point).
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from geomap.app.lazy import LazyEvents
from geomap.errors import StoreError
from geomap.mapping.applarge import POSITIONS, current_map
from geomap.model import EventFilter

log = logging.getLogger(__name__)

LARGE_SETTING = "GEOMAP_APP_LARGE"  # "1": the large path for any parquet store; "0": never
TABLE_ROWS = 200  # events a page of the table


def wanted(store_path: Path, count: int, *, threshold: int) -> bool:
    """Whether the app draws the store on the large path: a parquet store of ``threshold`` events or
    more, or any parquet store with events when $GEOMAP_APP_LARGE is 1 (never when it is 0)."""
    setting = os.environ.get(LARGE_SETTING, "").strip()
    if setting == "0" or not store_path.is_dir() or count == 0:
        return False
    return setting == "1" or count >= threshold


def wanted_for(store_path: Path) -> bool:
    """:func:`wanted` for the store at ``store_path``, at the large map's threshold."""
    from geomap.mapping.large import LARGE_ABOVE
    from geomap.store import EVENTS, Store

    return wanted(store_path, Store(store_path).count(EVENTS), threshold=LARGE_ABOVE)


def opened(store_path: Path) -> tuple[str, dict, LazyEvents, dict, int]:
    """The store's large map (folder, record), its events read lazily, what the sidebar offers, and how
    many events there are; the map is made first when the store changed."""
    from geomap.mapping.applarge import version_key
    from geomap.mapping.appmap import store_version

    key = version_key(store_version(store_path))
    folder, record = made_map(str(store_path), key)
    lazy, options, total = lazy_view(str(store_path), key, folder)
    return folder, record, lazy, options, total


@st.cache_resource(max_entries=2, show_spinner="Reading the store…")
def lazy_view(path: str, key: str, folder: str) -> tuple[LazyEvents, dict, int]:
    """The store's events read lazily, what the sidebar offers and how many events there are (per version)."""
    from geomap.store import Store

    lazy = LazyEvents(Store(path), positions=positions_file(folder))
    return lazy, lazy.options(), lazy.count()


def table_page(lazy: LazyEvents, flt: EventFilter, shown: int, *, columns: list[str]) -> pd.DataFrame:
    """One page of the ``shown`` events ``flt`` keeps (newest first), chosen with a page number."""
    pages = max(1, -(-shown // TABLE_ROWS))
    st.session_state["table_page"] = min(int(st.session_state.get("table_page", 1)), pages)
    page = st.number_input(f"Page of the table (1–{pages}, newest first)", 1, pages, key="table_page")
    return lazy.page(flt, columns, offset=(int(page) - 1) * TABLE_ROWS, limit=TABLE_ROWS)


def events_clicked(lazy: LazyEvents, click: dict, record: dict, flt: EventFilter) -> list[str]:
    """The events ``flt`` keeps at the event a click names (itself first); none for a click beside them."""
    index = clicked_index(click, record["drawn"])
    event_id = lazy.at_position(index) if index is not None else None
    return lazy.same_place(event_id, flt) if event_id is not None else []


@st.cache_resource(show_spinner=False, max_entries=2)
def made_map(store_path: str, key: str) -> tuple[str, dict]:
    """The folder and record of the store's large map of version ``key`` (made when missing).

    Made in a child process: reading a whole large store and building its map costs
    gigabytes, which the app's own process would keep.  Cached per store version, so
    that sessions opened meanwhile wait for the same build instead of starting theirs.
    """
    found = current_map(store_path)
    if found is None:
        with st.spinner("Drawing the large map (once for each version of the store)…"):
            done = subprocess.run(
                [sys.executable, "-m", "geomap.mapping.applarge", store_path],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        found = current_map(store_path)
        if found is None:
            raise StoreError(f"{store_path}: the app's large map could not be made: {done.stderr.strip()}")
    folder, record = found
    return str(folder), record


@st.cache_resource(max_entries=4)
def _component(folder: str):
    return components.declare_component(f"geomap_large_{Path(folder).name}", path=folder)


def positions_file(folder: str) -> Path:
    return Path(folder) / POSITIONS


def bits(positions: np.ndarray | None, drawn: int) -> str | None:
    """The events at ``positions`` as base64 bits (little-endian in each byte); None: every event."""
    if positions is None:
        return None
    mask = np.zeros(drawn, dtype=bool)
    mask[positions] = True
    return base64.b64encode(np.packbits(mask, bitorder="little").tobytes()).decode("ascii")


def show_large_map(folder: str, record: dict, positions: np.ndarray | None) -> dict | None:
    """Draw the map with the events at ``positions`` (None: all); returns the last click, if any.

    A click is ``{"index": the event's position or None, "lat", "lng", "click": a counter}``.
    """
    value = _component(folder)(
        version=record["key"], only=bits(positions, record["drawn"]), key="large_map", default=None
    )
    return value if isinstance(value, dict) else None


def clicked_index(click: dict | None, drawn: int) -> int | None:
    """The map position a click names, checked (the page's answer is not trusted further)."""
    if not click:
        return None
    index = click.get("index")
    whole = isinstance(index, int) and not isinstance(index, bool)
    return index if whole and 0 <= index < drawn else None
