"""build_map: the event table → a layered folium map whose every event carries its sourcing."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import xyzservices

from geomap.errors import InputError
from geomap.gazetteer.boundaries import country_boundaries
from geomap.gazetteer.index import Gazetteer
from geomap.gazetteer.regions import region_of
from geomap.mapping.annotate import escape_series, escape_text
from geomap.mapping.basemap import Extent, context_payload, regions_within
from geomap.mapping.large import LARGE_ABOVE, add_large_events
from geomap.mapping.layers import Attribution, EventMap, MapControl
from geomap.mapping.payload import event_payload, page_words
from geomap.mapping.style import TYPE_COLOURS, legend_html
from geomap.model import EventType

log = logging.getLogger(__name__)

LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")
ATTRIBUTION = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0; cities1000, ML, BF, NE) · '
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> · geomap'
)
MAX_ZOOM = 18
_TYPE_ORDER = [t.value for t in EventType]


CLUSTER_ABOVE = 500  # events; fewer are drawn one by one
CANVAS_ABOVE = 5_000  # events; more are drawn on a canvas instead of as SVG paths


LAYERS = ("events", "countries", "density")


def build_map(
    events: gpd.GeoDataFrame,
    *,
    evidence: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    layers: Sequence[str] = LAYERS,
    time: bool = True,
    base: str = "offline",
    title: str | None = None,
    cluster: bool | None = None,
    select_on_click: bool = False,
    gazetteer: Gazetteer | None = None,
    large: bool | None = None,
) -> folium.Map:
    """A layered folium map of ``events``; it also displays in a notebook.

    Parameters
    ----------
    events
        An event table (DESIGN.md §3); rows without coordinates are left out.
    evidence, sources
        The store's evidence and sources tables, for the per-source annotation.
    layers
        Which layers to offer: ``"events"`` (one toggleable layer per event type),
        ``"countries"`` (events per country, off at first) and ``"density"``
        (events per grid cell, off at first).
    time
        Add the in-map filter box: time range, claim status, corroboration, actor types.
    base
        ``"offline"``: shipped with geomap, no network needed: Natural Earth
        countries, first-level regions, rivers and lakes, and town labels that
        appear with the zoom; or a web tile layer by name (``"OpenStreetMap"``,
        any xyzservices provider such as ``"OpenTopoMap"``), with its attribution.
    title
        Shown at the top of the legend.
    cluster
        Cluster the points in the browser; by default when there are more than
        ``CLUSTER_ABOVE`` events.
    select_on_click
        A click on an event also tells the map where the event is (a map
        ``click`` at the event's own coordinates), which is how the app learns
        which event was chosen through its map component (``static/appmap/``).
    gazetteer
        Where the town labels of the offline base map come from (default: the
        embedded gazetteer).
    large
        Draw the events by the large-map path (:mod:`geomap.mapping.large`: typed
        arrays, text unpacked on demand, supercluster on a canvas); by default
        when there are more than ``LARGE_ABOVE`` events.  ``cluster`` does not
        apply to it: it always clusters.  Its events are in date order
        (``m.geomap_event_ids`` lists them in the order the map holds them).
    """
    unknown = set(layers) - set(LAYERS)
    if unknown:
        raise InputError(f"unknown map layers {sorted(unknown)}; choose among {', '.join(LAYERS)}")
    placed = events[events["latitude"].notna() & events["longitude"].notna()]
    if len(placed) < len(events):
        log.info("%d events without coordinates are not drawn", len(events) - len(placed))
    if placed["event_id"].duplicated().any():
        log.warning("events with the same event_id are drawn once (the last of them)")
        placed = placed.drop_duplicates("event_id", keep="last")
    large = len(placed) > LARGE_ABOVE if large is None else large
    if large:  # in date order: dates and days then pack several times smaller
        placed = placed.iloc[np.argsort(placed["event_date"].astype(str).to_numpy(), kind="stable")]
    m = folium.Map(location=_centre(placed), zoom_start=5, tiles=None, max_zoom=MAX_ZOOM, control_scale=True)
    m.geomap_event_ids = placed["event_id"].astype(str).tolist()  # the events drawn, in payload order
    m.options["max_zoom"] = MAX_ZOOM  # without tiles, Leaflet has no zoom limit and plugins fail
    m.default_js = [LEAFLET_JS]  # the map uses Leaflet alone: no jQuery, Bootstrap or icon fonts
    m.default_css = [LEAFLET_CSS]
    offline = base in ("offline", "", None)
    _add_base(m, placed, base)
    regions = regions_within(_extent(placed).padded(2.0)) if not placed.empty else None
    if regions is not None and "countries" in layers:
        _add_country_counts(m, placed)
        _add_region_counts(m, placed, regions)
    if not placed.empty and "density" in layers:
        _add_density(m, placed)
    types = sorted(
        placed["event_type"].unique(), key=lambda t: (_TYPE_ORDER.index(t) if t in _TYPE_ORDER else 99, t)
    )
    if "events" in layers:
        context = None
        if regions is not None:
            labels = gazetteer if gazetteer is not None else (Gazetteer.embedded() if offline else None)
            context = context_payload(_extent(placed), offline=offline, gazetteer=labels, regions=regions)
        _add_events(
            m,
            placed,
            types,
            evidence=evidence,
            sources=sources,
            cluster=cluster,
            time=time,
            select=select_on_click,
            regions=regions,
            context=context,
            large=large,
        )
    # collapsed, and in the legend's corner above it: open, it pushes the legend down instead of covering it
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    m.add_child(MapControl(legend_html(types=types, title=title), position="topright"))
    m.add_child(Attribution(ATTRIBUTION))
    if not placed.empty:
        m.fit_bounds(_bounds(placed), padding=(20, 20))
    return m


def _add_base(m: folium.Map, placed: pd.DataFrame, base: str) -> None:
    if base in ("offline", "", None):
        if not placed.empty:
            _add_countries(m, placed)
        return
    try:
        provider = xyzservices.providers.query_name(base)
    except ValueError:
        provider = None
    if provider is not None:
        folium.TileLayer(provider, name=provider.name, max_zoom=MAX_ZOOM).add_to(m)
    else:
        folium.TileLayer(base, max_zoom=MAX_ZOOM).add_to(m)  # folium's own names, e.g. "OpenStreetMap"


def _add_events(
    m,
    placed,
    types,
    *,
    evidence,
    sources,
    cluster,
    time,
    select=False,
    regions=None,
    context=None,
    large=False,
) -> None:
    counts = placed["event_type"].value_counts()
    # Leaflet's layer control sets names as innerHTML; types are validated, but any table may come here
    groups = [folium.FeatureGroup(name=f"{escape_text(t)} ({counts[t]})", show=True).add_to(m) for t in types]
    where = _event_regions(placed, regions)
    if large:
        add_large_events(
            m, placed, types, groups, evidence=evidence, sources=sources, time=time, select=select,
            regions=where, context=context, words=page_words(),
        )  # fmt: skip
        return
    data = event_payload(placed, groups=types, evidence=evidence, sources=sources, regions=where)
    many = len(placed) > CLUSTER_ABOVE if cluster is None else cluster
    m.add_child(
        EventMap(
            data,
            page_words(),
            groups,
            colours=[TYPE_COLOURS.get(t, "#666666") for t in types],
            cluster=many,
            canvas=len(placed) > CANVAS_ABOVE,
            filter_control=time,
            select_on_click=select,
            context=context,
        )
    )


def _event_regions(placed: pd.DataFrame, regions: gpd.GeoDataFrame | None) -> list[int]:
    """For events known only to their region, the region holding their point; -1 for the others."""
    found = np.full(len(placed), -1, dtype=np.int64)
    regional = (pd.to_numeric(placed["geo_precision"], errors="coerce") == 3).to_numpy()
    if regions is not None and regional.any():
        found[regional] = region_of(
            placed["latitude"].to_numpy(dtype=float)[regional],
            placed["longitude"].to_numpy(dtype=float)[regional],
            regions,
            iso3=placed["iso3"].astype(str).to_numpy()[regional],
        )
    return found.tolist()


def _extent(placed: pd.DataFrame) -> Extent:
    (south, west), (north, east) = _bounds(placed)
    return Extent(south, west, north, east)


def _centre(placed: pd.DataFrame) -> list[float]:
    if placed.empty:
        return [17.0, -2.0]  # the Sahel, for an empty map
    return [float(placed["latitude"].mean()), float(placed["longitude"].mean())]


def _bounds(placed: pd.DataFrame) -> list[list[float]]:
    return [
        [float(placed["latitude"].min()), float(placed["longitude"].min())],
        [float(placed["latitude"].max()), float(placed["longitude"].max())],
    ]


def _add_countries(m: folium.Map, placed: pd.DataFrame, *, pad: float = 8.0) -> None:
    """Country outlines around the events, simplified so the page stays small."""
    (south, west), (north, east) = _bounds(placed)
    countries = country_boundaries().cx[west - pad : east + pad, south - pad : north + pad]
    if countries.empty:
        return
    outlines = countries[["name", "geometry"]].copy()
    outlines["geometry"] = outlines.geometry.simplify(0.03, preserve_topology=True)
    folium.GeoJson(
        outlines.__geo_interface__,
        name="Countries",
        control=False,
        style_function=lambda _: {"color": "#888", "weight": 1, "fillColor": "#f4f1ea", "fillOpacity": 1},
        interactive=False,
    ).add_to(m)


COUNT_COLOURS = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]


def _add_country_counts(m: folium.Map, placed: pd.DataFrame) -> None:
    """A choropleth of events per country, off by default (admin-1 needs boundaries geomap does not ship)."""
    counts = placed["iso3"].dropna().value_counts()
    countries = country_boundaries()
    shown = countries[countries["iso3"].isin(counts.index)][["iso3", "name", "geometry"]].copy()
    if shown.empty:
        return
    shown["events"] = shown["iso3"].map(counts).astype(int)
    shown["name"] = escape_series(shown["name"])  # folium's GeoJsonTooltip sets innerHTML from it
    shown["geometry"] = shown.geometry.simplify(0.03, preserve_topology=True)
    top = max(int(shown["events"].max()), 1)

    def colour(feature: dict) -> dict:
        share = feature["properties"]["events"] / top
        step = min(int(share * len(COUNT_COLOURS)), len(COUNT_COLOURS) - 1)
        return {"color": "#555", "weight": 1, "fillColor": COUNT_COLOURS[step], "fillOpacity": 0.6}

    folium.GeoJson(
        shown.__geo_interface__,
        name=f"Events per country (max {top})",
        show=False,
        style_function=colour,
        tooltip=folium.GeoJsonTooltip(fields=["name", "events"], aliases=["Country", "Events"]),
    ).add_to(m)


def _add_density(m: folium.Map, placed: pd.DataFrame) -> None:
    """Events per grid cell: a heat map needing no plugin, off at first; the cell size follows the extent."""
    (south, west), (north, east) = _bounds(placed)
    cell = max(0.05, round(max(north - south, east - west) / 60, 2))
    rows = (placed["latitude"] // cell).astype(int)
    cols = (placed["longitude"] // cell).astype(int)
    counts = pd.DataFrame({"r": rows, "c": cols}).value_counts()
    top = int(counts.max())
    features = []
    for (r, c), n in counts.items():
        lat0, lon0 = r * cell, c * cell
        ring = [
            [lon0, lat0],
            [lon0 + cell, lat0],
            [lon0 + cell, lat0 + cell],
            [lon0, lat0 + cell],
            [lon0, lat0],
        ]
        step = min(int((np.log1p(n) / np.log1p(top)) * len(COUNT_COLOURS)), len(COUNT_COLOURS) - 1)
        features.append({"type": "Feature", "properties": {"events": int(n), "colour": COUNT_COLOURS[step]},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})  # fmt: skip
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"Density (events per {cell:g}° cell)",
        show=False,
        style_function=lambda f: {
            "stroke": False,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.7,
        },
        tooltip=folium.GeoJsonTooltip(fields=["events"], aliases=["Events"]),
    ).add_to(m)


def _add_region_counts(m: folium.Map, placed: pd.DataFrame, regions: gpd.GeoDataFrame) -> None:
    """Events per first-level region (shipped Natural Earth regions, or imported ones), off at first."""
    if regions.empty:
        return
    where = region_of(
        placed["latitude"].to_numpy(dtype=float),
        placed["longitude"].to_numpy(dtype=float),
        regions,
        iso3=placed["iso3"].astype(str).to_numpy(),
    )
    counts = pd.Series(where[where >= 0]).value_counts()
    if counts.empty:
        return
    shown = regions.iloc[counts.index.to_numpy()][["name", "iso3", "geometry"]].copy()  # names escaped
    shown["events"] = counts.to_numpy().astype(int)
    shown["geometry"] = shown.geometry.simplify(0.02, preserve_topology=True)
    top = int(shown["events"].max())

    def colour(feature: dict) -> dict:
        step = min(int(feature["properties"]["events"] / top * len(COUNT_COLOURS)), len(COUNT_COLOURS) - 1)
        return {"color": "#555", "weight": 1, "fillColor": COUNT_COLOURS[step], "fillOpacity": 0.6}

    folium.GeoJson(
        shown.__geo_interface__,
        name=f"Events per region (max {top})",
        show=False,
        style_function=colour,
        tooltip=folium.GeoJsonTooltip(fields=["name", "events"], aliases=["Region", "Events"]),
    ).add_to(m)


def large_map(events: gpd.GeoDataFrame, **options) -> folium.Map:
    """:func:`build_map` by the large-map path whatever the number of events (the app's entry point).

    ``options`` are those of :func:`build_map` (``evidence``, ``sources``, ``layers``, ``time``, ``base``,
    ``title``, ``select_on_click``, ``gazetteer``).
    """
    return build_map(events, large=True, **options)
