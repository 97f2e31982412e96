"""The large map in the app: made once per store version (in a child process), drawn as a Streamlit component.

The component's page is :mod:`geomap.mapping.applarge`'s ``index.html``, served
by Streamlit from the folder kept beside the store.  Each script run hands it
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
import streamlit as st
import streamlit.components.v1 as components

from geomap.errors import StoreError
from geomap.mapping.applarge import POSITIONS, current_map

log = logging.getLogger(__name__)

LARGE_SETTING = "GEOMAP_APP_LARGE"  # "1": the large path for any parquet store; "0": never


def wanted(store_path: Path, count: int, *, threshold: int) -> bool:
    """Whether the app draws the store on the large path: a parquet store of ``threshold`` events or
    more, or any parquet store when $GEOMAP_APP_LARGE is 1 (never when it is 0)."""
    setting = os.environ.get(LARGE_SETTING, "").strip()
    if setting == "0" or not store_path.is_dir():
        return False
    return setting == "1" or count >= threshold


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
