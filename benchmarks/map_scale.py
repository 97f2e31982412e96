"""Our map against a plain folium map of the same events, at 1k, 10k and 100k events.

And the large-map path (:func:`measure_large`, issue 15) at 100k and 1M events
against folium's best stock path for many points, ``plugins.FastMarkerCluster``:
HTML size, build time, first paint of clusters, a popup after a click, a time
filter change and the tab's JavaScript heap, in headless Chromium with the
network closed.

The plain map is built the usual way: a ``folium.Marker`` with a ``Popup`` of the
same annotation per event inside ``plugins.MarkerCluster``.  For each we measure
the build time (Python, to a rendered HTML string), the HTML size, the peak
Python memory of the build, and the time from navigation until markers are on
screen in headless Chromium (network closed, assets served locally).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import folium
import pandas as pd
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


@dataclass(frozen=True)
class LargeRow:
    kind: str
    n: int
    build_s: float
    size_mb: float
    paint_s: list[float]  # navigation → first cluster in the page, per run ([] : not within the timeout)
    popup_ms: list[float]  # click on a point → its popup's sourcing in the page
    filter_s: list[float]  # time filter to the first half of the period → drawn
    heap_mb: list[float]  # JSHeapTotalSize (CDP Performance.getMetrics) after all of the above
    rss_mb: list[float]  # resident memory of the renderer processes, then


# FastMarkerCluster's default callback draws Font Awesome markers, whose assets a closed network lacks
PLAIN_MARKER = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"


def fast_marker_cluster(events) -> folium.Map:
    """folium's own fastest way to show many points: FastMarkerCluster (no popups, no filter)."""
    m = folium.Map(location=[17, -1], zoom_start=5)
    coordinates = events[["latitude", "longitude"]].to_numpy().tolist()
    plugins.FastMarkerCluster(coordinates, callback=PLAIN_MARKER).add_to(m)
    return m


_MAP = "Object.values(window).find(v => v instanceof L.Map)"
_POPUP_TIMER = (
    "() => { const map = " + _MAP + "; window.__gmPopup = new Promise(resolve => { let t0 = null;"
    " map.getContainer().addEventListener('click', () => { t0 = performance.now(); },"
    " {capture: true, once: true});"
    " const seen = new MutationObserver(() => { if (t0 !== null &&"
    " document.querySelector('.leaflet-popup-content .gm-sourcing')) { seen.disconnect();"
    " resolve(performance.now() - t0); } });"
    " seen.observe(document.body, {childList: true, subtree: true}); }); }"
)
_FILTER = (
    "async (day) => { const api = window.geomapMaps[0]; const t0 = performance.now();"
    " api.filter({day1: day});"
    " await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - t0; }"
)


def renderer_rss_mb() -> float:
    """Resident memory of the Chromium renderers this process started (Linux /proc): the tab, with its
    typed arrays, which the JS heap figure leaves out."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    mine, total = {os.getpid()}, 0.0
    for pid in sorted(parents):  # children start after their parents: one pass in pid order suffices
        if parents[pid] in mine:
            mine.add(pid)
    for pid in mine - {os.getpid()}:
        try:
            if b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                status = Path(f"/proc/{pid}/status").read_text()
                total += int(status.split("VmRSS:")[1].split()[0]) / 1024
        except (OSError, IndexError):
            continue
    return total


def _heap_mb(page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapTotalSize"] / 2**20


def _click_a_point(page, lat: float, lon: float) -> float:
    """Milliseconds, measured in the page, from a click on the point at (lat, lon) to its popup's sources."""
    page.evaluate(f"([lat, lon]) => {{ {_MAP}.setView([lat, lon], 13, {{animate: false}}); }}", [lat, lon])
    page.wait_for_timeout(500)
    x, y = page.evaluate(
        f"([lat, lon]) => {{ const m = {_MAP}; const p = m.latLngToContainerPoint([lat, lon]);"
        " const r = m.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }",
        [lat, lon],
    )
    page.evaluate(_POPUP_TIMER)
    page.mouse.click(x, y)
    return page.evaluate("() => window.__gmPopup")


def large_browser_run(path: Path, *, selector: str, point=None, half_day=None) -> dict:
    """One page load: first paint, then (geomap only) a popup and a filter change, then the heap."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import guard_page

    out: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        guard = guard_page(page)
        start = time.perf_counter()
        try:
            page.goto(path.as_uri(), wait_until="commit", timeout=SHOW_TIMEOUT_S * 1000)
            page.wait_for_selector(selector, state="attached", timeout=SHOW_TIMEOUT_S * 1000)
            out["paint"] = time.perf_counter() - start
            if point is not None:
                page.evaluate("() => window.geomapMaps[0].ready")
                out["filter"] = page.evaluate(_FILTER, half_day) / 1000
                page.evaluate("() => window.geomapMaps[0].filter({day1: 1e9})")
                out["popup"] = _click_a_point(page, *point)
            out["heap"] = _heap_mb(page)
            out["rss"] = renderer_rss_mb()
        except PlaywrightTimeout:
            pass
        if guard.errors and point is not None:  # ours must run cleanly
            raise RuntimeError(f"{path.name}: script errors {guard.errors}")
        browser.close()
    return out


def measure_large(n: int, *, repeat: int, work: Path, with_plain: bool = True) -> list[LargeRow]:
    """The large-map path and FastMarkerCluster at ``n`` events; browser runs repeated ``repeat`` times."""
    from benchmarks.run import synthetic_events
    from geomap.mapping.build import large_map

    events, _ = validate(synthetic_events(n), file="synthetic")
    sources, evidence = sources_and_evidence(events)
    build_s, path = _timed_build(
        lambda: large_map(events, evidence=evidence, sources=sources), work / f"large_{n}.html", offline=True
    )
    point = (float(events["latitude"].iloc[0]), float(events["longitude"].iloc[0]))
    days = (pd.to_datetime(events["event_date"]) - pd.Timestamp("1970-01-01")).dt.days
    runs = [large_browser_run(path, selector=".gm-cluster", point=point, half_day=int(days.median()))
            for _ in range(repeat)]  # fmt: skip
    rows = [_large_row("geomap large", n, build_s, path, runs)]
    if with_plain:
        build_s, path = _timed_build(
            lambda: fast_marker_cluster(events), work / f"fmc_{n}.html", offline=False
        )
        runs = [large_browser_run(path, selector=".marker-cluster") for _ in range(repeat)]
        rows.append(_large_row("folium FastMarkerCluster", n, build_s, path, runs))
    return rows


def _large_row(kind: str, n: int, build_s: float, path: Path, runs: list[dict]) -> LargeRow:
    def got(key: str, scale: float = 1.0) -> list[float]:
        return [r[key] * scale for r in runs if key in r]

    size = path.stat().st_size / 2**20
    return LargeRow(
        kind, n, build_s, size, got("paint"), got("popup"), got("filter"), got("heap"), got("rss")
    )


def render_large(rows: list[LargeRow]) -> str:
    """A Markdown table of :func:`measure_large` rows: medians, with the range of the runs."""

    def cell(values: list[float], digits: int, runs: int) -> str:
        if not values:
            return f"> {SHOW_TIMEOUT_S} s" if runs else "—"
        if len(values) < runs:
            return f"{statistics.median(values):.{digits}f} ({len(values)} of {runs} runs)"
        return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"

    lines = [
        "| events | map | HTML (MB) | build (s) | first paint (s) | popup (ms) | time filter (s) "
        "| JS heap (MB) | renderer RSS (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        runs, ours = max(len(r.paint_s), 1), r.kind.startswith("geomap")  # plain: no popups, no filter
        popup = cell(r.popup_ms, 0, len(r.paint_s)) if ours else "—"
        filtered = cell(r.filter_s, 2, len(r.paint_s)) if ours else "—"
        lines.append(
            f"| {r.n:,} | {r.kind} | {r.size_mb:.1f} | {r.build_s:.1f} | {cell(r.paint_s, 2, runs)} | "
            f"{popup} | {filtered} | {cell(r.heap_mb, 0, len(r.paint_s))} | "
            f"{cell(r.rss_mb, 0, len(r.paint_s))} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse
    import logging
    import tempfile

    parser = argparse.ArgumentParser(description="the large-map path against FastMarkerCluster")
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-plain", action="store_true")
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for size in options.sizes:
            rows += measure_large(
                size, repeat=options.repeat, work=Path(folder), with_plain=not options.no_plain
            )
            logging.getLogger("map_scale").info("\n%s", render_large(rows))
    sys.stdout.write(render_large(rows) + "\n")
