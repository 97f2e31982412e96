"""Synthetic coded tables for the Dask engine's tests and benchmark: events, their coded rows and reports.

Every event happens at a made-up village (a fixed point inside one of three boxes well inside Mali,
Burkina Faso and Niger) on one day.  Most events have a coded row (an "acled" row; some also a
"ucdp" row, which the merge links across datasets), and up to three article reports under other
outlets: a few kilometres off, some of the day, some of the week around it (so their date windows
cross midnight and the boundaries of the engine's time blocks), a few of the month.  Some reports
name their village without coordinates (the import learns the village from the located rows and
geocodes them), and a few rows are wrong (a date or a latitude that cannot be), so that row errors
are kept.  Nothing comes from a real dataset.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HEADER = [
    "event_id", "event_date", "time_precision", "event_type", "actor1", "country", "iso3", "admin1",
    "location", "latitude", "longitude", "geo_precision", "fatalities", "source", "claim_status",
    "quote", "extraction", "dataset",
]  # fmt: skip
#: (country, iso3, admin1, south, west) of each box, 1.5° a side, well inside the country
BOXES = [
    ("Mali", "MLI", "Mopti", 14.0, -4.5),
    ("Burkina Faso", "BFA", "Centre-Nord", 12.5, -1.8),
    ("Niger", "NER", "Tahoua", 14.5, 5.0),
]
TYPES = ["Battles", "Violence against civilians", "Explosions/Remote violence", "Riots"]
ACTORS = ["JNIM", "Islamic State Sahel", "Military Forces of Mali (2021-)", "Unidentified Armed Group", ""]
OUTLETS = ["RFI", "AFP", "Reuters", "Studio Tamani", "Le Monde", "Sahel Desk (synthetic)"]
FIRST_DAY = 18262  # 2020-01-01, days since 1970
DAYS = 5 * 365


def villages(count: int, seed: int) -> list[tuple[str, int, float, float]]:
    """``count`` made-up villages: (name, box, lat, lon)."""
    rng = random.Random(seed)
    out = []
    for k in range(count):
        box = k % len(BOXES)
        south, west = BOXES[box][3], BOXES[box][4]
        out.append((f"Synthville-{k:05d}", box, south + rng.random() * 1.5, west + rng.random() * 1.5))
    return out


def _date(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def _row(eid, day, precision, kind, actor, place, lat, lon, source, extraction, dataset) -> dict:
    country, iso3, admin1 = BOXES[place[1]][:3]
    return {
        "event_id": eid,
        "event_date": _date(day),
        "time_precision": precision,
        "event_type": kind,
        "actor1": actor,
        "country": country,
        "iso3": iso3,
        "admin1": admin1,
        "location": place[0],
        "latitude": "" if lat is None else f"{lat:.5f}",
        "longitude": "" if lon is None else f"{lon:.5f}",
        "geo_precision": 1,
        "fatalities": "",
        "source": source,
        "claim_status": "reported",
        "quote": f"{kind} at {place[0]} ({eid}).",
        "extraction": extraction,
        "dataset": dataset,
    }


def event_rows(k: int, rng: random.Random, places: list) -> list[dict]:
    """The rows of synthetic event ``k``: its coded rows and its reports."""
    place = places[rng.randrange(len(places))]
    day = FIRST_DAY + rng.randrange(DAYS)
    kind, actor = rng.choice(TYPES), rng.choice(ACTORS)
    rows = []
    if rng.random() < 0.8:
        rows.append(
            _row(f"syn-a{k:07d}", day, 1, kind, actor, place, place[2], place[3], "ACLED", "table", "acled")
        )
        if rng.random() < 0.1:
            lat, lon = place[2] + 0.01, place[3] - 0.01
            rows.append(_row(f"syn-u{k:07d}", day, 1, kind, actor, place, lat, lon, "UCDP", "table", "ucdp"))
    for m in range(rng.choice([0, 0, 1, 1, 2, 3])):
        precision = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        shift = rng.randint(-3, 3) if precision == 2 else 0
        lat, lon = place[2] + rng.uniform(-0.03, 0.03), place[3] + rng.uniform(-0.03, 0.03)
        if rng.random() < 0.1:
            lat = lon = None  # named, not located: geocoded from what the import learns
        outlet = OUTLETS[(k + m) % len(OUTLETS)]
        eid = f"syn-r{k:07d}-{m}"
        rows.append(_row(eid, day + shift, precision, kind, actor, place, lat, lon, outlet, "rules", ""))
    return rows


def write_events(
    folder: Path, events: int, *, files: int = 1, seed: int = 0, bad: float = 0.002
) -> list[Path]:
    """Write ``events`` synthetic events' rows, shuffled, to ``files`` CSV files in ``folder``."""
    rng = random.Random(seed)
    places = villages(max(10, events // 20), seed)
    rows = [r for k in range(events) for r in event_rows(k, rng, places)]
    rng.shuffle(rows)
    for row in rows[: int(len(rows) * bad)]:
        if rng.random() < 0.5:
            row["event_date"] = row["event_date"][:5] + "13" + row["event_date"][7:]
        else:
            row["latitude"] = "96.5"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in range(files):
        path = folder / f"synthetic-{f:02d}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=HEADER)
            writer.writeheader()
            writer.writerows(rows[f::files])
        paths.append(path)
    return paths
