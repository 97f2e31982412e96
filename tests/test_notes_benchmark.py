"""The independent-corpus benchmark: how corpora are split and filtered, and how it scores."""

from __future__ import annotations

from benchmarks.corpora import ACLED_SOURCES, acled_rows, split_of
from benchmarks.notes_accuracy import NoteScores, per_class, score_note, tune_folds, weighted_f1

_EXPORT = (
    "\ufeffevent_id_cnty,event_date,event_type,sub_event_type,actor1,inter1,country,admin1,location,"
    "latitude,longitude,notes\n"
    "NGA1,12 May 2021,Battles,Armed clash,Military Forces of Nigeria (2015-),1,Nigeria,Borno,Damboa,"
    "11.15,12.76,"
    '"On 12 May 2021, soldiers repelled an attack on Damboa (Damboa, Borno)."\n'
    'MLI1,12 May 2021,Battles,Armed clash,JNIM,2,Mali,Gao,Gao,16.27,-0.04,"On 12 May 2021, JNIM hit Gao."\n'
    "SOM1,13 May 2021,Riots/Protests,,Rioters (Somalia),5,Somalia,Banadir,Mogadishu,2.04,45.34,\n"
    'SOM2,2016-07-01,Riots/Protests,,Rioters (Somalia),5,Somalia,Banadir,Mogadishu,2,45,"Youths rioted."\n'
)


def test_reserved_countries_and_rows_without_notes_are_dropped() -> None:
    rows = acled_rows(ACLED_SOURCES[0], _EXPORT)
    assert [r["id"] for r in rows] == ["NGA1", "SOM2"]
    assert rows[0]["event_date"] == "2021-05-12"
    assert rows[1]["event_type"] == "Riots"  # the old Riots/Protests type, told apart by inter1


def test_the_split_is_fixed_by_the_id_and_cuts_the_corpus_in_two() -> None:
    halves = [split_of("acled-x", str(i)) for i in range(400)]
    assert halves == [split_of("acled-x", str(i)) for i in range(400)]
    assert 150 < halves.count("tune") < 250


def test_weighted_f1_weighs_each_label_by_its_support() -> None:
    assert weighted_f1(["A", "A", "B"], ["A", "A", "B"]) == 1.0
    # A: precision 1, recall 1/2 -> F1 2/3 (support 2); B: precision 1/2, recall 1 -> 2/3 (support 1)
    assert abs(weighted_f1(["A", "A", "B"], ["A", "B", "B"]) - 2 / 3) < 1e-9


def test_a_precise_pin_far_off_is_wrong_and_a_region_fallback_is_honest() -> None:
    note = {"notes": "On 12 May 2021, soldiers repelled an attack.", "event_date": "2021-05-12",
            "event_type": "Battles", "latitude": "11.15", "longitude": "12.76", "admin1": "Borno",
            "country": "Nigeria"}  # fmt: skip
    far = {"event_date": "2021-05-12", "event_type": "Battles", "latitude": 9.0, "longitude": 7.5,
           "geo_precision": 1, "country": "Nigeria", "admin1": "", "location": "Abuja"}  # fmt: skip
    region = dict(far, geo_precision=3, admin1="Borno", location="Borno")
    scores = NoteScores()
    score_note(scores, note, [far])
    score_note(scores, note, [region])
    assert (scores.with_event, scores.date_right, scores.type_right) == (2, 2, 2)
    assert (scores.place_right, scores.within_25km) == (1, 0)


def test_a_note_with_a_sub_event_type_is_scored_on_it_and_one_without_is_left_out() -> None:
    scores = NoteScores()
    coded = {"notes": "Police clashed with gunmen.", "event_date": "", "event_type": "Battles",
             "sub_event_type": "Armed clash", "latitude": "", "country": "Kenya"}  # fmt: skip
    score_note(scores, coded, [{"event_type": "Battles", "sub_event_type": "Attack", "event_date": ""}])
    score_note(scores, coded, [])
    score_note(scores, dict(coded, sub_event_type=""), [])
    assert scores.sub_types == [("ARMED_CLASH", "ATTACK"), ("ARMED_CLASH", "NONE")]


def test_folds_split_case_by_position_and_per_class_names_the_confusions() -> None:
    case = [("A", "A"), ("B", "A"), ("A", "A"), ("B", "B")]
    folds = tune_folds(case, [("C", "C")])
    assert folds["A"] == (1.0, 2)
    assert folds["B"][1] == 2
    assert folds["C"] == (1.0, 1)
    label, support, f1, wrong = per_class(case)[1]
    assert (label, support, f1, dict(wrong)) == ("B", 2, 2 / 3, {"A": 1})
