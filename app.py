"""geomap's Streamlit app: explore, filter, read the sources, add documents, correct, export.

Run it with `geomap serve` (or `make run`); it reads the store named by $GEOMAP_STORE.
Everything it shows comes from geomap's public API; every piece of source text is
escaped by geomap.mapping.annotate before it reaches HTML, and anything else from a
source (file names, error messages, place candidates) is shown as plain text.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from geomap.app.detail import resolver, show_detail
from geomap.app.timeline import brushed_period, in_period, show_timeline
from geomap.errors import GeomapError
from geomap.ingest import INPUT_SUFFIXES
from geomap.mapping import appmap
from geomap.model import GRADES, ClaimStatus, EventFilter

if TYPE_CHECKING:
    import geopandas as gpd


# A browser's first page of a store whose map is kept on disk (geomap.mapping.appmap) reads neither
# the store nor geopandas or folium: they load inside the functions that need them,
# after the first map is on the screen.

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
    "credibility",
    "geo_precision",
    "source",
    "event_id",
]


# --- data ---------------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Reading the store…", max_entries=2)
def load_store(path: str, modified: float) -> dict:
    """The store's tables (corrections applied) and the ids of events marked not-an-event.

    ``modified`` (the file's mtime) makes an import or a correction show up.
    Cached as a resource, not copied for each run: the tables are only read.
    """
    from geomap.corrections import rejected_ids
    from geomap.store import Store

    every = Store(path).read(rejected=True)
    return {
        "events": every.events,
        "sources": every.sources,
        "evidence": every.evidence,
        "rejected": sorted(rejected_ids(every.corrections, every.events, every.evidence)),
    }


@st.cache_resource(max_entries=2)
def quotes_of(path: str, modified: float, _evidence: pd.DataFrame) -> pd.Series:
    """Each event's evidence sentences joined, for the text search; made the first time a search is typed."""
    if _evidence.empty:
        return pd.Series(dtype="object")
    return _evidence.dropna(subset=["sentence"]).groupby("event_id")["sentence"].agg(" ".join)


# --- sidebar: filters, documents, exports --------------------------------------------------------


def _bounds(options: dict) -> tuple[dt.date, dt.date] | None:
    dates = options["dates"]
    return (dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[1])) if dates else None


def sidebar_filter(options: dict) -> EventFilter:
    """The sidebar's widgets, offering ``options`` (:func:`appmap.sidebar_options`), as an EventFilter."""
    st.sidebar.header("Filters")
    bounds = _bounds(options)
    date_from = date_to = None
    if bounds is not None:
        picked = st.sidebar.date_input("Dates", value=bounds, min_value=bounds[0], max_value=bounds[1])
        if isinstance(picked, tuple | list) and len(picked) == 2:
            date_from, date_to = picked
    types = st.sidebar.multiselect("Event types", options["types"])
    actors = st.sidebar.multiselect("Actors", options["actors"])
    statuses = st.sidebar.multiselect("Claim status", [c.value for c in ClaimStatus])
    countries = st.sidebar.multiselect("Countries", options["countries"])
    regions = st.sidebar.multiselect("Regions (admin-1)", options["regions"])
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


def upload_folder(store_path: Path) -> Path:
    """Where uploaded documents are kept, beside the store (the sources cite them)."""
    return store_path.parent / f"{store_path.stem}-uploads"


def safe_name(name: str, data: bytes) -> str:
    """A file name for an upload: no folders, no odd characters, a content hash against collisions."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.ASCII).strip("._")[:80] or "upload"
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()[:8]
    return f"{stem}-{digest}{suffix}"


def add_documents(store_path: Path, *, exists: bool) -> None:
    """Upload articles or tables; the pipeline runs with a progress bar; errors are shown per file."""
    with st.sidebar.expander("Add documents", expanded=not exists):
        files = st.file_uploader(
            "Articles (.txt .md .html .json) or tables (.csv .geojson .gpkg)",
            type=[s.lstrip(".") for s in INPUT_SUFFIXES],
            accept_multiple_files=True,
            key="uploads",
        )
        if st.button("Import", disabled=not files, key="import"):
            uploads = [(f.name, f.getvalue()) for f in files]
            st.session_state["import_report"] = run_import(store_path, uploads)
            st.rerun()
        report = st.session_state.get("import_report")
        if report:
            show_import_report(report)


def run_import(store_path: Path, uploads: list[tuple[str, bytes]]) -> dict:
    """Save the uploads beside the store and import them; returns what to show (plain data)."""
    from geomap.store import Store

    store = Store(store_path)
    folder = upload_folder(store_path)
    folder.mkdir(parents=True, exist_ok=True)
    paths, names = [], {}
    for name, data in uploads:
        path = folder / safe_name(name, data)
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        paths.append(path)
        names[str(path)] = name
    from geomap.pipeline import import_files  # the extractors load for an import only

    bar = st.progress(0.0, text="Importing…")

    def progress(done: int, total: int, current: str) -> None:
        bar.progress(
            done / max(total, 1), text=f"{done} of {total}: {names.get(current, Path(current).name)}"
        )

    try:
        report = import_files(paths, store=store, resolver=resolver(), progress=progress)
    except GeomapError as err:
        return {"files": len(paths), "events": 0, "errors": [str(err)], "problems": [], "summary": ""}
    finally:
        bar.empty()
    summary = report.summary
    return {
        "files": len(paths),
        "events": report.events_read,
        "errors": [_plain_names(e, names) for e in report.file_errors],
        "problems": [_plain_names(str(p), names) for p in report.problems[:50]],
        "more_problems": max(len(report.problems) - 50, 0),
        "summary": (
            f"{summary.events_added} new, {summary.events_updated} updated" if summary is not None else ""
        )
        + (f"; store: {report.merging}" if report.merging is not None else ""),
    }


def _plain_names(message: str, names: dict[str, str]) -> str:
    for path, name in names.items():
        message = message.replace(path, name)
    return message


def show_import_report(report: dict) -> None:
    """The last import: counts, then each file's error as plain text (never markdown or HTML)."""
    st.write(f"Imported {report['events']} events from {report['files']} file(s); {report['summary']}")
    if report["errors"]:
        st.error(f"{len(report['errors'])} file(s) could not be read; the others were imported.")
        for error in report["errors"]:
            st.text(error)
    if report["problems"]:
        st.warning(f"{len(report['problems']) + report.get('more_problems', 0)} row(s) rejected:")
        st.text("\n".join(report["problems"]))


def downloads(events: gpd.GeoDataFrame, sources: pd.DataFrame, evidence: pd.DataFrame) -> None:
    """Export buttons for the current view; each file is made only when its button is pressed."""
    st.sidebar.header("Export the current view")

    def made(kind: str, name: str):
        def make() -> bytes:
            from geomap.mapping.build import build_map
            from geomap.mapping.export import export_events, export_html

            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / name
                if kind == "html":
                    m = build_map(events, evidence=evidence, sources=sources)
                    path = export_html(m, target, offline=True)
                else:
                    path = export_events(events, target, fmt=kind, sources=sources, evidence=evidence)
                return path.read_bytes()

        return make

    files = [
        ("HTML map (offline)", "html", "geomap-map.html", "text/html"),
        ("CSV (ACLED columns)", "csv", "geomap-events.csv", "text/csv"),
        ("GeoJSON", "geojson", "geomap-events.geojson", "application/geo+json"),
        ("GeoPackage", "gpkg", "geomap-events.gpkg", "application/geopackage+sqlite3"),
    ]
    for label, kind, name, mime in files:
        st.sidebar.download_button(
            label, made(kind, name), file_name=name, mime=mime, key=f"dl-{kind}", on_click="ignore"
        )


# --- map, table, selection -----------------------------------------------------------------------


@st.cache_resource(max_entries=2, show_spinner="Drawing the map…")
def app_map(path: str, version: str, _events: gpd.GeoDataFrame, _sources, _evidence) -> dict:
    """The app's map of the store version ``version`` (JSON of :func:`appmap.store_version`).

    Read from the file kept beside the store (``geomap import`` makes it), or
    built and rendered once and written there for the next launch
    (:mod:`geomap.mapping.appmap`).  The filters do not rebuild it: each run
    tells the map drawn in the page which events to show.
    """
    record = appmap.read_cached(path)
    if record is not None and record["version"] == json.loads(version):
        return record
    record = appmap.make_record(json.loads(version), _events, sources=_sources, evidence=_evidence)
    appmap.write_cached(path, record)
    return record


MAP_HEIGHT = 520  # pixels


@functools.cache
def map_component():
    """The app's map component: our static page (geomap/mapping/static/appmap) showing the recorded map."""
    import streamlit.components.v1 as components

    return components.declare_component("geomap_map", path=str(appmap.FRONTEND))


def show_map(record: dict, view: pd.DataFrame | None) -> dict | None:
    """The map of the store with the events of ``view`` shown (None: all); returns the point last clicked.

    Only clicks come back: panning and zooming do not rerun the script.  The
    component also answers once when it has drawn the events: the signal that
    the rest of the page may follow (:func:`map_drawn`).
    """
    positions = None  # every event drawn is in the view
    if view is not None and len(view) < record["shown"]:
        wanted = set(view["event_id"].astype(str))
        positions = [i for i, event_id in enumerate(record["event_ids"]) if event_id in wanted]

    def answered() -> None:  # the map has answered: it is drawn (see map_drawn)
        st.session_state["map"] = st.session_state.get("geomap_map") or {}

    state = map_component()(
        html=record["html"],
        version=json.dumps(record["version"], sort_keys=True),
        height=MAP_HEIGHT,
        only=positions,
        key="geomap_map",
        default=None,
        on_change=answered,
    )
    return clicked_point(state)


def clicked_point(state: object) -> dict | None:
    """The point of the map's answer, checked: ``{"lat", "lng"}`` as numbers, else None."""
    point = state.get("last_clicked") if isinstance(state, dict) else None
    if not isinstance(point, dict):
        return None
    lat, lng = point.get("lat"), point.get("lng")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng))
    return {"lat": float(lat), "lng": float(lng)} if numbers else None


def map_drawn() -> bool:
    """Whether the page may show what comes after the map: the map has been drawn in this session.

    A browser's first page shows the title, the caption and the map only; the map, once drawn,
    reports it (:func:`show_map`), which reruns the page with the filters, the timeline, the table,
    the overview and the detail panel.  They would otherwise compete with the map for the browser's one
    main thread while it draws.  A session with no browser (Streamlit's AppTest: no request headers,
    no component ever answers) shows everything at once.
    """
    return "map" in st.session_state or not st.context.headers


def events_at(events: pd.DataFrame, point: dict, *, tolerance: float = 1e-5) -> list[str]:
    """The ids of the events drawn at a clicked point (markers send their own coordinates)."""
    lat, lng = float(point["lat"]), float(point["lng"])
    near = (events["latitude"] - lat).abs().le(tolerance) & (events["longitude"] - lng).abs().le(tolerance)
    return events.loc[near, "event_id"].astype(str).tolist()


def show_table(view: gpd.GeoDataFrame) -> str | None:
    """The events of the view; returns the id of the selected row (or None)."""
    table = pd.DataFrame(view[TABLE_COLUMNS]).reset_index(drop=True)
    choice = st.dataframe(
        table,
        width="stretch",
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="table",
        height=300,
    )
    rows = choice.selection.rows if choice is not None else []
    return str(table.iloc[rows[0]]["event_id"]) if rows else None


def show_overview(chosen: pd.DataFrame, period: tuple[dt.date, dt.date] | None) -> None:
    """Events and fatalities per region in a week against the 4 weeks before (ACLED's weekly overview).

    The week is the last one of the brushed period, or the last week with an event; the sidebar's
    filters apply (``chosen``), and the four weeks before count even when the brush leaves them out.
    """
    from geomap.overview import weekly_overview

    week, table = weekly_overview(chosen, week=period[1] if period is not None else None)
    if week is None or table.empty:
        return
    st.markdown(
        f"**Week of {week}: events and fatalities per region**, against the weekly mean of the 4 before"
    )
    change = {"format": "%+.1f"}
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(320, 36 * (len(table) + 1)),
        key="overview",
        column_config={
            "admin1": st.column_config.TextColumn("region"),
            "events_before": st.column_config.NumberColumn("events / week before", format="%.2f"),
            "events_change": st.column_config.NumberColumn("events change", **change),
            "fatalities_before": st.column_config.NumberColumn("fatalities / week before", format="%.1f"),
            "fatalities_change": st.column_config.NumberColumn("fatalities change", **change),
        },
    )


def remember_selection(
    clicked: dict | None, row: str | None, view: pd.DataFrame | None, *, found: Callable | None = None
) -> None:
    """A new click on a marker or a newly selected row selects that event (the latest wins).

    ``found(clicked)`` lists the events at the click (default: :func:`events_at` in ``view``).
    """
    state = st.session_state
    if clicked is not None and clicked != state.get("_clicked"):
        state["_clicked"] = clicked
        state["clicked_point"] = clicked
        here = found(clicked) if found is not None else events_at(view, clicked)
        if here:
            state["pick"] = here[0]
            state["here"] = here
    if row != state.get("_row"):
        state["_row"] = row
        if row is not None:
            state["pick"] = row
            state["here"] = []


# --- the large path: a parquet store read lazily, drawn by the large map ---------------------------


def large_store(store_path: Path) -> bool:
    """Whether the store is drawn on the large path (:func:`geomap.app.largemap.wanted`)."""
    if not store_path.is_dir():
        return False  # a GeoPackage (or no store yet): the pages below, which load nothing more
    from geomap.app.largemap import wanted_for

    return wanted_for(store_path)


def large_page(store_path: Path) -> None:
    """The page of a large store (geomap.app): every query runs in DuckDB, the map draws what they keep."""
    from geomap.app import largemap
    from geomap.app.sql import is_everything, within

    folder, record, lazy, options, total = largemap.opened(store_path)
    add_documents(store_path, exists=True)
    saved = st.session_state.pop("saved", None)
    if saved:
        st.success(f"Saved corrections: {', '.join(saved)}")
    flt = sidebar_filter(options)
    st.sidebar.caption("Exports of a large store: `geomap export` (the whole store).")
    timeline = st.container()
    period = brushed_period(st.session_state.get("timeline"))
    view = within(flt, period)
    when = f" in {period[0]} – {period[1]}" if period is not None else ""
    shown = lazy.count(view)
    st.caption(f"{shown} of {total} events{when}")
    positions = None if is_everything(view) else lazy.map_positions(view)
    click = largemap.show_large_map(folder, record, positions)
    with timeline:
        show_timeline(None, counts=lazy.weekly(flt))
    row = show_table(largemap.table_page(lazy, view, shown, columns=TABLE_COLUMNS))
    show_overview(lazy.overview_rows(flt, period[1] if period is not None else None), period)
    remember_selection(click, row, None, found=lambda c: largemap.events_clicked(lazy, c, record, view))
    offered = [e for e in [st.session_state.get("pick"), *st.session_state.get("here", [])] if e]
    if lazy.rejected and st.sidebar.checkbox(f"Review the {len(lazy.rejected)} event(s) marked not-an-event"):
        offered += lazy.rejected
    if not offered:  # nothing is read for the detail panel until an event is chosen
        st.subheader("Sources behind an event")
        st.caption("Click an event on the map, or a row of the table, for its sources.")
        return
    events, evidence, sources = lazy.events(list(dict.fromkeys(offered)))
    show_detail(events, sources, evidence, lazy.rejected, lazy.store)


# --- the page ------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="geomap", layout="wide")
    st.title("geomap")
    store_path = Path(os.environ.get("GEOMAP_STORE", "geomap.gpkg"))
    if large_store(store_path):  # a big parquet store: geomap.app, read lazily
        large_page(store_path)
        return
    record = None if map_drawn() else appmap.read_cached(store_path)
    if record is not None:
        first_page(record["shown"], lambda: record)
    else:
        whole_page(store_path)


def first_page(shown: int, record: Callable[[], dict]) -> None:
    """A browser's first page: the count of the ``shown`` events, then the map ``record()`` gives.

    The filters, the timeline, the table and the sources follow once the map
    is drawn (:func:`map_drawn`): drawn before it, they held the map back by
    about as long as an empty Streamlit page takes to launch.
    """
    st.container()  # where the timeline goes once the map is drawn (see whole_page)
    st.caption(f"{shown} of {shown} events")
    show_map(record(), None)
    st.caption("The filters, the timeline, the table and the sources follow once the map is drawn.")


def whole_page(store_path: Path) -> None:
    """The page read from the store: the filters, the map, the timeline, the table and the sources.

    Before the map is drawn in the session, the map alone (:func:`first_page`), made and kept first
    when the store changed since it was last made.
    """
    from geomap.filters import filter_events
    from geomap.store import Store

    store = Store(store_path)
    if not store.exists():
        add_documents(store_path, exists=False)
        st.info(
            f"No store at {store_path}. Add documents in the sidebar, or import events first: "
            "`geomap import data/sample/events.csv` (or run `make run`)."
        )
        return
    version = appmap.store_version(store.path)  # before the read: a write meanwhile makes the map again
    modified = store.path.stat().st_mtime
    loaded = load_store(str(store.path), modified)
    every, sources, evidence, rejected = (loaded[k] for k in ("events", "sources", "evidence", "rejected"))
    shown = every[~every["event_id"].isin(rejected)]
    if shown.empty and not rejected:
        add_documents(store_path, exists=True)
        st.info(f"The store {store_path} holds no events yet. Import some with `geomap import FILE`.")
        return
    key = json.dumps(version, sort_keys=True)
    if not map_drawn():  # the count first, the map once made (and kept), the rest once it is drawn
        first_page(len(shown), lambda: app_map(str(store.path), key, shown, sources, evidence))
        return
    record = app_map(str(store.path), key, shown, sources, evidence)
    add_documents(store_path, exists=True)
    saved = st.session_state.pop("saved", None)
    if saved:
        st.success(f"Saved corrections: {', '.join(saved)}")
    flt = sidebar_filter(record["sidebar"])
    quotes = quotes_of(str(store.path), modified, evidence) if flt.text.strip() else None
    chosen = filter_events(shown, flt, quotes=quotes)
    # the map is sent first and the timeline above it after: the brush's period is known from the
    # timeline's state of the previous run, before the chart is drawn again
    timeline = st.container()
    period = brushed_period(st.session_state.get("timeline"))
    view = in_period(chosen, period) if period is not None else chosen
    when = f" in {period[0]} – {period[1]}" if period is not None else ""
    st.caption(f"{len(view)} of {len(shown)} events{when}")
    clicked = show_map(record, view)
    with timeline:
        show_timeline(chosen)
    row = show_table(view)
    show_overview(chosen, period)
    remember_selection(clicked, row, view)
    if rejected and st.sidebar.checkbox(f"Review the {len(rejected)} event(s) marked not-an-event"):
        view = pd.concat([view, every[every["event_id"].isin(rejected)]])
    show_detail(view, sources, evidence, rejected, store)
    downloads(view[~view["event_id"].isin(rejected)], sources, evidence)


if __name__ == "__main__":  # streamlit runs the script as __main__; tests may import its helpers
    main()
