"""Our map against a plain folium map of the same events, at 1k, 10k and 100k events.

The plain map is built the usual way: a ``folium.Marker`` with a ``Popup`` of the
same annotation per event inside ``plugins.MarkerCluster``.  For each we measure
the build time (Python, to a rendered HTML string), the HTML size, the peak
Python memory of the build, and the time from navigation until markers are on
screen in headless Chromium (network closed, assets served locally).
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
from folium import plugins

from geomap.ingest.tables import sources_and_evidence
from geomap.mapping.annotate import event_annotations
from geomap.mapping.build import build_map
from geomap.mapping.export import export_html
from geomap.schema import validate

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SHOW_TIMEOUT_S = 120


@dataclass(frozen=True)
class Row:
    kind: str
    n: int
    build_s: float
    size_mb: float
    peak_mb: float
    show_s: float | None  # None: not on screen within SHOW_TIMEOUT_S


def plain_folium(events, popups: list[str]) -> folium.Map:
    """The usual way: one Marker with a Popup of the full annotation per event, in a MarkerCluster."""
    m = folium.Map(location=[17, -1], zoom_start=5)
    cluster = plugins.MarkerCluster().add_to(m)
    for lat, lon, html in zip(events["latitude"], events["longitude"], popups, strict=True):
        folium.Marker([lat, lon], popup=folium.Popup(html, max_width=380)).add_to(cluster)
    return m


def _timed_build(build: Callable[[], folium.Map], out: Path, *, offline: bool) -> tuple[float, Path]:
    start = time.perf_counter()
    m = build()
    path = export_html(m, out, offline=offline) if offline else _write(m, out)
    return time.perf_counter() - start, path


def peak_memory_mb(build: Callable[[], folium.Map]) -> float:
    """Growth of the peak resident memory while building, measured in a forked child (no tracing overhead)."""
    reader, writer = multiprocessing.Pipe(duplex=False)

    def child() -> None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        build().get_root().render()
        writer.send((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    grown = reader.recv()
    process.join()
    return grown


def _write(m: folium.Map, out: Path) -> Path:
    out.write_text(m.get_root().render(), encoding="utf-8")
    return out


def time_to_markers(path: Path, *, selector: str) -> float | None:
    """Seconds from navigation until ``selector`` is in the page; CDN requests answered from local files."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import guard_page

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        guard_page(page)
        start = time.perf_counter()
        try:
            page.goto(path.as_uri(), wait_until="commit", timeout=SHOW_TIMEOUT_S * 1000)
            page.wait_for_selector(selector, state="attached", timeout=SHOW_TIMEOUT_S * 1000)
            shown = time.perf_counter() - start
        except PlaywrightTimeout:
            shown = None
        browser.close()
    return shown


def measure(n: int, *, repeat: int, work: Path, with_plain: bool = True) -> list[Row]:
    from benchmarks.run import synthetic_events

    events, _ = validate(synthetic_events(n), file="synthetic")
    sources, evidence = sources_and_evidence(events)
    rows = []
    plans = [
        (
            "geomap",
            lambda: build_map(events, evidence=evidence, sources=sources),
            True,
            ".gm-cluster, path.leaflet-interactive",
        )
    ]
    if with_plain:
        popups = event_annotations(events, evidence=evidence, sources=sources)  # the same text, made once
        plans.append(
            (
                "plain folium",
                lambda: plain_folium(events, popups),
                False,
                ".marker-cluster, .leaflet-marker-icon",
            )
        )
    for kind, build, offline, selector in plans:
        runs = repeat if kind == "geomap" or n <= 10_000 else 1
        builds, shows = [], []
        for _ in range(runs):
            elapsed, path = _timed_build(build, work / f"{kind.replace(' ', '_')}_{n}.html", offline=offline)
            builds.append(elapsed)
            shows.append(time_to_markers(path, selector=selector) if CHROMIUM.exists() else None)
        peak = peak_memory_mb(build)
        finished = [s for s in shows if s is not None]
        rows.append(
            Row(
                kind, n, statistics.median(builds), path.stat().st_size / 2**20, peak,
                statistics.median(finished) if len(finished) == len(shows) else None,
            )
        )  # fmt: skip
    return rows


def _ratio(plain: float | None, ours: float | None) -> str:
    if ours is None:
        return "(not measured)"
    if plain is None:
        return f"more than {SHOW_TIMEOUT_S / ours:.0f}×"
    return f"{plain / ours:.0f}×"


def render_rows(rows: list[Row]) -> str:
    lines = [
        "| events | map | build (s) | HTML (MB) | peak memory growth (MB) | markers on screen (s) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        shown = f"{r.show_s:.2f}" if r.show_s is not None else f"> {SHOW_TIMEOUT_S}"
        lines.append(
            f"| {r.n:,} | {r.kind} | {r.build_s:.2f} | {r.size_mb:.1f} | {r.peak_mb:,.0f} | {shown} |"
        )
    by = {(r.kind, r.n): r for r in rows}
    for n in sorted({r.n for r in rows}):
        ours, plain = by.get(("geomap", n)), by.get(("plain folium", n))
        if ours and plain:
            show = _ratio(plain.show_s, ours.show_s)
            lines.append(
                f"\nAt {n:,} events geomap builds {plain.build_s / ours.build_s:.0f}× faster, is "
                f"{plain.size_mb / ours.size_mb:.1f}× smaller and shows markers {show} sooner."
            )
    return "\n".join(lines)
