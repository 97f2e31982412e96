"""How long the ``geomap`` command takes to answer, in a new process each time.

Each row runs ``python -m geomap.cli …`` as a user's shell would and times it
from start to exit (wall clock), against the control of a Python interpreter
that starts and exits doing nothing: what is left above the control is
geomap's own start-up.  ``info`` reads a store of 10,000 synthetic events;
``geocode`` resolves one name with the embedded gazetteer (offline).  Target
(issue 16): every row in under 0.3 s.

``python -m benchmarks.cli_start`` prints the table.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 0.3


def _time(command: list[str], *, repeat: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def commands(store: Path) -> dict[str, list[str]]:
    """The command lines timed, by the name their row shows."""
    cli = [sys.executable, "-m", "geomap.cli"]
    return {
        "control: `python -c pass`": [sys.executable, "-c", "pass"],
        "`geomap --help`": [*cli, "--help"],
        "`geomap import --help`": [*cli, "import", "--help"],
        "`geomap info --store S` (10,000 events)": [*cli, "info", "--store", str(store)],
        "`geomap geocode Mopti`": [*cli, "geocode", "Mopti"],
    }


def measure(*, repeat: int, work: Path) -> dict[str, list[float]]:
    """Wall-clock seconds of each command line, ``repeat`` times each (one warm-up run first)."""
    from benchmarks.run import synthetic_events
    from geomap.pipeline import import_files
    from geomap.store import Store

    csv, store = work / "cli_events.csv", work / "cli_store.gpkg"
    synthetic_events(10_000).to_csv(csv, index=False)
    import_files([csv], store=Store(store))
    env = dict(os.environ)
    results = {}
    for name, command in commands(store).items():
        _time(command, repeat=1, env=env)  # the first run fills the OS file cache
        results[name] = _time(command, repeat=repeat, env=env)
    return results


def render(results: dict[str, list[float]]) -> str:
    """A markdown table: median, min–max and the target verdict of each command."""
    lines = [
        "Each command in a new process, wall clock from start to exit:",
        "",
        "| command | median | min–max | runs | target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, times in results.items():
        median = statistics.median(times)
        verdict = "control" if name.startswith("control") else (
            f"meets {TARGET_S} s" if median <= TARGET_S else f"misses {TARGET_S} s"
        )  # fmt: skip
        lines.append(
            f"| {name} | {median:.3f} s | {min(times):.3f}–{max(times):.3f} s | {len(times)} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    os.environ["GEOMAP_HOME"] = tempfile.mkdtemp(prefix="geomap-bench-")
    with tempfile.TemporaryDirectory() as tmp:
        print(render(measure(repeat=10, work=Path(tmp))))


if __name__ == "__main__":
    main()
