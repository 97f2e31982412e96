"""Merging in pieces: blocks of rows that hold every pair worth testing, and sets closed under matching.

A merge of many rows (the Dask engine's, :mod:`geomap.engine.merging`) is cut into pieces that can
be merged apart and give, put together, the merge of every row (:func:`~geomap.sourcing.merging.plan_merge`):

1. **Blocks.** Two rows can only match when their event types are the same and their date windows
   (:func:`~geomap.sourcing.merging.span`, widened by precision) share a day.  Each row goes to every
   block of its event type whose days its window touches (:data:`DAYS_PER_BLOCK` days a block), so a
   pair that can match always shares a block, whatever its cells, countries or partitions; a row with
   a long window (a month, a year) is in several blocks and its pairs are found more than once.
   Consecutive blocks are packed into tasks of about the same number of rows (:func:`block_tasks`).
2. **Edges.** In each task the pairs the merge would test (:func:`~geomap.sourcing.merging.candidate_pairs`:
   which pairs it tests depends on the two rows only) that match (:func:`~geomap.sourcing.merging.same_event`)
   are the edges (:func:`matching_pairs`); the tasks' edges are put together without repeats.
3. **Components.** The connected components of the edges (:func:`components`, scipy) are closed
   under matching: no row of one matches a row of another.  The merge plan of a union of components
   is the plan of every row restricted to it — pairs kept apart, anchors on coded rows and links
   across datasets all stay inside a component — so components are packed into bundles
   (:func:`bundles`), each merged by the local code.

Nothing here needs Dask; scipy is imported when components are computed (the ``dask`` extra has it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.schema import records
from geomap.sourcing.merging import candidate_pairs, dataset_of, same_event, span_days

#: days of one block: short enough that a task's rows are few, long enough that most rows are in one
DAYS_PER_BLOCK = 7
DAY_COLUMNS = ("event_date", "event_date_end", "time_precision")


def row_days(frame: pd.DataFrame) -> np.ndarray:
    """The first and last day (days since 1970) of each row's widened date window, as an (n, 2) array."""
    days = [span_days(row) for row in records(frame)]
    return np.array(days, dtype=np.int64).reshape(-1, 2)


def block_tasks(kinds: pd.Series, days: np.ndarray, tasks: int) -> list[np.ndarray]:
    """The row positions of each task: rows of consecutive blocks, about ``len(kinds) / tasks`` a task.

    ``kinds``: each row's event type; ``days``: :func:`row_days`.  A row is in every task whose blocks
    its window touches; tasks with no rows are left out.
    """
    n = len(kinds)
    if n == 0:
        return []
    codes = pd.factorize(kinds.astype(str), sort=True)[0].astype(np.int64)
    first, last = days[:, 0] // DAYS_PER_BLOCK, days[:, 1] // DAYS_PER_BLOCK
    low = int(first.min())
    width = int(last.max()) - low + 1
    g0, g1 = codes * width + first - low, codes * width + last - low
    load = np.cumsum(np.bincount(g0, minlength=int(g1.max()) + 1))
    targets = np.arange(1, tasks) * (n / tasks)
    starts = np.unique(np.concatenate([[0], np.searchsorted(load, targets) + 1]))  # a task ends on a block
    t0 = np.searchsorted(starts, g0, side="right") - 1
    t1 = np.searchsorted(starts, g1, side="right") - 1
    spread = t1 - t0 + 1  # how many tasks each row is in (one for almost every row)
    rows = np.repeat(np.arange(n), spread)
    task = np.repeat(t0, spread) + (np.arange(len(rows)) - np.repeat(np.cumsum(spread) - spread, spread))
    order = np.argsort(task, kind="stable")
    rows, task = rows[order], task[order]
    cuts = np.flatnonzero(np.diff(task)) + 1
    return [part for part in np.split(rows, cuts) if len(part)]


def matching_pairs(frame: pd.DataFrame) -> np.ndarray:
    """The (i, j) positions, i < j, of the rows of ``frame`` that the merge tests and finds matching."""
    rows = records(frame)
    labels = [dataset_of(r) for r in rows]
    found = [(i, j) for i, j in candidate_pairs(rows, labels) if same_event(rows[i], rows[j])]
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


def unique_edges(parts: list[np.ndarray]) -> np.ndarray:
    """The edges of every task together, each pair once (a pair of two long rows is found in several)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.empty((0, 2), dtype=np.int64)
    edges = np.concatenate(parts)
    return np.unique(np.sort(edges, axis=1), axis=0)


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """The connected component of each of ``n`` rows over ``edges`` (labels 0…k-1)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ones = np.ones(len(edges), dtype=np.int8)
    graph = coo_matrix((ones, (edges[:, 0], edges[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def bundles(labels: np.ndarray, count: int) -> list[np.ndarray]:
    """The row positions of ``count`` bundles of whole components, of about the same number of rows."""
    n = len(labels)
    if n == 0:
        return []
    sizes = np.bincount(labels)
    before = np.cumsum(sizes) - sizes
    bundle = (before * count // n)[labels]
    order = np.argsort(bundle, kind="stable")
    cuts = np.flatnonzero(np.diff(bundle[order])) + 1
    return np.split(order, cuts)
