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

from geomap.errors import GeomapError
from geomap.ingest import INPUT_SUFFIXES
from geomap.mapping import appmap
from geomap.model import GRADES, ClaimStatus, EventFilter, EventType

if TYPE_CHECKING:
    import geopandas as gpd

    from geomap.store import Store

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
CHOOSER_LIMIT = 2_000  # events listed in the event chooser; longer views are chosen from the map or table
CREDIBILITY_WORDS = {
    1: "1 confirmed",
    2: "2 probably true",
    3: "3 possibly true",
    4: "4 doubtful",
    5: "5 improbable",
    6: "6 cannot be judged",
}


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


@st.cache_resource(show_spinner="Opening the gazetteer…")
def resolver():
    """The offline resolver (gazetteer index), opened once per server, when first needed."""
    from geomap.geocode.resolve import default_resolver  # loaded when first needed, not to show the map

    return default_resolver()


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


# --- timeline ------------------------------------------------------------------------------------


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


def labels(events: pd.DataFrame) -> pd.Series:
    """ "date · type · place" for each event, by event_id."""
    place = events["location"].fillna(events["country"]).fillna("")
    text = events["event_date"].fillna("") + " · " + events["event_type"].fillna("") + " · " + place
    return pd.Series(text.str.rstrip(" ·").to_numpy(), index=events["event_id"].astype(str).to_numpy())


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


# --- detail panel and review ---------------------------------------------------------------------


def show_detail(view: gpd.GeoDataFrame, sources, evidence, rejected: list[str], store: Store) -> None:
    from geomap.mapping.annotate import event_annotation

    st.subheader("Sources behind an event")
    ids = view["event_id"].astype(str).tolist()
    extra = [e for e in st.session_state.get("here", []) if e in ids]
    if len(extra) > 1:
        st.caption(f"{len(extra)} events at the point clicked; choose one below.")
    if st.session_state.get("pick") not in ids:
        st.session_state["pick"] = None
    names = labels(view).to_dict()
    # a long view is chosen from through the map and the table; the list offers what was picked there
    offered = (
        ids
        if len(ids) <= CHOOSER_LIMIT
        else list(dict.fromkeys([*extra, st.session_state["pick"]] if st.session_state["pick"] else extra))
    )
    chosen = st.selectbox(
        "Event",
        [None, *offered],
        format_func=lambda e: "— click a marker or a table row —" if e is None else names[e],
        key="pick",
    )
    if chosen is None:
        return
    event = view[view["event_id"].astype(str) == chosen].iloc[0]
    own = evidence[evidence["event_id"] == chosen]
    cited = sources[sources["source_id"].isin(own["source_id"])]  # only this event's, not the whole store's
    by_id = {str(r["source_id"]): r for r in cited.to_dict("records")}
    left, right = st.columns([3, 2])
    with left:
        st.html(event_annotation(event.to_dict(), evidence=own.to_dict("records"), sources=by_id))
    with right:
        show_place(event)
    review(event, store, rejected=chosen in rejected)


def show_place(event: pd.Series) -> None:
    """The place with its precision and the geocoder's other candidates (as plain text)."""
    from geomap.mapping.annotate import GEO_PRECISION_WORDS

    precision = int(event["geo_precision"]) if pd.notna(event["geo_precision"]) else 1
    st.markdown("**Place**")
    lat, lon = event["latitude"], event["longitude"]
    where = f"{lat:.4f}, {lon:.4f}" if pd.notna(lat) else "no coordinates"
    place = _text(event["location"]) or "—"
    st.text(f"{place} ({where})\nlocation: {GEO_PRECISION_WORDS.get(precision, '')}")
    if isinstance(event["place_mention"], str) and event["place_mention"]:
        st.text(f"written as: {event['place_mention']}")
    candidates = place_candidates(_text(event["place_mention"]), _text(event["iso3"]))
    if candidates:
        st.caption("Other places the geocoder considered")
        st.dataframe(pd.DataFrame(candidates, columns=["place", "why not"]), hide_index=True, width="stretch")


@st.cache_data(max_entries=256)
def place_candidates(mention: str, iso3: str) -> list[tuple[str, str]]:
    if not mention:
        return []
    place = resolver().resolve(mention, country=iso3 or None)
    return list(place.candidates) if place is not None else []


@st.cache_data(max_entries=256)
def namesakes(mention: str) -> list[dict]:
    """Gazetteer entries named like the mention, to move an event to another one."""
    if not mention:
        return []
    found = resolver().gazetteer.lookup(mention)
    return [
        {"name": e.name, "lat": e.lat, "lon": e.lon, "country": e.country, "admin1": e.admin1,
         "geonameid": e.geonameid, "region": e.is_region}
        for e in found[:30]
    ]  # fmt: skip


def review(event: pd.Series, store: Store, *, rejected: bool) -> None:
    """Correct the event; every changed field is saved as a correction with who and when."""
    with st.expander("Review and correct this event"):
        if rejected:
            st.warning("Marked not-an-event: hidden from the map, the table and the exports.")
        if isinstance(event.get("reviewed"), str) and event["reviewed"]:
            st.caption("Corrected before:")
            st.text(event["reviewed"])
        types = [t.value for t in EventType]
        statuses = [c.value for c in ClaimStatus]
        mention = _text(event["place_mention"]) or _text(event["location"])
        options = namesakes(mention)
        clicked = st.session_state.get("clicked_point")
        places = ["keep"] + [f"gazetteer {i}" for i in range(len(options))]
        if clicked:
            places.append("clicked")
        places.append("coordinates")

        def place_words(key: str) -> str:
            if key == "keep":
                return f"keep: {_text(event['location']) or '—'}"
            if key == "clicked":
                return f"the point last clicked on the map ({clicked['lat']:.4f}, {clicked['lng']:.4f})"
            if key == "coordinates":
                return "these coordinates:"
            o = options[int(key.split()[1])]
            kind = "region" if o["region"] else "place"
            return f"{o['name']} ({kind}, {o['country']} {o['admin1']}, {o['lat']:.3f}, {o['lon']:.3f})"

        with st.form("review-form"):
            who = st.text_input("Your name (kept with the correction)", value=st.session_state.get("who", ""))
            event_type = st.selectbox(
                "Event type",
                types,
                index=types.index(event["event_type"]) if event["event_type"] in types else 0,
            )
            sub_type = st.text_input("Sub-event type", value=_text(event["sub_event_type"]))
            actor1 = st.text_input("Actor 1", value=_text(event["actor1"]))
            actor2 = st.text_input("Actor 2", value=_text(event["actor2"]))
            status = st.selectbox(
                "Claim status",
                statuses,
                index=statuses.index(event["claim_status"]) if event["claim_status"] in statuses else 0,
            )
            cred = int(event["credibility"]) if pd.notna(event["credibility"]) else 6
            credibility = st.selectbox(
                "Credibility", list(CREDIBILITY_WORDS), index=cred - 1, format_func=CREDIBILITY_WORDS.get
            )
            place = st.radio("Place", places, format_func=place_words)
            c1, c2, c3 = st.columns(3)
            lat = c1.number_input("Latitude", -90.0, 90.0, _number(event["latitude"]), format="%.5f")
            lon = c2.number_input("Longitude", -180.0, 180.0, _number(event["longitude"]), format="%.5f")
            name = c3.text_input("Place name", value=_text(event["location"]))
            not_event = st.checkbox("Not an event (hide it everywhere)", value=rejected)
            note = st.text_input("Why (optional)")
            saved = st.form_submit_button("Save corrections")
        if not saved:
            return
        st.session_state["who"] = who
        changes: list[tuple[str, object]] = []
        for field, new, old in [
            ("event_type", event_type, event["event_type"]),
            ("sub_event_type", sub_type, _text(event["sub_event_type"])),
            ("actor1", actor1, _text(event["actor1"])),
            ("actor2", actor2, _text(event["actor2"])),
            ("claim_status", status, event["claim_status"]),
            ("credibility", credibility, cred),
        ]:
            if new != old:
                changes.append((field, new))
        new_place = chosen_place(place, options, clicked, lat, lon, name)
        if new_place is not None:
            changes.append(("place", json.dumps(new_place)))
        if not_event != rejected:
            changes.append(("not_an_event", not_event))
        if not changes:
            st.info("Nothing changed.")
            return
        from geomap.corrections import correct_fields

        try:  # one write for every changed field; a bad value stores none
            correct_fields(store, str(event["event_id"]), changes, who=who, note=note)
        except GeomapError as err:
            st.error("The correction was not saved:")
            st.text(str(err))
            return
        st.session_state["saved"] = [f for f, _ in changes]
        st.rerun()


def _text(value: object) -> str:
    """A table value as text for a widget ("" when missing)."""
    return value if isinstance(value, str) else ""


def _number(value: object) -> float:
    """A coordinate for a widget (0 when missing)."""
    return float(value) if pd.notna(value) else 0.0


def chosen_place(key: str, options: list[dict], clicked, lat: float, lon: float, name: str) -> dict | None:
    if key == "keep":
        return None
    if key == "clicked":
        return {"location": name or f"{clicked['lat']:.4f}, {clicked['lng']:.4f}",
                "latitude": clicked["lat"], "longitude": clicked["lng"], "geo_precision": 1}  # fmt: skip
    if key == "coordinates":
        return {
            "location": name or f"{lat:.4f}, {lon:.4f}",
            "latitude": lat,
            "longitude": lon,
            "geo_precision": 1,
        }
    o = options[int(key.split()[1])]
    return {"location": o["name"], "latitude": o["lat"], "longitude": o["lon"], "geonameid": o["geonameid"],
            "geo_precision": 3 if o["region"] else 1}  # fmt: skip


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
