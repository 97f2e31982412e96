"""Nothing lost on import (issue 13): every coded row stays an event with its deaths, every report and
evidence row is kept, whatever the order of the imports and however the rows are split between them.

The tables are shaped like a real ACLED export of one department (tests/coded_tables.py): many events
on one day, the same armed group and outlet, villages a few kilometres apart, rows alike in everything
but their id — exactly the rows a merge would fuse.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.merges import merge_counts
from geomap.pipeline import import_files
from geomap.sourcing.merging import is_coded, member_ids
from geomap.store import Store
from tests.coded_tables import ACLED_HEADER, REPORT_HEADER, acled_row, report_row, write_csv

NATIVE_HEADER = [*REPORT_HEADER, "origin_id"]

ROW = st.fixed_dictionaries(
    {
        "table": st.sampled_from(["acled", "acled", "native", "report"]),
        "village": st.integers(0, 3),
        "day": st.integers(0, 1),
        "kind": st.sampled_from(["Violence against civilians", "Battles"]),
        "actor": st.sampled_from(["JNIM: Group for Support of Islam and Muslims", "Islamic State (Sahel)"]),
        "source": st.sampled_from(["Studio Tamani", "AFP"]),
        "deaths": st.integers(0, 30),
        "part": st.integers(0, 2),  # which import call the row goes in
    }
)


def _tables(rows: list[dict], folder: Path, name: str) -> list[Path]:
    """The rows as the files a researcher would import: an ACLED export, a native coded table, articles."""
    acled, native, reports = [], [], []
    for number, r in rows:
        args = {k: r[k] for k in ("village", "day", "kind", "actor", "source", "deaths")}
        if r["table"] == "acled":
            acled.append(acled_row(number, **args))
        elif r["table"] == "native":
            row = report_row(number, **args)
            native.append({**row, "event_id": "", "extraction": "table", "origin_id": f"mine-{number}"})
        else:
            reports.append(report_row(number, **args))
    files = [
        (acled, ACLED_HEADER, "acled"),
        (native, NATIVE_HEADER, "native"),
        (reports, REPORT_HEADER, "reports"),
    ]
    return [write_csv(folder / f"{name}-{kind}.csv", header, got) for got, header, kind in files if got]


def _import_in_parts(rows: list[dict], folder: Path, order: list[int]) -> Store:
    store = Store(folder / f"store-{'-'.join(map(str, order))}.gpkg")
    numbered = list(enumerate(rows))
    for part in order:
        mine = [(n, r) for n, r in numbered if r["part"] == part]
        if mine:
            import_files(_tables(mine, folder, f"part{part}"), store=store, harvest=False)
    return store


def _check_nothing_lost(store: Store, rows: list[dict]) -> list[tuple]:
    contents = store.read(corrected=False)
    events = contents.events
    coded_rows = [r for r in rows if r["table"] != "report"]
    coded = events[[is_coded(e) for e in events[["extraction"]].to_dict("records")]]
    assert len(coded) == len(coded_rows)
    assert int(coded["fatalities"].sum()) == sum(r["deaths"] for r in coded_rows)
    members = [m for e in events[["event_id", "origin_id"]].to_dict("records") for m in member_ids(e)]
    assert len(members) == len(set(members)) == len(rows)  # every row in exactly one event
    assert merge_counts(events).rows == len(rows)
    assert len(contents.evidence) == len(rows)  # one outlet per row: one evidence row each
    assert set(contents.evidence["event_id"]) <= set(events["event_id"])
    table = events[["event_id", "fatalities", "origin_id", "source"]].astype(str)
    return sorted(map(tuple, table.values.tolist()))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=12), st.permutations([0, 1, 2]))
def test_coded_rows_and_deaths_survive_any_partition_and_order(rows, order) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts = _check_nothing_lost(_import_in_parts(rows, folder, order), rows)
        at_once = _check_nothing_lost(_import_in_parts([{**r, "part": 0} for r in rows], folder, [0]), rows)
        assert parts == at_once


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=2, max_size=10))
def test_importing_the_same_tables_again_changes_nothing(rows) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = _import_in_parts(rows, folder, [0, 1, 2])
        first = _check_nothing_lost(store, rows)
        for part in (2, 0, 1):  # the same files once more, in another order
            mine = [(n, r) for n, r in enumerate(rows) if r["part"] == part]
            if mine:
                import_files(_tables(mine, folder, f"part{part}"), store=store, harvest=False)
        assert _check_nothing_lost(store, rows) == first
