"""build_map: layers per event type, legend, areas for region-level events, a safe payload."""

from __future__ import annotations

import json
import re

import folium

from geomap.mapping.build import build_map
from geomap.mapping.layers import script_json
from geomap.mapping.style import area_radius, event_style, marker_radius
from tests.conftest import HOSTILE


def _payloads(html: str) -> list[list]:
    return [json.loads(m) for m in re.findall(r"var records = (\[.*?\]);\n", html)]


def test_one_layer_per_event_type_with_counts(sample_store) -> None:
    contents = sample_store.read()
    m = build_map(contents.events, evidence=contents.evidence, sources=contents.sources)
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    counts = contents.events["event_type"].value_counts()
    for event_type, count in counts.items():
        assert f"{event_type} ({count})" in html
    records = _payloads(html)
    assert sum(len(r) for r in records) == len(contents.events)
    assert "L.control.layers" in html
    assert "GeoNames" in html
    assert "Natural Earth" in html
    assert "jquery" not in html.lower()  # the map needs Leaflet alone


def test_events_without_coordinates_are_left_out(sample_store) -> None:
    events = sample_store.read_events()
    events.loc[events.index[:3], ["latitude", "longitude"]] = None
    records = _payloads(build_map(events).get_root().render())
    assert sum(len(r) for r in records) == len(events) - 3


def test_region_and_country_events_are_areas(sample_store) -> None:
    events = sample_store.read_events()
    records = [r for group in _payloads(build_map(events).get_root().render()) for r in group]
    areas = [r for r in records if r[4] > 0]
    assert len(areas) == int((events["geo_precision"] >= 3).sum())
    assert all("known only to the" in r[5] for r in areas)


def test_the_payload_cannot_break_out_of_its_script(hostile_store) -> None:
    contents = hostile_store.read()
    html = (
        build_map(contents.events, evidence=contents.evidence, sources=contents.sources).get_root().render()
    )
    assert "<img src=x" not in html
    assert "</script><script>alert" not in html
    assert "${alert(1)}" not in html
    for hostile in HOSTILE:
        assert hostile not in html, hostile
    assert script_json("</script>") == '"\\u003c/script\\u003e"'


def test_style_encodes_sourcing() -> None:
    single = event_style({"event_type": "Battles", "n_sources": 1, "claim_status": "reported"})
    corroborated = event_style({"event_type": "Battles", "n_sources": 3, "claim_status": "reported"})
    alleged = event_style({"event_type": "Battles", "n_sources": 1, "claim_status": "alleged"})
    disputed = event_style({"event_type": "Battles", "n_sources": 2, "claim_status": "disputed"})
    assert corroborated["fillOpacity"] > 3 * single["fillOpacity"]
    assert "dashArray" in alleged
    assert "dashArray" not in single
    assert disputed["color"] != corroborated["color"]
    assert marker_radius({"fatalities": 0}) < marker_radius({"fatalities": 49}) <= 18
    assert marker_radius({"fatalities": 10_000}) == 18
    assert area_radius({"geo_precision": 1}) is None
    assert area_radius({"geo_precision": 4}) > area_radius({"geo_precision": 3})
