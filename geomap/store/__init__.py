"""The store: one GeoPackage with events, sources, evidence, reports and corrections layers.

* ``events``: the events as shown, after reports of the same event were merged;
* ``reports``: every report as imported, before merging (the events are
  recomputed from them on each import, so the order of imports does not matter
  and re-importing a file never overwrites a merged event with one report);
* ``sources`` and ``evidence``: who said it and the sentences that say so
  (``report_id`` is the report an evidence row came with);
* ``corrections``: the researcher's corrections (geomap.corrections), applied
  when the store is read, so they survive re-imports and re-extraction.

Writes are atomic: the whole package is written to a temporary file beside the
store and moved over it with :func:`os.replace`, so a crash or a bad row never
leaves a half-written store, and what was stored before is kept until the new
version is complete.  Events and reports are keyed by ``event_id``, sources by
``source_id``, evidence by ``(event_id, report_id, source_id, start)`` and
corrections by ``correction_id``: writing the same rows twice stores them once.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geomap.errors import StoreError
from geomap.schema import (
    CORRECTION_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    SOURCE_COLUMNS,
    WGS84,
    conform,
    empty_events,
    empty_table,
)

log = logging.getLogger(__name__)

EVENTS, SOURCES, EVIDENCE = "events", "sources", "evidence"
REPORTS, CORRECTIONS = "reports", "corrections"
_KEYS = {
    EVENTS: ["event_id"],
    REPORTS: ["event_id"],
    SOURCES: ["source_id"],
    EVIDENCE: ["event_id", "report_id", "source_id", "start"],
    CORRECTIONS: ["correction_id"],
}
_PLAIN = {SOURCES: SOURCE_COLUMNS, EVIDENCE: EVIDENCE_COLUMNS, CORRECTIONS: CORRECTION_COLUMNS}


@dataclass(frozen=True)
class StoreContents:
    """What a store shows: events (corrected), their sources and evidence, and the corrections."""

    events: gpd.GeoDataFrame
    sources: pd.DataFrame
    evidence: pd.DataFrame
    corrections: pd.DataFrame


@dataclass(frozen=True)
class WriteSummary:
    """What a write changed: new and updated rows per table."""

    events_added: int
    events_updated: int
    sources_added: int
    evidence_added: int


class Store:
    """A geomap GeoPackage on disk."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        """True when the store file is present."""
        return self.path.is_file()

    def read(self, *, corrected: bool = True, rejected: bool = False) -> StoreContents:
        """All tables; empty tables when the store does not exist yet.

        With ``corrected`` (the default) the researcher's corrections are
        applied to the events and events marked not-an-event are left out
        (kept with ``rejected=True``); ``corrected=False`` gives the events as
        merged from the reports.
        """
        if not self.exists():
            return StoreContents(
                empty_events(),
                empty_table(SOURCE_COLUMNS),
                empty_table(EVIDENCE_COLUMNS),
                empty_table(CORRECTION_COLUMNS),
            )
        events = self.read_events(corrected=False)
        evidence = self._read_plain(EVIDENCE)
        evidence["report_id"] = evidence["report_id"].fillna(evidence["event_id"])
        corrections = self._read_plain(CORRECTIONS)
        if corrected and not corrections.empty:
            from geomap.corrections import apply_corrections

            events = apply_corrections(events, corrections, evidence=evidence, keep_rejected=rejected)
        return StoreContents(events, self._read_plain(SOURCES), evidence, corrections)

    def read_events(self, *, corrected: bool = True) -> gpd.GeoDataFrame:
        """The events layer as an event table (DESIGN.md §3), corrected unless ``corrected=False``."""
        if not self.exists():
            return empty_events()
        if corrected:
            return self.read().events
        return _conform_events(self._read_layer(EVENTS))

    def read_reports(self, *, events: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
        """Every report as imported, before merging (the events layer for stores older than reports).

        ``events``: the uncorrected events layer when the caller has just read it
        (``read(corrected=False).events``), so that it is not read again.
        """
        if not self.exists():
            return empty_events()
        if events is None:
            events = self.read_events(corrected=False)
        reports = self._reports_layer()
        if reports is None:
            return events
        # events written without their reports (Store.write) are reports of their own
        alone = events[~events["event_id"].isin(reports["event_id"])]
        if alone.empty:
            return reports
        return gpd.GeoDataFrame(
            pd.concat([reports, alone], ignore_index=True), geometry="geometry", crs=WGS84
        )

    def corrections(self) -> pd.DataFrame:
        """The corrections layer (empty when there is none)."""
        return self._read_plain(CORRECTIONS) if self.exists() else empty_table(CORRECTION_COLUMNS)

    def add_corrections(self, rows: pd.DataFrame) -> None:
        """Store correction rows (geomap.corrections makes them), keeping every other layer as it is."""
        old = self.read(corrected=False)
        merged = _merge(old.corrections, _conform_plain(rows, CORRECTION_COLUMNS), CORRECTIONS)
        self._replace(
            old.events, old.sources, old.evidence, reports=self._reports_layer(), corrections=merged
        )

    def _layers(self) -> set[str]:
        try:
            return {name for name, _ in pyogrio.list_layers(self.path)}
        except (pyogrio.errors.DataSourceError, OSError) as err:
            raise StoreError(f"{self.path}: cannot read the store: {err}") from err

    def _reports_layer(self) -> gpd.GeoDataFrame | None:
        return _conform_events(self._read_layer(REPORTS)) if REPORTS in self._layers() else None

    def write(
        self,
        events: gpd.GeoDataFrame,
        *,
        sources: pd.DataFrame | None = None,
        evidence: pd.DataFrame | None = None,
    ) -> WriteSummary:
        """Merge new rows into the store (new rows win over stored rows with the same key)."""
        old = self.read(corrected=False)
        new_events = _conform_events(events)
        known = set(old.events["event_id"])
        incoming = set(new_events["event_id"])
        merged_events = _merge(old.events, new_events, EVENTS)
        merged_sources = _merge(old.sources, _conform_plain(sources, SOURCE_COLUMNS), SOURCES)
        merged_evidence = _merge(old.evidence, _with_reports(evidence), EVIDENCE)
        self._replace(
            gpd.GeoDataFrame(merged_events, geometry="geometry", crs=WGS84),
            merged_sources,
            merged_evidence,
            reports=self._reports_layer() if self.exists() else None,
            corrections=old.corrections,
        )
        return WriteSummary(
            events_added=len(incoming - known),
            events_updated=len(incoming & known),
            sources_added=len(merged_sources) - len(old.sources),
            evidence_added=len(merged_evidence) - len(old.evidence),
        )

    def replace(
        self,
        events: gpd.GeoDataFrame,
        *,
        evidence: pd.DataFrame,
        sources: pd.DataFrame | None = None,
        reports: gpd.GeoDataFrame | None = None,
        stored: StoreContents | None = None,
    ) -> WriteSummary:
        """Store exactly these events, evidence and reports (sources are still merged), atomically.

        For callers that have combined the stored events with new ones
        themselves, such as merging reports of the same event.  Corrections
        are kept.  ``stored``: the caller's ``read(corrected=False)`` of this
        store, made for the same change, so that it is not read again.
        """
        old = stored if stored is not None else self.read(corrected=False)
        new_events = _conform_events(events)
        known, incoming = set(old.events["event_id"]), set(new_events["event_id"])
        merged_sources = _merge(old.sources, _conform_plain(sources, SOURCE_COLUMNS), SOURCES)
        kept_evidence = _with_reports(evidence).drop_duplicates(subset=_KEYS[EVIDENCE])
        self._replace(
            new_events,
            merged_sources,
            kept_evidence.reset_index(drop=True),
            reports=_conform_events(reports) if reports is not None else None,
            corrections=old.corrections,
        )
        return WriteSummary(
            events_added=len(incoming - known),
            events_updated=len(incoming & known),
            sources_added=len(merged_sources) - len(old.sources),
            evidence_added=len(kept_evidence) - len(old.evidence),
        )

    def _read_layer(self, layer: str) -> pd.DataFrame:
        if layer not in self._layers():
            return empty_events() if layer in (EVENTS, REPORTS) else pd.DataFrame()
        try:
            return pyogrio.read_dataframe(self.path, layer=layer, use_arrow=True)  # ~5x faster than rows
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as err:
            raise StoreError(f"{self.path}: cannot read layer {layer!r}: {err}") from err

    def _read_plain(self, layer: str) -> pd.DataFrame:
        columns = _PLAIN[layer]
        frame = self._read_layer(layer)
        return conform(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")), columns)

    def _replace(
        self,
        events: gpd.GeoDataFrame,
        sources: pd.DataFrame,
        evidence: pd.DataFrame,
        *,
        reports: gpd.GeoDataFrame | None = None,
        corrections: pd.DataFrame | None = None,
    ) -> None:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp.gpkg", dir=directory)
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # GDAL wants to create the file itself
        try:
            pyogrio.write_dataframe(events, tmp, layer=EVENTS, driver="GPKG")
            pyogrio.write_dataframe(sources, tmp, layer=SOURCES, driver="GPKG", append=False)
            pyogrio.write_dataframe(evidence, tmp, layer=EVIDENCE, driver="GPKG", append=False)
            if reports is not None:
                pyogrio.write_dataframe(reports, tmp, layer=REPORTS, driver="GPKG", append=False)
            if corrections is not None and not corrections.empty:
                pyogrio.write_dataframe(corrections, tmp, layer=CORRECTIONS, driver="GPKG", append=False)
            usual_permissions(tmp)
            os.replace(tmp, self.path)
        except Exception as err:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"{self.path}: write failed, the store is unchanged: {err}") from err
        log.info("stored %d events in %s", len(events), self.path)


def usual_permissions(path: Path) -> None:
    """Give a file made by ``tempfile`` (mode 0600) the mode any new file gets, before it replaces one."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _conform_events(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if events is None or events.empty:
        return empty_events()
    geometry = (
        events.geometry if isinstance(events, gpd.GeoDataFrame) else gpd.GeoSeries([None] * len(events))
    )
    table = conform(pd.DataFrame(events.drop(columns="geometry", errors="ignore")), EVENT_COLUMNS)
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geometry.values, crs=WGS84), crs=WGS84)


def _with_reports(evidence: pd.DataFrame | None) -> pd.DataFrame:
    """Evidence rows with ``report_id`` filled (a row without one supports the event it names)."""
    table = _conform_plain(evidence, EVIDENCE_COLUMNS)
    table["report_id"] = table["report_id"].fillna(table["event_id"])
    return table


def _conform_plain(frame: pd.DataFrame | None, columns: dict[str, str]) -> pd.DataFrame:
    if frame is None or frame.empty:
        return empty_table(columns)
    return conform(frame, columns)


def _merge(old: pd.DataFrame, new: pd.DataFrame, layer: str) -> pd.DataFrame:
    """Stored rows first, new rows after; for a repeated key the new row wins."""
    parts = [p for p in (old, new) if not p.empty]
    if not parts:
        return new if layer != EVENTS else empty_events()
    merged = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    return merged.drop_duplicates(subset=_KEYS[layer], keep="last").reset_index(drop=True)
