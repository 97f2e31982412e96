"""Static figures of a map (PNG, PDF) for papers, rendered in headless Chromium.

folium has no image export, so the offline HTML map is opened in Chromium
(through Playwright, the ``image`` extra) and captured once its events are
drawn.  The on-map filter box and zoom buttons are hidden in the figure; the
legend and the data credits stay.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import folium

from geomap.atomic import replace_atomically
from geomap.errors import ExportError
from geomap.mapping.export import export_html

log = logging.getLogger(__name__)

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
_FIGURE_CSS = ".gm-filter, .leaflet-control-zoom, .leaflet-control-layers { display: none !important; }"
IMAGE_FORMATS = ("png", "pdf")


def find_chromium() -> Path | None:
    """The Chromium to use: $GEOMAP_CHROMIUM, else chromium or chromium-browser on the PATH."""
    for candidate in (
        os.environ.get("GEOMAP_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def export_image(
    m: folium.Map, path: str | os.PathLike, *, width: int = 1600, height: int = 1000, scale: float = 2.0
) -> Path:
    """Render ``m`` to a PNG or PDF (by the suffix of ``path``) of ``width`` × ``height`` CSS pixels.

    Raises
    ------
    ExportError
        When Playwright or Chromium is missing (saying what to install), or rendering fails.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"{path}: an image must end in .png or .pdf")
    chromium = find_chromium()
    if chromium is None:
        raise ExportError(
            "a static figure needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) "
            "or set GEOMAP_CHROMIUM to its path"
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise ExportError("a static figure needs Playwright: pip install 'geomap[image]'") from err
    with tempfile.TemporaryDirectory() as tmp:
        page_file = export_html(m, Path(tmp) / "map.html", offline=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
                _capture(browser, page_file, path, fmt=fmt, width=width, height=height, scale=scale)
                browser.close()
        except PlaywrightError as err:
            raise ExportError(f"{path}: Chromium could not render the map: {err}") from err
    return path


def _capture(
    browser, page_file: Path, path: Path, *, fmt: str, width: int, height: int, scale: float
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    page = context.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    page.goto(page_file.as_uri())
    page.add_style_tag(content=_FIGURE_CSS)
    page.wait_for_function("() => window.geomapMaps && window.geomapMaps.length > 0", timeout=60_000)
    page.evaluate("() => window.geomapMaps[0].ready")
    page.wait_for_timeout(300)  # let Leaflet finish drawing after the last layer was added

    def capture(tmp: Path) -> None:
        if fmt == "png":
            page.screenshot(path=str(tmp), type="png")
        else:
            page.pdf(path=str(tmp), width=f"{width}px", height=f"{height}px", print_background=True)

    replace_atomically(path, capture)
    context.close()
    log.info("wrote %s (%d×%d, scale %s)", path, width, height, scale)
