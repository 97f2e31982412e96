"""GeoJSON and GeoPackage tables read as records: every event layer, in WGS84, each feature at a point.

A file with several layers has each layer of events read (a layer of events has
``event_date`` and ``event_type`` fields) and every other layer named in the
notes; a geomap store's ``reports`` layer is left out, since its ``events``
layer holds the same events merged.  Coordinates in a projected CRS (EPSG:3857…)
are reprojected to WGS84 degrees, never read as degrees.  A feature's geometry
gives its latitude and longitude when the attributes do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyogrio

from geomap.errors import InputError, RowProblem
from geomap.ingest.csvfile import column_key
from geomap.model import GeoPrecision
from geomap.schema import WGS84, is_blank, records


@dataclass(frozen=True)
class TablePart:
    """The records of a CSV file or of one layer of a GeoPackage, before validation."""

    label: str  # the file, or "file|layername=…" for one layer of several
    records: list[dict]
    rows: list[int]
    problems: list[RowProblem]
    decimal_comma: bool = False


def read_features(path: Path, notes: list[str]) -> list[TablePart]:
    """The event layers of a GeoJSON or GeoPackage file; what the reader did is added to ``notes``.

    Raises
    ------
    InputError
        When the file cannot be read, has no layer of events, or no features.
    """
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        chosen = _event_layers(path, layers, notes)
        label = (lambda layer: f"{path}|layername={layer}") if len(layers) > 1 else (lambda layer: str(path))
        parts = [_read_layer(path, layer, label(layer), notes) for layer in chosen]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as err:
        raise InputError(f"{path}: cannot read as GeoJSON/GeoPackage: {err}") from err
    if not any(p.records or p.problems for p in parts):
        raise InputError(f"{path}: no features")
    return parts


def _event_layers(path: Path, layers: list[str], notes: list[str]) -> list[str]:
    """The layers of a file that hold events; every other layer is named in ``notes``, not ignored."""
    if len(layers) <= 1:
        return layers
    chosen = []
    for layer in layers:
        fields = {column_key(f) for f in pyogrio.read_info(path, layer=layer)["fields"]}
        if layer == "reports" and "events" in layers:
            notes.append(
                f"{path}: a geomap store: layer 'events' read, not 'reports' (the same events, unmerged)"
            )
        elif {"event_date", "event_type"} <= fields:
            chosen.append(layer)
        else:
            notes.append(f"{path}: layer {layer!r} skipped: it has no event_date and event_type fields")
    if not chosen:
        raise InputError(
            f"{path}: no layer of events among {', '.join(layers)} "
            "(a layer of events has event_date and event_type fields)"
        )
    notes.append(f"{path}: {len(chosen)} layer(s) of events read: {', '.join(chosen)}")
    return chosen


def _read_layer(path: Path, layer: str, label: str, notes: list[str]) -> TablePart:
    frame = pyogrio.read_dataframe(path, layer=layer)
    crs = getattr(frame, "crs", None)
    if crs is not None and not _is_wgs84(crs):
        notes.append(f"{label}: coordinates reprojected from {crs.to_string()} to WGS84 degrees")
        frame = frame.to_crs(WGS84)
    frame.columns = [column_key(c) if c != "geometry" else c for c in frame.columns]
    records_kept, rows, problems = [], [], []
    for number, record in enumerate(records(pd.DataFrame(frame)), start=1):
        problem = _place_feature(record)
        if problem is None:
            records_kept.append(record)
            rows.append(number)
        else:
            problems.append(RowProblem(label, number, "geometry", problem))
    return TablePart(label, records_kept, rows, problems)


def _is_wgs84(crs) -> bool:
    return crs.to_epsg() == 4326 or crs.to_authority() == ("OGC", "CRS84")


def _place_feature(record: dict) -> str | None:
    """Set a feature's latitude and longitude from its geometry; the problem when it cannot be placed.

    A polygon (an event known to a region) is placed at a point inside it, not at
    its centroid (which may fall outside), and its precision is at best "near a
    place"; a line or a collection is refused: which point of a route is meant?
    """
    geometry = record.pop("geometry", None)
    if geometry is None or geometry.is_empty or not is_blank(record.get("latitude")):
        return None
    if geometry.geom_type == "MultiPoint" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        given = record.get("geo_precision")
        if is_blank(given) or str(given).strip() in ("1", "1.0"):  # "the place itself" it cannot be
            record["geo_precision"] = int(GeoPrecision.NEAR)
        note = f"placed at a point inside its {geometry.geom_type}"
        record["notes"] = "; ".join(n for n in (str(record.get("notes") or "").strip(), note) if n)
        geometry = geometry.representative_point()
    elif geometry.geom_type != "Point":
        return (
            f"a {geometry.geom_type}: geomap places an event at a point or inside an area; "
            "give a Point (or the Polygon of the area)"
        )
    record["latitude"], record["longitude"] = geometry.y, geometry.x
    return None
