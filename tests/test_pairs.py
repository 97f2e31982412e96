"""The pairs merging tests: every pair the rules accept is among them, each once (against all pairs)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.sourcing.merging import _allowed, candidate_pairs, dataset_of, same_event
from geomap.sourcing.pairs import _columns_reached

DAYS = ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-09", "2024-01-31", "2024-02-01", "2024-12-31"]


def _row(k: int, draw) -> dict:
    lat = draw(st.one_of(st.none(), st.sampled_from([-89.99, -60.0, 0.0, 14.3, 14.35, 71.2, 89.95])))
    jitter = draw(st.floats(-0.12, 0.12, allow_nan=False))
    lon = draw(st.sampled_from([-179.99, -4.0, 0.0, 0.05, 179.97]))
    actors = draw(st.sampled_from(["", "JNIM", "JNIM; Army", "Army"]))
    extraction, dataset = draw(st.sampled_from([("rules", ""), ("table", "acled"), ("table", "ucdp")]))
    return {
        "event_id": f"e{k:03d}",
        "event_type": draw(st.sampled_from(["Battles", "Riots"])),
        "event_date": draw(st.sampled_from(DAYS)),
        "event_date_end": draw(st.sampled_from([None, "2024-01-03", "2024-03-01"])),
        "time_precision": draw(st.sampled_from([1, 1, 2, 3, 4])),
        "latitude": None if lat is None else max(-90.0, min(90.0, lat + jitter)),
        "longitude": None if lat is None else lon + draw(st.floats(-0.3, 0.3, allow_nan=False)),
        "geo_precision": draw(st.sampled_from([None, 1, 2, 2, 3, 4])),
        "iso3": draw(st.sampled_from([None, "MLI", "BFA"])),
        "country": draw(st.sampled_from([None, "Mali"])),
        "admin1": draw(st.sampled_from([None, "", "Mopti", "Gao"])),
        "actor1": actors,
        "extraction": extraction,
        "dataset": dataset,
    }


@st.composite
def tables(draw) -> list[dict]:
    count = draw(st.integers(0, 40))
    rows = [_row(k, draw) for k in range(count)]
    for row in rows:  # end dates before the start are not rows the import lets through
        if row["event_date_end"] is not None and row["event_date_end"] < row["event_date"]:
            row["event_date_end"] = None
    return rows


def _all_matching(rows: list[dict], labels: list[str]) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i, j in itertools.combinations(range(len(rows)), 2)
        if _allowed(labels[i], labels[j]) and same_event(rows[i], rows[j])
    }


@settings(max_examples=300, deadline=None)
@given(tables())
def test_candidate_pairs_hold_every_matching_pair_once(rows):
    labels = [dataset_of(r) for r in rows]
    found = list(candidate_pairs(rows, labels))
    assert len(found) == len(set(found)), "a pair came out twice"
    assert all(i < j for i, j in found)
    assert all(_allowed(labels[i], labels[j]) for i, j in found), "two rows of one coded dataset paired"
    missing = _all_matching(rows, labels) - set(found)
    assert not missing, f"pairs the rules accept but the search dropped: {sorted(missing)[:5]}"


def _point(k: int, lat: float, lon: float, **extra) -> dict:
    row = {"event_id": f"p{k}", "event_type": "Battles", "event_date": "2024-01-01", "time_precision": 1}
    row.update(latitude=lat, longitude=lon, geo_precision=1, iso3="MLI", extraction="rules", **extra)
    return row


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((60.0, 10.0), (60.0, 10.17)),  # 9.4 km apart, two cells of 0.1° of longitude at 60° N
        ((0.0, 179.99), (0.0, -179.98)),  # 3.3 km apart across 180°
        ((89.99, 0.0), (89.99, 120.0)),  # near the pole: 1.9 km apart, 1,200 columns away
        ((14.299, -4.0), (14.36, -4.0)),  # a cell's edge in latitude
    ],
)
def test_close_points_are_paired_wherever_they_are(a, b):
    rows = [_point(0, *a), _point(1, *b)]
    assert same_event(*rows)
    assert list(candidate_pairs(rows, ["", ""])) == [(0, 1)]


def test_far_points_of_one_country_and_month_are_not_paired():
    """A month-long report is searched against the cells around its point, not its whole country."""
    month = {"time_precision": 3}
    rows = [_point(0, 14.0, -4.0, **month), _point(1, 15.0, -4.0), _point(2, 14.05, -4.02)]
    assert list(candidate_pairs(rows, ["", "", ""])) == [(0, 2)]


def test_columns_reached_grow_towards_the_poles():
    assert _columns_reached(140) == 1  # 14° N: a match is at most one column away
    assert _columns_reached(600) == 2  # 60° N
    assert _columns_reached(899) >= 3600  # at the pole: every column


def test_a_plan_from_given_matches_is_the_plan_searched(tmp_path):
    """The Dask engine hands plan_merge the pairs its workers matched: the plan must not change."""
    import pandas as pd

    from benchmarks.synthetic_events import write_events
    from geomap.sourcing.blocks import matching_pairs
    from geomap.sourcing.merging import plan_merge

    (path,) = write_events(tmp_path, 300, seed=3, bad=0)
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""]).sort_values("event_id")
    frame = frame.reset_index(drop=True)
    ids = frame["event_id"].tolist()
    matches = [(ids[i], ids[j]) for i, j in matching_pairs(frame).tolist()]
    apart = [matches[0]] if matches else []
    assert len(matches) > 100  # a corpus with merges to get right
    assert plan_merge(frame, apart=apart, matches=matches) == plan_merge(frame, apart=apart)
