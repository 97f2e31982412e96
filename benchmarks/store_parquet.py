"""The parquet store against the GeoPackage store, and the aggregates, at 100k and 1M events (issue 15).

A store of ``n`` synthetic events (``benchmarks.run.synthetic_events``, spread
over three countries and ten years so that the parquet store has ~30
partitions, written as events and as reports the way a merged import leaves
them) in each backend:

* **write**: the first ``Store.replace`` of every event and report into a new store;
* **read**: ``Store.read(corrected=False)`` (events, sources, evidence, corrections);
* **select**: ``Store.select("reports", scope.block_filter(rows))`` for 20
  stored rows, the query each round of an incremental import makes;
* **update**: ``Store.update`` of one changed event and its report (the write of an
  incremental import: in the GeoPackage one SQLite transaction, in the parquet store
  the rewrite of the partition that holds it);
* **size**: bytes on disk;
* **aggregate**: ``geomap.aggregates`` on the events' columns (local), and
  ``engine.aggregate_on_cluster`` reading the parquet files on a 2-worker LocalCluster.

Run alone: ``python -m benchmarks.store_parquet [--sizes 100000 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap import aggregates
from geomap.schema import WGS84, points, records, validate
from geomap.scope import block_filter
from geomap.store import REPORTS, Store

COUNTRIES = [("Mali", "MLI", 0.0, 0.0), ("Burkina Faso", "BFA", -4.5, -3.0), ("Niger", "NER", -1.5, 6.0)]


def events(n: int) -> gpd.GeoDataFrame:
    """``n`` conformed synthetic events over three countries and ten years."""
    from benchmarks.run import synthetic_events

    rng = np.random.default_rng(11)
    raw = synthetic_events(n)
    which = rng.integers(0, len(COUNTRIES), n)
    raw["country"] = [COUNTRIES[i][0] for i in which]
    raw["latitude"] += np.array([COUNTRIES[i][2] for i in which])
    raw["longitude"] += np.array([COUNTRIES[i][3] for i in which])
    days = rng.integers(0, 3650, n)
    raw["event_date"] = (pd.Timestamp("2015-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    table, _ = validate(raw, file="synthetic.csv")
    table["iso3"] = [COUNTRIES[i][1] for i in which]
    return gpd.GeoDataFrame(table, geometry=points(table["latitude"], table["longitude"]), crs=WGS84)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    """Median seconds of ``repeat`` runs, and every run."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), runs


def size(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else path.stat().st_size
    )


def one_backend(table: gpd.GeoDataFrame, work: Path, suffix: str, repeat: int) -> dict:
    """Every figure of one backend at one size."""
    made = iter(range(1000))

    def write() -> None:
        Store(work / f"w{next(made)}.{suffix}").replace(table, evidence=pd.DataFrame(), reports=table)

    out = {"write_s": timed(write, repeat)}
    store = Store(work / f"w0.{suffix}")
    out["size_mb"] = round(size(store.path) / 1e6, 1)
    out["read_s"] = timed(lambda: store.read(corrected=False), repeat)
    mali = table[table["iso3"] == "MLI"].sort_values("event_date", kind="stable")
    middle = len(mali) // 2  # 20 rows of one country over a day or two: one import's block
    sample = records(mali.iloc[middle : middle + 20].drop(columns="geometry"))
    where = block_filter(sample)
    out["select_s"] = timed(lambda: store.select(REPORTS, where), repeat)
    out["select_rows"] = len(store.select(REPORTS, where))
    counter = iter(range(1000))

    def update() -> None:
        row = table.iloc[[next(counter) * 997 % len(table)]].assign(notes="updated")
        store.update(row, reports=row)

    out["update_s"] = timed(update, repeat)
    out["read_columns_s"] = timed(lambda: store.read_columns("events", aggregates.COLUMNS), repeat)
    columns = store.read_columns("events", aggregates.COLUMNS)
    out["aggregate_local_s"] = timed(lambda: aggregates.aggregate(columns), repeat)
    return out


def on_cluster(store: Store, repeat: int) -> tuple[float, list[float]]:
    from distributed import Client

    from geomap.engine import LOCAL_CLUSTER, aggregate_on_cluster

    files = aggregates.uncorrected_files(store)
    with Client(n_workers=2, **LOCAL_CLUSTER) as c:
        return timed(lambda: aggregate_on_cluster(client=c, files=files), repeat)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, nargs="+", default=[3, 1], help="runs per size")
    parser.add_argument("--backends", nargs="+", default=["gpkg", "parquet"], choices=["gpkg", "parquet"])
    args = parser.parse_args(argv)
    for n, repeat in zip(args.sizes, args.repeat + args.repeat[-1:] * len(args.sizes), strict=False):
        start = time.perf_counter()
        table = events(n)
        result: dict = {"n": n, "repeat": repeat, "make_s": round(time.perf_counter() - start, 1)}
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            for suffix in args.backends:
                result[suffix] = one_backend(table, Path(tmp), suffix, repeat)
                print(json.dumps({suffix: result[suffix], "n": n}), flush=True)
            if "parquet" in result:
                result["parquet"]["aggregate_dask2_s"] = on_cluster(Store(Path(tmp) / "w0.parquet"), repeat)
                result["partitions"] = len(Store(Path(tmp) / "w0.parquet").files("events"))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
