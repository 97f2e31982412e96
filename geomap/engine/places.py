"""Harvest and geocoding on the Dask cluster: one reduce step, then one lookup per distinct place key.

:class:`DaskPlacer` is a :data:`geomap.pipeline.Placer`, the cluster's
:func:`geomap.pipeline.place_here`:

1. **Harvest, one reduce step.**  The rows read are cut into chunks; each worker picks the rows of
   its chunk the gazetteer may learn from (:func:`geomap.gazetteer.learning.harvest_rows`, in event_id order),
   one task on a worker merges the sorted lists, and the client — the gazetteer's one writer —
   harvests them in a single call.
2. **Geocoding of distinct keys.**  The (name, country, region) keys of the rows without a point
   (:func:`geomap.geocode.tables.place_keys`) are resolved on the workers, which reopen the
   gazetteer read-only because the harvest changed it; the places are joined back to the rows in
   the client (:func:`geomap.geocode.tables.geocode_events` with ``resolved``).

The rows harvested, the order they are taken in and the place of each key are the local ones, so
the result is the local engine's.
"""

from __future__ import annotations

import heapq
import logging
import time
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np

from geomap.engine.workers import WorkerSpec, worker_resolver, worker_spec
from geomap.gazetteer.learning import HARVESTED, as_mappings, harvest_order, harvest_rows
from geomap.geocode import Resolver
from geomap.geocode.tables import PlaceKey, geocode_events, place_keys, resolve_key
from geomap.model import Place

if TYPE_CHECKING:
    from distributed import Client


log = logging.getLogger(__name__)


class DaskPlacer:
    """Harvests and geocodes the rows read on the cluster of ``client`` (module docstring)."""

    def __init__(self, client: Client, *, partitions: int) -> None:
        self.client = client
        self.partitions = partitions

    def __call__(
        self, events: gpd.GeoDataFrame, *, resolver: Resolver, harvest: bool = True
    ) -> tuple[gpd.GeoDataFrame, list[str], tuple[int, int]]:
        """The geocoded rows, the notes to review and (added, confirmed), as ``place_here`` gives them."""
        flagged: list[str] = []
        harvested = (0, 0)
        start = time.perf_counter()
        if harvest:
            harvested = resolver.gazetteer.harvest(as_mappings(self.harvest_rows(events)), flagged=flagged)
        learnt = time.perf_counter()
        resolved = self.resolve(place_keys(events), resolver)
        events, unresolved = geocode_events(events, resolver=resolver, resolved=resolved)
        log.info(
            "harvest %.1f s, geocoding %d keys %.1f s",
            learnt - start,
            len(resolved),
            time.perf_counter() - learnt,
        )
        return events, flagged + unresolved, harvested

    def harvest_rows(self, events: gpd.GeoDataFrame) -> list[tuple]:
        """:func:`harvest_rows` of every row: per chunk on the workers, merged by one reduce task."""
        columns = events[[c for c in HARVESTED if c in events.columns]]
        chunks = np.array_split(np.arange(len(columns)), min(self.partitions, len(columns)))
        chunked = self.client.scatter([columns.iloc[c] for c in chunks])
        parts = self.client.map(harvest_rows, chunked, pure=False)
        return self.client.submit(merge_sorted, parts, pure=False).result()

    def resolve(self, keys: list[PlaceKey], resolver: Resolver) -> dict[PlaceKey, Place | None]:
        """The place of each key, resolved on the workers against the gazetteer as it is now."""
        if not keys:
            return {}
        spec = worker_spec(resolver, None)  # after the harvest: a new version, which the workers reopen
        bounds = np.array_split(np.arange(len(keys)), min(self.partitions, len(keys)))
        parts = [keys[b[0] : b[-1] + 1] for b in bounds]
        found = self.client.gather(self.client.map(resolve_keys, parts, spec=spec, pure=False))
        return dict(zip(keys, (p for part in found for p in part), strict=True))


def merge_sorted(parts: list[list[tuple]]) -> list[tuple]:
    """The reduce step: the chunks' harvest rows, each sorted, as one list in harvest order."""
    return list(heapq.merge(*parts, key=harvest_order))


def resolve_keys(keys: list[PlaceKey], *, spec: WorkerSpec) -> list[Place | None]:
    """On a worker: the place of each key, with this worker's read-only resolver."""
    resolver = worker_resolver(spec)
    return [resolve_key(k, resolver) for k in keys]
