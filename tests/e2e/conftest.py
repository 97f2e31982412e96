"""Browser tests: Debian's Chromium driven by Playwright, with the network closed.

CDN requests for Leaflet are answered from the installed xstatic packages;
every other request that leaves 127.0.0.1 or the local file is aborted and
recorded.  Any JavaScript dialog (alert, confirm, prompt) fails the test: a
hostile string that runs would open one.  Under CI (CI=true) a missing
Chromium fails instead of skipping.
"""

from __future__ import annotations

import mimetypes
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
APP = Path(__file__).resolve().parents[2] / "app.py"


def _asset_dirs() -> list[Path]:
    from xstatic.pkg import jquery, leaflet, leaflet_markercluster

    return [Path(leaflet.BASE_DIR), Path(leaflet_markercluster.BASE_DIR), Path(jquery.BASE_DIR)]


def local_asset(url: str) -> Path | None:
    """The installed file that a CDN URL for Leaflet, its plugins or jQuery asks for, if we have it."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    if name.startswith("jquery-") and name.endswith(".min.js"):  # code.jquery.com names the version
        name = "jquery.min.js"
    for base in _asset_dirs():
        for candidate in (base / name, base / "images" / name):
            if name and candidate.is_file():
                return candidate
    return None


@dataclass
class Guard:
    """What the page tried: blocked requests, assets served locally, dialogs, script errors."""

    blocked: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_LEAVING = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost)[:/])")


def guard_page(page, *, allow_local_assets: bool = True) -> Guard:
    """Close the network around ``page`` and record what it tries."""
    guard = Guard()

    def route(route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("file:", "data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
            return
        asset = local_asset(url) if allow_local_assets else None
        if asset is not None:
            guard.served.append(url)
            kind = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
            route.fulfill(
                status=200,
                body=asset.read_bytes(),
                headers={"Content-Type": kind, "Access-Control-Allow-Origin": "*"},
            )
            return
        guard.blocked.append(url)
        route.abort()

    def dialog(d) -> None:
        guard.dialogs.append(d.message)
        d.dismiss()

    # requests to the app on this machine are not intercepted (they would be let through anyway):
    # routing each of them through Python would slow the pages the benchmarks time
    page.context.route(_LEAVING, route)
    page.on("dialog", dialog)
    page.on("pageerror", lambda err: guard.errors.append(str(err)))
    return guard


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    store: Path, *, cwd: Path, stderr=subprocess.PIPE, script: Path = APP
) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on the store, on 127.0.0.1 and a free port: (the process, its URL).

    ``script`` replaces app.py (the benchmarks time an empty page as a control).
    The server is not waited for: see :func:`wait_until_up`.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = dict(os.environ, GEOMAP_STORE=str(store))
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
    return process, f"http://127.0.0.1:{port}/"


def wait_until_up(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    """Wait until the app at ``url`` answers its health check; an exited server raises with its errors."""
    health = url.rstrip("/") + "/_stcore/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"streamlit exited with {process.returncode}: {errors}")
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{health} did not answer within {timeout} s")


@contextmanager
def running_app(
    store: Path, *, cwd: Path, stderr=subprocess.PIPE, script: Path = APP
) -> Iterator[tuple[subprocess.Popen, str]]:
    """The app (:func:`start_app`) once it answers its health check: (process, URL); stopped on exit."""
    process, url = start_app(store, cwd=cwd, stderr=stderr, script=script)
    try:
        wait_until_up(url, process)
        yield process, url
    finally:
        stop(process)


_RUNNING = "[data-testid='stStatusWidgetRunningIcon'], [data-testid='stStatusWidgetRunningManIcon']"


def wait_for_idle(page, *, timeout: float = 60, quiet: float = 0.6) -> None:
    """Wait until the app's script run has finished and the page shows no stale elements.

    Streamlit keeps the previous run's elements on the page (marked ``data-stale``) while a rerun is under
    way, so a test that reads the page too early reads the old run.  Quiet means: no running indicator and
    no stale element for ``quiet`` seconds in a row (a rerun can start just after the previous one ends).
    """
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        busy = page.locator(_RUNNING).count() > 0 or page.locator("[data-stale='true']").count() > 0
        now = time.monotonic()
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = now
        elif now - calm_since >= quiet:
            return
        time.sleep(0.1)
    raise TimeoutError(f"the app was still running after {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_app`."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Chromium's path; skips without it, except under CI, where browser tests must run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing at /usr/bin/chromium: CI must run the browser tests")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
