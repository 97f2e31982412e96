"""The app on the large-map path in headless Chromium (a small parquet store forced to it), network closed:
the map is drawn, a sidebar filter redraws it, a click on an event chooses it, hostile text stays inert."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from geomap.ingest.tables import read_table
from geomap.store import Store
from tests.conftest import HOSTILE, SAMPLE_EVENTS
from tests.e2e.conftest import guard_page, running_app, wait_for_idle

pytestmark = pytest.mark.e2e

FRAME = "iframe[title*='geomap_large']"
MAP = "Object.values(window).find(v => v instanceof L.Map)"
COUNT = "() => window.geomapMaps[0].count()"
# a click where the event is drawn, dispatched inside the map's frame (the canvas finds the marker)
CLICK_AT = (
    f"(_, [lat, lon]) => {{ const m = {MAP}; m.setView([lat, lon], 14, {{animate: false}});"
    " const p = m.latLngToContainerPoint([lat, lon]); const r = m.getContainer().getBoundingClientRect();"
    " const at = {clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true, cancelable: true,"
    " view: window};"
    " const target = document.elementFromPoint(at.clientX, at.clientY);"
    " for (const kind of ['mousedown', 'mouseup', 'click']) {"
    " target.dispatchEvent(new MouseEvent(kind, at)); }"
    " return target.tagName; }"
)


@pytest.fixture
def store(tmp_path, hostile_csv) -> Store:
    store = Store(tmp_path / "app.parquet")
    for path in (SAMPLE_EVENTS, hostile_csv):
        table = read_table(path)
        store.write(table.events, sources=table.sources, evidence=table.evidence)
    return store


@pytest.fixture
def app_url(store, tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("GEOMAP_APP_LARGE", "1")  # 39 events: forced to the large path
    with running_app(store.path, cwd=tmp_path) as (_, url):
        yield url


def _caption(page):
    return page.get_by_text(re.compile(r"^\d+ of \d+ events")).first


def _opened(page, url: str):
    page.goto(url)
    _caption(page).wait_for(timeout=120_000)
    frame = page.frame_locator(FRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    wait_for_idle(page)
    return frame


def _map_count(frame, expected: int, *, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        count = frame.locator("body").evaluate(f"() => window.geomapMaps ? ({COUNT})() : -1")
        if count == expected:
            break
        time.sleep(0.1)
    return count


def _click(frame, event) -> None:
    assert frame.locator("body").evaluate(CLICK_AT, [float(event["latitude"]), float(event["longitude"])])


def test_the_map_is_drawn_and_a_filter_redraws_it(page, app_url, store) -> None:
    guard = guard_page(page, allow_local_assets=False)  # the page inlines Leaflet: no network at all
    frame = _opened(page, app_url)
    total = len(store.read().events)
    assert _caption(page).inner_text() == f"{total} of {total} events"
    assert _map_count(frame, total) == total
    status = page.locator("[data-testid='stMultiSelect']").filter(has_text="Claim status")
    status.locator("input").click()
    page.get_by_role("option", name="alleged", exact=True).click()
    page.keyboard.press("Escape")
    deadline = time.monotonic() + 60
    while _caption(page).inner_text().startswith(f"{total} of") and time.monotonic() < deadline:
        time.sleep(0.1)
    wait_for_idle(page)
    shown = int(_caption(page).inner_text().split()[0])
    alleged = int((store.read().events["claim_status"] == "alleged").sum())
    assert shown == alleged
    assert 0 < shown < total
    assert _map_count(frame, shown) == shown
    assert guard.blocked == []
    assert guard.dialogs == []
    assert guard.errors == []


def test_a_click_chooses_the_event_and_hostile_text_stays_text(page, app_url, store) -> None:
    guard = guard_page(page, allow_local_assets=False)
    frame = _opened(page, app_url)
    events = store.read().events.set_index("event_id")
    assert page.locator(".gm-annotation").count() == 0  # nothing chosen yet
    hostile = events[events["location"].str.contains("onerror", na=False)].iloc[0]
    _click(frame, hostile)
    popup = frame.locator(".leaflet-popup-content .gm-sourcing")
    popup.wait_for(timeout=30_000)
    panel = page.locator(".gm-annotation").first  # the app's detail panel, in the page itself
    panel.wait_for(timeout=60_000)
    text = panel.inner_text()
    assert HOSTILE[0] in text
    assert HOSTILE[1] in text
    assert panel.locator("img, script").count() == 0
    assert panel.locator("a[href^='javascript']").count() == 0
    assert frame.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
    page.get_by_text("Review and correct this event").first.wait_for(timeout=60_000)
    other = events[events["location"].eq("Anefis")].iloc[0]
    _click(frame, other)  # a second click chooses the other event
    page.get_by_text("A clash near Anefis.").first.wait_for(timeout=60_000)
    wait_for_idle(page)
    assert guard.dialogs == []
    assert guard.errors == []
    assert guard.blocked == []
