"""The parquet store: the same tables as the GeoPackage store, GeoParquet files, atomic partition writes."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest

from geomap.cli import main
from geomap.errors import StoreError
from geomap.schema import records
from geomap.scope import block_filter
from geomap.store import REPORTS, Store
from geomap.store.parquet import ParquetStore
from geomap.store.partitions import MANIFEST
from tests.conftest import ROOT
from tests.test_faults import _ids, _killed_import, _pause_at, _table
from tests.test_incremental import _layers

SAMPLE = ROOT / "data" / "sample"


def _state(folder) -> tuple[bytes, list[str]]:
    """The manifest's bytes and every file in the store (what a failed write must leave as it was)."""
    return (folder / MANIFEST).read_bytes(), sorted(str(p.relative_to(folder)) for p in folder.rglob("*.*"))


def test_the_sample_imports_to_the_same_tables_in_both_backends(tmp_path, capsys) -> None:
    gpkg, parquet = tmp_path / "s.gpkg", tmp_path / "s.parquet"
    for store in (gpkg, parquet):
        assert main(["import", str(SAMPLE), "--store", str(store)]) == 0
    assert isinstance(Store(parquet), ParquetStore)
    assert _layers(Store(parquet)) == _layers(Store(gpkg))
    events = Store(parquet).read_events(), Store(gpkg).read_events()
    assert list(events[0]["event_id"]) == list(events[1]["event_id"])  # in the order they were written
    assert events[0].geometry.geom_equals_exact(events[1].geometry, 1e-12).all()
    capsys.readouterr()
    facts = []
    for store in (gpkg, parquet):
        assert main(["info", "--json", "--store", str(store)]) == 0
        facts.append({k: v for k, v in json.loads(capsys.readouterr().out).items() if k != "store"})
    assert facts[0] == facts[1]
    assert facts[0]["events"] == len(events[0]) > 40


def test_the_files_are_geoparquet_that_geopandas_reads(tmp_path) -> None:
    assert main(["import", str(SAMPLE / "events.csv"), "--store", str(tmp_path / "s.parquet")]) == 0
    store = Store(tmp_path / "s.parquet")
    files = store.files("events")
    assert len(files) > 1
    assert all("/year=" in f and "/iso3=" in f for f in files)
    metadata = json.loads(pq.read_schema(files[0]).metadata[b"geo"])
    assert metadata["version"] == "1.1.0"
    assert metadata["primary_column"] == "geometry"
    direct = pd.concat([gpd.read_parquet(f) for f in files])
    assert sorted(direct["event_id"]) == sorted(store.read_events(corrected=False)["event_id"])
    assert direct.crs.to_epsg() == 4326
    empty = pq.read_schema(files[0]).field("event_date_end").type  # a column that may be all empty
    assert str(empty) == "string"


def test_a_write_rewrites_only_the_partitions_it_changes(tmp_path) -> None:
    path = tmp_path / "s.parquet"
    assert main(["import", str(_table(tmp_path / "a.csv", 6, first_day=1)), "--store", str(path)]) == 0
    assert (
        main(["import", str(_table(tmp_path / "b.csv", 4, first_day=400, tag="b")), "--store", str(path)])
        == 0
    )
    store = Store(path)
    before = {f.split("/events/")[1].rsplit("/", 1)[0]: f for f in store.files("events")}
    assert sorted(before) == ["year=2023/iso3=MLI", "year=2024/iso3=MLI"]
    events = store.read_events(corrected=False)
    changed = events[events["event_id"].str.startswith("b-")].head(1).assign(notes="moved on")
    store.write(changed)
    after = {f.split("/events/")[1].rsplit("/", 1)[0]: f for f in store.files("events")}
    assert after["year=2023/iso3=MLI"] == before["year=2023/iso3=MLI"]  # untouched, not rewritten
    assert after["year=2024/iso3=MLI"] != before["year=2024/iso3=MLI"]
    assert not (tmp_path / before["year=2024/iso3=MLI"]).exists()  # the replaced file is gone
    back = store.read_events(corrected=False).set_index("event_id")
    assert back.loc[changed["event_id"].iloc[0], "notes"] == "moved on"
    assert len(back) == 10


def test_select_runs_the_block_filters_as_the_geopackage_store(tmp_path, backend) -> None:
    path = tmp_path / f"s.{backend}"
    assert main(["import", str(SAMPLE / "events.csv"), "--store", str(path)]) == 0
    store = Store(path)
    reports = records(store.read_reports().drop(columns="geometry"))
    where = block_filter(reports[:3])
    picked = store.select(REPORTS, where)
    assert 3 <= len(picked) < len(reports)
    assert set(r["event_id"] for r in reports[:3]) <= set(picked["event_id"])
    other = Store(tmp_path / ("s.gpkg" if backend == "parquet" else "s.parquet"))
    assert main(["import", str(SAMPLE / "events.csv"), "--store", str(other.path)]) == 0
    assert sorted(other.select(REPORTS, where)["event_id"]) == sorted(picked["event_id"])


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path, monkeypatch) -> None:
    path = tmp_path / "s.parquet"
    assert main(["import", str(_table(tmp_path / "a.csv", 8)), "--store", str(path)]) == 0
    before, ids = _state(path), _ids(path)
    from geomap.store import changes

    real, calls = changes.write_file, []

    def failing(table, file):
        calls.append(file)
        if len(calls) == 2:  # after one partition file went in
            raise OSError(28, "No space left on device")
        return real(table, file)

    monkeypatch.setattr(changes, "write_file", failing)
    events = Store(path).read_events(corrected=False).assign(notes="changed")
    later = events.assign(event_id="x-" + events["event_id"], event_date="2025-01-05", event_date_end=None)
    both = pd.concat([events, later])  # two partitions: 2023 and 2025
    with pytest.raises(StoreError, match="write failed, the store is unchanged: No space left"):
        Store(path).write(both)
    assert len(calls) == 2
    assert _state(path) == before  # the file it wrote was removed, the manifest never switched
    assert _ids(path) == ids


def _killed(tmp_path, store, target: str, *, after: bool) -> None:
    flag = tmp_path / "here"
    _killed_import(tmp_path, store, _pause_at(target, flag, after=after), flag)


def test_kill_during_the_write_leaves_the_old_state_and_the_next_writer_cleans_up(tmp_path) -> None:
    path = tmp_path / "s.parquet"
    assert main(["import", str(_table(tmp_path / "a.csv", 12)), "--store", str(path)]) == 0
    before, ids = _state(path), _ids(path)
    _killed(tmp_path, path, "geomap.store.changes:write_file", after=True)  # one new file on disk
    manifest, files = _state(path)
    assert manifest == before[0]
    assert len(files) > len(before[1])
    assert _ids(path) == ids  # readers see the committed state
    assert main(["import", str(tmp_path / "new.csv"), "--store", str(path)]) == 0
    assert len(_ids(path)) == len(ids) + 30
    named = set(json.dumps(json.loads((path / MANIFEST).read_text())["layers"]).split('"'))
    assert {f for f in _state(path)[1] if f.endswith(".parquet")} <= named  # no leftover remains


def test_kill_after_the_manifest_switch_keeps_the_new_rows(tmp_path) -> None:
    path = tmp_path / "s.parquet"
    assert main(["import", str(_table(tmp_path / "a.csv", 12)), "--store", str(path)]) == 0
    ids = _ids(path)
    _killed(tmp_path, path, "geomap.store.changes:write_manifest", after=True)  # old files not yet removed
    assert len(_ids(path)) == len(ids) + 30
    assert main(["import", str(tmp_path / "new.csv"), "--store", str(path)]) == 0
    assert len(_ids(path)) == len(ids) + 30


@pytest.mark.parametrize("kind", ["file", "foreign folder", "damaged manifest", "newer format"])
def test_what_is_not_a_parquet_store_is_refused_and_left_untouched(tmp_path, capsys, kind) -> None:
    path = tmp_path / "s.parquet"
    if kind == "file":
        pd.DataFrame({"a": [1]}).to_parquet(path)
    else:
        path.mkdir()
        text = {"foreign folder": None, "damaged manifest": "{not json", "newer format": None}[kind]
        if kind == "foreign folder":
            (path / "mine.txt").write_text("keep")
        elif kind == "newer format":
            text = json.dumps({"format": "geomap-parquet", "format_version": 99, "layers": {}})
        if text is not None:
            (path / MANIFEST).write_text(text)
    table = _table(tmp_path / "in.csv", 2)
    listing = sorted(p.name for p in tmp_path.rglob("*"))
    code = main(["import", str(table), "--store", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {path}: ")
    assert ("newer geomap" if kind == "newer format" else "is not a geomap store") in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing
