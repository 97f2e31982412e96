"""The sample data that `make run` imports: valid, realistic, and carrying the seed story."""

from __future__ import annotations

import json

import pandas as pd
import yaml

from geomap.schema import validate
from tests.conftest import ROOT, SAMPLE_EVENTS

ARTICLES = ROOT / "data" / "sample" / "articles"


def test_events_validate_without_problems() -> None:
    raw = pd.read_csv(SAMPLE_EVENTS, dtype=str, keep_default_na=False)
    events, problems = validate(raw, file="events.csv")
    assert problems == []
    assert len(events) >= 30
    assert events["event_date"].between("2023-01-01", "2024-12-31").all()
    assert events["latitude"].between(10, 25.1).all()
    assert events["longitude"].between(-12.3, 4.3).all()
    assert events["source"].notna().all()
    assert events["source_url"].str.startswith("https://").all()
    assert set(events["claim_status"]) == {"reported", "claimed", "alleged", "disputed"}
    assert (events["n_sources"] >= 2).any()
    assert {3, 4} <= set(events["geo_precision"])


def test_the_seed_story_is_there() -> None:
    events = pd.read_csv(SAMPLE_EVENTS)
    kidal = events[events["location"] == "Kidal"].set_index("event_date")
    assert kidal.loc["2023-10-31", "sub_event_type"] == "Non-violent transfer of territory"
    assert kidal.loc["2023-11-14", "assoc_actor_1"] == "Wagner Group"
    allegation = kidal.loc["2023-11-15"]
    assert allegation["claim_status"] == "alleged"
    assert allegation["n_sources"] == 1


def test_articles_have_metadata_and_text() -> None:
    files = sorted(ARTICLES.iterdir())
    languages = []
    for path in files:
        if path.suffix == ".md":
            _, front, body = path.read_text(encoding="utf-8").split("---", 2)
            meta = yaml.safe_load(front)
        else:
            meta = json.loads(path.read_text(encoding="utf-8"))
            body = meta["text"]
        assert {"title", "outlet", "url", "published", "language"} <= set(meta), path.name
        assert len(body.split()) >= 100, path.name
        languages.append(meta["language"])
    assert languages.count("fr") >= 2
    assert languages.count("en") >= 2
