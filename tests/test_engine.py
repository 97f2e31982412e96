"""The engine switch: the Dask engine gives the local engine's event table, bit for bit."""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
import warnings

import pandas as pd
import pytest

from benchmarks.dask_engine import synthetic_articles
from geomap import engine
from geomap.cli import main
from geomap.errors import ConfigError, StoreError
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver
from geomap.pipeline import ImportReport
from geomap.store import Store
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "sample"
HEADER = "event_date,event_type,actor1,country,location,latitude,longitude,source,claim_status,quote\n"
#: native rows: located and not, a made-up village the harvest learns, a bad date and a bad latitude
ROWS = [
    "2023-11-14,Battles,Military Forces of Mali (2021-),Mali,Kidal,18.44345,1.40921,RFI,reported,In Kidal.",
    "2023-09-08,Violence against civilians,JNIM,Mali,Tombouctou,,,AFP,reported,A boat was attacked.",
    "2024-09-17,Battles,JNIM,Mali,Bamako,,,Le Monde,claimed,JNIM claimed the attack in Bamako.",
    "2024-03-02,Battles,JNIM,Mali,Tinkarène-Ouest,17.3512,-1.8923,Studio Tamani,alleged,Fighting.",
    "2024-03-09,Battles,JNIM,Mali,Tinkarène-Ouest,,,RFI,reported,More fighting at Tinkarène-Ouest.",
    "2023-13-01,Battles,JNIM,Mali,Gao,16.27,-0.04,AFP,reported,bad date",
    "2023-11-20,Battles,JNIM,Mali,Gao,96.27,-0.04,AFP,reported,bad latitude",
    "2023-11-14,Battles,Military Forces of Mali (2021-),Mali,Kidal,18.44345,1.40921,AFP,reported,Taken.",
]  # fmt: skip


def run(paths, folder, name: str, built, **options) -> tuple[ImportReport, pd.DataFrame, Store]:
    """Import into a new store with a fresh copy of the gazetteer; the report and the event table."""
    copy = folder / f"{name}.sqlite"
    shutil.copy(built, copy)
    store = Store(folder / f"{name}.gpkg")
    report = engine.import_files(
        paths, store=store, resolver=Resolver(Gazetteer.embedded(path=copy)), **options
    )
    return report, store.read_events(), store


def same_report(dask: ImportReport, local: ImportReport) -> None:
    assert dask.events_read == local.events_read
    assert [str(p) for p in dask.problems] == [str(p) for p in local.problems]
    assert dask.file_errors == local.file_errors
    assert dask.unresolved == local.unresolved
    assert dask.harvested == local.harvested
    assert dask.formats == local.formats
    assert str(dask.merging) == str(local.merging)


def synthetic_inputs(folder, ways: int) -> list:
    """Articles and a native table, split ``ways`` ways into files, and one file that cannot be read."""
    articles = synthetic_articles(folder / "articles", 40)
    tables = []
    for k in range(ways):
        path = folder / f"table-{k}.csv"
        path.write_text(HEADER + "".join(r + "\n" for r in ROWS[k::ways]), encoding="utf-8")
        tables.append(path)
    broken = folder / "broken.csv"
    broken.write_bytes(b"\x00\x01\x02\xff\xfe binary")
    return [*tables, *articles, broken]


@pytest.mark.slow
@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_the_sample_imports_the_same_on_a_cluster(client, tmp_path, built_gazetteer, partitions) -> None:
    local, expected, _ = run([SAMPLE], tmp_path, "local", built_gazetteer)
    dask, events, _ = run([SAMPLE], tmp_path, "dask", built_gazetteer, client=client, partitions=partitions)
    assert local.events_read > 40
    assert local.merging.rows > local.merging.events  # reports were merged
    same_report(dask, local)
    pd.testing.assert_frame_equal(events, expected)


@pytest.mark.slow
@pytest.mark.parametrize("ways", [1, 3, 7])
def test_split_and_shuffled_inputs_import_the_same(client, tmp_path, built_gazetteer, ways) -> None:
    files = synthetic_inputs(tmp_path, ways)
    local, expected, _ = run(files, tmp_path, "local", built_gazetteer)
    shuffled = random.Random(ways).sample(files, len(files))
    dask, events, _ = run(shuffled, tmp_path, "dask", built_gazetteer, client=client, partitions=ways)
    # the rows that are wrong are reported with their file and row; the file that is wrong, by name
    assert sorted(str(p) for p in dask.problems) == sorted(str(p) for p in local.problems)
    assert {str(p).split(": ")[1] for p in dask.problems} == {"event_date", "latitude"}
    assert len(dask.file_errors) == 1
    assert "broken.csv" in dask.file_errors[0]
    assert local.harvested[0] == 1  # Tinkarène-Ouest, learnt once
    assert dask.harvested == local.harvested
    assert local.merging.reports_merged > 0  # copies of one article under other outlets, in other files
    assert str(dask.merging) == str(local.merging)
    key = ["event_id"]
    pd.testing.assert_frame_equal(
        events.sort_values(key).reset_index(drop=True), expected.sort_values(key).reset_index(drop=True)
    )


@pytest.mark.slow
def test_small_partitions_import_the_same_and_leave_nothing_on_the_workers(
    client, tmp_path, built_gazetteer, monkeypatch
) -> None:
    import time

    files = synthetic_inputs(tmp_path, 3)
    local, expected, _ = run(files, tmp_path, "local", built_gazetteer)
    monkeypatch.setattr(engine, "FILES_PER_PARTITION", 3)  # 44 files: 15 partitions, more than 4 per worker
    dask, events, _ = run(files, tmp_path, "dask", built_gazetteer, client=client)
    same_report(dask, local)
    key = ["event_id"]
    pd.testing.assert_frame_equal(
        events.sort_values(key).reset_index(drop=True), expected.sort_values(key).reset_index(drop=True)
    )
    deadline = time.monotonic() + 10
    while any(client.has_what().values()) and time.monotonic() < deadline:
        time.sleep(0.1)  # releases reach the scheduler asynchronously
    assert not any(client.has_what().values())  # every partition's results were released once gathered


@pytest.mark.slow
def test_workers_see_what_the_last_import_taught_the_gazetteer(tmp_path, built_gazetteer) -> None:
    from distributed import Client

    one = Client(n_workers=1, **engine.LOCAL_CLUSTER)  # one cache
    table = tmp_path / "table.csv"
    table.write_text(HEADER + ROWS[3] + "\n", encoding="utf-8")
    article = tmp_path / "article.md"
    article.write_text(
        "---\noutlet: Sahel Desk (sample)\npublished: 2024-03-10\n---\n\n"
        "Fighters of JNIM attacked an army post in Tinkarène-Ouest on Saturday, residents said.\n",
        encoding="utf-8",
    )
    stores = {}
    for name, options in (("local", {}), ("dask", {"client": one})):
        copy = tmp_path / f"{name}.sqlite"  # the same gazetteer before each engine's three imports
        shutil.copy(built_gazetteer, copy)
        resolver = Resolver(Gazetteer.embedded(path=copy))
        stores[name] = Store(tmp_path / f"{name}.gpkg")
        for path in (article, table, article):  # the table teaches the gazetteer the article's village
            engine.import_files([path], store=stores[name], resolver=resolver, merge=False, **options)
    one.close()
    local, dask = (stores[n].read_events() for n in ("local", "dask"))
    assert (local["location"] == "Tinkarène-Ouest").sum() >= 2  # learnt from the table, found in the text
    pd.testing.assert_frame_equal(dask, local)


@pytest.mark.slow
def test_two_local_clusters_do_not_fight_over_port_8787() -> None:
    from distributed import LocalCluster

    with (
        warnings.catch_warnings(record=True) as seen,
        LocalCluster(n_workers=1, **engine.LOCAL_CLUSTER) as first,
    ):
        warnings.simplefilter("always")
        with LocalCluster(n_workers=1, **engine.LOCAL_CLUSTER) as second:
            ports = {first.scheduler.http_server.port, second.scheduler.http_server.port}
    assert len(ports) == 2
    assert 8787 not in ports
    assert not [w for w in seen if "already in use" in str(w.message)]


def test_the_dask_engine_names_the_extra_when_it_is_missing(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"pip install 'geomap\[dask\]'"):
        engine.connect()


def test_the_cli_refuses_engine_options_that_do_not_fit(tmp_path, capsys, monkeypatch) -> None:
    store = str(tmp_path / "s.gpkg")
    assert main(["import", str(SAMPLE / "events.csv"), "--workers", "2", "--store", store]) == 2
    assert "--engine dask" in capsys.readouterr().err
    assert main(["import", str(SAMPLE / "events.csv"), "--engine", "spark", "--store", store]) == 2
    assert "choose one of local, dask" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["import", str(SAMPLE / "events.csv"), "--engine", "dask", "--store", store]) == 2
    assert "pip install 'geomap[dask]'" in capsys.readouterr().err


def test_a_scheduler_address_does_not_go_with_workers(monkeypatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setenv("GEOMAP_SCHEDULER", "tcp://127.0.0.1:8786")
    with pytest.raises(ConfigError, match="does not go with a scheduler"):
        engine.connect(workers=2)


def test_online_geocoders_are_refused_on_the_cluster(built_gazetteer) -> None:
    resolver = Resolver(Gazetteer.read_only(built_gazetteer), online=[object()])
    with pytest.raises(ConfigError, match="offline only"):
        engine.worker_spec(resolver, None)


def test_a_worker_opens_the_gazetteer_read_only(built_gazetteer, tmp_path) -> None:
    gazetteer = Gazetteer.read_only(built_gazetteer)
    assert gazetteer.lookup("Kidal")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        gazetteer.harvest([{"location": "Nowhere-Ouest", "country_code": "ML", "latitude": 17.0,
                            "longitude": -1.0, "geo_precision": 1}])  # fmt: skip
    with pytest.raises(StoreError, match="no gazetteer here"):
        Gazetteer.read_only(tmp_path / "missing.sqlite")


@pytest.mark.slow
def test_an_outlet_s_home_moves_the_same_events_on_a_cluster(client, tmp_path, built_gazetteer) -> None:
    """Every article votes wherever it is read; the events it moves move the same (tests/test_outlets.py)."""
    from geomap.gazetteer.index import distance_km
    from tests.test_outlets import BOULEL, KAYES_BOULEL, KAYES_REPORTS, write_report

    outlet = "Radio Kayes (test)"
    files = [write_report(tmp_path, f"r{n}.md", outlet, 10 + n, text) for n, text in enumerate(KAYES_REPORTS)]
    files.append(write_report(tmp_path, "boulel.md", outlet, 14, BOULEL))
    local, expected, _ = run(files, tmp_path, "local", built_gazetteer, merge=False)
    dask, events, _ = run(files, tmp_path, "dask", built_gazetteer, client=client, partitions=len(files))
    assert dask.notes == local.notes
    assert any("their outlet's other articles" in note for note in local.notes)
    key = ["event_id"]
    pd.testing.assert_frame_equal(
        events.sort_values(key).reset_index(drop=True), expected.sort_values(key).reset_index(drop=True)
    )
    (boulel,) = events[events["place_mention"] == "Boulel"].to_dict("records")
    assert distance_km(boulel["latitude"], boulel["longitude"], *KAYES_BOULEL) < 5
