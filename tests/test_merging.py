"""Merging: coded rows stay events, article reports merge and attach, every merge explained and undone."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.cli import main
from geomap.errors import InputError
from geomap.merges import explain, merge_counts, split
from geomap.pipeline import import_files
from geomap.schema import validate
from geomap.sourcing import merging
from geomap.sourcing.corroborate import merge_reports
from geomap.sourcing.merging import plan_merge
from geomap.sourcing.registry import SourceRegistry
from geomap.store import Store
from tests.coded_tables import ACLED_HEADER, REPORT_HEADER, acled_row, report_row, write_csv

VAC = "Violence against civilians"
JNIM = "JNIM: Group for Support of Islam and Muslims"


@pytest.fixture(scope="module")
def registry() -> SourceRegistry:
    return SourceRegistry.load()


def _import(store: Store, *paths) -> object:
    return import_files(list(paths), store=store, harvest=False)


def test_a_place_nobody_knows_does_not_block_later_imports(tmp_path) -> None:
    """Issue 13: a row that cannot be geocoded, with no country, crashed every later merging import."""
    nowhere = tmp_path / "nowhere.csv"
    nowhere.write_text(
        "event_date,event_type,actor1,location,source\n2023-11-14,Battles,JNIM,Xqzwvillage,AFP\n",
        encoding="utf-8",
    )
    kidal = tmp_path / "kidal.csv"
    kidal.write_text(
        "event_date,event_type,actor1,country,location,latitude,longitude,source,extraction\n"
        "2023-11-14,Battles,JNIM,Mali,Kidal,18.44,1.40,Reuters,rules\n"
        "2023-11-14,Battles,JNIM,,Xqzwvillage,,,Le Monde,rules\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "s.gpkg")
    _import(store, nowhere)
    report = _import(store, kidal)
    events = store.read_events()
    assert report.events_read == 2
    assert len(events) == 3  # the two rows nobody can place are not one event: nothing says where
    assert events["latitude"].isna().sum() == 2


def test_rows_of_one_coded_dataset_never_merge(tmp_path) -> None:
    """One armed group burns schools in eight villages of one department on one day: eight ACLED events."""
    rows = [
        acled_row(i, village=i % 4, day=0, kind=VAC, actor=JNIM, source="Studio Tamani", deaths=d)
        for i, d in enumerate([3, 0, 7, 2, 3, 0, 7, 2])
    ]  # rows 0 and 4 alike in all but their ACLED id, likewise 1/5, 2/6, 3/7
    store = Store(tmp_path / "s.gpkg")
    report = _import(store, write_csv(tmp_path / "acled.csv", ACLED_HEADER, rows))
    events = store.read_events()
    assert len(events) == 8
    assert events["fatalities"].sum() == 24
    assert sorted(events["origin_id"]) == [f"BFO{70000 + i}" for i in range(8)]
    assert set(events["dataset"]) == {"acled"}
    assert str(report.merging) == (
        "8 rows → 8 events (0 merged: 0 article report(s) into other reports, 0 attached to coded events; "
        "0 coded event(s) linked to another dataset's)"
    )


def test_coded_rows_of_one_dataset_are_never_compared(monkeypatch) -> None:
    tests = []
    real = merging.same_event
    monkeypatch.setattr(merging, "same_event", lambda a, b: tests.append(1) or real(a, b))
    rows = [
        {"event_id": f"ev-{i:04d}", "event_date": "2023-03-01", "event_type": VAC, "latitude": 14.9,
         "longitude": -1.6, "country": "Burkina Faso", "extraction": "table", "dataset": "acled"}
        for i in range(300)
    ]  # fmt: skip
    plan = plan_merge(pd.DataFrame(rows))
    assert len(set(plan.target.values())) == 300
    assert tests == []


def _ucdp_csv(tmp_path, *, deaths: int):
    header = ("id,type_of_violence,side_a,side_b,source_office,source_article,where_prec,where_coordinates,"
              "adm_1,latitude,longitude,country,date_prec,date_start,date_end,best,high,low\n")  # fmt: skip
    row = (
        f"910001,3,JNIM,Civilians,AFP,AFP 2023-03-02,1,Tinwala village,Sahel province,14.9012,-1.6021,"
        f"Burkina Faso,1,2023-03-01 00:00:00.000,2023-03-01 00:00:00.000,{deaths},{deaths},{deaths}\n"
    )
    path = tmp_path / "ged.csv"
    path.write_text(header + row, encoding="utf-8")
    return path


def test_acled_and_ucdp_rows_of_one_event_are_linked_and_keep_their_figures(tmp_path) -> None:
    acled = write_csv(
        tmp_path / "acled.csv",
        ACLED_HEADER,
        [acled_row(1, village=0, day=0, kind=VAC, actor="JNIM", source="Studio Tamani", deaths=3)],
    )
    store = Store(tmp_path / "s.gpkg")
    report = _import(store, acled, _ucdp_csv(tmp_path, deaths=5))
    events = store.read_events().set_index("dataset")
    assert sorted(events.index) == ["acled", "ucdp"]
    assert events.loc["acled", "fatalities"] == 3
    assert events.loc["ucdp", "fatalities"] == 5
    assert events.loc["acled", "linked_ids"] == events.loc["ucdp", "event_id"]
    assert events.loc["ucdp", "linked_ids"] == events.loc["acled", "event_id"]
    assert events.loc["acled", "n_sources"] == 2  # Studio Tamani, and AFP through UCDP
    assert report.merging.linked == 2
    linked = explain(store, events.loc["acled", "event_id"]).linked
    assert linked[0][0] == events.loc["ucdp", "event_id"]
    assert "same type" in linked[0][1]


def test_an_article_attaches_to_the_closest_coded_event_and_the_coded_figures_win(tmp_path) -> None:
    near = acled_row(1, village=0, day=0, kind=VAC, actor=JNIM, source="Studio Tamani", deaths=3)
    other = {**near, "event_id_cnty": "BFO70002", "latitude": "14.9300", "fatalities": "9"}  # 3.2 km north
    article = report_row(1, village=0, day=0, kind=VAC, actor=JNIM, source="AFP", deaths=20)  # 0.4 km
    store = Store(tmp_path / "s.gpkg")
    report = _import(
        store,
        write_csv(tmp_path / "acled.csv", ACLED_HEADER, [other, near]),
        write_csv(tmp_path / "articles.csv", REPORT_HEADER, [article]),
    )
    events = store.read_events().set_index("origin_id")
    assert sorted(events.index) == ["BFO70001; ev-report00001", "BFO70002"]
    attached = events.loc["BFO70001; ev-report00001"]
    assert (attached["fatalities"], attached["fatalities_high"]) == (3, 3)
    assert attached["source"] == "Studio Tamani; AFP"
    assert attached["quote"] == article["quote"]  # ACLED rows carry no quote: the article's joins
    assert attached["n_sources"] == 2
    assert events["fatalities"].sum() == 12
    assert report.merging.attached == 1
    members = explain(store, attached["event_id"]).members
    assert [m.kind for m in members] == ["ACLED row", "article report"]
    assert members[1].reason.startswith(f"attached to {attached['event_id']}: same type")
    assert "0.4 km apart" in members[1].reason


def test_an_article_between_two_coded_events_at_equal_distance_takes_the_smaller_id(registry) -> None:
    coded = {"event_date": "2023-03-01", "event_type": VAC, "country": "Burkina Faso", "longitude": -1.6,
             "extraction": "table", "dataset": "acled", "source": "Studio Tamani",
             "fatalities": 2}  # fmt: skip
    rows = [
        {**coded, "event_id": "ev-b", "latitude": 14.93},
        {**coded, "event_id": "ev-a", "latitude": 14.87},
        {
            **coded,
            "event_id": "ev-r",
            "latitude": 14.90,
            "extraction": "rules",
            "source": "AFP",
            "dataset": None,
        },
    ]
    events, _ = validate(pd.DataFrame(rows), file="t.csv")
    assert plan_merge(events).target == {"ev-a": "ev-a", "ev-b": "ev-b", "ev-r": "ev-a"}
    evidence = pd.DataFrame({"event_id": ["ev-a", "ev-b", "ev-r"], "source_id": ["s1", "s1", "s2"]})
    merged, _ = merge_reports(events, evidence.assign(claim_status="reported"), registry)
    assert merged["fatalities"].sum() == 4
    assert len(merged) == 2


def test_credibility_is_read_from_each_evidence_rows_voice(registry) -> None:
    """An AFP article that carries JNIM's claim but also reports the attack in its own voice is a 2.

    Graded from the event's own columns (the row says "claimed"), it was a 3: a claim carried by a B outlet.
    """
    row = {"event_id": "ev-1", "event_date": "2023-03-01", "event_type": VAC, "country": "Burkina Faso",
           "latitude": 14.9, "longitude": -1.6, "source": "AFP", "claim_status": "claimed",
           "extraction": "rules"}  # fmt: skip
    events, _ = validate(pd.DataFrame([row]), file="t.csv")
    evidence = pd.DataFrame(
        {"event_id": ["ev-1", "ev-1"], "source_id": ["src-afp", "src-afp"],
         "sentence": ["JNIM claimed the attack.", "Gunmen burnt the school, AFP's correspondent saw."],
         "claim_status": ["claimed", "reported"]}
    )  # fmt: skip
    sources = pd.DataFrame({"source_id": ["src-afp"], "outlet": ["AFP"], "url": [""]})
    merged, _ = merge_reports(events, evidence, registry, sources=sources)
    assert merged["credibility"].tolist() == [2]
    without_voices, _ = merge_reports(events, evidence, registry)
    assert without_voices["credibility"].tolist() == [3]


def _two_reports(tmp_path) -> Store:
    first = report_row(1, village=1, day=2, kind="Battles", actor=JNIM, source="AFP", deaths=4)
    second = report_row(2, village=1, day=2, kind="Battles", actor=JNIM, source="Reuters", deaths=9)
    second["latitude"] = "14.9450"  # 2 km from the first
    path = write_csv(tmp_path / "reports.csv", REPORT_HEADER, [first, second])
    store = Store(tmp_path / "s.gpkg")
    _import(store, path)
    return store, path


def test_a_split_survives_re_imports(tmp_path) -> None:
    store, path = _two_reports(tmp_path)
    (event,) = store.read_events()["event_id"]
    assert event == "ev-report00001"
    members = explain(store, event).members
    assert [m.report_id for m in members] == ["ev-report00001", "ev-report00002"]
    assert "km apart (within 10 km)" in members[1].reason
    assert "jnim" in members[1].reason
    counts = split(store, event, ["ev-report00002"], who="anna", note="two different clashes")
    assert (counts.rows, counts.events) == (2, 2)
    _import(store, path)
    events = store.read_events()
    assert sorted(events["event_id"]) == ["ev-report00001", "ev-report00002"]
    assert sorted(events["fatalities"]) == [4, 9]
    assert merge_counts(store.read(corrected=False).events).reports_merged == 0
    with pytest.raises(InputError, match="not among its reports"):
        split(store, "ev-report00001", ["ev-nope"], who="anna")


def test_cli_explains_splits_and_summarises(tmp_path, capsys) -> None:
    store, path = _two_reports(tmp_path)
    assert main(["import", "--store", str(store.path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "store: 2 rows → 1 events (1 merged: 1 article report(s) into other reports" in out
    assert main(["explain", "--store", str(store.path), "ev-report00001"]) == 0
    out = capsys.readouterr().out
    assert "ev-report00002" in out
    assert "merged with ev-report00001" in out
    assert (
        main(["split", "--store", str(store.path), "ev-report00001", "ev-report00002", "--who", "anna"]) == 0
    )
    assert "2 rows → 2 events" in capsys.readouterr().out
    assert main(["info", "--store", str(store.path)]) == 0
    assert "merging: 2 rows → 2 events (0 merged" in capsys.readouterr().out
    assert main(["explain", "--store", str(store.path), "ev-missing"]) == 2


def test_a_coded_row_stored_under_an_older_id_is_replaced_not_doubled(tmp_path) -> None:
    """Stores written before ids included the dataset's id hold ACLED rows under other ids."""
    old = acled_row(1, village=0, day=0, kind=VAC, actor=JNIM, source="Studio Tamani", deaths=3)
    events, _ = validate(
        pd.DataFrame([{"event_id": "ev-oldstyle", "origin_id": "BFO70001", "event_date": "2023-03-01",
                       "event_type": VAC, "country": "Burkina Faso", "latitude": 14.9, "longitude": -1.6,
                       "source": "Studio Tamani", "fatalities": 3}]),
        file="old.csv",
    )  # fmt: skip
    store = Store(tmp_path / "s.gpkg")
    store.write(events.assign(dataset=None))
    _import(store, write_csv(tmp_path / "acled.csv", ACLED_HEADER, [old]))
    stored = store.read_events()
    assert stored["origin_id"].tolist() == ["BFO70001"]
    assert stored["event_id"].tolist() != ["ev-oldstyle"]
    assert stored["fatalities"].sum() == 3


def test_an_article_split_from_a_coded_event_stands_alone_and_the_coded_row_is_untouched(tmp_path) -> None:
    coded = acled_row(1, village=2, day=1, kind="Battles", actor=JNIM, source="Studio Tamani", deaths=6)
    article = report_row(7, village=2, day=1, kind="Battles", actor=JNIM, source="AFP", deaths=40)
    files = (
        write_csv(tmp_path / "acled.csv", ACLED_HEADER, [coded]),
        write_csv(tmp_path / "articles.csv", REPORT_HEADER, [article]),
    )
    store = Store(tmp_path / "s.gpkg")
    _import(store, *files)
    (event,) = store.read_events()["event_id"]
    split(store, event, ["ev-report00007"], who="anna", note="a second clash, 20 km away")
    _import(store, *reversed(files))
    events = store.read_events().set_index("event_id")
    assert events.loc[event, ["origin_id", "source", "fatalities"]].tolist() == [
        "BFO70001",
        "Studio Tamani",
        6,
    ]
    assert events.loc["ev-report00007", "fatalities"] == 40


def test_merging_refuses_rows_that_share_an_id(registry) -> None:
    row = {"event_id": "ev-1", "event_date": "2023-03-01", "event_type": VAC, "country": "Burkina Faso",
           "latitude": 14.9, "longitude": -1.6, "source": "AFP", "extraction": "rules"}  # fmt: skip
    events, _ = validate(pd.DataFrame([row, {**row, "latitude": 15.2}]), file="t.csv")
    evidence = pd.DataFrame({"event_id": ["ev-1"], "source_id": ["s"], "claim_status": ["reported"]})
    with pytest.raises(InputError, match="ev-1 repeated"):
        merge_reports(events, evidence, registry)
