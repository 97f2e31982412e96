"""Accuracy and speed of the offline geocoder on the development set (benchmarks/data/geocode_devset.csv).

Each row is a mention in a sentence; the resolver reads the sentence as context.
- a *place* row is correct when the resolver pins it within 25 km of the reference
  (or, with no reference coordinates, names the reference place in its country);
- a *wrong pin* is any answer at precision 1–2 more than 50 km from where the place is;
- a *region* or *country* row (a place cities1000 lacks, a misspelt name, namesakes the
  sentence cannot tell apart) is a correct fallback when the resolver answers that region
  (precision 3) or country (precision 4) — or pins the place itself within 25 km, which is
  better still.

Rows of the Sahel section (note ``sahel-…``, see benchmarks/sahel_devset.py) are also
counted per kind.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.index import Gazetteer, distance_km
from geomap.geocode import Resolver

DEVSET = Path(__file__).parent / "data" / "geocode_devset.csv"


@dataclass(frozen=True)
class Accuracy:
    mentions: int
    places: int
    places_within_25km: int
    wrong_pins: int
    missing: int
    missing_fell_back: int
    misses: list[str]
    sections: dict[str, list[int]]  # note → [rows, right, within 25 km, wrong pins]


def measure_accuracy(gazetteer: Gazetteer) -> Accuracy:
    resolver = Resolver(gazetteer)
    rows = list(csv.DictReader(DEVSET.open(encoding="utf-8")))
    places = correct = wrong = missing = fell_back = 0
    misses = []
    sections: dict[str, list[int]] = {}
    for row in rows:
        place = resolver.resolve(row["mention"], context=row["sentence"])
        ref = (float(row["ref_lat"]), float(row["ref_lon"])) if row["ref_lat"] else None
        km = distance_km(place.lat, place.lon, *ref) if place is not None and ref else None
        pinned = place is not None and int(place.geo_precision) <= 2
        wrong_pin = pinned and km is not None and km > 50
        wrong += wrong_pin
        if row["expected"] == "place":
            places += 1
            ok = pinned and (km <= 25 if km is not None else place.name == row["ref_name"])
            correct += ok
        else:
            missing += 1
            ok = (pinned and km is not None and km <= 25) or _fell_back(place, row)
            fell_back += ok
        if row["note"].startswith("sahel-"):
            counts = sections.setdefault(row["note"], [0, 0, 0, 0])
            counts[0] += 1
            counts[1] += ok
            counts[2] += bool(pinned and km is not None and km <= 25)
            counts[3] += wrong_pin
        if not ok:
            got = (
                "nothing"
                if place is None
                else f"{place.name} ({int(place.geo_precision)}, {km and round(km)} km)"
            )
            misses.append(f"{row['mention']!r} in {row['sentence'][:50]!r}…: got {got}")
    return Accuracy(len(rows), places, correct, wrong, missing, fell_back, misses, sections)


def _fell_back(place, row) -> bool:
    if place is None:
        return False
    if row["expected"] == "region":
        return int(place.geo_precision) == 3 and place.admin1 == row["ref_name"]
    if row.get("ref_region") and int(place.geo_precision) == 3:
        return place.admin1 == row["ref_region"]  # all the namesakes lie in that region: better still
    country = find_country(row["ref_name"])
    return int(place.geo_precision) == 4 and country is not None and place.country == country.iso2


def measure_speed(gazetteer: Gazetteer, *, repeat: int) -> dict[str, float]:
    """Open time and memory of the index, and resolutions per second (exact cached, and fuzzy)."""
    opens, memory = [], []
    for _ in range(repeat):
        took, grown = _open_in_fresh_process(gazetteer.path)
        opens.append(took)
        memory.append(grown)
    resolver = Resolver(gazetteer)
    context = resolver.context("Fighting in northern Mali, near Gao and Kidal.")
    start = time.perf_counter()
    resolver.resolve("Kidalx", context=context)  # builds the fuzzy index of the text's countries, once
    fuzzy_index = time.perf_counter() - start
    build_wall, build_cpu = measure_build()
    names = ["Kidal", "Gao", "Tombouctou", "Ménaka", "Tessalit", "Bourem", "Ansongo", "Bamako"] * 5000
    start = time.perf_counter()
    for name in names:
        resolver.resolve(name, context=context)
    exact = len(names) / (time.perf_counter() - start)
    typos = [f"{n}x{i}" for i in range(300) for n in ("Kidall", "Tesalit", "Bourum", "Ansong")]
    start = time.perf_counter()
    for name in typos:
        resolver.resolve(name, context=context)
    fuzzy = len(typos) / (time.perf_counter() - start)
    return {
        "open_s": statistics.median(opens),
        "open_mb": statistics.median(memory),
        "exact_per_s": exact,
        "fuzzy_per_s": fuzzy,
        "fuzzy_index_s": fuzzy_index,
        "build_wall_s": build_wall,
        "build_cpu_s": build_cpu,
    }


_PROBE = """
import sys, time
from pathlib import Path
from geomap.gazetteer.index import DEFAULT_OVERRIDES, Gazetteer
def rss_mb():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return int(fields["VmRSS"].split()[0]) / 1024
before = rss_mb()
start = time.perf_counter()
gazetteer = Gazetteer._open(Path(sys.argv[1]), DEFAULT_OVERRIDES)
gazetteer.lookup("Kidal")
took = time.perf_counter() - start
print(took, rss_mb() - before)
"""


_BUILD = "from geomap.gazetteer.index import Gazetteer; Gazetteer.embedded()"


def measure_build() -> tuple[float, float]:
    """Wall and CPU seconds to build the index from scratch (new process, empty GEOMAP_HOME)."""
    import os
    import resource
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _BUILD], env={**os.environ, "GEOMAP_HOME": home}, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _open_in_fresh_process(path: Path) -> tuple[float, float]:
    """Seconds to open the index and answer a first lookup, and the memory it adds, in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True
    )
    took, grown = done.stdout.split()
    return float(took), float(grown)


def render(accuracy: Accuracy, speed: dict[str, float]) -> str:
    a = accuracy
    share = a.places_within_25km / a.places
    sahel = sum(c[0] for c in a.sections.values())
    lines = [
        f"Development set: {a.mentions} mentions in short English and French sentences about Mali, "
        f"Burkina Faso and Niger: {a.places} to pin (cities1000 places, namesakes and spelling variants, "
        f"and short names and namesakes of the Sahel dumps) and {a.missing} where the right answer may be "
        f"a region or the country (places cities1000 lacks, misspelt names, namesakes nothing tells "
        f"apart); {sahel} of them form the Sahel section drawn from the GeoNames dumps.",
        "",
        "| measure | result | target |",
        "|---|---:|---:|",
        f"| places pinned within 25 km | {a.places_within_25km}/{a.places} ({share:.1%}) | |",
        f"| wrong pins (precision 1–2, over 50 km off) | {a.wrong_pins}/{a.mentions} "
        f"({a.wrong_pins / a.mentions:.1%}) | under 1% |",
        f"| missing places that fall back to the right region or country "
        f"| {a.missing_fell_back}/{a.missing} | |",
        f"| build the index once (new process, empty home; wall, and CPU) | {speed['build_wall_s']:.1f} s, "
        f"{speed['build_cpu_s']:.1f} s CPU | under 10 s |",
        f"| open the index and answer a first lookup (new process, median) | {speed['open_s'] * 1000:.1f} ms "
        "| under 300 ms |",
        f"| memory that adds (resident set growth) | {speed['open_mb']:.1f} MB | under 150 MB |",
        f"| exact names, repeated (cached) | {speed['exact_per_s']:,.0f}/s | over 50,000/s |",
        f"| misspelt names (fuzzy matching) | {speed['fuzzy_per_s']:,.0f}/s | over 2,000/s |",
        f"| building the fuzzy index of a text's countries (once per process) "
        f"| {speed['fuzzy_index_s']:.2f} s | |",
    ]
    if a.sections:
        lines += [
            "",
            "Sahel section, per kind of row (benchmarks/sahel_devset.py):",
            "",
            "| kind | rows | right | pinned within 25 km | wrong pins |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [f"| {k} | {n} | {r} | {w} | {x} |" for k, (n, r, w, x) in sorted(a.sections.items())]
    if a.misses:
        lines += ["", "Misses:", *[f"- {m}" for m in a.misses]]
    return "\n".join(lines)


def measure_table_rows(gazetteer: Gazetteer) -> str:
    """Coded rows whose namesakes share their region (:func:`benchmarks.sahel_devset.cercle_rows`),
    geocoded as a table's rows are, with and without their second-level area."""
    from benchmarks.sahel_devset import cercle_rows
    from geomap.geocode.tables import resolve_key

    rows = cercle_rows()
    resolver = Resolver(gazetteer)
    lines = [
        f"Table rows whose namesakes share their first-level region ({len(rows)} rows drawn from the "
        "GeoNames dumps; the second-level area is the cercle, department or province whose seat is "
        "nearest; `benchmarks.sahel_devset.cercle_rows`):",
        "",
        "| the row gives | pinned within 25 km | wrong pins (precision 1–2, > 50 km off) | in its region |",
        "|---|---:|---:|---:|",
    ]
    for label, with_area in (("country and region", False), ("country, region and area", True)):
        within = wrong = region = 0
        for name, country, admin1, admin2, lat, lon in rows:
            place = resolve_key((name, country, admin1, admin2 if with_area else ""), resolver)
            km = distance_km(place.lat, place.lon, lat, lon) if place else float("inf")
            within += km <= 25
            wrong += place is not None and place.geo_precision <= 2 and km > 50
            region += place is not None and place.geo_precision == 3
        lines.append(f"| {label} | {within}/{len(rows)} | {wrong}/{len(rows)} | {region}/{len(rows)} |")
    return "\n".join(lines)


def main() -> None:
    gazetteer = Gazetteer.embedded()
    print(render(measure_accuracy(gazetteer), measure_speed(gazetteer, repeat=3)))
    print()
    print(measure_table_rows(gazetteer))


if __name__ == "__main__":
    main()
