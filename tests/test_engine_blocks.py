"""Merging in pieces (geomap.sourcing.blocks): every pair that can match shares a task, components close."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from geomap.sourcing.blocks import DAYS_PER_BLOCK, block_tasks, bundles, components, unique_edges

KINDS = ["Battles", "Riots", "Explosions/Remote violence"]


def _rows(n: int, seed: int) -> tuple[pd.Series, np.ndarray]:
    """Rows of three types: mostly one day, some a week, a few a month or a year (as precisions widen)."""
    rng = random.Random(seed)
    kinds, days = [], []
    for _ in range(n):
        start = 19_000 + rng.randrange(200)
        length = rng.choices([0, 6, 30, 365], weights=[70, 20, 8, 2])[0]
        kinds.append(rng.choice(KINDS))
        days.append((start, start + length))
    return pd.Series(kinds), np.array(days)


@pytest.mark.parametrize(("tasks", "seed"), [(1, 0), (3, 1), (7, 2), (40, 3)])
def test_every_pair_that_can_match_shares_a_task(tasks, seed) -> None:
    kinds, days = _rows(600, seed)
    found = block_tasks(kinds, days, tasks)
    assert 1 <= len(found) <= tasks
    assert set(np.concatenate(found)) == set(range(len(kinds)))  # every row is somewhere
    together = [set(t.tolist()) for t in found]
    for i in range(len(kinds)):
        for j in range(i + 1, len(kinds)):
            if kinds[i] == kinds[j] and days[i][0] <= days[j][1] and days[j][0] <= days[i][1]:
                assert any(i in t and j in t for t in together), (i, j, days[i], days[j])


def test_a_window_across_a_block_boundary_is_in_both_blocks() -> None:
    first = 19_005 - 19_005 % DAYS_PER_BLOCK + DAYS_PER_BLOCK  # the first day of a block
    kinds = pd.Series(["Battles"] * 3)
    days = np.array([[first - 1, first - 1], [first - 4, first + 2], [first, first]])  # day, week, day
    found = block_tasks(kinds, days, tasks=2)
    assert len(found) == 2  # the two day rows are in blocks of their own
    assert all(1 in t for t in found)  # the week's window reaches into both


def test_other_event_types_never_share_a_task_they_do_not_need() -> None:
    kinds = pd.Series(["Battles", "Riots"] * 50)
    days = np.array([[19_000, 19_000]] * 100)
    found = block_tasks(kinds, days, tasks=2)
    assert sorted(len(t) for t in found) == [50, 50]
    assert all(len(set(kinds[t])) == 1 for t in found)


def test_components_are_joined_by_edges_found_twice_or_in_either_order() -> None:
    edges = unique_edges([np.array([[0, 1], [3, 4]]), np.array([[1, 0], [1, 2]]), np.empty((0, 2), int)])
    assert edges.tolist() == [[0, 1], [1, 2], [3, 4]]
    labels = components(6, edges)
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] != labels[5]


def test_bundles_hold_whole_components() -> None:
    labels = np.array([0, 1, 0, 2, 1, 1, 3, 0, 2, 4])
    found = bundles(labels, 3)
    assert sorted(np.concatenate(found).tolist()) == list(range(10))
    for part in found:
        inside = set(labels[part])
        assert all(set(np.flatnonzero(labels == c)) <= set(part.tolist()) for c in inside)
    assert len(found) <= 3
