"""The Streamlit app in headless Chromium: the page loads, the map shows markers, hostile text stays inert."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from geomap.ingest.tables import read_table
from geomap.store import Store
from tests.conftest import ROOT, SAMPLE_EVENTS
from tests.e2e.conftest import guard_page

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def app_url(tmp_path, hostile_csv) -> Iterator[str]:
    store = Store(tmp_path / "app.gpkg")
    for path in (SAMPLE_EVENTS, hostile_csv):
        table = read_table(path)
        store.write(table.events, sources=table.sources, evidence=table.evidence)
    port = _free_port()
    env = dict(os.environ, GEOMAP_STORE=str(store.path))
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", process)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_app_shows_the_map_and_the_table(page, app_url, artifacts: Path) -> None:
    guard = guard_page(page)
    page.goto(app_url)
    page.get_by_text("of 39 events").wait_for(timeout=30_000)
    frame = page.frame_locator("iframe[title*='st_folium'], iframe[title*='streamlit_folium']").first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    markers = frame.locator("path.leaflet-interactive")
    markers.first.wait_for(state="attached", timeout=30_000)
    assert markers.count() == 39
    assert page.locator("[data-testid='stDataFrame']").count() == 1
    markers.first.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content").last
    popup.wait_for(timeout=10_000)
    assert "independent outlet" in popup.inner_text()
    page.screenshot(path=str(artifacts / "app.png"), full_page=True)
    for i in range(markers.count()):
        markers.nth(i).dispatch_event("click")
    assert guard.dialogs == []
    assert frame.locator(".leaflet-popup-content img").count() == 0
