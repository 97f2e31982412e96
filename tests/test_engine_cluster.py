"""The stages on the cluster: merging, harvest and geocoding on the workers give the local result."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synthetic_events import HEADER, write_events
from geomap.gazetteer.index import Gazetteer
from geomap.sourcing.blocks import DAYS_PER_BLOCK
from tests.test_engine import run

pytestmark = pytest.mark.slow


def _sorted(events: pd.DataFrame) -> pd.DataFrame:
    return events.sort_values("event_id").reset_index(drop=True)


@pytest.mark.parametrize("ways", [1, 3, 7])
def test_synthetic_tables_split_and_shuffled_import_the_same(
    client, tmp_path, built_gazetteer, ways, monkeypatch
) -> None:
    # tables over 15 kB are read in chunks of 50 rows (the one and the three files), smaller ones whole
    monkeypatch.setattr("geomap.engine.tables.CHUNK_BYTES", 15_000)
    monkeypatch.setattr("geomap.engine.tables.CHUNK_ROWS", 50)
    # bundles of about 40 rows: more bundles than partitions, sent a few at a time as others finish
    monkeypatch.setattr("geomap.engine.merging.BUNDLE_ROWS", 40)
    files = write_events(tmp_path / "in", 300, files=ways, seed=ways, bad=0.01)
    local, expected, _ = run(files, tmp_path, "local", built_gazetteer)
    shuffled = random.Random(ways).sample(files, len(files))
    dask, events, _ = run(shuffled, tmp_path, "dask", built_gazetteer, client=client, partitions=ways)
    assert local.merging.reports_merged > 0
    assert local.merging.attached > 0
    assert local.merging.linked > 0
    assert str(dask.merging) == str(local.merging)
    assert dask.harvested == local.harvested
    assert local.harvested[0] > 0
    assert sorted(dask.unresolved) == sorted(local.unresolved)
    pd.testing.assert_frame_equal(_sorted(events), _sorted(expected))
    # the rows that are wrong are reported, each with its file and its row as the file has it
    assert sorted(map(str, dask.problems)) == sorted(map(str, local.problems))
    assert len(dask.problems) >= 3
    for problem in dask.problems:
        line = Path(problem.file).read_text(encoding="utf-8").splitlines()[problem.row - 1]
        assert "-13-" in line or ",96.5," in line


def _report(eid: str, day: str, precision: int, lat: float, *, extraction="rules", dataset="") -> dict:
    row = dict.fromkeys(HEADER, "")
    row.update(
        event_id=eid, event_date=day, time_precision=precision, event_type="Battles", actor1="JNIM",
        country="Mali", iso3="MLI", admin1="Mopti", location="Synthville-border", latitude=f"{lat:.5f}",
        longitude="-3.40000", geo_precision=1, source="RFI" if extraction == "rules" else "ACLED",
        claim_status="reported", extraction=extraction, dataset=dataset,
    )  # fmt: skip
    return row


def _write(path, rows: list[dict]):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_reports_of_one_event_in_other_partitions_merge(client, tmp_path, built_gazetteer) -> None:
    """A coded row the day before a block starts, a report on its first day, a week-long report across
    the boundary (and midnight), each side of a cell's edge (15.0°N), each in its own file."""
    first = 19_800 - 19_800 % DAYS_PER_BLOCK + DAYS_PER_BLOCK  # the first day of a block (days since 1970)
    day = pd.Timestamp(first, unit="D")
    before = (day - pd.Timedelta(days=1)).date().isoformat()
    coded = _report("syn-coded", before, 1, 14.99995, extraction="table", dataset="acled")
    on_the_day = _report("syn-day", day.date().isoformat(), 1, 15.00004)
    week = _report("syn-week", (day - pd.Timedelta(days=2)).date().isoformat(), 2, 15.01)
    files = [_write(tmp_path / f"{r['event_id']}.csv", [r]) for r in (on_the_day, coded, week)]
    local, expected, _ = run(files, tmp_path, "local", built_gazetteer)
    dask, events, _ = run(files[::-1], tmp_path, "dask", built_gazetteer, client=client, partitions=3)
    assert len(expected) == 1  # one event: the coded row, with both reports attached
    assert expected["event_id"].tolist() == ["syn-coded"]
    assert set(expected["origin_id"].iloc[0].split("; ")) == {"syn-coded", "syn-day", "syn-week"}
    pd.testing.assert_frame_equal(_sorted(events), _sorted(expected))
    assert str(dask.merging) == str(local.merging)


def test_the_harvest_runs_once(client, tmp_path, built_gazetteer, monkeypatch) -> None:
    calls = []
    harvest = Gazetteer.harvest

    def counted(self, rows, **options):
        rows = list(rows)
        calls.append(len(rows))
        return harvest(self, rows, **options)

    monkeypatch.setattr(Gazetteer, "harvest", counted)
    files = write_events(tmp_path / "in", 200, files=4, seed=5)
    report, events, _ = run(files, tmp_path, "dask", built_gazetteer, client=client, partitions=4)
    assert len(calls) == 1  # one reduce step, one write, however many partitions read the rows
    assert calls[0] > 200
    assert report.harvested[0] > 0
    named = events[events["location"].str.startswith("Synthville", na=False)]
    assert named["latitude"].notna().all()  # the rows without a point found the villages just learnt


def test_the_cli_imports_on_an_existing_cluster(client, tmp_path, monkeypatch, capsys) -> None:
    from geomap.cli import main
    from geomap.store import Store
    from tests.test_engine import SAMPLE

    address = client.scheduler.address
    by_flag, by_env = str(tmp_path / "flag.gpkg"), str(tmp_path / "env.gpkg")
    assert main(["import", str(SAMPLE), "--engine", "dask", "--scheduler", address, "--store", by_flag]) == 0
    monkeypatch.setenv("GEOMAP_SCHEDULER", address)
    assert main(["import", str(SAMPLE), "--engine", "dask", "--store", by_env]) == 0
    assert main(["import", str(SAMPLE), "--engine", "dask", "--workers", "1", "--store", by_env]) == 2
    assert "does not go with a scheduler" in capsys.readouterr().err
    flag, env = Store(by_flag).read_events(), Store(by_env).read_events()
    assert len(flag) == len(env) > 40
    assert client.status == "running"  # the CLI closed its own client, not the cluster


def _imports_with_a_split(files, folder, name: str, built, **options) -> tuple[pd.DataFrame, str]:
    """Two imports into one store, a researcher's split between them: the events, and the split one."""
    from geomap import engine
    from geomap.geocode import Resolver
    from geomap.merges import explain, split

    _, events, store = run(files[:2], folder, name, built, **options)
    merged = events[events["origin_id"].fillna("").str.count(";") >= 2].sort_values("event_id")
    event_id = merged["event_id"].iloc[0]
    split(store, event_id, [explain(store, event_id).members[-1].report_id], who="tester")
    resolver = Resolver(Gazetteer.embedded(path=folder / f"{name}.sqlite"))  # the copy run() made
    engine.import_files(files[2:], store=store, resolver=resolver, **options)
    return store.read_events(), event_id


def test_a_second_import_after_a_split_merges_the_same(client, tmp_path, built_gazetteer) -> None:
    """The incremental merge (only the stored reports the new rows reach) and pairs kept apart."""
    files = write_events(tmp_path / "in", 300, files=3, seed=11)
    local, split_id = _imports_with_a_split(files, tmp_path, "local", built_gazetteer)
    dask, _ = _imports_with_a_split(files, tmp_path, "dask", built_gazetteer, client=client, partitions=5)
    kept = local.loc[local["event_id"] == split_id, "origin_id"].iloc[0]
    assert kept.count(";") >= 1  # the split left the rest together, one report out
    pd.testing.assert_frame_equal(_sorted(dask), _sorted(local))


CHUNKY = [
    ("a1", "2023-11-14", "Kidal", "18.44345", "1.40921", "first of a1"),
    ("", "2023-11-15", "Gao", "16.27", "-0.04", "no id: computed"),
    ("a2", "2023-13-01", "Gao", "16.27", "-0.04", "a bad date"),
    ("a3", "2023-11-16", "Mopti", "-4.19", "14.49", "swapped: kept in the ids, then refused"),
    ("a4", "2023-11-17", "Gao", "16.27", "-0.04", "a quoted cell\nover two lines"),
    ("a1", "2023-11-18", "Kidal", "18.44345", "1.40921", "a1 again, in another chunk"),
    ("", "2023-11-15", "Gao", "16.27", "-0.04", "no id: computed"),
    ("a3", "2023-11-19", "Mopti", "14.49", "-4.19", "a3 again: its first row was swapped"),
    ("a5", "2023-11-20", "Gao", "96.27", "-0.04", "a bad latitude"),
]


def test_a_table_read_in_chunks_is_read_as_a_whole(client, tmp_path) -> None:
    from geomap.engine.tables import read_chunked
    from geomap.gazetteer.boundaries import inside_country
    from geomap.ingest.tables import read_table

    path = tmp_path / "chunky.csv"
    lines = ["event_id,event_date,event_type,actor1,country,location,latitude,longitude,source,notes"]
    rows = [
        *CHUNKY,
        *((f"b{k}", "2023-10-01", "Gao", "16.27", f"{-0.04 - k / 1e4:.5f}", "") for k in range(30)),
    ]
    for eid, day, place, lat, lon, note in rows:
        lines.append(f'{eid},{day},Battles,JNIM,Mali,{place},{lat},{lon},RFI,"{note}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = read_table(path, inside_country=inside_country)
    assert {p.field for p in whole.problems} >= {"event_date", "event_id", "latitude"}
    for size in (1, 2, 3, 7, 100):
        parts = read_chunked(client, path, rows=size)
        assert [str(p) for p in parts.problems] == [str(p) for p in whole.problems]
        pd.testing.assert_frame_equal(parts.events, whole.events)
        pd.testing.assert_frame_equal(parts.sources, whole.sources)
        pd.testing.assert_frame_equal(parts.evidence, whole.evidence)
        assert (parts.format, parts.notes) == (whole.format, whole.notes)


def test_a_table_that_cannot_be_read_in_chunks_is_named(client, tmp_path) -> None:
    from geomap.engine.tables import read_chunked
    from geomap.errors import InputError

    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\x01\x02\xff\xfe binary")
    error = read_chunked(client, broken, rows=10)
    assert isinstance(error, InputError)
    assert "broken.csv" in str(error)
    assert isinstance(read_chunked(client, tmp_path / "missing.csv"), InputError)
