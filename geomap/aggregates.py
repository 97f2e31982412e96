"""Counts of events and fatalities by country, admin-1, week and event type, and density grids.

The tables a map or the app shows when there are too many events to show one
by one: for each group, how many events and how many fatalities (unknown
fatalities count as none).  The density grid uses H3 hexagons (``h3``) at a
few resolutions, from countries to districts (3: cells of ~12,000 km², 5:
~250 km², 7: ~5 km²), nested: an event's coarser cells are the parents of its
finest, so the counts of a zoom level add up to the next one's; events
without coordinates are counted in the other tables but fall in no cell.
The same two steps — :func:`keyed` on each part of the rows, then
:func:`finish` on the summed groups — run here with pandas and on a Dask
cluster (:func:`geomap.engine.aggregate_on_cluster`), so both give the same
tables.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geomap.atomic import replace_atomically
from geomap.errors import ConfigError, StoreError
from geomap.store import CORRECTIONS, EVENTS, Store

log = logging.getLogger(__name__)

COLUMNS = ["event_date", "event_type", "iso3", "country", "admin1", "latitude", "longitude", "fatalities"]
RESOLUTIONS = (3, 5, 7)
#: the groupings and their keys; each density grid adds one (``h3_rN``)
GROUPINGS = {
    "country": ["iso3", "country"],
    "admin1": ["iso3", "country", "admin1"],
    "week": ["week"],
    "event_type": ["event_type"],
}
TOTALS = ["events", "fatalities"]


def tables(resolutions: Sequence[int] = RESOLUTIONS) -> dict[str, list[str]]:
    """Every table's name and keys: the groupings, then one density grid per resolution."""
    return {**GROUPINGS, **{f"h3_r{r}": [f"h3_r{r}"] for r in resolutions}}


def keyed(frame: pd.DataFrame, resolutions: Sequence[int] = RESOLUTIONS) -> pd.DataFrame:
    """Rows with every grouping key as text ("" when missing), ``events`` = 1 and whole fatalities."""
    out = pd.DataFrame(index=frame.index)
    for name in ("iso3", "country", "admin1", "event_type"):
        out[name] = _text(frame[name])
    dates = pd.to_datetime(frame["event_date"].astype(object), errors="coerce", format="%Y-%m-%d")
    monday = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    out["week"] = monday.dt.strftime("%Y-%m-%d").astype(object).where(monday.notna(), "")
    lat = pd.to_numeric(frame["latitude"], errors="coerce").astype("float64")
    lon = pd.to_numeric(frame["longitude"], errors="coerce").astype("float64")
    for resolution, column in grid(lat, lon, resolutions).items():
        out[f"h3_r{resolution}"] = column
    out["events"] = np.ones(len(frame), dtype="int64")
    deaths = pd.to_numeric(frame["fatalities"].astype(object), errors="coerce").astype("float64")
    out["fatalities"] = deaths.fillna(0).astype("int64")
    return out


def _text(column: pd.Series) -> pd.Series:
    values = column.astype(object)
    return values.where(values.notna(), "").astype(str).astype(object)


def grid(lat: pd.Series, lon: pd.Series, resolutions: Sequence[int]) -> dict[int, pd.Series]:
    """The H3 cells of each point ("" without one) at each resolution.

    The finest cell is computed once per distinct point, the coarser ones are
    its parents, so the grids nest: a cell's count is the sum of its children's.
    """
    import h3

    if not resolutions:
        return {}
    fine = cells(lat, lon, max(resolutions))
    codes, distinct = pd.factorize(fine)
    grids = {}
    for resolution in resolutions:
        parents = np.array([h3.cell_to_parent(c, resolution) if c else "" for c in distinct], dtype=object)
        grids[resolution] = pd.Series(parents[codes] if len(codes) else [], index=lat.index, dtype=object)
    return grids


def cells(lat: pd.Series, lon: pd.Series, resolution: int) -> pd.Series:
    """The H3 cell of each point ("" without one), computed once per distinct point."""
    import h3

    placed = (lat.notna() & lon.notna() & lat.between(-90, 90) & lon.between(-180, 180)).to_numpy()
    codes, distinct = pd.MultiIndex.from_arrays([lat[placed], lon[placed]]).factorize()
    found = np.array([h3.latlng_to_cell(a, b, resolution) for a, b in distinct], dtype=object)
    out = np.full(len(lat), "", dtype=object)
    out[placed] = found[codes] if len(codes) else []
    return pd.Series(out, index=lat.index, dtype=object)


def finish(summed: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One table from its summed groups: keys then totals, sorted by keys; grid cells with their centre."""
    table = summed.reset_index()[[*keys, *TOTALS]]
    table = table.astype({**{k: object for k in keys}, **{t: "int64" for t in TOTALS}})
    table = table.sort_values(keys, kind="stable").reset_index(drop=True)
    if len(keys) == 1 and keys[0].startswith("h3_r"):
        import h3

        table = table[table[keys[0]] != ""].reset_index(drop=True)
        centres = [h3.cell_to_latlng(c) for c in table[keys[0]]]
        table.insert(1, "lat", [c[0] for c in centres])
        table.insert(2, "lon", [c[1] for c in centres])
    return table


def aggregate(events: pd.DataFrame, resolutions: Sequence[int] = RESOLUTIONS) -> dict[str, pd.DataFrame]:
    """Every table (:func:`tables`) of ``events`` (any frame with :data:`COLUMNS`), with pandas."""
    rows = keyed(events, resolutions)
    return {
        name: finish(rows.groupby(keys, sort=False)[TOTALS].sum(), keys)
        for name, keys in tables(resolutions).items()
    }


def store_events(store: Store) -> pd.DataFrame:
    """The columns the tables need, of the events as shown (corrected; not-an-event left out)."""
    if not store.exists():
        raise StoreError(f"{store.path}: no store here; run `geomap import` first")
    if store.corrections().empty:
        return store.read_columns(EVENTS, COLUMNS)  # only these columns are read
    return pd.DataFrame(store.read().events[COLUMNS])


def uncorrected_files(store: Store) -> list[str] | None:
    """The GeoParquet files of a parquet store's events when no correction changes them, else None."""
    files = getattr(store, "files", None)
    if files is None or store.count(CORRECTIONS):
        return None
    return files(EVENTS)


def parse_resolutions(text: str) -> tuple[int, ...]:
    """``"3,5,7"`` → (3, 5, 7); ConfigError naming the option for anything else."""
    try:
        found = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as err:
        raise ConfigError(f"--resolutions: {text!r}: give H3 resolutions 0-15, such as 3,5,7") from err
    if not found or any(not 0 <= r <= 15 for r in found):
        raise ConfigError(f"--resolutions: {text!r}: give H3 resolutions 0-15, such as 3,5,7")
    return found


def write_tables(tables_: dict[str, pd.DataFrame], folder: Path, *, prefix: str = "aggregate") -> list[Path]:
    """Write each table as ``PREFIX-NAME.csv`` in ``folder``, each file whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables_.items():
        target = folder / f"{prefix}-{name}.csv"
        replace_atomically(target, lambda tmp, table=table: table.to_csv(tmp, index=False, encoding="utf-8"))
        written.append(target)
    log.info("wrote %d aggregate table(s) to %s", len(written), folder)
    return written
