"""Nothing lost on import: rows in / events out / fatalities in / fatalities out for coded tables.

The input is a synthetic table in ACLED's export columns, written here (no ACLED data): made-up
departments of Mali, Burkina Faso and Niger with a dozen made-up villages each, 90 days, so that each
department has many events a day, often the same armed group, the same outlet and the same village —
the rows a merge of reports would fuse.  ``python -m benchmarks.merge_conservation [--quick]`` measures
it alone; ``make bench`` runs it too.  Results go to their own section of docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import run_alone, write_section
from geomap.pipeline import import_files
from geomap.sourcing import merging
from geomap.store import Store

BEGIN, END = "<!-- bench:merge:begin -->", "<!-- bench:merge:end -->"

#: (country, admin1, department, lat, lon): made-up departments, real countries
DEPARTMENTS = [
    ("Mali", "Mopti", "Kerendou", 14.52, -3.41),
    ("Mali", "Segou", "Tiabara", 13.88, -5.62),
    ("Burkina Faso", "Sahel", "Woubila", 14.21, -0.88),
    ("Burkina Faso", "Centre-Nord", "Yamsa", 13.31, -1.12),
    ("Niger", "Tillaberi", "Dargoul", 14.47, 1.36),
    ("Niger", "Tahoua", "Kalfou", 15.12, 4.93),
]
ACTORS = [
    "JNIM: Group for Support of Islam and Muslims",
    "Islamic State (Sahel)",
    "Unidentified Armed Group",
    "Dozo Communal Militia",
]
STATE = {"Mali": "Military Forces of Mali (2021-)", "Burkina Faso": "Military Forces of Burkina Faso (2022-)",
         "Niger": "Military Forces of Niger (2023-)"}  # fmt: skip
SOURCES = ["Studio Tamani", "AFP", "Le Faso", "ActuNiger"]
TYPES = [("Violence against civilians", "Attack"), ("Battles", "Armed clash"),
         ("Explosions/Remote violence", "Remote explosive/landmine/IED")]  # fmt: skip
_SYLLABLES = ["ka", "ti", "bou", "ma", "ro", "sa", "dou", "ne", "gou", "la", "wen", "ko"]


def acled_shaped(n: int, *, seed: int = 13, days: int = 90) -> pd.DataFrame:
    """``n`` rows in ACLED's export columns, many per department and day (see the module docstring)."""
    rng = np.random.default_rng(seed)
    villages = _villages(rng)
    dept = rng.integers(0, len(DEPARTMENTS), n)
    village = rng.integers(0, 12, n)
    kind = rng.choice(len(TYPES), n, p=[0.45, 0.35, 0.20])
    actor = rng.choice(len(ACTORS), n, p=[0.45, 0.3, 0.15, 0.1])
    geo = rng.choice([1, 2, 3], n, p=[0.8, 0.15, 0.05])
    deaths = np.where(rng.random(n) < 0.4, 0, rng.poisson(4, n)) + np.where(
        rng.random(n) < 0.02, rng.integers(20, 120, n), 0
    )
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    rows = []
    for i in range(n):
        country, admin1, admin2, lat, lon = DEPARTMENTS[dept[i]]
        name, vlat, vlon = villages[dept[i]][village[i]]
        if geo[i] == 3:  # known only to the region: ACLED puts it at the region's centre
            name, vlat, vlon = admin1, lat, lon
        event_type, sub = TYPES[kind[i]]
        rows.append(
            {
                "event_id_cnty": f"SYN{100000 + i}",
                "event_date": day[i].strftime("%d %B %Y"),
                "year": day[i].year,
                "time_precision": 1,
                "disorder_type": "Political violence",
                "event_type": event_type,
                "sub_event_type": sub,
                "actor1": ACTORS[actor[i]],
                "inter1": "Political militia",
                "actor2": f"Civilians ({country})" if kind[i] == 0 else STATE[country],
                "inter2": "Civilians" if kind[i] == 0 else "State forces",
                "interaction": "Political militia-Civilians",
                "country": country,
                "admin1": admin1,
                "admin2": admin2,
                "location": name,
                "latitude": round(vlat, 4),
                "longitude": round(vlon, 4),
                "geo_precision": geo[i],
                "source": SOURCES[rng.integers(0, len(SOURCES))],
                "source_scale": "National",
                "notes": f"On {day[i]:%d %B %Y}, an armed group attacked {name} ({admin2}).",
                "fatalities": int(deaths[i]),
            }
        )
    return pd.DataFrame(rows)


def _villages(rng) -> list[list[tuple[str, float, float]]]:
    """Twelve made-up villages within ~15 km of each department's centre."""
    out = []
    for _, _, _, lat, lon in DEPARTMENTS:
        names = ["".join(rng.choice(_SYLLABLES, 3)).capitalize() for _ in range(12)]
        offsets = rng.normal(0, 0.07, (12, 2))
        out.append([(nm, lat + dy, lon + dx) for nm, (dy, dx) in zip(names, offsets, strict=True)])
    return out


def measure(n: int, *, repeat: int, work: Path) -> dict:
    """Import the table into a new store ``repeat`` times; what went in and what the store holds."""
    table = acled_shaped(n)
    path = work / f"acled_shaped_{n}.csv"
    table.to_csv(path, index=False)
    times = []
    for _ in range(repeat):
        store = Store(work / f"conservation_{n}.gpkg")
        store.path.unlink(missing_ok=True)
        start = time.perf_counter()
        import_files([path], store=store, harvest=False)
        times.append(time.perf_counter() - start)
    events = store.read_events()
    reports = store.read_reports()
    tests, plan_times = _merge_cost(reports, repeat=repeat)
    per_day = table.groupby(["admin2", "event_date"]).size()
    return {
        "rows": n,
        "events": len(events),
        "fatalities_in": int(table["fatalities"].sum()),
        "fatalities_out": int(events["fatalities"].sum()),
        "per_day": float(per_day.median()),
        "import": statistics.median(times),
        "import_range": (min(times), max(times)),
        "plan": statistics.median(plan_times),
        "tests": tests,
    }


def _merge_cost(reports: pd.DataFrame, *, repeat: int) -> tuple[int, list[float]]:
    """How many same_event tests merging the stored rows makes, and how long planning it takes."""
    real, count = merging.same_event, [0]

    def counted(a: dict, b: dict) -> bool:
        count[0] += 1
        return real(a, b)

    merging.same_event = counted
    try:
        merging.plan_merge(reports)
    finally:
        merging.same_event = real
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        merging.plan_merge(reports)
        times.append(time.perf_counter() - start)
    return count[0], times


def render(results: list[dict], *, quick: bool) -> str:
    lines = [
        BEGIN,
        f"Synthetic ACLED-shaped tables (`benchmarks/merge_conservation.py`), {time.strftime('%Y-%m-%d')}, "
        f"{'quick run' if quick else 'full run'}; medians of the repeated imports into a new store.",
        "",
        "| rows in | events out | fatalities in | fatalities out | events per department and day (median) "
        "| import | merge plan | same_event tests |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        low, high = r["import_range"]
        lines.append(
            f"| {r['rows']:,} | {r['events']:,} | {r['fatalities_in']:,} | {r['fatalities_out']:,} "
            f"| {r['per_day']:.0f} | {r['import']:.2f} s ({low:.2f}–{high:.2f}) | {r['plan']:.2f} s "
            f"| {r['tests']:,} |"
        )
    lines.append(END)
    return "\n".join(lines)


def run(*, quick: bool, work: Path) -> str:
    """Measure, write the section, return it."""
    sizes = (2_000,) if quick else (2_000, 8_000)
    section = render([measure(n, repeat=3, work=work) for n in sizes], quick=quick)
    write_section(section, BEGIN, END)
    return section


if __name__ == "__main__":
    run_alone(run, __doc__, quick_help="one size")
