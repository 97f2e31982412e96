"""The sourcing annotation: complete, and every piece of source text inert."""

from __future__ import annotations

import re

import pytest

from geomap.mapping.annotate import escape_text, event_annotation, event_tooltip, safe_url
from tests.conftest import HOSTILE, HOSTILE_URL

SEED_ALLEGATION = {
    "event_id": "ev-1",
    "event_date": "2023-11-15",
    "event_date_end": "2023-11-15",
    "time_precision": 1,
    "event_type": "Strategic developments",
    "sub_event_type": "Other",
    "actor1": "Military Forces of Mali (2021-)",
    "actor2": "CSP-PSD",
    "location": "Kidal",
    "admin1": "Kidal",
    "country": "Mali",
    "place_mention": "Kidal",
    "geo_precision": 1,
    "notes": "Documents found in Kidal were said to be French intelligence reports.",
    "source": "African Initiative",
    "source_url": "https://africaninitiative.example/kidal-documents",
    "source_date": "2023-11-20",
    "n_sources": 1,
    "claim_status": "alleged",
    "reliability": "F",
    "credibility": 4,
    "quote": "Among the documents said to have been found were recordings of French intelligence reports.",
}


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_annotation_says_who_says_what() -> None:
    html = event_annotation(SEED_ALLEGATION)
    text = _text(html)
    expected_bits = (
        "Strategic developments",
        "2023-11-15",
        "Kidal",
        "ALLEGED",
        "hedged or unverified",
        "1 independent outlet",
        "grade F4",
        "African Initiative",
        "French intelligence reports",
    )
    for expected in expected_bits:
        assert expected in text, expected
    assert 'href="https://africaninitiative.example/kidal-documents"' in html
    assert 'rel="noopener noreferrer"' in html


def test_evidence_rows_list_every_source_with_its_quote() -> None:
    evidence = [
        {"source_id": "a", "sentence": "The army entered Kidal.", "claim_status": "reported", "claimant": ""},
        {"source_id": "b", "sentence": "We took Kidal, the army said.", "claim_status": "claimed",
         "claimant": "Military Forces of Mali (2021-)"},
    ]  # fmt: skip
    sources = {
        "a": {
            "outlet": "Reuters",
            "url": "https://www.reuters.com/x",
            "published": "2023-11-14",
            "reliability": "B",
        },
        "b": {"outlet": "ORTM", "url": "", "published": "2023-11-14", "reliability": "D"},
    }
    event = {**SEED_ALLEGATION, "claim_status": "reported", "n_sources": 2}
    text = _text(event_annotation(event, evidence=evidence, sources=sources))
    assert "2 independent outlets" in text
    assert "Reuters" in text
    assert "ORTM" in text
    assert "The army entered Kidal." in text
    assert "claimed by Military Forces of Mali (2021-)" in text
    assert text.index("Reuters") < text.index("ORTM")


def test_corrections_are_shown_with_who_and_when() -> None:
    text = _text(event_annotation({**SEED_ALLEGATION, "reviewed": "claim_status by anna, 2026-12-02"}))
    assert "Corrected: claim_status by anna, 2026-12-02" in text
    assert "Corrected" not in _text(event_annotation(SEED_ALLEGATION))


def test_the_records_behind_an_event_are_named() -> None:
    coded = _text(event_annotation({**SEED_ALLEGATION, "dataset": "acled", "origin_id": "NIG12345"}))
    assert "Records: ACLED row NIG12345" in coded
    members = "; ".join(f"ev-{n:02d}" for n in range(7))
    merged = _text(
        event_annotation(
            {**SEED_ALLEGATION, "dataset": "native", "origin_id": members, "linked_ids": "ucdp:981"}
        )
    )
    assert "merged from 7 records: ev-00; ev-01; ev-02; ev-03; ev-04 and 2 more" in merged
    assert "also coded as ucdp:981" in merged
    assert "Records:" not in _text(
        event_annotation(SEED_ALLEGATION)
    )  # an article's own event: nothing to add


def test_fatality_ranges_and_precision_words() -> None:
    event = {**SEED_ALLEGATION, "fatalities": 12, "fatalities_low": 12, "fatalities_high": 40,
             "geo_precision": 3, "time_precision": 3, "event_date_end": "2023-11-30"}  # fmt: skip
    text = _text(event_annotation(event))
    assert "Fatalities: 12 (sources range 12–40)" in text
    assert "known only to the region" in text
    assert "to the month" in text
    assert "2023-11-15 to 2023-11-30" in text


@pytest.mark.parametrize(
    "field",
    [
        "quote",
        "notes",
        "source",
        "actor1",
        "actor2",
        "location",
        "sub_event_type",
        "reviewed",
        "origin_id",
        "linked_ids",
    ],
)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_are_inert_in_every_field(field: str, hostile: str) -> None:
    html = event_annotation({**SEED_ALLEGATION, "dataset": "acled", field: f"x {hostile} y"})
    assert "<img" not in html
    assert "<script" not in html.lower()
    assert "${" not in html
    assert "`" not in html
    assert "\\" not in html
    assert _unescape(html).count(hostile) >= 1  # still readable as text


def test_hostile_urls_are_not_links() -> None:
    html = event_annotation({**SEED_ALLEGATION, "source_url": HOSTILE_URL})
    assert "href" not in html
    assert "javascript" in html  # shown, inert
    assert safe_url(HOSTILE_URL) is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("/relative/path") is None
    assert safe_url(" https://www.rfi.fr/a?b=1&c=2 ") == "https://www.rfi.fr/a?b=1&amp;c=2"


def test_escape_text() -> None:
    assert escape_text(None) == ""
    assert escape_text(float("nan")) == ""
    assert escape_text("<b>") == "&lt;b&gt;"
    assert escape_text("${x}`\\") == "&#36;&#123;x&#125;&#96;&#92;"
    assert escape_text('"quoted"') == "&quot;quoted&quot;"


def test_tooltip_is_short_and_escaped() -> None:
    tip = event_tooltip({**SEED_ALLEGATION, "location": HOSTILE[0]})
    assert tip.startswith("Strategic developments · 2023-11-15 · &lt;img")
    assert tip.endswith("ALLEGED")


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)


def test_annotations_of_many_events_match_one_by_one(sample_store) -> None:
    from geomap.mapping.annotate import event_annotations

    contents = sample_store.read()
    many = event_annotations(contents.events, evidence=contents.evidence, sources=contents.sources)
    by_source = {str(r["source_id"]): r for r in contents.sources.to_dict("records")}
    for html, event in zip(many, contents.events.drop(columns="geometry").to_dict("records"), strict=True):
        own = contents.evidence[contents.evidence["event_id"] == event["event_id"]].to_dict("records")
        assert html == event_annotation(event, evidence=own, sources=by_source)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_in_evidence_and_sources_are_inert(hostile: str) -> None:
    evidence = [{"source_id": "s1", "sentence": f"said {hostile}", "claim_status": "claimed",
                 "claimant": f"Group {hostile}"}]  # fmt: skip
    sources = {"s1": {"outlet": f"Outlet {hostile}", "url": HOSTILE_URL, "title": hostile,
                      "published": "2023-11-14", "reliability": "C"}}  # fmt: skip
    html = event_annotation(SEED_ALLEGATION, evidence=evidence, sources=sources)
    assert hostile not in html
    assert not re.search(r"<(img|script)", html, re.IGNORECASE)
    assert "href" not in html  # javascript: never becomes a link
    for shown in (f"said {hostile}", f"Group {hostile}", f"Outlet {hostile}", "2023-11-14"):
        assert shown in _unescape(html), shown


def test_a_hostile_map_title_stays_text(sample_store) -> None:
    from geomap.mapping.build import build_map
    from geomap.mapping.style import legend_html

    legend = legend_html(types=["Battles"], title=" ".join(HOSTILE))
    assert not any(h in legend for h in HOSTILE)
    assert " ".join(HOSTILE) in _unescape(legend)
    html = build_map(sample_store.read_events(), title=" ".join(HOSTILE)).get_root().render()
    assert not any(h in html for h in HOSTILE)
