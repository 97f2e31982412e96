"""The event-table contract: coercion, defaults, stable ids and row problems."""

from __future__ import annotations

import pandas as pd
import pytest

from geomap.errors import RowProblem
from geomap.schema import EVENT_COLUMNS, WGS84, is_blank, make_event_id, make_source_id, validate

KIDAL = {
    "event_date": "2023-11-14",
    "event_type": "Battles",
    "sub_event_type": "Government regains territory",
    "actor1": "Military Forces of Mali (2021-)",
    "assoc_actor_1": "Wagner Group",
    "actor2": "CSP-PSD: Permanent Strategic Framework for Peace, Security and Development",
    "country": "Mali",
    "location": "Kidal",
    "latitude": "18.44345",
    "longitude": "1.40921",
    "fatalities": "",
    "source": "RFI; Reuters",
    "claim_status": "reported",
}


def test_a_good_row_is_coerced_to_the_contract() -> None:
    events, problems = validate(pd.DataFrame([KIDAL]), file="kidal.csv")
    assert problems == []
    assert list(events.columns) == [*EVENT_COLUMNS, "geometry"]
    assert events.crs == WGS84
    row = events.iloc[0]
    assert row["latitude"] == pytest.approx(18.44345)
    assert row.geometry.x == pytest.approx(1.40921)  # x is the longitude
    assert row["event_date_end"] == "2023-11-14"
    assert row["time_precision"] == 1
    assert row["geo_precision"] == 1
    assert row["reliability"] == "F"
    assert row["place_mention"] == "Kidal"
    assert pd.isna(row["fatalities"])
    assert row["event_id"].startswith("ev-")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"event_date": "14/13/2023"}, "event_date", "not a date"),
        ({"event_date": ""}, "event_date", "missing"),
        ({"latitude": "123"}, "latitude", "outside -90..90"),
        ({"longitude": "-190"}, "longitude", "outside -180..180"),
        ({"longitude": ""}, "longitude", "missing while"),
        ({"event_type": "Skirmish"}, "event_type", "unknown event type"),
        ({"claim_status": "rumoured"}, "claim_status", "not one of"),
        ({"fatalities": "many"}, "fatalities", "not a number"),
        ({"fatalities": "-3"}, "fatalities", "negative"),
        ({"inter1": "12"}, "inter1", "not an ACLED actor type"),
        ({"event_date_end": "2023-11-01"}, "event_date_end", "before event_date"),
        ({"latitude": "", "longitude": "", "location": "", "country": ""}, "location", "needs coordinates"),
    ],
)
def test_bad_rows_are_named_and_good_rows_kept(change: dict, field: str, words: str) -> None:
    rows = pd.DataFrame(
        [KIDAL, {**KIDAL, **change}, {**KIDAL, "location": "Gao", "latitude": 16.27, "longitude": -0.04}]
    )
    events, problems = validate(rows, file="events.csv")
    assert len(events) == 2
    assert len(problems) == 1
    problem = problems[0]
    assert isinstance(problem, RowProblem)
    assert (problem.file, problem.row, problem.field) == ("events.csv", 3, field)
    assert words in problem.problem
    assert str(problem).startswith(f"events.csv:3: {field}: ")


def test_row_numbers_can_be_given() -> None:
    rows = pd.DataFrame([KIDAL, {**KIDAL, "event_type": "?"}])
    _, problems = validate(rows, file="hdx.csv", rows=[3, 4])
    assert [p.row for p in problems] == [4]


def test_rows_without_coordinates_are_kept_for_the_geocoder() -> None:
    events, problems = validate(pd.DataFrame([{**KIDAL, "latitude": None, "longitude": None}]), file="f.csv")
    assert problems == []
    assert events.geometry.iloc[0] is None
    assert pd.isna(events["latitude"].iloc[0])


def test_fatalities_fill_the_range() -> None:
    events, _ = validate(pd.DataFrame([{**KIDAL, "fatalities": "12", "fatalities_high": "40"}]), file="f.csv")
    row = events.iloc[0]
    assert (row["fatalities"], row["fatalities_low"], row["fatalities_high"]) == (12, 12, 40)


def test_event_ids_are_stable_and_distinguish_events() -> None:
    first, _ = validate(pd.DataFrame([KIDAL]), file="a.csv")
    again, _ = validate(pd.DataFrame([{**KIDAL, "source": "Reuters;RFI"}]), file="b.csv")
    other, _ = validate(pd.DataFrame([{**KIDAL, "event_date": "2023-11-15"}]), file="a.csv")
    assert first["event_id"].iloc[0] == again["event_id"].iloc[0]  # outlet order does not matter
    assert first["event_id"].iloc[0] != other["event_id"].iloc[0]
    given, _ = validate(pd.DataFrame([{**KIDAL, "event_id": "mine-1"}]), file="a.csv")
    assert given["event_id"].iloc[0] == "mine-1"


def test_ids_are_plain_hashes() -> None:
    kwargs = {"source": "AFP", "event_date": "2024-09-17", "place": "Bamako", "event_type": "Battles"}
    assert make_event_id(**kwargs) == make_event_id(**kwargs)
    assert make_source_id(outlet="RFI", url="https://www.rfi.fr/a") != make_source_id(outlet="RFI")


def test_an_empty_table_validates_to_an_empty_contract() -> None:
    events, problems = validate(pd.DataFrame(columns=["event_date"]), file="empty.csv")
    assert problems == []
    assert events.empty
    assert "event_id" in events.columns


def test_records_gives_what_to_dict_gives_on_stored_and_imported_tables(tmp_path) -> None:
    """The fast row reader matches pandas on every dtype the store and the readers produce."""
    import math

    from geomap.ingest.tables import read_table
    from geomap.schema import records
    from geomap.store import Store
    from tests.conftest import SAMPLE_EVENTS

    table = read_table(SAMPLE_EVENTS)
    store = Store(tmp_path / "s.gpkg")
    store.write(table.events, sources=table.sources, evidence=table.evidence)
    stored = store.read()
    raw = pd.read_csv(SAMPLE_EVENTS)
    for frame in (table.events, table.evidence, table.sources, stored.events, stored.evidence, raw):
        expected, got = frame.to_dict("records"), records(frame)
        assert len(got) == len(expected)
        for want, have in zip(expected, got, strict=True):
            assert list(have) == list(want)
            for name, value in want.items():
                if isinstance(value, float) and math.isnan(value):
                    assert isinstance(have[name], float), name
                    assert math.isnan(have[name]), name
                else:
                    assert have[name] == value, name
                    assert type(have[name]) is type(value), name
    with_na = pd.DataFrame(
        {"n": pd.array([1, None], dtype="Int64"), "s": pd.Series(["a", None], dtype=object)}
    )
    assert records(with_na) == with_na.to_dict("records") == [{"n": 1, "s": "a"}, {"n": None, "s": None}]
    assert records(pd.DataFrame(index=range(2))) == [{}, {}]


def test_points_leave_rows_without_both_coordinates_empty() -> None:
    from geomap.schema import points

    made = points([16.27, None, float("nan"), "14.5"], [-3.0, 1.0, 2.0, "-4"])
    assert made.crs == WGS84
    assert (made.iloc[0].x, made.iloc[0].y) == (-3.0, 16.27)  # x is the longitude
    assert made.iloc[1] is None
    assert made.iloc[2] is None
    assert (made.iloc[3].x, made.iloc[3].y) == (-4.0, 14.5)


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, "", "  \t"])
def test_is_blank_knows_every_kind_of_empty_cell(value) -> None:
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "Kidal", False])
def test_is_blank_keeps_values_that_look_empty_but_are_not(value) -> None:
    assert not is_blank(value)
