"""The store's part of small writes into large stores: one row, one correction (issue 13).

A store of ``n`` synthetic events (``benchmarks.run.synthetic_events``, stored
as events and as reports, the way a merged import leaves them) takes:

* **one row**: what an import of one new row asks of the store: read the stored
  events and reports (``Store.read``, ``Store.read_reports``), then
  ``Store.replace`` with every event plus the new one.  The merge between the
  two (``sourcing.corroborate``) is not timed here: it is the merging code's cost;
* **one correction**: ``geomap.corrections.correct`` of one field of one event
  (look-up through the key index, one row into the corrections layer).

Run alone: ``python -m benchmarks.store_writes [--sizes 10000 100000]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.corrections import correct
from geomap.schema import WGS84, points, validate
from geomap.store import Store


def make_store(n: int, path: Path) -> Store:
    """A store of ``n`` synthetic events, written as events and reports."""
    from benchmarks.run import synthetic_events

    events, _ = validate(synthetic_events(n), file="synthetic.csv")
    placed = gpd.GeoDataFrame(events, geometry=points(events["latitude"], events["longitude"]), crs=WGS84)
    store = Store(path)
    store.replace(placed, evidence=pd.DataFrame(), reports=placed)
    return store


def one_row(store: Store, number: int) -> tuple[float, float]:
    """Seconds to read the store and to write it back with one new event."""
    start = time.perf_counter()
    stored = store.read(corrected=False)
    reports = store.read_reports(events=stored.events)
    read = time.perf_counter() - start
    new = stored.events.iloc[[0]].assign(event_id=f"new-{number}", notes=f"one new row ({number})")
    events = gpd.GeoDataFrame(pd.concat([stored.events, new], ignore_index=True), crs=WGS84)
    reports = gpd.GeoDataFrame(pd.concat([reports, new], ignore_index=True), crs=WGS84)
    start = time.perf_counter()
    store.replace(events, evidence=stored.evidence, reports=reports, stored=stored)
    return read, time.perf_counter() - start


def one_correction(store: Store, number: int) -> float:
    """Seconds for one correction of one event."""
    start = time.perf_counter()
    correct(store, f"bench-{number * 7}", "fatalities", number % 40, who="bench", note="benchmark")
    return time.perf_counter() - start


def measure(n: int, *, repeat: int, work: Path) -> list[tuple[str, list[float], str]]:
    """(name, times, notes) rows for stores of ``n`` events."""
    store = make_store(n, work / f"store_{n}.gpkg")
    size = store.path.stat().st_size / 2**20
    reads, writes, fixes = [], [], []
    for number in range(repeat):
        read, write = one_row(store, number)
        reads.append(read)
        writes.append(write)
        fixes.append(one_correction(store, number))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    note = f"store {size:,.0f} MiB; peak RSS so far {peak:,.0f} MiB"
    return [
        (f"one new row into {n:,} events: Store.replace", writes, note),
        (f"one new row into {n:,} events: read events + reports", reads, "before the merge"),
        (f"one correction into {n:,} events: corrections.correct", fixes, "no event rewritten"),
    ]


def render(rows: list[tuple[str, list[float], str]]) -> str:
    """A markdown table of the rows (median, min–max)."""
    lines = ["| write | median | min–max | notes |", "|---|---:|---:|---|"]
    for name, times, note in rows:
        lines.append(
            f"| {name} | {statistics.median(times):.3f} s | {min(times):.3f}–{max(times):.3f} | {note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows += measure(n, repeat=args.repeat, work=Path(tmp))
    print(render(rows))


if __name__ == "__main__":
    main()
