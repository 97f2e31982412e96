"""Coded tables written for the merging tests: ACLED-shaped CSV rows and native report rows.

The rows look like a real ACLED export of one department: many events on one
day, one armed group, villages a few kilometres apart, one outlet.  Nothing
here comes from ACLED; the names are made up.
"""

from __future__ import annotations

import csv
from pathlib import Path

ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "inter2", "interaction", "iso",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities",
]  # fmt: skip
#: villages of one made-up department, 2–8 km apart
VILLAGES = [
    ("Tinwala", 14.9012, -1.6021),
    ("Kourdigou", 14.9285, -1.5804),
    ("Sabtenga", 14.8798, -1.5570),
    ("Wendou", 14.9440, -1.6302),
]


def acled_row(
    number: int, *, village: int, day: int, kind: str, actor: str, source: str, deaths: int
) -> dict:
    """One ACLED-shaped row (Burkina Faso, Sahel, 2023-03-0<day>)."""
    name, lat, lon = VILLAGES[village]
    return {
        "event_id_cnty": f"BFO{70000 + number}",
        "event_date": f"2023-03-{1 + day:02d}",
        "year": "2023",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": kind,
        "sub_event_type": "Attack" if kind == "Violence against civilians" else "Armed clash",
        "actor1": actor,
        "assoc_actor_1": "",
        "inter1": "Political militia",
        "actor2": "Civilians (Burkina Faso)" if kind == "Violence against civilians" else "",
        "inter2": "Civilians" if kind == "Violence against civilians" else "",
        "interaction": "Political militia-Civilians",
        "iso": "854",
        "country": "Burkina Faso",
        "admin1": "Sahel",
        "admin2": "Seno",
        "location": name,
        "latitude": f"{lat:.4f}",
        "longitude": f"{lon:.4f}",
        "geo_precision": "1",
        "source": source,
        "source_scale": "National",
        "notes": f"On 2023-03-{1 + day:02d}, militants attacked {name}; a school was burnt.",
        "fatalities": str(deaths),
    }


REPORT_HEADER = [
    "event_id", "event_date", "event_type", "actor1", "country", "iso3", "admin1", "location",
    "latitude", "longitude", "fatalities", "source", "claim_status", "quote", "extraction",
]  # fmt: skip


def report_row(number: int, *, village: int, day: int, kind: str, actor: str, source: str, deaths) -> dict:
    """One article report (extraction "rules") of an event in the same department."""
    name, lat, lon = VILLAGES[village]
    return {
        "event_id": f"ev-report{number:05d}",
        "event_date": f"2023-03-{1 + day:02d}",
        "event_type": kind,
        "actor1": actor,
        "country": "Burkina Faso",
        "iso3": "BFA",
        "admin1": "Sahel",
        "location": name,
        "latitude": f"{lat + 0.004:.4f}",
        "longitude": f"{lon:.4f}",
        "fatalities": "" if deaths is None else str(deaths),
        "source": source,
        "claim_status": "reported",
        "quote": f"Gunmen attacked {name} on 2023-03-{1 + day:02d} ({number}).",
        "extraction": "rules",
    }


def write_csv(path: Path, header: list[str], rows: list[dict]) -> Path:
    """Write rows under a header (all cells quoted where needed), return the path."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path
