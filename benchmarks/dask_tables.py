"""Coded tables at scale: the local engine against the Dask engine, wall time, rows/s and peak memory.

The corpus is :mod:`benchmarks.synthetic_events` (made-up villages in three boxes inside Mali,
Burkina Faso and Niger; coded rows of two datasets and article reports; 0.2 % rows that are
wrong), written to 8 CSV files.  Each run imports every file into a new store from a fresh copy
of the gazetteer (read, harvest, geocode, grade, merge, write), in a process of its own so that
its peak memory is its own: the client's, and for Dask each worker's (``ru_maxrss`` read on the
workers through ``Client.run``).  A Dask run starts its LocalCluster (2 one-thread workers)
and warms it with a small import before the clock starts, as a long-lived cluster would be.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic_events import write_events

FILES = 8
ROWS_PER_EVENT = 2.04  # what write_events writes on average (coded rows and reports)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(spec: dict) -> dict:
    """One run, in this process: import ``spec["files"]`` with ``spec["workers"]`` Dask workers (0: local)."""
    work = Path(spec["work"])
    client = None
    if spec["workers"]:
        from distributed import Client

        from geomap.engine import LOCAL_CLUSTER

        client = Client(n_workers=spec["workers"], **LOCAL_CLUSTER)
        client.wait_for_workers(spec["workers"])
        _import(write_events(work / "warm", 200, files=2, seed=99), work, "warm", client)
    load_before = _load_average()
    start = time.perf_counter()
    report = _import([Path(p) for p in spec["files"]], work, "run", client)
    elapsed = time.perf_counter() - start
    load = [load_before, _load_average()]
    workers = sorted(client.run(_peak_mib).values()) if client is not None else []
    if client is not None:
        client.close()
    rows = report.events_read + len(report.problems)
    return {"seconds": elapsed, "rows": rows, "events_read": report.events_read, "client_mib": _peak_mib(),
            "worker_mib": workers, "events": report.merging.events, "load": load}  # fmt: skip


def _load_average() -> float:
    """The machine's 1-minute load average (``/proc/loadavg``; 0 where there is none)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


def _import(files, work: Path, tag: str, client):
    from geomap.engine import import_files
    from geomap.gazetteer.index import Gazetteer
    from geomap.geocode import Resolver
    from geomap.store import Store

    copy = work / f"{tag}.sqlite"
    shutil.copy(Gazetteer.embedded().path, copy)
    resolver = Resolver(Gazetteer.embedded(path=copy))
    report = import_files(files, store=Store(work / f"{tag}.gpkg"), resolver=resolver, client=client)
    if report.file_errors or not report.events_read:
        raise RuntimeError(f"the synthetic tables did not import: {report.file_errors[:3]}")
    return report


def _spawn(files: list[Path], work: Path, workers: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "spec.json"  # a file, not an argument: 20k paths pass the command line's limit
    spec.write_text(json.dumps({"files": [str(f) for f in files], "work": str(work), "workers": workers}))
    command = [sys.executable, "-m", "benchmarks.dask_tables", str(spec)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"a benchmark run failed: {done.stderr[-2000:]}")
    shutil.rmtree(work, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(events: int, *, repeat: int, work: Path) -> list[dict]:
    """Median wall time, rows/s and peak memory of importing ``events`` synthetic events' rows."""
    from geomap.gazetteer.index import Gazetteer

    Gazetteer.embedded()  # built once here; each run copies it
    files = write_events(work / f"tables-{events}", events, files=FILES, seed=1)
    rows = engine_rows(files, work, workers=(0, 2), repeat=repeat)
    shutil.rmtree(work / f"tables-{events}", ignore_errors=True)
    return rows


def engine_rows(files: list[Path], work: Path, *, workers, repeat: int) -> list[dict]:
    """``repeat`` imports of ``files`` for each count of ``workers`` (0: the local engine), each in a process
    of its own: a row per engine with its runs, their median wall time and the speed-up over the first."""
    rows = []
    for count in workers:
        name = f"Dask, {count} worker{'s' if count > 1 else ''}" if count else "local engine"
        runs = [_spawn(files, work / f"run-{count}-{r}", count) for r in range(repeat)]
        rows.append({"engine": name, "runs": runs, "median": statistics.median(r["seconds"] for r in runs)})
    for row in rows:
        row["speedup"] = rows[0]["median"] / row["median"]
    return rows


def _loads(runs: list[dict]) -> str:
    """The load averages at the start and end of the runs (before and after each)."""
    values = [v for r in runs for v in r.get("load", [])]
    return f"{min(values):.1f}–{max(values):.1f}" if values else "—"


def render(rows: list[dict]) -> list[str]:
    """Markdown table lines for the results of :func:`measure` (one block per size)."""
    lines = [
        "| engine | rows | runs | median | min–max | rows/s | vs local | peak client | peak per worker "
        "| load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        times = [r["seconds"] for r in row["runs"]]
        count = row["runs"][0]["rows"]
        lines.append(
            f"| {row['engine']} | {count:,} | {len(times)} | {row['median']:.1f} s | "
            f"{min(times):.1f}–{max(times):.1f} s | {count / row['median']:,.0f} | {row['speedup']:.2f}× | "
            f"{memory_cells(row['runs'])} |"
        )
    return lines


def memory_cells(runs: list[dict]) -> str:
    """A row's last cells: the client's peak, the largest worker peak and the load around the runs."""
    workers = [m for r in runs for m in r["worker_mib"]]
    client = max(r["client_mib"] for r in runs)
    return f"{client:,.0f} MiB | {f'{max(workers):,.0f} MiB' if workers else '—'} | {_loads(runs)}"


def main(argv: list[str]) -> None:
    """``python -m benchmarks.dask_tables EVENTS [REPEAT]``: measure one size, print the table and JSON.

    (Called with the path of a run's ``spec.json`` it is that run's child process.)
    """
    if argv and argv[0].endswith("spec.json"):
        print(json.dumps(child(json.loads(Path(argv[0]).read_text()))))
        return
    events, repeat = int(argv[0]), int(argv[1]) if len(argv) > 1 else 1
    work = Path(tempfile.mkdtemp(prefix="geomap-dask-tables-"))
    try:
        rows = measure(events, repeat=repeat, work=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(render(rows)))
    print(json.dumps(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
