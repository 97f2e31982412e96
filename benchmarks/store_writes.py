"""Small writes into large stores: one row, one correction, one row imported (issue 13).

A store of ``n`` synthetic events (``benchmarks.run.synthetic_events``, stored
as events and as reports, the way a merged import leaves them) takes:

* **one row**: what a full re-merge of one new row asks of the store: read the stored
  events and reports (``Store.read``, ``Store.read_reports``), then
  ``Store.replace`` with every event plus the new one.  The merge between the
  two (``sourcing.corroborate``) is not timed here: it is the merging code's cost;
* **one correction**: ``geomap.corrections.correct`` of one field of one event
  (look-up through the key index, one row into the corrections layer);
* **one row imported**: the whole ``geomap.pipeline.import_files`` of a CSV
  holding one row, a coded row (a native table's) or an article report on the
  day and place of a stored event (so it attaches to it), with the merge as
  every import does it (``merges.merge_into``: only the stored reports the row
  can reach) and, as before, merging every stored report again
  (``merge_into(full=True)``, what every import did until then).

Run alone: ``python -m benchmarks.store_writes [--sizes 10000 100000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import resource
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap import merges, pipeline
from geomap.corrections import correct
from geomap.pipeline import import_files
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


def one_import(store: Store, number: int, *, kind: str, full: bool, work: Path) -> float:
    """Seconds for ``import_files`` of one new row (``kind``: "coded" or "report")."""
    from benchmarks.run import synthetic_events

    row = synthetic_events(1, seed=number).assign(event_id=f"new-{kind}-{full}-{number}")
    if kind == "report":  # an article's report of the first stored event: it attaches to it
        first = store.select("reports", "event_id = 'bench-0'").iloc[0]
        columns = ["event_date", "event_type", "latitude", "longitude", "country"]
        row = row.assign(**{c: first[c] for c in columns}, actor1=first["actor1"], extraction="rules")
    path = work / f"one-{kind}-{full}-{number}.csv"
    row.to_csv(path, index=False)
    start = time.perf_counter()
    with _merging(full=full):
        report = import_files([path], store=store, harvest=False)
    elapsed = time.perf_counter() - start
    if report.summary is None or report.problems:
        raise RuntimeError(f"{path}: the row was not imported: {report.problems}")
    if (
        kind == "report"
        and row["event_id"][0] not in store.select("events", "event_id = 'bench-0'")["origin_id"][0]
    ):
        raise RuntimeError(f"{path}: the report did not attach to bench-0")
    return elapsed


@contextlib.contextmanager
def _merging(*, full: bool):
    """Imports merge as every import does, or (``full``) every stored report again."""
    merge = merges.merge_into
    if full:
        pipeline.merge_into = functools.partial(merge, full=True)
    try:
        yield
    finally:
        pipeline.merge_into = merge


def imports(n: int, store: Store, *, repeat: int, work: Path) -> list[tuple[str, list[float], str]]:
    """(name, times, notes) rows for imports of one row, incremental and full, alternating."""
    one_import(store, 999, kind="coded", full=False, work=work)  # warm: lazy imports, registry
    rows = []
    for kind in ("coded", "report"):
        times: dict[bool, list[float]] = {False: [], True: []}
        for number in range(repeat):
            for full in (False, True):
                times[full].append(one_import(store, number, kind=kind, full=full, work=work))
        what = "a coded row" if kind == "coded" else "an article report that attaches"
        rows.append((f"import {what} into {n:,} events: incremental", times[False], "import_files"))
        rows.append((f"import {what} into {n:,} events: full re-merge", times[True], "before"))
    return rows


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
    rows = imports(n, store, repeat=repeat, work=work)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    note = f"store {size:,.0f} MiB; peak RSS so far {peak:,.0f} MiB"
    return [
        (f"one new row into {n:,} events: Store.replace", writes, note),
        (f"one new row into {n:,} events: read events + reports", reads, "before the merge"),
        (f"one correction into {n:,} events: corrections.correct", fixes, "no event rewritten"),
        *rows,
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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows += measure(n, repeat=args.repeat, work=Path(tmp))
    print(render(rows))


if __name__ == "__main__":
    main()
