"""The store, GeoPackage and parquet: round trip, no duplicates on re-import, atomic writes."""

from __future__ import annotations

import os
import sqlite3

import pandas as pd
import pytest

from geomap.errors import StoreError
from geomap.schema import make_source_id, validate
from geomap.store import Store

ROWS = [
    {
        "event_date": "2023-10-31",
        "event_type": "Strategic developments",
        "sub_event_type": "Non-violent transfer of territory",
        "actor1": "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "country": "Mali",
        "location": "Kidal",
        "latitude": 18.44345,
        "longitude": 1.40921,
        "source": "RFI",
        "quote": "The UN mission left its camp in Kidal on Tuesday.",
    },
    {
        "event_date": "2023-11-14",
        "event_type": "Battles",
        "actor1": "Military Forces of Mali (2021-)",
        "country": "Mali",
        "location": "Kidal",
        "latitude": 18.44345,
        "longitude": 1.40921,
        "fatalities": 0,
        "source": "Reuters",
    },
    {
        "event_date": "2024-07-27",
        "event_type": "Battles",
        "country": "Mali",
        "location": "Tinzaouaten",
        "admin1": "Kidal",
        "latitude": 19.96,
        "longitude": 2.93,
        "geo_precision": 2,
        "source": "AFP",
        "claim_status": "claimed",
    },
]


def _tables(rows=ROWS):
    events, problems = validate(pd.DataFrame(rows), file="t.csv")
    assert problems == []
    sources = pd.DataFrame(
        [{"source_id": make_source_id(outlet=r["source"]), "outlet": r["source"]} for r in rows]
    )
    evidence = pd.DataFrame(
        [
            {"event_id": e, "source_id": make_source_id(outlet=r["source"]), "sentence": r.get("quote", "")}
            for e, r in zip(events["event_id"], rows, strict=True)
        ]
    )
    return events, sources, evidence


def test_round_trip_keeps_the_contract(tmp_path, backend) -> None:
    store = Store(tmp_path / f"s.{backend}")
    events, sources, evidence = _tables()
    summary = store.write(events, sources=sources, evidence=evidence)
    assert (summary.events_added, summary.events_updated) == (3, 0)
    back = store.read()
    assert list(back.events["event_id"]) == list(events["event_id"])
    assert back.events["fatalities"].dtype == "Int64"
    assert back.events.geometry.iloc[2].y == pytest.approx(19.96)
    assert back.events["claim_status"].tolist() == ["reported", "reported", "claimed"]
    assert len(back.sources) == 3
    assert back.evidence["sentence"].iloc[0] == ROWS[0]["quote"]


def test_reimport_does_not_duplicate(tmp_path, backend) -> None:
    store = Store(tmp_path / f"s.{backend}")
    events, sources, evidence = _tables()
    store.write(events, sources=sources, evidence=evidence)
    summary = store.write(events, sources=sources, evidence=evidence)
    assert (summary.events_added, summary.events_updated, summary.sources_added) == (0, 3, 0)
    back = store.read()
    assert len(back.events) == 3
    assert len(back.evidence) == 3


def test_new_rows_are_merged_with_stored_rows(tmp_path, backend) -> None:
    store = Store(tmp_path / f"s.{backend}")
    store.write(_tables(ROWS[:2])[0])
    store.write(_tables(ROWS[1:])[0])
    assert len(store.read_events()) == 3


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path, monkeypatch) -> None:
    store = Store(tmp_path / "s.gpkg")
    events, sources, evidence = _tables()
    store.write(events, sources=sources, evidence=evidence)
    before = store.path.read_bytes()

    from geomap.store.rows import Transaction

    real = Transaction.insert
    calls = []

    def failing(self, table, frame, hashes):
        calls.append(table)
        if table == "evidence":  # after the events went in, inside the same transaction
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, table, frame, hashes)

    monkeypatch.setattr(Transaction, "insert", failing)
    with pytest.raises(StoreError, match="unchanged"):
        store.write(_tables(ROWS[:1])[0].assign(notes="changed"), evidence=evidence)
    assert calls == ["events", "sources", "evidence"]
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.gpkg.lock", "s.gpkg"]  # no journal left


def test_a_missing_store_reads_empty(tmp_path, backend) -> None:
    contents = Store(tmp_path / f"none.{backend}").read()
    assert contents.events.empty
    assert contents.sources.empty
    assert contents.evidence.empty


def test_a_corrupt_store_raises_a_store_error(tmp_path) -> None:
    path = tmp_path / "bad.gpkg"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(StoreError, match=r"bad\.gpkg"):
        Store(path).read_events()
