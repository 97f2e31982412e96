"""The exported HTML map in headless Chromium, with the network closed."""

from __future__ import annotations

import pytest

from geomap.mapping.build import build_map
from geomap.mapping.export import export_html
from tests.conftest import HOSTILE, SAMPLE_EVENTS
from tests.e2e.conftest import guard_page

pytestmark = pytest.mark.e2e

MARKERS = "path.gm-event"
VIEW = (
    "([lat, lon, zoom]) => { Object.values(window).find(v => v instanceof L.Map)"
    ".setView([lat, lon], zoom, {animate: false}); }"
)


def _points(events):
    """The events drawn as points: placed exactly or near a place (the others are counted in areas)."""
    return events[events["geo_precision"] <= 2]


def _export(store, path, *, offline: bool):
    contents = store.read()
    m = build_map(
        contents.events, evidence=contents.evidence, sources=contents.sources, title="Northern Mali"
    )
    return export_html(m, path, offline=offline)


def _open(page, path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector(MARKERS, state="attached", timeout=15_000)


def test_cdn_export_shows_markers_and_their_sources(page, sample_store, tmp_path, artifacts) -> None:
    guard = guard_page(page)
    _open(page, _export(sample_store, tmp_path / "map.html", offline=False))
    events = _points(sample_store.read_events())
    assert page.locator(MARKERS).count() == len(events)
    assert any("leaflet" in url for url in guard.served), "Leaflet should come from the (routed) CDN"
    assert page.locator(".leaflet-control-layers").count() == 1
    assert "independent outlets" in page.locator(".gm-control").inner_text()

    battles = int((events["event_type"] == "Battles").sum())
    page.locator(".leaflet-control-layers").hover()  # collapsed: it opens under the mouse
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Battles").locator("input")
    toggle.uncheck()
    assert page.locator(MARKERS).count() == len(events) - battles
    toggle.check()
    assert page.locator(MARKERS).count() == len(events)

    page.screenshot(path=str(artifacts / "sample-map.png"))
    texts = _popup_texts(page, limit=len(events))
    seed = next(t for t in texts if "French intelligence" in t)
    assert "ALLEGED" in seed
    assert "African Initiative" in seed
    assert "1 independent outlet" in seed
    assert any("Reuters" in t and "2023-11-14" in t and "REPORTED" in t for t in texts)
    assert guard.dialogs == []
    assert guard.errors == []


def test_offline_export_needs_no_network(page, sample_store, tmp_path) -> None:
    guard = guard_page(page, allow_local_assets=False)
    _open(page, _export(sample_store, tmp_path / "offline.html", offline=True))
    assert page.locator(MARKERS).count() == len(_points(sample_store.read_events()))
    assert guard.blocked == []
    assert guard.errors == []
    assert page.locator(".leaflet-control-layers").count() == 1
    assert "two or more independent outlets" in page.locator(".gm-control").inner_text()  # the legend
    assert page.locator(".gm-filter input[type=range]").count() == 2  # the time control
    page.locator(MARKERS).first.dispatch_event("click")
    page.locator(".leaflet-popup-content .gm-sourcing").last.wait_for(timeout=5_000)


def test_region_level_events_are_drawn_as_their_region_not_a_circle(
    page, sample_store, tmp_path, artifacts
) -> None:
    guard = guard_page(page, allow_local_assets=False)
    _open(page, _export(sample_store, tmp_path / "map.html", offline=True))
    events = sample_store.read_events()
    regional = events[events["geo_precision"] == 3]
    assert len(regional) >= 2
    assert page.locator("path[stroke-dasharray='8 6']").count() == 0  # the old pretend-size circles
    outlines = page.locator("path.gm-area")
    badges = page.locator(".gm-badge-region span")
    assert outlines.count() == badges.count() >= 1
    assert sum(int(badges.nth(k).inner_text()) for k in range(badges.count())) == len(regional)
    countries = page.locator(".gm-badge-country span")
    assert sum(int(countries.nth(k).inner_text()) for k in range(countries.count())) == int(
        (events["geo_precision"] == 4).sum()
    )
    # an outline is a region's shape, hundreds of kilometres across, and its size follows the zoom
    page.wait_for_timeout(800)
    before = outlines.first.bounding_box()
    assert before["width"] > 60
    assert before["height"] > 40
    page.locator(".leaflet-control-zoom-out").click()
    page.wait_for_timeout(1200)
    assert outlines.first.bounding_box()["width"] < 0.7 * before["width"]
    page.screenshot(path=str(artifacts / "regions.png"))
    badges.first.dispatch_event("click")
    listing = page.locator(".leaflet-popup-content .gm-area-list").last
    listing.wait_for(timeout=5_000)
    assert "known only to the region" in listing.inner_text()
    listing.locator("a[data-gm-event]").first.click()
    page.locator(".leaflet-popup-content .gm-sourcing").last.wait_for(timeout=5_000)
    assert guard.errors == []


def test_offline_base_map_has_regions_and_town_labels_with_the_zoom(page, sample_store, tmp_path) -> None:
    guard = guard_page(page, allow_local_assets=False)
    page.set_viewport_size({"width": 1000, "height": 700})
    _open(page, _export(sample_store, tmp_path / "base.html", offline=True))
    context = page.locator(".leaflet-gm-context-pane path")
    assert context.count() >= 3  # admin-1 boundaries, rivers, lakes
    page.evaluate(VIEW, [14.45, -4.1, 5])
    page.wait_for_timeout(400)
    at_five = page.locator(".gm-town").all_inner_texts()
    page.evaluate(VIEW, [14.45, -4.1, 8])
    page.wait_for_timeout(400)
    at_eight = page.locator(".gm-town").all_inner_texts()
    assert "Mopti" in at_eight
    assert {"Djenné", "Bandiagara"} & set(at_eight)
    assert len(at_eight) > len(at_five)
    boxes = [page.locator(".gm-town span").nth(k).bounding_box() for k in range(0, 2 * len(at_eight), 2)]
    for a, b in ((a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
        apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
        apart = apart or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
        assert apart, "two town labels overlap"
    assert guard.blocked == []
    assert guard.errors == []


@pytest.mark.parametrize("offline", [False, True])
def test_hostile_strings_stay_text(page, hostile_store, tmp_path, offline) -> None:
    guard = guard_page(page)
    _open(page, _export(hostile_store, tmp_path / "hostile.html", offline=offline))
    texts = _popup_texts(page, limit=10)
    for k in range(page.locator(MARKERS).count()):  # every tooltip
        page.locator(MARKERS).nth(k).dispatch_event("mouseover")
    assert page.locator(".leaflet-tooltip img").count() == 0
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays input").nth(-1).check()  # the density layer too
    # the country-level event: its badge lists it, and the list opens its popup
    page.locator(".gm-badge-country").first.dispatch_event("click")
    listing = page.locator(".leaflet-popup-content .gm-area-list").last
    listing.wait_for(timeout=5_000)
    assert HOSTILE[0] in listing.inner_text()
    listing.locator("a[data-gm-event]").first.click()
    page.locator(".leaflet-popup-content .gm-sourcing").last.wait_for(timeout=5_000)
    texts.append(page.locator(".leaflet-popup-content").last.inner_text())
    assert guard.dialogs == []
    assert guard.errors == []
    assert len(texts) == 3
    assert all(HOSTILE[0] in t for t in texts)  # shown as text, not as an image element
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "${alert(1)}" in "".join(texts)


def _popup_texts(page, *, limit: int) -> list[str]:
    """Open each marker's popup in turn and read it."""
    texts = []
    markers = page.locator(MARKERS)
    for i in range(min(markers.count(), limit)):
        page.evaluate(
            "(i) => { const p = document.querySelectorAll('path.gm-event')[i];"
            " p.dispatchEvent(new MouseEvent('click', {bubbles: true})); }",
            i,
        )
        popup = page.locator(".leaflet-popup-content").last  # the previous one may still be fading out
        popup.wait_for(timeout=5_000)
        texts.append(popup.inner_text())
    return texts


def test_sample_file_is_the_one_make_run_uses() -> None:
    assert SAMPLE_EVENTS.is_file()


@pytest.mark.parametrize("store_name", ["sample_store", "hostile_store"])
def test_browser_popups_match_the_python_annotation(page, request, tmp_path, store_name) -> None:
    """The popup assembled in the page says exactly what geomap.mapping.annotate says."""
    from geomap.mapping.annotate import event_annotation

    store = request.getfixturevalue(store_name)
    guard = guard_page(page)
    contents = store.read()
    _open(page, _export(store, tmp_path / "parity.html", offline=True))
    by_source = {str(r["source_id"]): r for r in contents.sources.to_dict("records")}
    for i, event in enumerate(contents.events.drop(columns="geometry").to_dict("records")):
        own = contents.evidence[contents.evidence["event_id"] == event["event_id"]].to_dict("records")
        expected = event_annotation(event, evidence=own, sources=by_source)
        browser = page.evaluate("(i) => window.geomapMaps[0].popupHtml(i)", i)
        assert browser == expected, event["event_id"]
    assert guard.dialogs == []


def test_hostile_town_names_stay_text_in_their_labels(page, hostile_store, fresh_gazetteer, tmp_path) -> None:
    from geomap.gazetteer.index import GazetteerEntry

    name = "Tin " + " ".join(HOSTILE)
    town = GazetteerEntry(None, name, 18.3, 1.2, "ML", population=90_000, origin="override")
    fresh_gazetteer.add([(town, [name])])
    contents = hostile_store.read()
    m = build_map(
        contents.events, evidence=contents.evidence, sources=contents.sources, gazetteer=fresh_gazetteer
    )
    guard = guard_page(page)
    _open(page, export_html(m, tmp_path / "towns.html", offline=True))
    page.evaluate(VIEW, [18.3, 1.2, 9])
    page.wait_for_timeout(400)
    assert name in page.locator(".gm-town").all_inner_texts()
    assert page.locator(".gm-town img, .gm-town script").count() == 0
    assert guard.dialogs == []
    assert guard.errors == []


def test_the_filter_box_filters_by_status_time_and_sourcing(page, sample_store, tmp_path) -> None:
    guard_page(page)
    _open(page, _export(sample_store, tmp_path / "filters.html", offline=True))
    events = sample_store.read_events()
    count = page.locator(".gm-filter .gm-count")
    assert count.inner_text() == f"{len(events)} of {len(events)}"
    page.locator(".gm-filter input.gm-status[value='reported']").uncheck()
    not_reported = int((events["claim_status"] != "reported").sum())
    assert count.inner_text() == f"{not_reported} of {len(events)}"
    assert page.locator(MARKERS).count() == int((_points(events)["claim_status"] != "reported").sum())
    page.locator(".gm-filter input.gm-status[value='reported']").check()
    page.locator(".gm-filter input.gm-corroborated").check()
    assert count.inner_text() == f"{int((events['n_sources'] >= 2).sum())} of {len(events)}"
    page.locator(".gm-filter input.gm-corroborated").uncheck()
    # the end of the time range moved to 2023-12-31: only 2023 events remain
    page.evaluate(
        """() => { const end = document.querySelector('.gm-filter .gm-day1');
                   end.value = String(Date.UTC(2023, 11, 31) / 86400000);
                   end.dispatchEvent(new Event('input', {bubbles: true})); }"""
    )
    assert count.inner_text() == f"{int((events['event_date'] <= '2023-12-31').sum())} of {len(events)}"
    assert page.locator(".gm-filter .gm-to").inner_text() == "2023-12-31"


def test_large_maps_ship_a_packed_payload_and_cluster(page, sample_store, tmp_path, monkeypatch) -> None:
    """Above the packing threshold the payload is gzip+base64 and unpacked in the page; clusters are drawn."""
    from geomap.mapping import layers

    monkeypatch.setattr(layers, "PACK_ABOVE", 0)
    contents = sample_store.read()
    m = build_map(contents.events, evidence=contents.evidence, sources=contents.sources, cluster=True)
    path = export_html(m, tmp_path / "packed.html", offline=True)
    assert '"packed":true' in path.read_text(encoding="utf-8")
    guard = guard_page(page, allow_local_assets=False)
    page.goto(path.as_uri())
    page.wait_for_selector(".gm-cluster", state="attached", timeout=15_000)
    assert page.evaluate("() => window.geomapMaps[0].ready.then(api => api.count())") == len(contents.events)
    kidal = contents.events.index[contents.events["notes"].str.contains("French intelligence")][0]
    page.evaluate("(i) => window.geomapMaps[0].open(i)", int(kidal))
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for(timeout=10_000)
    assert "ALLEGED" in popup.inner_text()
    assert guard.blocked == []
    assert guard.errors == []


CLUSTERED = "() => [...document.querySelectorAll('.gm-cluster text')].reduce((n, t) => n + +t.textContent, 0)"


def test_one_cluster_layer_mixes_the_types_and_the_legend_stays_uncovered(
    page, sample_store, tmp_path
) -> None:
    contents = sample_store.read()
    m = build_map(contents.events, evidence=contents.evidence, sources=contents.sources, cluster=True)
    guard = guard_page(page, allow_local_assets=False)
    page.set_viewport_size({"width": 900, "height": 700})
    page.goto(export_html(m, tmp_path / "clusters.html", offline=True).as_uri())
    page.wait_for_selector(".gm-cluster", state="attached", timeout=15_000)
    layers = page.evaluate(
        """() => { const map = Object.values(window).find(v => v instanceof L.Map);
                   const all = Object.values(map._layers);
                   return all.filter(l => l instanceof L.MarkerClusterGroup).length; }"""
    )
    assert layers == 1
    # some cluster holds events of several types, and its ring shows each of them
    mixes = page.evaluate(
        """() => [...document.querySelectorAll('.gm-cluster svg')].map(
                   svg => new Set([...svg.querySelectorAll('.gm-mix')].map(c => c.dataset.group)).size)"""
    )
    assert max(mixes) >= 2
    clustered = page.evaluate(CLUSTERED)
    control, legend = page.locator(".leaflet-control-layers"), page.locator(".gm-control")
    assert "leaflet-control-layers-expanded" not in (control.get_attribute("class") or "")
    control.hover()
    page.wait_for_selector(".leaflet-control-layers-expanded")
    a, b = control.bounding_box(), legend.bounding_box()
    apart = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
    assert apart, "the open layer control covers the legend"
    battles = int((contents.events["event_type"] == "Battles").sum())
    page.locator(".leaflet-control-layers-overlays label", has_text="Battles").locator("input").uncheck()
    page.wait_for_timeout(300)
    shown = page.evaluate("() => window.geomapMaps[0].count()")
    assert shown == len(contents.events) - battles
    assert page.evaluate(CLUSTERED) < clustered
    assert guard.errors == []


def test_hostile_region_names_stay_text_in_their_tooltips(
    page, hostile_store, hostile_region_boundaries, tmp_path
) -> None:
    """folium's GeoJsonTooltip sets innerHTML: a region name from an imported file must not run."""
    guard = guard_page(page)
    _open(page, _export(hostile_store, tmp_path / "regions.html", offline=True))
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="Events per region").locator(
        "input"
    ).check()
    paths = page.locator("path.leaflet-interactive")
    for k in range(paths.count()):
        paths.nth(k).dispatch_event("mouseover")
    tooltips = page.locator(".leaflet-tooltip")
    region = tooltips.filter(has_text="Region")  # the alias folium shows before the name
    region.first.wait_for(timeout=5_000)
    assert HOSTILE[0] in region.first.inner_text()  # shown as text
    assert page.locator(".leaflet-tooltip img, .leaflet-tooltip script").count() == 0
    assert guard.dialogs == []
    assert guard.errors == []
