"""The Streamlit app in headless Chromium: the page loads, the map shows markers, hostile text stays inert."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from geomap.ingest.tables import read_table
from geomap.store import Store
from tests.conftest import SAMPLE_EVENTS
from tests.e2e.conftest import guard_page, running_app, wait_for_idle

pytestmark = pytest.mark.e2e
MARKERS = "path.gm-event"  # events drawn as points (the others are counted in their region or country)


@pytest.fixture
def app_url(tmp_path, hostile_csv) -> Iterator[str]:
    store = Store(tmp_path / "app.gpkg")
    for path in (SAMPLE_EVENTS, hostile_csv):
        table = read_table(path)
        store.write(table.events, sources=table.sources, evidence=table.evidence)
    with running_app(store.path, cwd=tmp_path) as (_, url):
        yield url


def test_app_shows_the_map_and_the_table(page, app_url, artifacts: Path) -> None:
    guard = guard_page(page, allow_local_assets=False)  # the app serves Leaflet itself: no network at all
    _load(page, app_url)
    frame = page.frame_locator("iframe[title*='geomap_map']").first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    markers = frame.locator(MARKERS)
    markers.first.wait_for(state="attached", timeout=30_000)
    assert _drawn(frame) == 39
    assert page.locator("[data-testid='stDataFrame']").count() == 2  # the events, the weekly overview
    assert page.get_by_text(re.compile(r"^Week of \d{4}-\d\d-\d\d: events and fatalities")).count() == 1
    markers.first.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content").last
    popup.wait_for(timeout=10_000)
    assert "independent outlet" in popup.inner_text()
    page.screenshot(path=str(artifacts / "app.png"), full_page=True)
    for i in range(markers.count()):
        markers.nth(i).dispatch_event("click")
    assert guard.dialogs == []
    assert guard.blocked == []  # nothing tried to leave the machine
    assert frame.locator(".leaflet-popup-content img").count() == 0


def _map(page):
    frame = page.frame_locator("iframe[title*='geomap_map']").first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    return frame


def _load(page, app_url: str) -> None:
    """Go to the app and wait until the whole page is drawn: the map first, the rest once it is drawn."""
    page.goto(app_url)
    page.get_by_text("of 39 events").wait_for(timeout=30_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)  # the run the map starts
    wait_for_idle(page)
    assert page.get_by_text("follow once the map is drawn").count() == 0


def _open(page, app_url: str):
    """Open the app with the network closed; returns the guard once all 39 events are on the map."""
    guard = guard_page(page)
    _load(page, app_url)
    _wait_for_markers(_map(page), 39)
    return guard


def _drawn(frame) -> int:
    """Events on the map: points, and the events counted in region outlines and country badges."""
    counted = frame.locator(".gm-badge span").all_inner_texts()
    return frame.locator(MARKERS).count() + sum(int(n) for n in counted)


def _wait_for_markers(frame, count: int, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _drawn(frame) == count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{_drawn(frame)} events on the map, expected {count}")


def test_a_filter_change_updates_the_map_and_the_table(page, app_url) -> None:
    guard = _open(page, app_url)
    status = page.locator("[data-testid='stMultiSelect']").filter(has_text="Claim status")
    status.locator("input").click()
    page.get_by_role("option", name="alleged", exact=True).click()
    page.keyboard.press("Escape")
    caption = page.get_by_text(re.compile(r"^\d+ of 39 events"))
    caption.wait_for(timeout=60_000)
    deadline = time.monotonic() + 20
    while caption.inner_text().startswith("39 of") and time.monotonic() < deadline:
        time.sleep(0.2)
    wait_for_idle(page)
    shown = int(caption.inner_text().split()[0])
    assert 0 < shown < 39
    _wait_for_markers(_map(page), shown)
    cells = page.locator("[data-testid='stDataFrame']").first
    cells.wait_for(timeout=60_000)
    assert guard.dialogs == []


def test_clicking_a_marker_shows_the_detail_panel(page, app_url) -> None:
    guard = _open(page, app_url)
    frame = _map(page)
    assert page.locator(".gm-annotation").count() == 0  # nothing chosen yet
    frame.locator(MARKERS).first.dispatch_event("click")
    panel = page.locator(".gm-annotation").first  # st.html puts the annotation in the page itself
    panel.wait_for(timeout=60_000)
    assert "independent outlet" in panel.inner_text()
    page.get_by_text("Review and correct this event").first.wait_for(timeout=60_000)
    assert guard.dialogs == []


HOSTILE_ARTICLE = """---
title: "<img src=x onerror=alert('title')> ${alert('tpl')}"
outlet: "<script>alert('outlet')</script>"
url: "javascript:alert('url')"
published: 2024-02-05
language: en
---

Fighters of JNIM attacked the army camp in Bourem on Sunday 4 February and clashed with the Malian army
until midday <img src=x onerror=alert('body')> `${alert('backtick')}`, residents said.
"""


def test_an_uploaded_hostile_article_stays_inert_text(page, app_url, tmp_path) -> None:
    guard = guard_page(page)
    _load(page, app_url)
    article = tmp_path / "<img src=x onerror=alert('name')>.md"
    article.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    page.get_by_text("Add documents").click()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(article))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported 1 events from 1 file(s)").wait_for(timeout=60_000)
    wait_for_idle(page)  # the message comes first; the rest of the page follows in the same run
    # importing merges the whole store again, so the total is read from the page
    shown = int(page.get_by_text(re.compile(r"^\d+ of \d+ events")).inner_text().split()[0])
    frame = _map(page)
    _wait_for_markers(frame, shown)
    bourem = page.locator("[data-testid='stSelectbox']").filter(has_text="Event")
    bourem.locator("input").click()
    bourem.locator("input").fill("2024-02-04 · Battles · Bourem")  # the list is long: type to narrow it
    page.get_by_role("option", name="2024-02-04 · Battles · Bourem").first.click(timeout=60_000)
    panel = page.locator(".gm-annotation").first
    panel.wait_for(timeout=60_000)
    text = panel.inner_text()
    assert "<script>alert('outlet')</script>" in text  # shown as the text it is
    assert "onerror=alert('body')" in text
    assert panel.locator("img, script").count() == 0
    assert panel.locator("a[href^='javascript']").count() == 0
    for i in range(frame.locator(MARKERS).count()):
        frame.locator(MARKERS).nth(i).dispatch_event("click")
    assert guard.dialogs == []
    assert guard.errors == []


def test_a_download_returns_a_valid_file(page, app_url, tmp_path) -> None:
    import json

    import pandas as pd

    guard_page(page)
    _load(page, app_url)
    with page.expect_download(timeout=60_000) as csv_download:
        page.get_by_role("button", name="CSV (ACLED columns)").click()
    csv = pd.read_csv(csv_download.value.path())
    assert len(csv) == 39
    assert {"event_id", "source", "source_scale", "claim_status", "credibility"} <= set(csv.columns)
    with page.expect_download(timeout=60_000) as geojson_download:
        page.get_by_role("button", name="GeoJSON").click()
    collection = json.loads(Path(geojson_download.value.path()).read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 39
    with page.expect_download(timeout=60_000) as html_download:
        page.get_by_role("button", name="HTML map (offline)").click()
    html = Path(html_download.value.path()).read_text(encoding="utf-8")
    assert "geomapEventMap" in html
    assert '<script src="http' not in html  # offline: nothing loaded from the network


def test_brushing_the_timeline_filters_the_map_and_the_table(page, app_url) -> None:
    _open(page, app_url)
    chart = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first
    chart.wait_for(timeout=60_000)
    box = chart.bounding_box()
    # drag across the left half of the plot area: a period at the start of the sample
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.10, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.30, y, steps=8)
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    caption = page.get_by_text(re.compile(r"^\d+ of 39 events in \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d"))
    caption.wait_for(timeout=60_000)
    wait_for_idle(page)
    shown = int(caption.inner_text().split()[0])
    assert 0 < shown < 39
    _wait_for_markers(_map(page), shown)
