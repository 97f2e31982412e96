"""Screenshots of a 10,000-event offline map at zooms 5, 8 and 11 for docs/img/ (headless Chromium).

The events are the benchmarks' synthetic ones around towns of northern Mali
(benchmarks.run.synthetic_events), 4% of them known only to their region and 1%
only to the country, so every way of drawing a place shows.

    python tools/map_screenshots.py
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks.run import synthetic_events
from geomap.gazetteer.boundaries import find_country
from geomap.ingest.tables import sources_and_evidence
from geomap.mapping.build import build_map
from geomap.mapping.export import export_html
from geomap.schema import validate
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, guard_page

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"
VIEWS = [(5, 16.8, -1.5), (8, 16.3, -0.05), (11, 16.27, -0.04)]  # zoom, lat, lon: Mali, around Gao, Gao


def events_10k():
    rows = synthetic_events(10_000)
    rng = np.random.default_rng(11)
    regional = rng.random(len(rows)) < 0.04
    national = ~regional & (rng.random(len(rows)) < 0.01)
    rows.loc[regional, "geo_precision"] = 3
    rows.loc[regional, "latitude"] = rows.loc[regional, "latitude"].round(0)  # a point inside the region
    rows.loc[regional, "longitude"] = rows.loc[regional, "longitude"].round(0)
    mali = find_country("Mali")
    rows.loc[national, ["geo_precision", "latitude", "longitude"]] = [4, mali.lat, mali.lon]
    events, _ = validate(rows, file="synthetic")
    return events


def main() -> None:
    from playwright.sync_api import sync_playwright

    events = events_10k()
    sources, evidence = sources_and_evidence(events)
    m = build_map(events, evidence=evidence, sources=sources, title="10,000 synthetic events")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        path = export_html(m, Path(tmp) / "map.html", offline=True)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 720})
        guard_page(page, allow_local_assets=False)
        page.goto(path.as_uri())
        page.wait_for_selector(".gm-cluster", state="attached", timeout=60_000)
        for zoom, lat, lon in VIEWS:
            page.evaluate(
                "([lat, lon, zoom]) => { Object.values(window).find(v => v instanceof L.Map)"
                ".setView([lat, lon], zoom, {animate: false}); }",
                [lat, lon, zoom],
            )
            page.wait_for_timeout(1500)
            shot = Image.open(io.BytesIO(page.screenshot(type="png"))).convert("RGB")
            target = OUT / f"map-10k-zoom{zoom}.png"
            shot.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(target, optimize=True)
            print(f"{target}: {target.stat().st_size / 1024:.0f} KiB")
        browser.close()


if __name__ == "__main__":
    main()
