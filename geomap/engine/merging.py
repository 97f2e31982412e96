"""Merging on the Dask cluster: blocks → edges per block → components → one merge per bundle.

:class:`DaskMerger` is a :data:`geomap.merges.Merger`.  The steps are those of
:mod:`geomap.sourcing.blocks`: the workers compute each row's date window; the client cuts the
rows into blocks of event type and time (a pair that can match always shares a block, whichever
partition, cell or side of midnight its rows came from); the workers find the matching pairs of
each block; the client joins them into connected components (scipy) and packs whole components
into bundles of at most :data:`BUNDLE_ROWS` rows, a few on the cluster at a time; each worker
merges its bundles as the local merger does
(:func:`geomap.merges.merge_here`), given the bundle's matching pairs so that they are not
searched and tested again, and the client puts the plans and merged rows together.
Because a bundle is closed under matching, the result is the local engine's, bit for bit.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geomap.merges import merge_here
from geomap.sourcing.blocks import (
    DAY_COLUMNS,
    block_tasks,
    bundles,
    components,
    matching_pairs,
    row_days,
    unique_edges,
)
from geomap.sourcing.corroborate import merged_rows, moved_evidence
from geomap.sourcing.merging import RULE_COLUMNS, MergePlan, plan_merge
from geomap.sourcing.registry import SourceRegistry

if TYPE_CHECKING:
    from distributed import Client

log = logging.getLogger(__name__)

#: the most rows a bundle is made of (it may have more when one component is larger): a worker holds
#: a bundle's reports, evidence and merged rows as Python objects while it merges them
BUNDLE_ROWS = 20_000


class DaskMerger:
    """Merges reports on the cluster of ``client`` in ``partitions`` pieces (module docstring)."""

    def __init__(self, client: Client, *, partitions: int) -> None:
        self.client = client
        self.partitions = partitions

    def __call__(
        self, reports, cited, known, apart, registry: SourceRegistry
    ) -> tuple[MergePlan, list[dict]]:
        """The plan and the merged rows (event_id order) of ``reports``, as :func:`merge_here` gives them."""
        frame = reports.drop(columns="geometry", errors="ignore").reset_index(drop=True)
        if frame.empty:
            return merge_here(frame, cited, known, apart, registry)
        start = time.perf_counter()
        edges = self.edges(frame)
        labels = components(len(frame), edges)
        groups = bundles(labels, max(self.partitions, -(-len(frame) // BUNDLE_ROWS)))
        found = time.perf_counter()
        matches = _bundle_matches(frame["event_id"].to_numpy(), edges, groups)
        work = ((*_bundle(frame, rows, cited, known), m) for rows, m in zip(groups, matches, strict=True))
        merged = _together(self._merged(work, len(groups), apart=apart, registry=registry))
        log.info(
            "merge: %d rows, %d components (%.1f s), %d bundles merged (%.1f s)",
            len(frame), labels.max() + 1, found - start, len(groups), time.perf_counter() - found,
        )  # fmt: skip
        return merged

    def _merged(self, work: Iterator[tuple], count: int, **options) -> list[tuple[MergePlan, list[dict]]]:
        """The merged bundles of ``work``, in order, with at most ``partitions`` of them on the cluster
        at once: a bundle's input and result leave a worker's memory as soon as it is gathered."""
        from distributed import as_completed

        out: list = [None] * count
        position: dict[str, int] = {}
        running = as_completed()

        def send(k: int, item: tuple) -> None:
            [data] = self.client.scatter([item])
            future = self.client.submit(merge_bundle, data, pure=False, **options)
            position[future.key] = k
            running.add(future)

        pending = enumerate(work)
        for k, item in itertools.islice(pending, self.partitions):
            send(k, item)
        for future in running:
            out[position.pop(future.key)] = future.result()
            future.release()
            for k, item in itertools.islice(pending, 1):
                send(k, item)
        return out

    def edges(self, frame: pd.DataFrame) -> np.ndarray:
        """The matching pairs of ``frame`` (positions), found block by block on the workers."""
        chunks = np.array_split(np.arange(len(frame)), min(self.partitions, len(frame)))
        dated = self.client.scatter([frame.iloc[c][list(DAY_COLUMNS)] for c in chunks])
        days = np.concatenate(self.client.gather(self.client.map(row_days, dated, pure=False)))
        tasks = block_tasks(frame["event_type"], days, self.partitions)
        ruled = frame[[c for c in RULE_COLUMNS if c in frame.columns]]
        found = self.client.map(
            matching_pairs, self.client.scatter([ruled.iloc[t] for t in tasks]), pure=False
        )
        pairs = self.client.gather(found)
        return unique_edges([rows[p] for rows, p in zip(tasks, pairs, strict=True)])


def _bundle(frame: pd.DataFrame, rows: np.ndarray, cited: pd.DataFrame, known):
    """The reports of one bundle, their evidence and the sources that evidence cites."""
    part = frame.iloc[np.sort(rows)]
    evidence = cited[cited["event_id"].isin(set(part["event_id"]))]
    if known is not None:
        known = known[known["source_id"].isin(set(evidence["source_id"]))]
    return part, evidence, known


def _bundle_matches(ids: np.ndarray, edges: np.ndarray, groups: list[np.ndarray]) -> list[list[tuple]]:
    """Each bundle's matching pairs as event_ids (an edge's two rows are in one component, one bundle)."""
    bundle_of = np.empty(len(ids), dtype=np.int64)
    for k, rows in enumerate(groups):
        bundle_of[rows] = k
    out: list[list[tuple]] = [[] for _ in groups]
    for i, j in edges.tolist():
        out[bundle_of[i]].append((ids[i], ids[j]))
    return out


def merge_bundle(work: tuple, *, apart, registry: SourceRegistry) -> tuple[MergePlan, list[dict]]:
    """On a worker: merge one bundle (reports, evidence, sources, matching pairs) as the local merger
    does (:func:`merge_here`), with the pairs found on the workers instead of testing them again."""
    reports, cited, known, matches = work
    plan = plan_merge(reports, apart=apart, matches=matches)
    return plan, merged_rows(reports, moved_evidence(cited, plan), registry, plan=plan, sources=known)


def _together(results: list[tuple[MergePlan, list[dict]]]) -> tuple[MergePlan, list[dict]]:
    """One plan and one list of merged rows (event_id order) from the bundles' disjoint ones."""
    target: dict[str, str] = {}
    links: dict[str, tuple[str, ...]] = {}
    rows: list[dict] = []
    for plan, merged in results:
        target.update(plan.target)
        links.update(plan.links)
        rows.extend(merged)
    rows.sort(key=lambda r: r["event_id"])
    return MergePlan(target, links), rows
