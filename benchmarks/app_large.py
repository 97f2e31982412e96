"""The app on the large-map path: a parquet store of a million events in a browser (issue 15).

A parquet store of ``n`` synthetic events (:func:`benchmarks.store_parquet.events`)
is served by ``streamlit run app.py`` on 127.0.0.1; at ``n`` ≥ 50,000 the app
draws it on the large path (:mod:`geomap.app.largemap`, lazy DuckDB reads:
:mod:`geomap.app.lazy`).  Headless Chromium (Debian's, through Playwright,
the network closed) measures, ``repeat`` times each:

* build: the app's large map of the store, made once per store version in a
  child process (its wall time and peak resident memory);
* launch → first map: from starting the server to the map drawing all ``n``
  events (the map kept beside the store, as every launch after the first finds it);
* page → first map: a new page on the running server;
* filter change → redrawn map: an event type chosen in the sidebar, until the
  map draws exactly that type's events (issue 15: ≤ 2 s);
* the app server's memory: resident now and at its peak (VmRSS, VmHWM) after
  the runs above;
* control: the same map page opened alone from its file, to first map: what
  the page costs without the app.

Run: ``python -m benchmarks.app_large [N] [--repeat 3] [--store PATH]`` (a
store given is reused: building 1M events takes minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.app_speed import _filter_changes, _guarded_page, _launched, _wait_for_map
from geomap.store import Store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, guard_page

FRAME = "iframe[title*='geomap_large']"
COUNT_JS = (
    "() => (window.geomapMaps || []).length ? window.geomapMaps[window.geomapMaps.length - 1].count() : -1"
)


def make_store(n: int, work: Path) -> Store:
    """A parquet store of ``n`` synthetic events over three countries and ten years."""
    import pandas as pd

    from benchmarks.store_parquet import events

    table = events(n)
    store = Store(work / f"app_{n}.parquet")
    store.replace(table, evidence=pd.DataFrame(), reports=table)
    return store


def build(store: Path) -> tuple[float, float]:
    """Make the app's large map of ``store`` as the app does (a child process): (seconds, peak MiB)."""
    import resource

    from geomap.mapping.applarge import maps_folder

    shutil.rmtree(maps_folder(store), ignore_errors=True)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "geomap.mapping.applarge", str(store)], check=True)
    took = time.monotonic() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    return took, peak_kib / 1024


def memory_mib(pid: int) -> dict[str, float]:
    """Resident memory of a process now and at its peak (Linux /proc), in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def type_counts(store: Store) -> dict[str, int]:
    from geomap.app.lazy import LazyEvents

    found = LazyEvents(store).query("SELECT event_type, count(*) AS n FROM events GROUP BY ALL")
    return dict(zip(found["event_type"], found["n"].astype(int), strict=True))


def control(packed: Path, n: int, browser, *, repeat: int, work: Path) -> list[float]:
    """The app's map page (``packed``: gzip-compressed) opened alone (file://) until it draws all ``n``
    events."""
    import gzip

    page_file = work / "control.html"
    page_file.write_bytes(gzip.decompress(packed.read_bytes()))
    times = []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        guard_page(page, allow_local_assets=False)
        start = time.monotonic()
        page.goto(page_file.as_uri())
        page.wait_for_function(f"() => ({COUNT_JS})() === {n}", timeout=120_000, polling=20)
        times.append(time.monotonic() - start)
        page.close()
    return times


def measure(store: Store, *, repeat: int, work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from geomap.mapping.applarge import PACKED_PAGE, current_map

    n = store.count("events")
    counts = type_counts(store)
    found: dict = {"n": n, "load": [os.getloadavg()[0]]}
    found["build_s"], found["build_mib"] = build(store.path)
    folder, _ = current_map(store.path)
    launches, opens, changes, memory = [], [], [], {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for run in range(repeat):
            with _launched(browser, store.path, work=work) as launch:
                _wait_for_map(launch.page, n, launch.start + 180, frame=FRAME)
                launches.append(launch.elapsed())
                if run == 0:
                    changes = _filter_changes(launch.page, counts, repeat=repeat * 2, frame=FRAME)
                    for _ in range(repeat):
                        again = _guarded_page(browser)
                        opened = time.monotonic()
                        again.goto(launch.url)
                        _wait_for_map(again, n, opened + 180, frame=FRAME)
                        opens.append(time.monotonic() - opened)
                        again.close()
                    memory = memory_mib(launch.server.pid)
        found["control"] = control(folder / PACKED_PAGE, n, browser, repeat=repeat, work=work)
        browser.close()
    found["load"].append(os.getloadavg()[0])
    return found | {"launch": launches, "open": opens, "filter": changes, "memory": memory}


def small_path(store: Store, *, timeout: float, work: Path) -> dict:
    """The same store on the app's small path (GEOMAP_APP_LARGE=0: every event read into pandas, the
    folium map), once, for at most ``timeout`` seconds: when the caption and the map came, if they did,
    and the server's peak memory."""
    from playwright.sync_api import sync_playwright

    from benchmarks.app_speed import FRAME as SMALL_FRAME

    n = store.count("events")
    os.environ["GEOMAP_APP_LARGE"] = "0"
    found: dict = {"load": [os.getloadavg()[0]], "caption": None, "map": None}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            with _launched(browser, store.path, work=work) as launch:
                deadline = launch.start + timeout
                try:
                    launch.page.get_by_text(f"{n} of {n} events").first.wait_for(timeout=timeout * 1000)
                    found["caption"] = launch.elapsed()
                    _wait_for_map(launch.page, n, deadline, frame=SMALL_FRAME)
                    found["map"] = launch.elapsed()
                except Exception:  # noqa: BLE001 — a time-out is the finding
                    pass
                found["memory"] = memory_mib(launch.server.pid)
            browser.close()
    finally:
        os.environ.pop("GEOMAP_APP_LARGE", None)
    found["load"].append(os.getloadavg()[0])
    return found


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f}, {len(values)} runs)"


def render(found: dict) -> str:
    control_s = statistics.median(found["control"])
    rows = [
        ("build the app's map (child process, once per store version)", f"{found['build_s']:.1f} s, "
         f"peak {found['build_mib']:.0f} MiB"),
        ("launch → first map (server start to all events drawn)", _cell(found["launch"])),
        ("page → first map (running server)", _cell(found["open"])),
        ("filter change → redrawn map (goal ≤ 2 s)", _cell(found["filter"])),
        ("control: the map page alone (file://) → first map", _cell(found["control"])),
        ("page → first map ÷ control", f"{statistics.median(found['open']) / control_s:.2f}×"),
        ("app server memory after the runs: resident / peak", f"{found['memory'].get('VmRSS', 0):.0f} MiB / "
         f"{found['memory'].get('VmHWM', 0):.0f} MiB"),
    ]  # fmt: skip
    lines = [
        f"{found['n']:,} events, parquet store; load average {found['load'][0]:.2f} before, "
        f"{found['load'][1]:.2f} after",
        "",
        "| measure | result |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in rows],
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", type=Path, help="an existing parquet store to serve (else one is made)")
    parser.add_argument(
        "--small-path",
        type=float,
        metavar="SECONDS",
        help="instead, the small path once, for at most SECONDS",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("GEOMAP_HOME", tempfile.mkdtemp(prefix="geomap-bench-"))
    os.environ.pop("GEOMAP_APP_LARGE", None)  # the size alone chooses the path
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = Store(args.store) if args.store else make_store(args.n, work)
        if args.small_path:
            print(small_path(store, timeout=args.small_path, work=work))
            return
        print(render(measure(store, repeat=args.repeat, work=work)))


if __name__ == "__main__":
    main()
