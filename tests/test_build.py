"""build_map: layers per event type, legend, region-level events counted in their region, a safe payload."""

from __future__ import annotations

import folium

from geomap.mapping.build import build_map
from geomap.mapping.layers import EventMap, script_json
from geomap.mapping.style import COUNTRY, NEAR, POINT, REGION, event_style, marker_radius, place_kind
from tests.conftest import HOSTILE


def _payload(m: folium.Map) -> dict:
    (element,) = [c for c in m._children.values() if isinstance(c, EventMap)]
    return element.data


def test_one_layer_per_event_type_with_counts(sample_store) -> None:
    contents = sample_store.read()
    m = build_map(contents.events, evidence=contents.evidence, sources=contents.sources)
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    counts = contents.events["event_type"].value_counts()
    for event_type, count in counts.items():
        assert f"{event_type} ({count})" in html
    data = _payload(m)
    assert data["n"] == len(contents.events)
    assert len(data["lat"]) == len(data["sources"]["start"]) - 1 == len(contents.events)
    assert len(data["strings"]) == len(set(data["strings"]))  # every string is stored once
    assert "L.control.layers" in html
    assert "GeoNames" in html
    assert "Natural Earth" in html
    assert "jquery" not in html.lower()  # the map needs Leaflet alone


def test_events_without_coordinates_are_left_out(sample_store) -> None:
    events = sample_store.read_events()
    events.loc[events.index[:3], ["latitude", "longitude"]] = None
    assert _payload(build_map(events))["n"] == len(events) - 3


def test_region_events_are_counted_in_their_region_and_country_events_in_their_country(sample_store) -> None:
    events = sample_store.read_events()
    m = build_map(events)
    data = _payload(m)
    (element,) = [c for c in m._children.values() if isinstance(c, EventMap)]
    regional = [i for i, kind in enumerate(data["kind"]) if kind == REGION]
    assert len(regional) == int((events["geo_precision"] == 3).sum()) >= 2
    assert data["kind"].count(COUNTRY) == int((events["geo_precision"] == 4).sum()) >= 1
    names = element.context["regions"]["name"]
    # each region-level event is counted in the Natural Earth region that holds its point: the region it
    # names, or for Mali's regions of 2016 the one they were made from (Natural Earth predates them)
    drawn_as = {"Tombouctou": "Timbuktu", "Ménaka": "Gao", "Taoudénit": "Timbuktu"}
    for i in regional:
        region, written = names[data["region"][i]], events["admin1"].iloc[i]
        assert region == drawn_as.get(written, written), (region, written)
    assert all(r == -1 for i, r in enumerate(data["region"]) if i not in regional)


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
    kinds = [place_kind({"geo_precision": p}) for p in (1, 2, 3, 4, None)]
    assert kinds == [POINT, NEAR, REGION, COUNTRY, POINT]


def test_repeated_strings_are_stored_once(sample_store) -> None:
    contents = sample_store.read()
    data = _payload(build_map(contents.events, evidence=contents.evidence, sources=contents.sources))
    strings = data["strings"]
    kidal = strings.index("Kidal")
    assert data["text"]["location"].count(kidal) == int((contents.events["location"] == "Kidal").sum())
    reuters = strings.index("Reuters")
    assert data["sources"]["outlet"].count(reuters) >= 4


def test_clustering_is_automatic_for_many_events(sample_store) -> None:
    events = sample_store.read_events()
    small = build_map(events).get_root().render()
    assert "markercluster" not in small
    assert "leaflet.markercluster" in build_map(events, cluster=True).get_root().render()


def test_a_country_choropleth_layer_counts_events(sample_store) -> None:
    events = sample_store.read_events()
    html = build_map(events).get_root().render()
    assert f"Events per country (max {len(events)})" in html  # every sample event is in Mali
    assert f'"properties": {{"events": {len(events)}, "iso3": "MLI"' in html


def test_layers_and_base_maps(sample_store) -> None:
    events = sample_store.read_events()
    only_events = build_map(events, layers=["events"]).get_root().render()
    assert "Events per country" not in only_events
    assert "Density (events per" in build_map(events).get_root().render()
    osm = build_map(events, base="OpenStreetMap.Mapnik").get_root().render()
    assert "tile.openstreetmap.org" in osm
    assert "OpenStreetMap" in osm  # its attribution
    topo = build_map(events, base="OpenTopoMap").get_root().render()
    assert "tile.opentopomap.org" in topo
    assert "SRTM" in topo  # its attribution


def test_unknown_layers_are_refused(sample_store) -> None:
    import pytest

    from geomap.errors import InputError

    with pytest.raises(InputError, match="events, countries, density"):
        build_map(sample_store.read_events(), layers=["events", "heat"])


def test_region_choropleth_from_shipped_or_imported_boundaries(sample_store, monkeypatch, tmp_path) -> None:
    from pathlib import Path

    from geomap.gazetteer import boundaries, regions

    events = sample_store.read_events()
    assert "Events per region" in build_map(events).get_root().render()  # Natural Earth's, shipped
    target = tmp_path / "b.gpkg"
    source = Path(__file__).parent / "data" / "admin1_test_regions.geojson"
    boundaries.import_boundaries(source, name_field="shapeName", country_field="shapeGroup", target=target)
    monkeypatch.setattr(regions, "admin1_boundaries", lambda: boundaries.admin1_boundaries(target))
    m = build_map(events)
    (layer,) = [
        c for c in m._children.values() if getattr(c, "layer_name", "").startswith("Events per region")
    ]
    counts = {f["properties"]["name"]: f["properties"]["events"] for f in layer.data["features"]}
    in_kidal_box = int(((events["latitude"] >= 17.5) & (events["longitude"] >= -1.0)).sum())
    assert counts["Kidal"] == in_kidal_box  # the imported boxes replace Mali's shipped regions
    assert "Timbuktu" not in counts


def test_region_names_from_an_imported_file_are_escaped(sample_store, hostile_region_boundaries) -> None:
    """folium's GeoJsonTooltip puts property values into innerHTML: names must arrive escaped."""
    from geomap.mapping.annotate import escape_text

    m = build_map(sample_store.read_events())
    (regions,) = [
        c for c in m._children.values() if getattr(c, "layer_name", "").startswith("Events per region")
    ]
    (feature,) = regions.data["features"]
    name = "Kidal " + " ".join(HOSTILE)
    assert feature["properties"]["name"] == escape_text(name)
    assert not any(h in str(feature["properties"]) for h in HOSTILE)
    html = m.get_root().render()
    assert "Events per region" in html
    for hostile in HOSTILE:
        assert hostile not in html, hostile


def test_layer_names_are_escaped_even_for_unvalidated_tables(sample_store) -> None:
    """Leaflet's layer control sets each name as innerHTML; build_map may get a table nobody validated."""
    events = sample_store.read_events()
    events.loc[events.index[0], "event_type"] = HOSTILE[0]
    m = build_map(events)
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert "&lt;img src=x onerror=alert(1)&gt; (1)" in names
    assert not any(HOSTILE[0] in name for name in names)
