"""Exports: offline HTML without network references, CSV/GeoJSON/GPKG round trips, atomic writes."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest

from geomap.errors import ExportError
from geomap.mapping.build import build_map
from geomap.mapping.export import export_events, export_html


def test_offline_html_references_nothing_online(sample_store, tmp_path) -> None:
    contents = sample_store.read()
    path = export_html(build_map(contents.events), tmp_path / "map.html", offline=True)
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "L.map" in html or "L.Map" in html
    assert "data:image/png;base64" in html  # Leaflet's control images are inlined


def test_cdn_html_loads_leaflet_from_a_cdn(sample_store, tmp_path) -> None:
    html = export_html(build_map(sample_store.read_events()), tmp_path / "m.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/leaflet\.js"', html)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg"])
def test_event_exports_round_trip(sample_store, tmp_path, fmt) -> None:
    contents = sample_store.read()
    path = export_events(contents.events, tmp_path / f"events.{fmt}", fmt=fmt, sources=contents.sources,
                         evidence=contents.evidence)  # fmt: skip
    back = (
        pd.read_csv(path) if fmt == "csv" else gpd.read_file(path, layer="events" if fmt == "gpkg" else None)
    )
    assert sorted(back["event_id"]) == sorted(contents.events["event_id"])
    assert set(back["claim_status"]) == set(contents.events["claim_status"])
    if fmt == "csv":
        assert list(back.columns[:5]) == [
            "event_id",
            "event_date",
            "event_date_end",
            "time_precision",
            "event_type",
        ]
        assert "source_scale" in back.columns
    if fmt == "gpkg":
        assert len(gpd.read_file(path, layer="evidence")) == len(contents.evidence)


def test_unknown_format_lists_the_valid_ones(sample_store, tmp_path) -> None:
    with pytest.raises(ExportError, match="csv, geojson, gpkg"):
        export_events(sample_store.read_events(), tmp_path / "x.xlsx", fmt="xlsx")


def test_a_failed_export_leaves_no_partial_file(sample_store, tmp_path, monkeypatch) -> None:
    target = tmp_path / "events.csv"
    target.write_text("previous export\n", encoding="utf-8")

    def broken(self, path, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(ExportError, match="disk full"):
        export_events(sample_store.read_events(), target, fmt="csv")
    assert target.read_text(encoding="utf-8") == "previous export\n"
    # besides the store's lock file, no temporary export is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sample.gpkg.lock", "events.csv", "sample.gpkg"]


def test_geojson_export_follows_rfc7946(sample_store, tmp_path) -> None:
    import json

    events = sample_store.read_events()
    path = export_events(events, tmp_path / "events.geojson", fmt="geojson")
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in collection  # RFC 7946 dropped the member; coordinates are WGS84 lon, lat
    assert collection["name"] == "events"  # not the name of the temporary file
    first = events.iloc[0]
    (feature,) = [f for f in collection["features"] if f["properties"]["event_id"] == first["event_id"]]
    assert feature["geometry"]["coordinates"] == pytest.approx([first["longitude"], first["latitude"]])


def test_offline_export_of_any_folium_map_drops_unused_widget_assets(tmp_path) -> None:
    import folium

    m = folium.Map(location=[16.3, -3.0], zoom_start=6, tiles=None)
    folium.CircleMarker([16.27, -0.04], radius=6, popup="Gao").add_to(m)
    html = export_html(m, tmp_path / "plain.html", offline=True).read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "jquery" not in html.lower()
    assert "bootstrap" not in html.lower()
    assert "L.circleMarker" in html


def test_offline_export_names_an_asset_it_cannot_inline(tmp_path) -> None:
    import folium

    m = folium.Map(location=[16.3, -3.0], tiles=None)
    folium.Marker([16.27, -0.04], icon=folium.Icon(color="red")).add_to(m)  # needs awesome-markers
    target = tmp_path / "icons.html"
    with pytest.raises(ExportError, match="no local copy of https://"):
        export_html(m, target, offline=True)
    assert not target.exists()


def test_exports_are_readable_like_any_new_file(sample_store, tmp_path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        path = export_html(build_map(sample_store.read_events()), tmp_path / "map.html", offline=True)
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644  # not tempfile's 0600: researchers publish these pages
