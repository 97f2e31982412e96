"""The large-map path in headless Chromium, network closed: clusters, popups, filters, layer toggles."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.run import synthetic_events
from geomap.ingest.tables import sources_and_evidence
from geomap.mapping.build import large_map
from geomap.mapping.export import export_html
from geomap.schema import validate
from tests.conftest import HOSTILE, hostile_rows
from tests.e2e.conftest import guard_page

pytestmark = pytest.mark.e2e

API = "window.geomapMaps[0]"
VIEW = (
    "([lat, lon, zoom]) => { Object.values(window).find(v => v instanceof L.Map)"
    ".setView([lat, lon], zoom, {animate: false}); }"
)
POINT_AT = (
    "([lat, lon]) => { const m = Object.values(window).find(v => v instanceof L.Map);"
    " const p = m.latLngToContainerPoint([lat, lon]); const r = m.getContainer().getBoundingClientRect();"
    " return [r.left + p.x, r.top + p.y]; }"
)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """3,000 synthetic events around Sahel towns, 200 known only to their region, and three hostile ones."""
    table = synthetic_events(3_000, seed=11)
    table.loc[:199, "geo_precision"] = 3
    table.loc[:199, "admin1"] = "Gao"
    table.loc[:199, ["latitude", "longitude"]] = [16.27, 0.05]
    hostile = hostile_rows().assign(event_id=["hostile-1", "hostile-2", "hostile-3"])
    valid, problems = validate(pd.concat([table, hostile], ignore_index=True), file="synthetic")
    assert not len(problems)
    return valid


@pytest.fixture
def opened(page, events, tmp_path):
    sources, evidence = sources_and_evidence(events)
    m = large_map(events, evidence=evidence, sources=sources, title="Large map")
    path = export_html(m, tmp_path / "large.html", offline=True)
    guard = guard_page(page, allow_local_assets=False)
    page.goto(path.as_uri())
    page.wait_for_selector(".gm-cluster", state="attached", timeout=60_000)
    page.evaluate(f"() => {API}.ready")
    # the opening fitBounds animates its zoom: a setView during that animation is undone when it ends
    page.wait_for_function(
        "() => { const m = Object.values(window).find(v => v instanceof L.Map);"
        " return m && !m._animatingZoom; }"
    )
    page.wait_for_timeout(100)
    return page, guard, m.geomap_event_ids


def test_clusters_cover_every_event_and_areas_count_theirs(opened, events) -> None:
    page, guard, _ = opened
    assert page.evaluate(f"() => {API}.count()") == len(events)
    shown = page.locator(".gm-cluster").all_inner_texts()
    assert sum(int(t) for t in shown) <= len(events)
    assert len(shown) >= 3
    badges = page.locator(".gm-badge-region span").all_inner_texts()
    assert sum(int(t) for t in badges) == int((events["geo_precision"] == 3).sum())
    assert page.locator("path.gm-area").count() >= 1  # the region's outline, not a circle
    assert guard.blocked == []
    assert guard.errors == []


def test_a_click_opens_the_popup_with_hostile_text_as_text(opened, events) -> None:
    page, guard, ids = opened
    kidal = events.set_index("event_id").loc["hostile-1"]
    page.evaluate(VIEW, [float(kidal["latitude"]), float(kidal["longitude"]), 14])
    page.wait_for_timeout(300)
    x, y = page.evaluate(POINT_AT, [float(kidal["latitude"]), float(kidal["longitude"])])
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content .gm-sourcing")
    popup.wait_for(timeout=5_000)
    content = page.locator(".leaflet-popup-content")
    text = content.inner_text()
    assert HOSTILE[0] in text  # shown as the characters it is
    assert "${alert(1)}" in text
    assert content.locator("img").count() == 0
    assert content.locator("script").count() == 0
    assert content.locator("a[href^='javascript']").count() == 0
    assert "ALLEGED" in text
    page.wait_for_timeout(300)
    assert guard.dialogs == []
    assert guard.errors == []
    assert "Outlet" in page.evaluate(f"(i) => {API}.popupHtml(i)", ids.index("hostile-1"))


def test_time_filter_and_layer_toggles_change_the_count(opened, events) -> None:
    page, guard, _ = opened
    days = (pd.to_datetime(events["event_date"]) - pd.Timestamp("1970-01-01")).dt.days
    cut = int(days.median())
    page.evaluate(
        "(d) => { const box = document.querySelector('.gm-filter .gm-day1'); box.value = d;"
        " box.dispatchEvent(new Event('input', {bubbles: true})); }",
        cut,
    )
    expected = int((days <= cut).sum())
    assert page.evaluate(f"() => {API}.count()") == expected
    assert f"{expected} of {len(events)}" in page.locator(".gm-filter .gm-count").inner_text()
    page.evaluate(f"() => {API}.filter({{day1: {int(days.max())}}})")
    assert page.evaluate(f"() => {API}.count()") == len(events)

    battles = int((events["event_type"] == "Battles").sum())
    page.locator(".leaflet-control-layers").hover()
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Battles").locator("input")
    toggle.uncheck()
    assert page.evaluate(f"() => {API}.count()") == len(events) - battles
    toggle.check()
    assert page.evaluate(f"() => {API}.count()") == len(events)
    page.evaluate(f"() => {API}.filter({{statuses: ['reported']}})")
    reported = int((events["claim_status"].fillna("reported") == "reported").sum())
    assert page.evaluate(f"() => {API}.count()") == reported
    assert guard.errors == []


def test_an_area_lists_its_events_and_opens_one(opened, events) -> None:
    page, guard, _ = opened
    page.locator(".gm-badge-country").first.dispatch_event("click")
    listing = page.locator(".leaflet-popup-content .gm-area-list")
    listing.wait_for(timeout=5_000)
    assert "known only to the country" in listing.inner_text()
    assert listing.locator("img").count() == 0
    listing.locator("a[data-gm-event]").first.click()
    popup = page.locator(".leaflet-popup-content .gm-sourcing")
    popup.wait_for(timeout=5_000)
    # the list's popup fades out for 200 ms after the event's opens: read the one with the sourcing
    opened_popup = page.locator(".leaflet-popup-content", has=page.locator(".gm-sourcing"))
    assert HOSTILE[0] in opened_popup.inner_text()  # the hostile country-level event
    assert guard.dialogs == []
    assert guard.errors == []
