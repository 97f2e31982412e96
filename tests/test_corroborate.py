"""Event-level sourcing: independent outlets and grades for imported events."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.pipeline import import_files
from geomap.schema import validate
from geomap.sourcing.corroborate import best_grade, credibility, grade_events, independent_outlets
from geomap.sourcing.registry import SourceRegistry
from geomap.store import Store
from tests.test_tables import TABLES


@pytest.fixture(scope="module")
def registry() -> SourceRegistry:
    return SourceRegistry.load()


def test_independent_outlets_count_owners_once(registry) -> None:
    assert independent_outlets(["AFP", "Reuters", "RFI", "France 24"], registry) == 3
    assert independent_outlets(["FAMa", "ORTM"], registry) == 1  # the Malian state, twice
    assert independent_outlets(["Unknown FM", "unknown fm"], registry) == 1


@pytest.mark.parametrize(
    ("reports", "status", "grade"),
    [
        ([(["Reuters"], "reported"), (["AFP"], "reported")], "reported", 1),  # two independent, A–C
        ([(["RFI"], "reported"), (["France 24"], "reported")], "reported", 2),  # one owner: one outlet
        ([(["Reuters"], "reported")], "reported", 2),
        ([(["Malijet"], "reported"), (["Maliweb"], "reported")], "reported", 2),  # two known, D
        ([(["Malijet"], "reported")], "reported", 3),
        ([(["Reuters"], "claimed")], "claimed", 3),  # a party's claim carried by a good outlet
        ([(["FAMa"], "reported")], "reported", 6),  # the party speaking of itself
        ([(["Az-Zallaqa"], "claimed")], "claimed", 6),
        ([(["Some Blog"], "reported"), (["Another Blog"], "reported")], "reported", 6),  # unknown: F
        ([(["Reuters"], "alleged"), (["AFP"], "alleged")], "alleged", 4),  # repetition is no confirmation
        ([(["Reuters"], "reported"), (["ORTM"], "disputed")], "disputed", 4),
        ([(["Some Blog"], "alleged")], "alleged", 6),
    ],
)
def test_credibility_rules(registry, reports, status, grade) -> None:
    assert credibility([(o, "", s) for o, s in reports], status, registry) == grade


def test_best_grade(registry) -> None:
    assert best_grade(["Az-Zallaqa", "Studio Tamani"], registry) == "C"
    assert best_grade(["Az-Zallaqa"], registry) == "F"
    assert best_grade([], registry) == "F"


def test_grade_events_recounts_only_when_asked(registry) -> None:
    raw = pd.DataFrame(
        [{"event_date": "2024-07-27", "event_type": "Battles", "location": "Tinzaouaten", "country": "Mali",
          "latitude": 19.96, "longitude": 2.92, "source": "RFI; France 24; Reuters", "n_sources": 5}]
    )  # fmt: skip
    events, _ = validate(raw, file="t.csv")
    kept = grade_events(events, registry, recount=False)
    assert (kept["n_sources"].iloc[0], kept["reliability"].iloc[0]) == (5, "B")
    assert grade_events(events, registry, recount=True)["n_sources"].iloc[0] == 2


def test_acled_imports_are_counted_and_graded(tmp_path, fresh_gazetteer) -> None:
    from geomap.geocode import Resolver

    store = Store(tmp_path / "s.gpkg")
    import_files([TABLES / "acled_export.csv"], store=store, resolver=Resolver(fresh_gazetteer))
    contents = store.read()
    kidal = contents.events.set_index("origin_id").loc["MLI90001"]
    assert (kidal["n_sources"], kidal["reliability"]) == (2, "B")  # Reuters and Studio Tamani
    graded = contents.sources.set_index("outlet")
    assert graded.loc["Reuters", "kind"] == "wire"
    assert graded.loc["Local source", "reliability"] == "F"


from hypothesis import given, settings  # noqa: E402 — the property tests below need it
from hypothesis import strategies as st  # noqa: E402

from geomap.sourcing.corroborate import merge_reports  # noqa: E402
from geomap.sourcing.merging import plan_merge, same_event  # noqa: E402

BER = {"event_type": "Battles", "country": "Mali", "iso3": "MLI", "admin1": "Tombouctou", "location": "Ber",
       "latitude": 16.13, "longitude": -2.55, "actor1": "Military Forces of Mali (2021-)",
       "actor2": "CSP-PSD", "claim_status": "reported"}  # fmt: skip


def _reports(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Article reports (extraction "rules") and one evidence row each."""
    rows = [{"extraction": "rules", **row} for row in rows]
    events, problems = validate(pd.DataFrame(rows), file="reports.csv")
    assert problems == []
    evidence = pd.DataFrame(
        {"event_id": events["event_id"], "source_id": [f"src-{i}" for i in range(len(events))],
         "sentence": events["quote"], "claim_status": events["claim_status"]}
    )  # fmt: skip
    return events, evidence


def test_independent_reports_merge_and_one_owner_counts_once(registry) -> None:
    events, evidence = _reports(
        [
            {**BER, "event_date": "2023-08-11", "source": "AFP", "quote": "Fighting near Ber, AFP said."},
            {
                **BER,
                "event_date": "2023-08-11",
                "source": "Reuters",
                "latitude": 16.15,
                "quote": "Clashes at Ber.",
            },
            {**BER, "event_date": "2023-08-11", "source": "RFI", "quote": "Des combats à Ber."},
            {**BER, "event_date": "2023-08-11", "source": "France 24", "quote": "Combats près de Ber."},
        ]
    )
    merged, moved = merge_reports(events, evidence, registry)
    assert len(merged) == 1
    assert merged["n_sources"].iloc[0] == 3  # AFP, Reuters, France Médias Monde
    assert len(moved) == 4
    assert set(moved["event_id"]) == {merged["event_id"].iloc[0]}


def test_a_claim_and_a_denial_are_disputed(registry) -> None:
    events, evidence = _reports(
        [
            {**BER, "event_date": "2024-06-02", "source": "Az-Zallaqa", "claim_status": "claimed"},
            {**BER, "event_date": "2024-06-02", "source": "FAMa", "claim_status": "disputed"},
        ]
    )
    merged, _ = merge_reports(events, evidence, registry)
    assert merged["claim_status"].tolist() == ["disputed"]


def test_a_claim_stays_a_claim_until_an_independent_outlet_reports_it(registry) -> None:
    claim = {**BER, "event_date": "2024-06-02", "source": "Az-Zallaqa", "claim_status": "claimed"}
    echo = {**BER, "event_date": "2024-06-02", "source": "ORTM; FAMa", "claim_status": "reported"}
    merged, _ = merge_reports(*_reports([claim]), registry)
    assert merged["claim_status"].tolist() == ["claimed"]
    independent = {**claim, "source": "Studio Tamani", "claim_status": "reported"}
    merged, _ = merge_reports(*_reports([claim, independent]), registry)
    assert merged["claim_status"].tolist() == ["reported"]
    # ORTM (state-affiliated, not the party) relays it in its own voice: reported, though graded D
    assert merge_reports(*_reports([claim, echo]), registry)[0]["claim_status"].tolist() == ["reported"]


def test_fatalities_become_a_range(registry) -> None:
    events, evidence = _reports(
        [
            {**BER, "event_date": "2023-09-07", "source": "AFP", "fatalities": 12},
            {**BER, "event_date": "2023-09-07", "source": "CSP-PSD", "fatalities": 40},
        ]
    )
    merged, _ = merge_reports(events, evidence, registry)
    row = merged.iloc[0]
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (12, 12, 40)


def test_what_must_not_merge(registry) -> None:
    day = {**BER, "event_date": "2023-08-11", "time_precision": 1, "geo_precision": 1}
    far = {**day, "latitude": 16.40, "source": "Reuters"}  # 30 km north
    assert not same_event(day, far)
    assert not same_event(day, {**day, "event_date": "2023-08-12", "event_date_end": "2023-08-12"})
    month = {**day, "event_date": "2023-08-01", "event_date_end": "2023-08-01", "time_precision": 3}
    assert same_event({**day, "event_date_end": "2023-08-11"}, {**month, "event_date_end": "2023-08-01"})
    region = {**day, "geo_precision": 3, "latitude": 16.77, "longitude": -3.0}
    assert same_event({**day, "event_date_end": "2023-08-11"}, {**region, "event_date_end": "2023-08-11"})
    assert not same_event({**day, "event_date_end": "2023-08-11"},
                          {**region, "admin1": "Gao", "event_date_end": "2023-08-11"})  # fmt: skip


REPORT = st.fixed_dictionaries(
    {
        "day": st.integers(0, 6),
        "north_km": st.sampled_from([0, 3, 8, 30]),
        "outlet": st.sampled_from(["AFP", "Reuters", "RFI", "France 24", "Az-Zallaqa", "FAMa", "Unknown FM"]),
        "status": st.sampled_from(["reported", "claimed", "alleged", "disputed"]),
        "deaths": st.one_of(st.none(), st.integers(0, 60)),
    }
)


def _rows(reports: list[dict]) -> list[dict]:
    return [
        {**BER, "event_id": f"ev-report-{i}", "event_date": f"2023-08-{10 + r['day']:02d}",
         "latitude": 16.13 + r["north_km"] / 111,
         "source": r["outlet"], "claim_status": r["status"], "fatalities": r["deaths"],
         "notes": f"report {i}"}
        for i, r in enumerate(reports)
    ]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(REPORT, min_size=1, max_size=8), st.randoms())
def test_merging_is_order_independent_idempotent_and_loses_no_evidence(reports, rnd) -> None:
    registry = SourceRegistry.load()
    events, evidence = _reports(_rows(reports))
    merged, moved = merge_reports(events, evidence, registry)
    shuffled = events.sample(frac=1, random_state=rnd.randint(0, 10_000))
    again, _ = merge_reports(shuffled, evidence, registry)
    key = [
        "event_id",
        "event_date",
        "source",
        "n_sources",
        "claim_status",
        "fatalities_low",
        "fatalities_high",
        "credibility",
    ]
    assert merged[key].astype(str).values.tolist() == again[key].astype(str).values.tolist()
    twice, _ = merge_reports(merged, moved, registry)
    assert twice[key].astype(str).values.tolist() == merged[key].astype(str).values.tolist()
    assert len(moved) == len(evidence)  # every report is still there
    assert set(moved["event_id"]) <= set(merged["event_id"])
    assert sorted(moved["source_id"]) == sorted(evidence["source_id"])
    targets = plan_merge(events).target
    assert len(set(targets.values())) == len(merged)
