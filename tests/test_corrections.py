"""Corrections: kept with who/when, laid over the events on every read, surviving re-imports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geomap.cli import main
from geomap.corrections import apply_corrections, correct, corrections_frame, make_correction, orphaned
from geomap.errors import InputError
from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver
from geomap.mapping.export import export_events
from geomap.pipeline import import_files
from geomap.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles" / "sourcing"
LERE = [ARTICLES / "lere_claim.md", ARTICLES / "lere_denial.md"]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(Gazetteer.embedded())


@pytest.fixture
def store(tmp_path, resolver, backend) -> Store:
    store = Store(tmp_path / f"s.{backend}")
    import_files([*LERE, ARTICLES / "bourem_reuters.md"], store=store, resolver=resolver, harvest=False)
    return store


def _at(store: Store, location: str, **kwargs):
    events = store.read(**kwargs).events
    return events[events["location"] == location]


def test_a_correction_is_kept_with_who_and_when_and_shown(store) -> None:
    event_id = _at(store, "Léré").iloc[0]["event_id"]
    row = correct(store, event_id, "claim_status", "claimed", who="anna", note="ORTM relays the army")
    assert row["who"] == "anna"
    assert row["at"].endswith("+00:00")
    assert json.loads(row["previous"]) == "disputed"
    event = _at(store, "Léré").iloc[0]
    assert event["claim_status"] == "claimed"
    assert event["reviewed"].startswith("claim_status by anna, ")
    raw = _at(store, "Léré", corrected=False).iloc[0]
    assert raw["claim_status"] == "disputed"  # the imported data itself is not edited


def test_corrections_survive_a_restart_and_a_reimport(store, resolver) -> None:
    event_id = _at(store, "Léré").iloc[0]["event_id"]
    correct(store, event_id, "credibility", 5, who="anna")
    correct(store, event_id, "event_type", "Violence against civilians", who="ben")
    again = Store(store.path)  # a new process reading the same file
    import_files(LERE, store=again, resolver=resolver, harvest=False)
    event = _at(again, "Léré").iloc[0]
    assert event["credibility"] == 5
    assert event["event_type"] == "Violence against civilians"
    assert "credibility by anna" in event["reviewed"]
    assert "event_type by ben" in event["reviewed"]
    assert len(again.corrections()) == 2


def test_a_later_correction_of_the_same_field_wins(store) -> None:
    event_id = _at(store, "Léré").iloc[0]["event_id"]
    correct(store, event_id, "fatalities", 3, who="anna")
    correct(store, event_id, "fatalities", 7, who="ben")
    assert _at(store, "Léré").iloc[0]["fatalities"] == 7
    assert len(store.corrections()) == 2  # the history is kept


def test_moving_an_event_moves_its_point(store) -> None:
    event_id = _at(store, "Bourem").iloc[0]["event_id"]
    place = {"location": "Temera", "latitude": 16.9, "longitude": -0.55, "admin1": "Gao", "geo_precision": 2}
    correct(store, event_id, "place", json.dumps(place), who="anna")
    event = _at(store, "Temera").iloc[0]
    assert (event["latitude"], event["longitude"], event["geo_precision"]) == (16.9, -0.55, 2)
    assert (event.geometry.x, event.geometry.y) == (-0.55, 16.9)
    assert _at(store, "Bourem").empty


def test_not_an_event_hides_it_everywhere_and_can_be_undone(store, tmp_path) -> None:
    event_id = _at(store, "Bourem").iloc[0]["event_id"]
    correct(store, event_id, "not_an_event", "true", who="anna", note="a rumour")
    shown = store.read()
    assert event_id not in set(shown.events["event_id"])
    assert event_id in set(store.read(rejected=True).events["event_id"])
    path = export_events(shown.events, tmp_path / "out.csv", fmt="csv")
    assert event_id not in path.read_text(encoding="utf-8")
    correct(store, event_id, "not_an_event", "false", who="anna")
    assert event_id in set(store.read().events["event_id"])


def test_a_correction_finds_its_event_again_after_re_extraction(tmp_path, resolver) -> None:
    article = tmp_path / "lere_claim.md"
    shutil.copy(ARTICLES / "lere_claim.md", article)
    store = Store(tmp_path / "s.gpkg")
    import_files([article], store=store, resolver=resolver, harvest=False)
    old_id = _at(store, "Léré").iloc[0]["event_id"]
    correct(store, old_id, "claim_status", "alleged", who="anna")
    # the article is extracted again with another event before it: the numbering, and so the id, change
    text = article.read_text(encoding="utf-8")
    head, body = text.rsplit("---\n", 1)
    extra = "Gunmen killed four traders near Niono on 8 March, residents said.\n\n"
    article.write_text(head + "---\n" + extra + body, encoding="utf-8")
    import_files([article], store=store, resolver=resolver, harvest=False)
    event = _at(store, "Léré")
    assert len(event) == 1  # the earlier extraction of the article is replaced, not kept beside
    assert event.iloc[0]["event_id"] != old_id
    assert event.iloc[0]["claim_status"] == "alleged"
    assert not _at(store, "Niono").empty


def test_a_correction_whose_event_is_gone_is_kept_and_reported(store) -> None:
    event = _at(store, "Léré").iloc[0].to_dict()
    row = make_correction({**event, "event_id": "ev-gone"}, "fatalities", 1, who="anna")
    store.add_corrections(corrections_frame([row]))
    shown = store.read(rejected=True)
    assert list(orphaned(store.corrections(), shown.events, shown.evidence)["event_id"]) == ["ev-gone"]
    assert apply_corrections(shown.events, store.corrections()).equals(shown.events)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("claim_status", "confirmed", "claim_status"),
        ("event_type", "Skirmish", "event_type"),
        ("credibility", 9, "credibility"),
        ("fatalities", "many", "fatalities"),
        ("fatalities", -2, "fatalities"),
        ("event_date", "14/11/2023", "event_date"),
        ("place", '{"location": "X", "latitude": 95, "longitude": 0}', "place"),
        ("place", "Kidal", "place"),
        ("geometry", "POINT (0 0)", "field"),
        ("not_an_event", "perhaps", "not_an_event"),
    ],
)
def test_bad_corrections_name_the_field_and_store_nothing(store, field, value, words) -> None:
    event_id = _at(store, "Léré").iloc[0]["event_id"]
    with pytest.raises(InputError, match=words):
        correct(store, event_id, field, value, who="anna")
    assert store.corrections().empty


def test_a_correction_needs_an_author_and_a_known_event(store) -> None:
    event_id = _at(store, "Léré").iloc[0]["event_id"]
    with pytest.raises(InputError, match="who"):
        correct(store, event_id, "fatalities", 2, who=" ")
    with pytest.raises(InputError, match="no event"):
        correct(store, "ev-0000", "fatalities", 2, who="anna")


def test_the_cli_corrects_and_info_counts_corrections(store, capsys) -> None:
    event_id = _at(store, "Léré").iloc[0]["event_id"]
    code = main(["correct", event_id, "credibility", "2", "--who", "anna", "--store", str(store.path)])
    assert code == 0
    assert _at(store, "Léré").iloc[0]["credibility"] == 2
    capsys.readouterr()
    assert main(["info", "--json", "--store", str(store.path)]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["corrections"] == 1
    assert facts["orphaned_corrections"] == 0


def test_info_leaves_out_events_marked_not_an_event_and_counts_orphaned_corrections(store, capsys) -> None:
    total = len(store.read().events)
    event = _at(store, "Léré").iloc[0].to_dict()
    correct(store, event["event_id"], "not_an_event", True, who="anna")
    gone = make_correction({**event, "event_id": "ev-gone"}, "fatalities", 1, who="anna")
    store.add_corrections(corrections_frame([gone]))
    capsys.readouterr()
    assert main(["info", "--json", "--store", str(store.path)]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["events"] == total - 1
    assert facts["corrections"] == 2
    assert facts["orphaned_corrections"] == 1
