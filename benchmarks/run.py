"""geomap benchmarks: `make bench` (or `python -m benchmarks.run [--quick]`).

Each measurement is repeated and its median reported, with the spread
(min–max), so one noisy run does not set a number.  Results are printed and
written to docs/benchmarks.md between the markers of the generated section.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import (
    app_speed,
    cli_start,
    dask_engine,
    extract_accuracy,
    geocode_accuracy,
    map_scale,
    merge_conservation,
    notes_accuracy,
    store_writes,
    write_section,
)
from geomap.extract.actors import ActorDictionary
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver
from geomap.mapping.build import build_map
from geomap.mapping.export import export_html
from geomap.model import EventType
from geomap.pipeline import import_files
from geomap.store import Store

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

PLACES = [  # (name, lat, lon) in northern Mali, as GeoNames has them
    ("Kidal", 18.44345, 1.40921),
    ("Gao", 16.27167, -0.04420),
    ("Ménaka", 15.91813, 2.40223),
    ("Tombouctou", 16.77348, -3.00742),
    ("Tessalit", 20.19868, 1.01123),
    ("Bourem", 16.96667, -0.35),
    ("Ansongo", 15.65972, 0.50222),
    ("Bamako", 12.65, -8.0),
]
OUTLETS = ["AFP", "Reuters", "RFI", "Le Monde", "Jeune Afrique", "Studio Tamani", "ORTM", "Az-Zallaqa"]
ACTORS = ["Military Forces of Mali (2021-)", "Wagner Group", "JNIM", "CSP-PSD", "Islamic State (Sahel)"]
STATUSES = ["reported", "reported", "reported", "claimed", "alleged", "disputed"]


@dataclass(frozen=True)
class Result:
    name: str
    median: float
    low: float
    high: float
    unit: str
    extra: str = ""


def synthetic_events(n: int, *, seed: int = 7) -> pd.DataFrame:
    """A realistic-looking native event table of ``n`` rows (with full quotes, so popups are not trivial)."""
    rng = np.random.default_rng(seed)
    place = rng.integers(0, len(PLACES), n)
    days = rng.integers(0, 700, n)
    types = [t.value for t in EventType]
    rows = {
        "event_id": [f"bench-{i}" for i in range(n)],
        "event_date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
        "event_type": [types[i] for i in rng.integers(0, len(types), n)],
        "actor1": [ACTORS[i] for i in rng.integers(0, len(ACTORS), n)],
        "actor2": [ACTORS[i] for i in rng.integers(0, len(ACTORS), n)],
        "country": "Mali",
        "location": [PLACES[i][0] for i in place],
        "latitude": [PLACES[i][1] for i in place] + rng.normal(0, 0.3, n),
        "longitude": [PLACES[i][2] for i in place] + rng.normal(0, 0.3, n),
        "geo_precision": 2,  # scattered around the towns: "near" them
        "fatalities": rng.integers(0, 40, n),
        "source": [OUTLETS[i] for i in rng.integers(0, len(OUTLETS), n)],
        "source_url": [f"https://example.org/report/{i}" for i in range(n)],
        "claim_status": [STATUSES[i] for i in rng.integers(0, len(STATUSES), n)],
        "notes": [
            f"Report {i}: an armed clash was reported near the town; figures vary by source."
            for i in range(n)
        ],
        "quote": [
            f"Fighting broke out on the outskirts of the town early in the morning, a source said ({i})."
            for i in range(n)
        ],
    }
    return pd.DataFrame(rows)


def measure(fn: Callable[[], object], *, repeat: int) -> tuple[list[float], object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times, value


def summarise(name: str, times: list[float], unit: str = "s", extra: str = "") -> Result:
    return Result(name, statistics.median(times), min(times), max(times), unit, extra)


def bench_import(n: int, *, repeat: int, work: Path) -> Result:
    csv = work / f"events_{n}.csv"
    synthetic_events(n).to_csv(csv, index=False)

    def run() -> None:
        store = Store(work / f"import_{n}.gpkg")
        store.path.unlink(missing_ok=True)
        import_files([csv], store=store)

    times, _ = measure(run, repeat=repeat)
    return summarise(
        f"import {n:,} native CSV rows into a new store",
        times,
        extra=f"{n / statistics.median(times):,.0f} rows/s",
    )


def bench_map(n: int, *, repeat: int, work: Path) -> list[Result]:
    csv = work / f"map_{n}.csv"
    synthetic_events(n).to_csv(csv, index=False)
    store = Store(work / f"map_{n}.gpkg")
    import_files([csv], store=store)
    contents = store.read()

    def build() -> object:
        return build_map(contents.events, evidence=contents.evidence, sources=contents.sources)

    times, m = measure(build, repeat=repeat)
    out = work / f"map_{n}.html"
    export_times, _ = measure(lambda: export_html(m, out, offline=True), repeat=repeat)
    tracemalloc.start()
    build()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    size = out.stat().st_size / 2**20
    return [
        summarise(f"build_map, {n:,} events", times, extra=f"peak {peak:,.0f} MiB (tracemalloc)"),
        summarise(f"export offline HTML, {n:,} events", export_times, extra=f"{size:,.1f} MiB file"),
    ]


def render(
    results: list[Result],
    *,
    quick: bool,
    scale: str = "",
    geocoding: str = "",
    extraction: str = "",
    notes: str = "",
    app: str = "",
    store: str = "",
    cli: str = "",
) -> str:
    lines = [
        BEGIN,
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{'quick run' if quick else 'full run'}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| benchmark | median | min–max | notes |",
        "|---|---:|---:|---|",
    ]
    lines += [
        f"| {r.name} | {r.median:.3f} {r.unit} | {r.low:.3f}–{r.high:.3f} | {r.extra} |" for r in results
    ]
    if cli:
        lines += ["", "### The command's start-up", "", cli]
    if scale:
        lines += ["", "### The map at scale, against plain folium", "", scale]
    if store:
        lines += ["", "### Small writes into large stores", "", store]
    if geocoding:
        lines += ["", "### The offline geocoder", "", geocoding]
    if extraction:
        lines += ["", extraction]
    if notes:
        lines += ["", notes]
    if app:
        lines += ["", "### The app in a browser", "", app]
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    # the benchmarks import synthetic tables: keep what they teach the gazetteer out of the user's own
    os.environ["GEOMAP_HOME"] = tempfile.mkdtemp(prefix="geomap-bench-")
    repeat = 3 if args.quick else 5
    sizes = (1_000,) if args.quick else (1_000, 10_000)
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in sizes:
            results.append(bench_import(n, repeat=repeat, work=work))
            results += bench_map(n, repeat=repeat, work=work)
        print(merge_conservation.run(quick=args.quick, work=work))  # its own section of the results
        scale_rows = []
        for n in (1_000,) if args.quick else (1_000, 10_000, 100_000):
            scale_rows += map_scale.measure(n, repeat=repeat, work=work)
        store_rows = []
        for n in (10_000,) if args.quick else (10_000, 100_000):
            store_rows += store_writes.measure(n, repeat=repeat, work=work)
        app = ""
        if app_speed.CHROMIUM.exists():
            n = 1_000 if args.quick else 10_000
            app = app_speed.render(n, app_speed.measure(n, repeat=repeat, work=work))
        cli = cli_start.render(cli_start.measure(repeat=2 * repeat, work=work))
        if dask_engine.available():  # an optional step: the Dask engine needs the dask extra
            print(dask_engine.run(quick=args.quick, work=work))  # its own section of the results
    gazetteer = Gazetteer.embedded()
    geocoding = geocode_accuracy.render(
        geocode_accuracy.measure_accuracy(gazetteer), geocode_accuracy.measure_speed(gazetteer, repeat=repeat)
    )
    resolver, actors = Resolver(gazetteer), ActorDictionary.load()
    extraction = extract_accuracy.render(
        extract_accuracy.measure_accuracy(resolver, actors),
        extract_accuracy.measure_speed(resolver, actors, repeat=repeat),
    )
    notes = notes_accuracy.report(resolver, actors)
    section = render(
        results,
        quick=args.quick,
        scale=map_scale.render_rows(scale_rows),
        store=store_writes.render(store_rows),
        geocoding=geocoding,
        extraction=extraction,
        notes=notes,
        cli=cli,
        app=app or "Not measured: Chromium is not installed (`apt-get install chromium`).",
    )
    print(section)
    write_section(section, BEGIN, END)


if __name__ == "__main__":
    main()
