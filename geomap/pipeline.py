"""The import pipeline: read inputs → geocode what lacks coordinates → store.

Each file is read on its own; a file that cannot be read is reported and the
others still go through.  Everything read is written to the store in one atomic
write at the end, so an import either lands whole or leaves the store as it was.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.errors import GeomapError, InputError, RowProblem
from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver, default_resolver, geocode_events
from geomap.ingest.tables import read_table
from geomap.schema import EVIDENCE_COLUMNS, WGS84, empty_table, point
from geomap.sourcing.corroborate import grade_events, merge_reports
from geomap.sourcing.registry import SourceRegistry, annotate_sources
from geomap.store import Store, WriteSummary

log = logging.getLogger(__name__)

RECOUNTED_FORMATS = ("acled", "acled-hdx", "ucdp-ged")
TABLE_SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")

#: progress callback: (files done, files in all, the file just finished)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: per-row problems, per-file errors, unresolved places and the store summary."""

    files: tuple[str, ...]
    events_read: int
    problems: tuple[RowProblem, ...] = ()
    file_errors: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    summary: WriteSummary | None = None
    formats: dict[str, str] = field(default_factory=dict)
    harvested: tuple[int, int] = (0, 0)  # places the gazetteer learnt, places it already knew

    @property
    def ok(self) -> bool:
        """True when every file was read and every row kept."""
        return not self.problems and not self.file_errors


def expand_inputs(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to import: each path itself, or the supported files inside a folder (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
            )
        else:
            found.append(path)
    return found


def import_files(
    paths: Sequence[str | os.PathLike],
    *,
    store: Store,
    resolver: Resolver | None = None,
    progress: Progress | None = None,
    harvest: bool = True,
    registry: SourceRegistry | None = None,
    merge: bool = True,
) -> ImportReport:
    """Import tables into ``store``; see the module docstring for the error policy.

    Parameters
    ----------
    paths
        Files or folders (folders are searched for supported tables).
    store
        The GeoPackage store to merge the events into.
    resolver
        The geocoder for rows with a place name but no coordinates; the embedded
        offline gazetteer when omitted.
    progress
        Called after each file.
    registry
        The source registry that grades outlets; ``data/sources.yaml`` plus the user's file when omitted.
    merge
        Merge reports of the same event, new and stored, into one event with every
        source (see :mod:`geomap.sourcing.corroborate`).
    harvest
        Teach the gazetteer the places of rows that have a name and coordinates
        (see :meth:`geomap.gazetteer.index.Gazetteer.harvest`).
    """
    files = expand_inputs(paths)
    registry = registry or SourceRegistry.load()
    events, sources, evidence = [], [], []
    problems: list[RowProblem] = []
    file_errors: list[str] = []
    formats: dict[str, str] = {}
    for done, path in enumerate(files, start=1):
        try:
            table = _read_input(path)
        except GeomapError as err:
            file_errors.append(str(err))
            log.warning("%s", err)
        else:
            formats[str(path)] = table.format
            problems.extend(table.problems)
            # datasets that do not count independent outlets (ACLED, UCDP) are counted with the registry
            events.append(grade_events(table.events, registry, recount=table.format in RECOUNTED_FORMATS))
            sources.append(annotate_sources(table.sources, registry))
            evidence.append(table.evidence)
        if progress is not None:
            progress(done, len(files), str(path))
    all_events = _concat_events(events)
    unresolved: list[str] = []
    harvested = (0, 0)
    if not all_events.empty:
        resolver = resolver or default_resolver()
        if harvest:
            harvested = harvest_places(all_events, gazetteer=resolver.gazetteer)
        all_events, unresolved = geocode_events(all_events, resolver=resolver)
    summary = None
    if not all_events.empty and merge:
        summary = _merge_into(store, all_events, _concat(evidence), _concat(sources), registry)
    elif not all_events.empty:
        summary = store.write(all_events, sources=_concat(sources), evidence=_concat(evidence))
    return ImportReport(
        files=tuple(str(p) for p in files),
        events_read=len(all_events),
        problems=tuple(problems),
        file_errors=tuple(file_errors),
        unresolved=tuple(unresolved),
        summary=summary,
        formats=formats,
        harvested=harvested,
    )


def _merge_into(store: Store, events, evidence, sources, registry: SourceRegistry) -> WriteSummary:
    stored = store.read()
    combined = _concat_events([stored.events, events]).drop_duplicates("event_id", keep="last")
    cited = _concat([stored.evidence, evidence])
    merged, moved = merge_reports(combined, cited if cited is not None else _empty_evidence(), registry)
    geometry = [
        point(lat, lon) if pd.notna(lat) else None
        for lat, lon in zip(merged["latitude"], merged["longitude"], strict=True)
    ]
    placed = gpd.GeoDataFrame(merged, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)
    return store.replace(placed, evidence=moved, sources=sources)


def _empty_evidence() -> pd.DataFrame:
    return empty_table(EVIDENCE_COLUMNS)


def harvest_places(events: pd.DataFrame, *, gazetteer: Gazetteer) -> tuple[int, int]:
    """Add the named, located rows of ``events`` to the gazetteer; returns (added, confirmed)."""
    located = events[events["location"].notna() & events["latitude"].notna()]
    rows = []
    for row in located[
        ["location", "country", "iso3", "admin1", "latitude", "longitude", "geo_precision"]
    ].to_dict("records"):
        country = find_country(row["iso3"] or row["country"] or "")
        if country is not None:
            rows.append({**row, "country_code": country.iso2})
    return gazetteer.harvest(rows)


def _read_input(path: Path):
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        raise InputError(
            f"{path}: articles cannot be imported yet (event extraction from text is not built); "
            "import an event table (.csv, .geojson, .gpkg)"
        )
    return read_table(path)


def _concat_events(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=WGS84)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else None
