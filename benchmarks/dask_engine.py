"""Articles per second: the local engine against the Dask engine with 1 and 2 workers.

The corpus is synthetic: copies of the development articles in benchmarks/data/articles, each
copy under another (made-up) outlet and address, so that the copies are separate reports the
merge fuses.  Each run imports the whole corpus into a new store (read, extract, geocode,
harvest, merge, write) from the same copy of the gazetteer.  The Dask cluster is started before
the clock starts; its first run also pays for the workers' imports and for opening the gazetteer
(the "first run" column), later runs find them warm.  ``python -m benchmarks.dask_engine [--quick]``
measures it alone (``--reading N``: the reading stage of N articles on 1 and 2 workers; ``--import N
[REPEAT]``: whole imports of N articles, each run in a process of its own, with peak memory);
``make bench`` runs it when the dask extra is installed.  Results go to their own section of
docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import frontmatter

from benchmarks import run_alone, write_section
from benchmarks.dask_tables import FILES, engine_rows, memory_cells
from benchmarks.dask_tables import measure as measure_tables
from benchmarks.dask_tables import render as render_tables
from geomap.engine import LOCAL_CLUSTER, DaskReader, import_files, require_dask
from geomap.errors import ConfigError
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver
from geomap.ingest.tables import TableImport
from geomap.pipeline import read_each
from geomap.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "benchmarks" / "data" / "articles"
BEGIN, END = "<!-- bench:dask:begin -->", "<!-- bench:dask:end -->"
OUTLETS = ["Sahel Desk", "Niger Wire", "Chronique du Sahel", "Le Courrier de Gao", "Rights Monitor Sahel"]


def available() -> bool:
    """Whether the dask extra is installed (``make bench`` leaves this benchmark out when not)."""
    try:
        require_dask()
    except ConfigError:
        return False
    return True


def synthetic_articles(folder: Path, n: int) -> list[Path]:
    """Write ``n`` articles to ``folder``: the development articles in turn, each copy its own report."""
    sources = sorted(ARTICLES.glob("*.md"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        post = frontmatter.load(sources[i % len(sources)])
        outlet = OUTLETS[(i // len(sources)) % len(OUTLETS)]
        post["outlet"] = f"{outlet} {i // len(sources) // len(OUTLETS) + 1} (synthetic)"
        post["url"] = f"https://example.org/synthetic/{i:05d}"
        path = folder / f"{i:05d}.md"
        path.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def gazetteer_copy(target: Path) -> Gazetteer:
    """A private copy of the built gazetteer, so that every run starts from the same one."""
    source = Gazetteer.embedded()
    shutil.copy(source.path, target)
    return Gazetteer.embedded(path=target)


def _run(paths: list[Path], work: Path, tag: str, client=None) -> float:
    store = Store(work / f"{tag}.gpkg")
    resolver = Resolver(gazetteer_copy(work / f"{tag}.sqlite"))
    start = time.perf_counter()
    report = import_files(paths, store=store, resolver=resolver, client=client)
    elapsed = time.perf_counter() - start
    if report.file_errors or not report.events_read:
        raise RuntimeError(f"the benchmark corpus did not import: {report.file_errors[:3]}")
    return elapsed


def _read(paths: list[Path], work: Path, tag: str, client=None) -> float:
    """The reading stage alone (read, extract, resolve the articles' places), as the import runs it."""
    reader = DaskReader(client) if client is not None else read_each
    resolver = Resolver(gazetteer_copy(work / f"{tag}.sqlite"))
    start = time.perf_counter()
    results = list(reader(paths, resolver=resolver, actors=None))
    elapsed = time.perf_counter() - start
    if any(not isinstance(table, TableImport) for _, table in results):
        raise RuntimeError("the benchmark corpus did not read")
    return elapsed


def measure(n: int, *, repeat: int, work: Path) -> list[dict]:
    """Median wall time and articles/s of importing ``n`` synthetic articles, and of reading them alone."""
    from distributed import Client

    paths = synthetic_articles(work / "dask-articles", n)
    runs = {}
    for stage, fn in (("import", _run), ("reading stage", _read)):
        runs[("local engine", stage)] = [fn(paths, work, f"local-{stage[:4]}{r}") for r in range(repeat)]
    for workers in (1, 2):
        with Client(n_workers=workers, **LOCAL_CLUSTER) as c:
            c.wait_for_workers(workers)
            name = f"Dask, {workers} worker{'s' if workers > 1 else ''}"
            for stage, fn in (("import", _run), ("reading stage", _read)):
                tag = f"dask{workers}-{stage[:4]}"
                runs[(name, stage)] = [fn(paths, work, f"{tag}{r}", client=c) for r in range(repeat)]
    rows = []
    for (name, stage), times in runs.items():
        base = statistics.median(runs[("local engine", stage)])
        median = statistics.median(times)
        rows.append({"engine": name, "stage": stage, "n": n, "times": times, "median": median,
                     "speedup": base / median})  # fmt: skip
    return rows


def reading_rates(n: int, *, work: Path, workers=(1, 2)) -> list[dict]:
    """The reading stage alone (one run each) of ``n`` synthetic articles with 1 and 2 Dask workers,
    with the load average at the start and end of each run: the points :func:`expected_curve` reads."""
    from distributed import Client

    paths = synthetic_articles(work / "dask-articles", n)
    rows = []
    for count in workers:
        with Client(n_workers=count, **LOCAL_CLUSTER) as c:
            c.wait_for_workers(count)
            _read(paths[: min(n, 20)], work, f"warm{count}", client=c)  # workers' imports, off the clock
            load = [_load_average()]
            seconds = _read(paths, work, f"read{count}", client=c)
            load.append(_load_average())
        name = f"Dask, {count} worker{'s' if count > 1 else ''}"
        rows.append({"engine": name, "stage": "reading stage", "n": n, "times": [seconds],
                     "median": seconds, "speedup": 1.0, "load": load})  # fmt: skip
    return rows


def import_runs(n: int, *, work: Path, workers=(0, 1, 2), repeat: int = 1) -> list[dict]:
    """Whole imports of ``n`` synthetic articles, each run in a process of its own (0 workers: the local
    engine), with wall time, the client's and each worker's peak memory and the load average around it."""
    from geomap.gazetteer.index import Gazetteer

    Gazetteer.embedded()  # built once here; each run copies it
    paths = synthetic_articles(work / "dask-articles", n)
    return [{**row, "n": n} for row in engine_rows(paths, work, workers=workers, repeat=repeat)]


def render_imports(rows: list[dict]) -> list[str]:
    """Markdown table lines for :func:`import_runs`."""
    lines = [
        "| engine | articles | runs | median | articles/s | vs local | events read | merged events "
        "| peak client | peak per worker | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        runs = row["runs"]
        lines.append(
            f"| {row['engine']} | {row['n']:,} | {len(runs)} | {row['median']:.1f} s | "
            f"{row['n'] / row['median']:.1f} | {row['speedup']:.2f}× | {runs[0]['events_read']:,} | "
            f"{runs[0]['events']:,} | {memory_cells(runs)} |"
        )
    return lines


def _load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0]) if Path("/proc/loadavg").exists() else 0.0


def expected_curve(rows: list[dict], workers=(4, 8, 16)) -> str:
    """Articles/s of the reading stage for more workers, by Amdahl's law from the 1- and 2-worker medians."""
    reading = {r["engine"]: r for r in rows if r["stage"] == "reading stage"}
    one, two = reading["Dask, 1 worker"], reading["Dask, 2 workers"]
    serial = min(max(2 * two["median"] / one["median"] - 1, 0.0), 1.0)  # t2 = t1 (s + (1 - s) / 2)
    rates = [
        f"{n} workers ≈ {one['n'] / (one['median'] * (serial + (1 - serial) / n)):.0f}/s" for n in workers
    ]
    return (
        f"Expected for more workers (the reading stage, from the 1- and 2-worker medians: a serial share of "
        f"{serial:.0%}, the rest shared): {', '.join(rates)}; the store write stays in the one client."
    )


def render(rows: list[dict], *, quick: bool, tables: list[tuple[int, list[dict]]] = ()) -> str:
    """The markdown section of the results: articles, and synthetic coded tables of each size."""
    lines = [
        BEGIN,
        f"### Import engines ({'quick run' if quick else 'full run'}, {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} cores)",
        "",
        "| engine | what is timed | articles | median | min–max | first run | articles/s | vs local |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['engine']} | {row['stage']} | {row['n']:,} | {row['median']:.2f} s | "
            f"{min(row['times']):.2f}–"
            f"{max(row['times']):.2f} s | {row['times'][0]:.2f} s | {row['n'] / row['median']:.1f} | "
            f"{row['speedup']:.2f}× |"
        )
    lines += ["", expected_curve(rows)]
    for events, found in tables:
        lines += [
            "",
            f"Synthetic coded tables ({events:,} events, {FILES} CSV files, benchmarks/synthetic_events.py):",
            "",
        ]
        lines += render_tables(found)
    lines.append(END)
    return "\n".join(lines)


def run(*, quick: bool, work: Path) -> str:
    """Measure, write the section and return it (``make bench`` calls this)."""
    n, repeat = (200, 3) if quick else (1_000, 3)
    sizes = [(2_500, 3)] if quick else [(49_000, 3), (490_000, 1)]  # about 5k; 100k and 1M rows
    tables = [(events, measure_tables(events, repeat=times, work=work)) for events, times in sizes]
    section = render(measure(n, repeat=repeat, work=work), quick=quick, tables=tables)
    write_section(section, BEGIN, END)
    return section


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reading":  # the reading stage alone, 1 and 2 workers
        with tempfile.TemporaryDirectory() as tmp:
            found = reading_rates(int(sys.argv[2]), work=Path(tmp))
        print(json.dumps(found))
        print(expected_curve(found))
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "--import":  # whole imports, local and 1, 2 workers
        with tempfile.TemporaryDirectory() as tmp:
            repeat = int(sys.argv[3]) if len(sys.argv) == 4 else 1
            found = import_runs(int(sys.argv[2]), work=Path(tmp), repeat=repeat)
        print("\n".join(render_imports(found)))
        print(json.dumps(found))
    else:
        run_alone(run, __doc__, quick_help="200 articles instead of 1,000")
