"""Sourcing on articles: reports of one event from several outlets, claims and denials, differing tolls.

The articles in tests/data/articles/sourcing were written for these tests (fictional reports in the
style of the outlets they name; the URLs point at example.org, so outlets are matched by name).
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from geomap.gazetteer.index import Gazetteer
from geomap.geocode import Resolver
from geomap.mapping.annotate import event_annotations
from geomap.mapping.export import export_events
from geomap.pipeline import import_files
from geomap.sourcing.registry import SourceRegistry
from geomap.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles" / "sourcing"
PARAPHRASE = ROOT / "tests" / "data" / "articles" / "seed_paraphrase.txt"
SEEDS = [*sorted((ROOT.parent / "shared" / "seeds").glob("*.txt")), PARAPHRASE]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(Gazetteer.embedded())


def _import(paths, store: Store, resolver: Resolver):
    report = import_files(paths, store=store, resolver=resolver, harvest=False)
    assert not report.file_errors, report.file_errors
    return store.read()


def _event(contents, location: str) -> dict:
    rows = contents.events[contents.events["location"] == location]
    assert len(rows) == 1, rows[["event_date", "event_type", "location", "source"]]
    return rows.iloc[0].to_dict()


def _annotation(contents, event_id: str) -> str:
    """The event's annotation as the reader sees it: tags dropped, entities decoded."""
    events = contents.events[contents.events["event_id"] == event_id]
    (text,) = event_annotations(events, evidence=contents.evidence, sources=contents.sources)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _first_sentence(name: str) -> str:
    body = (ARTICLES / name).read_text(encoding="utf-8").split("---", 2)[2]
    return " ".join(body.split()).split(". ")[0]


def test_three_reports_of_one_clash_are_one_event_from_two_independent_outlets(tmp_path, resolver):
    names = ["bourem_reuters.md", "bourem_rfi.md", "bourem_france24.md"]
    contents = _import([ARTICLES / n for n in names], Store(tmp_path / "s.gpkg"), resolver)
    event = _event(contents, "Bourem")
    assert event["event_type"] == "Battles"
    assert event["event_date"] == "2024-02-04"
    assert set(event["source"].split("; ")) == {"Reuters", "RFI", "France 24"}
    assert event["n_sources"] == 2  # RFI and France 24 are both France Médias Monde
    assert event["claim_status"] == "reported"
    assert event["reliability"] == "B"
    assert event["credibility"] == 1  # own voice of two independent outlets graded A–C
    shown = _annotation(contents, event["event_id"])
    for name in names:
        assert _first_sentence(name) in shown
    cited = contents.evidence[contents.evidence["event_id"] == event["event_id"]]
    assert cited["source_id"].nunique() == 3


def test_merging_articles_does_not_depend_on_the_order_of_imports(tmp_path, resolver):
    names = ["bourem_france24.md", "bourem_reuters.md", "bourem_rfi.md"]
    together = _import([ARTICLES / n for n in names], Store(tmp_path / "a.gpkg"), resolver)
    one_by_one = Store(tmp_path / "b.gpkg")
    for name in reversed(names):
        contents = _import([ARTICLES / name], one_by_one, resolver)
    contents = _import([ARTICLES / names[0]], one_by_one, resolver)  # and once more: nothing doubles
    columns = ["event_id", "source", "n_sources", "claim_status", "reliability", "credibility"]
    left = together.events.sort_values("event_id")[columns].astype(str).values.tolist()
    right = contents.events.sort_values("event_id")[columns].astype(str).values.tolist()
    assert left == right
    assert len(contents.evidence) == len(together.evidence)


def test_a_claim_of_responsibility_and_the_armys_denial_are_disputed(tmp_path, resolver):
    contents = _import(
        [ARTICLES / "lere_claim.md", ARTICLES / "lere_denial.md"], Store(tmp_path / "s.gpkg"), resolver
    )
    event = _event(contents, "Léré")
    assert event["claim_status"] == "disputed"
    assert event["credibility"] == 4
    assert {"JNIM", "Malian Armed Forces"} <= {event["actor1"], event["actor2"]}
    shown = _annotation(contents, event["event_id"])
    assert "DISPUTED" in shown
    assert "claimed responsibility for an ambush" in shown  # the claim …
    assert "a démenti lundi" in shown  # … and the denial, both quoted
    assert "claimed by JNIM" in shown


def test_the_claim_alone_stays_a_claim(tmp_path, resolver):
    contents = _import([ARTICLES / "lere_claim.md"], Store(tmp_path / "s.gpkg"), resolver)
    event = _event(contents, "Léré")
    assert event["claim_status"] == "claimed"
    assert event["credibility"] == 3  # a party's claim carried by an outlet graded C
    assert event["fatalities"] == 30


def test_two_tolls_become_a_range_with_the_lowest_as_the_figure(tmp_path, resolver):
    contents = _import(
        [ARTICLES / "douentza_ap.md", ARTICLES / "douentza_tamani.md"], Store(tmp_path / "s.gpkg"), resolver
    )
    event = _event(contents, "Douentza")
    assert (event["fatalities"], event["fatalities_low"], event["fatalities_high"]) == (12, 12, 40)
    assert event["n_sources"] == 2
    shown = _annotation(contents, event["event_id"])
    assert "Fatalities: 12 (sources range 12–40)" in shown
    assert "killing 12 civilians" in shown
    assert "tuant 40 civils" in shown


def test_an_article_without_a_toll_has_unknown_fatalities_not_zero(tmp_path, resolver):
    contents = _import([ARTICLES / "bourem_rfi.md"], Store(tmp_path / "s.gpkg"), resolver)
    event = _event(contents, "Bourem")
    assert pd.isna(event["fatalities"])
    assert pd.isna(event["fatalities_high"])


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_the_seed_allegation_stays_one_alleged_single_source_event(tmp_path, resolver, seed):
    contents = _import([seed], Store(tmp_path / "s.gpkg"), resolver)
    alleged = contents.events[contents.events["claim_status"] == "alleged"]
    assert len(alleged) == 1
    event = alleged.iloc[0]
    assert event["n_sources"] == 1
    assert event["reliability"] == "F"  # the file names no outlet: cannot be judged
    assert event["credibility"] == 6
    assert "ALLEGED" in _annotation(contents, event["event_id"])


def test_the_seed_allegation_takes_the_registry_grade_of_its_outlet(tmp_path, resolver):
    article = tmp_path / "seed.md"
    body = PARAPHRASE.read_text(encoding="utf-8")
    article.write_text(
        "---\noutlet: African Initiative\npublished: 2023-11-20\nlanguage: en\n---\n\n" + body,
        encoding="utf-8",
    )
    contents = _import([article], Store(tmp_path / "s.gpkg"), resolver)
    alleged = contents.events[contents.events["claim_status"] == "alleged"]
    assert len(alleged) == 1
    grade = SourceRegistry.load().grade(outlet="African Initiative")[0]
    assert alleged.iloc[0]["reliability"] == grade == "E"
    assert alleged.iloc[0]["credibility"] == 4  # hedged: doubtful, whoever carries it
    assert alleged.iloc[0]["n_sources"] == 1


def test_a_copy_of_the_articles_folder_imports_to_the_same_events(tmp_path, resolver):
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    contents = _import([folder], Store(tmp_path / "s.gpkg"), resolver)
    assert set(contents.events["location"]) >= {"Bourem", "Léré", "Douentza"}
    assert len(contents.events[contents.events["location"] == "Bourem"]) == 1


def test_the_csv_export_keeps_acleds_source_columns_filled(tmp_path, resolver):
    names = ["bourem_reuters.md", "bourem_rfi.md", "bourem_france24.md", "lere_claim.md"]
    contents = _import([ARTICLES / n for n in names], Store(tmp_path / "s.gpkg"), resolver)
    path = export_events(
        contents.events, tmp_path / "out.csv", fmt="csv", sources=contents.sources, evidence=contents.evidence
    )
    table = pd.read_csv(path).set_index("location")
    assert set(table.loc["Bourem", "source"].split("; ")) == {"Reuters", "RFI", "France 24"}
    assert table.loc["Bourem", "source_scale"] == "International"
    assert table.loc["Léré", "source_scale"] == "New media"
    assert table.loc["Bourem", "fatalities"] == 0  # ACLED's "no figure given" …
    assert pd.isna(table.loc["Bourem", "fatalities_high"])  # … while our range stays unknown
    assert table.loc["Bourem", "n_sources"] == 2
    assert table.loc["Bourem", "credibility"] == 1
