"""An import merges only what the new rows can reach, and leaves exactly what a full re-merge leaves.

Each test imports the same files into two stores side by side: one the way every import goes
(:func:`geomap.merges.merge_into`, incremental) and one merged in full (``full=True``, every stored
report read and merged again, the reference), and compares every layer after each step.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap import merges
from geomap.pipeline import import_files
from geomap.scope import block_filter
from geomap.store import Store
from tests.coded_tables import REPORT_HEADER, report_row, write_csv
from tests.test_conservation import ROW, _tables

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles" / "sourcing"
VAC = "Violence against civilians"
JNIM = "JNIM: Group for Support of Islam and Muslims"
SABTENGA, TINWALA, WENDOU = 2, 0, 3  # Sabtenga and Wendou ~10.6 km apart, Tinwala ~5.5 km from each


def _layers(store: Store) -> dict[str, list[tuple]]:
    """Every layer but corrections, as sorted rows of text (geometry as its coordinates)."""
    contents = store.read(corrected=False)
    tables = {
        "events": contents.events,
        "reports": store.read_reports(),
        "evidence": contents.evidence,
        "sources": contents.sources,
    }
    out = {}
    for name, table in tables.items():
        plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore")).astype(object)
        plain = plain.where(plain.notna(), None).astype(str)
        out[name] = sorted(map(tuple, plain.values.tolist()))
    return out


class Twins:
    """Two stores fed the same imports: incremental (``.store``) and merged in full (``.full``)."""

    def __init__(self, folder: Path, resolver=None, backend: str = "gpkg") -> None:
        self.store, self.full = Store(folder / f"incremental.{backend}"), Store(folder / f"full.{backend}")
        self.resolver = resolver

    def add(self, *paths: Path) -> None:
        import_files(list(paths), store=self.store, harvest=False, resolver=self.resolver)
        with pytest.MonkeyPatch.context() as patch:
            merge_all = merges.merge_into
            patch.setattr("geomap.pipeline.merge_into", lambda *a, **k: merge_all(*a, **k, full=True))
            import_files(list(paths), store=self.full, harvest=False, resolver=self.resolver)
        assert _layers(self.store) == _layers(self.full)


def _report(number: int, village: int, deaths: int = 3, day: int = 0) -> dict:
    return report_row(number, village=village, day=day, kind=VAC, actor=JNIM, source="AFP", deaths=deaths)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=12), st.permutations([0, 1, 2]))
def test_any_partition_and_order_leaves_what_a_full_merge_leaves(rows, order) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        twins = Twins(folder)
        numbered = list(enumerate(rows))
        for part in [*order, *order]:  # every table imported, then all of them again
            mine = [(n, r) for n, r in numbered if r["part"] == part]
            if mine:
                twins.add(*_tables(mine, folder, f"part{part}"))


def test_an_article_that_bridges_two_stored_events_joins_them(tmp_path, backend) -> None:
    twins = Twins(tmp_path, backend=backend)
    twins.add(write_csv(tmp_path / "a.csv", REPORT_HEADER, [_report(1, SABTENGA), _report(3, WENDOU, 7)]))
    assert len(twins.store.read_events()) == 2  # 10.6 km apart: two events
    twins.add(write_csv(tmp_path / "b.csv", REPORT_HEADER, [_report(2, TINWALA, 5)]))
    (event,) = twins.store.read_events().to_dict("records")
    assert event["event_id"] == "ev-report00001"
    assert sorted(event["origin_id"].split("; ")) == ["ev-report00001", "ev-report00002", "ev-report00003"]


def test_a_report_read_again_with_other_content_replaces_itself_and_its_neighbours_fall_apart(
    tmp_path, backend
):
    twins = Twins(tmp_path, backend=backend)
    bridge = tmp_path / "b.csv"
    twins.add(write_csv(bridge, REPORT_HEADER, [_report(2, TINWALA)]))
    twins.add(write_csv(tmp_path / "a.csv", REPORT_HEADER, [_report(1, SABTENGA), _report(3, WENDOU)]))
    assert len(twins.store.read_events()) == 1
    twins.add(write_csv(bridge, REPORT_HEADER, [_report(2, TINWALA, day=1)]))  # the next day now
    assert sorted(twins.store.read_events()["event_id"]) == [
        "ev-report00001",
        "ev-report00002",
        "ev-report00003",
    ]


def test_an_article_extracted_again_replaces_what_it_gave_before(tmp_path, resolver, backend) -> None:
    article = tmp_path / "lere_claim.md"
    shutil.copy(ARTICLES / "lere_claim.md", article)
    twins = Twins(tmp_path, resolver, backend)
    twins.add(article, ARTICLES / "lere_denial.md", ARTICLES / "bourem_reuters.md")
    before = len(twins.store.read_reports())
    head, body = article.read_text(encoding="utf-8").rsplit("---\n", 1)
    extra = "Gunmen killed four traders near Niono on 8 March, residents said.\n\n"
    article.write_text(head + "---\n" + extra + body, encoding="utf-8")
    twins.add(article)
    assert len(twins.store.read_reports()) == before + 1  # the old extraction gone, one event more


def test_a_split_holds_when_a_later_report_reaches_both_parts(tmp_path, backend) -> None:
    twins = Twins(tmp_path, backend=backend)
    twins.add(write_csv(tmp_path / "a.csv", REPORT_HEADER, [_report(1, TINWALA), _report(2, SABTENGA, 9)]))
    for store in (twins.store, twins.full):
        merges.split(store, "ev-report00001", ["ev-report00002"], who="anna", note="two attacks")
    twins.add(write_csv(tmp_path / "b.csv", REPORT_HEADER, [_report(3, TINWALA, 4)]))
    events = twins.store.read_events().set_index("event_id")
    assert sorted(events.index) == ["ev-report00001", "ev-report00002"]
    assert events.loc["ev-report00001", "origin_id"] == "ev-report00001; ev-report00003"


def test_an_import_reads_only_the_rows_it_can_reach(tmp_path, monkeypatch) -> None:
    store = Store(tmp_path / "s.gpkg")
    far = [_report(n, n % 4, day=1 + n % 28) for n in range(10, 40)]  # other days: out of reach
    import_files([write_csv(tmp_path / "far.csv", REPORT_HEADER, far)], store=store, harvest=False)
    import_files(
        [write_csv(tmp_path / "a.csv", REPORT_HEADER, [_report(1, TINWALA)])], store=store, harvest=False
    )
    before = merges.store_merge_counts(store)
    read = []
    select = Store.select

    def counting(self, layer, where):
        found = select(self, layer, where)
        read.append(len(found))
        return found

    for name in ("read", "read_reports", "read_events"):
        monkeypatch.setattr(Store, name, lambda *a, **k: pytest.fail("the whole store was read"))
    monkeypatch.setattr(Store, "select", counting)
    report = import_files(
        [write_csv(tmp_path / "b.csv", REPORT_HEADER, [_report(2, SABTENGA)])], store=store, harvest=False
    )
    assert (report.merging.rows, report.merging.events) == (before.rows + 1, before.events)
    assert max(read) <= 2  # the new report's block holds the stored report of that day and nothing else


def test_the_block_filter_keeps_every_row_a_row_can_match() -> None:
    row = {**_report(1, TINWALA), "latitude": 14.9, "longitude": -1.6, "time_precision": 2}
    where = block_filter([row])
    assert "event_type IN ('Violence against civilians')" in where
    assert "event_date <= '2023-03-04'" in where  # a week-precision date reaches 3 days either side
    assert "iso3 IN ('BFA', 'Burkina Faso')" in where
    assert "latitude BETWEEN" in where
    assert block_filter([{**row, "event_type": None}]) is None
