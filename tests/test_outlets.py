"""An outlet's home region: a local paper's namesakes are its own region's (geomap/geocode/outlets.py)."""

from __future__ import annotations

import pytest

from geomap.gazetteer.index import distance_km
from geomap.geocode.outlets import Masthead, masthead, outlet_homes, with_outlet
from geomap.pipeline import import_files
from geomap.store import Store

KAYES_BOULEL = (14.84, -11.36)  # Boulel of the Kayes region; another lies in the Ségou region
#: three reports of one local radio, each naming towns of the Kayes region only
KAYES_REPORTS = [
    "Gunmen attacked a market in Kita on Monday, killing two traders, residents said.",
    "Soldiers clashed with armed men near Diéma on Wednesday; three soldiers were killed, the army said.",
    "A bus hit a mine between Nioro du Sahel and Diéma on Friday, killing five passengers, officials said.",
]
BOULEL = "Gunmen on motorbikes attacked the village of Boulel in Mali on Tuesday, killing four civilians."


def write_report(folder, name: str, outlet: str, day: int, text: str):
    path = folder / name
    path.write_text(f"---\noutlet: {outlet}\npublished: 2024-03-{day:02d}\n---\n\n{text}\n", encoding="utf-8")
    return path


def _boulel(store: Store):
    events = store.read_events()
    (row,) = events[events["place_mention"] == "Boulel"].to_dict("records")
    return row


def test_a_local_outlet_s_namesake_is_placed_in_its_home_region(tmp_path) -> None:
    outlet = "Radio Kayes (test)"
    files = [write_report(tmp_path, f"r{n}.md", outlet, 10 + n, text) for n, text in enumerate(KAYES_REPORTS)]
    files.append(write_report(tmp_path, "boulel.md", "Radio Kayes (test)", 14, BOULEL))
    store = Store(tmp_path / "s.gpkg")
    report = import_files(files, store=store, merge=False)
    row = _boulel(store)
    assert row["geo_precision"] == 1
    assert distance_km(row["latitude"], row["longitude"], *KAYES_BOULEL) < 5
    assert any("their outlet's other articles" in note for note in report.notes)
    assert store.read_events()["geometry"].notna().all()


def test_alone_or_from_an_outlet_of_nowhere_the_namesake_is_not_moved(tmp_path) -> None:
    """The same report from an outlet whose other articles frame no region stays where its text puts it."""
    alone = Store(tmp_path / "alone.gpkg")
    report = write_report(tmp_path, "boulel.md", "Radio Kayes (test)", 14, BOULEL)
    import_files([report], store=alone, merge=False)
    mixed = [  # one report of Kayes, one of Ségou: no home
        write_report(tmp_path, "a.md", "Wire (test)", 10, KAYES_REPORTS[0]),
        write_report(tmp_path, "b.md", "Wire (test)", 11, "Gunmen attacked a market in San, killing 2."),
        write_report(tmp_path, "c.md", "Wire (test)", 14, BOULEL),
    ]
    other = Store(tmp_path / "other.gpkg")
    import_files(mixed, store=other, merge=False)
    for store in (alone, other):
        row = _boulel(store)
        assert (row["geo_precision"], row["latitude"]) != (1, pytest.approx(KAYES_BOULEL[0], abs=0.05))


def test_a_home_needs_two_articles_and_twice_any_other_region() -> None:
    kayes, segou = ("ML", "03"), ("ML", "04")
    votes = [("a", frozenset({kayes})), ("a", frozenset({kayes, segou})), ("a", frozenset({kayes}))]
    assert outlet_homes(votes) == {"a": (kayes,)}
    assert outlet_homes(votes[:1]) == {}  # one article is no home
    assert outlet_homes([("", frozenset({kayes}))] * 3) == {}  # no outlet, no home
    assert outlet_homes([("n", frozenset())] * 3) == {}  # articles that place nothing


def test_two_regions_can_be_a_home_together() -> None:
    """A paper at a border writes about both sides (4 and 3 articles); a third region far behind."""
    kayes, segou, mopti = ("ML", "03"), ("ML", "04"), ("ML", "05")
    border = [*[("b", frozenset({kayes}))] * 4, *[("b", frozenset({segou}))] * 3, ("b", frozenset({mopti}))]
    assert outlet_homes(border) == {"b": (kayes, segou)}
    spread = [
        *[("c", frozenset({kayes}))] * 3,
        *[("c", frozenset({segou}))] * 2,
        *[("c", frozenset({mopti}))] * 2,
    ]
    assert outlet_homes(spread) == {}  # a national outlet: three regions close together


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_the_store_keeps_each_article_s_vote_for_a_later_import(tmp_path, suffix) -> None:
    """The local radio's reports imported one day, its Boulel report alone the next: placed the same."""
    outlet = "Radio Kayes (test)"
    reports = [write_report(tmp_path, f"r{n}.md", outlet, 10 + n, t) for n, t in enumerate(KAYES_REPORTS)]
    store = Store(tmp_path / f"s{suffix}")
    import_files(reports, store=store, merge=False)
    assert store.read().sources["placed_regions"].notna().all()
    report = import_files([write_report(tmp_path, "boulel.md", outlet, 14, BOULEL)], store=store, merge=False)
    row = _boulel(store)
    assert distance_km(row["latitude"], row["longitude"], *KAYES_BOULEL) < 5
    assert any("their outlet's other articles" in note for note in report.notes)
    again = import_files(reports, store=store, merge=False)  # an article imported again votes once
    assert again.events_read == 3


def test_a_store_written_before_the_votes_were_kept_takes_new_articles(tmp_path) -> None:
    """A GeoPackage whose sources lack ``placed_regions`` (an older geomap) keeps its rows and gains it."""
    import sqlite3

    outlet = "Radio Kayes (test)"
    store = Store(tmp_path / "old.gpkg")
    import_files([write_report(tmp_path, "r0.md", outlet, 10, KAYES_REPORTS[0])], store=store, merge=False)
    with sqlite3.connect(store.path) as db:
        db.execute('ALTER TABLE "sources" DROP COLUMN "placed_regions"')
    later = [write_report(tmp_path, f"r{n}.md", outlet, 10 + n, KAYES_REPORTS[n]) for n in (1, 2)]
    import_files([*later, write_report(tmp_path, "boulel.md", outlet, 14, BOULEL)], store=store, merge=False)
    sources = store.read().sources
    assert len(sources) == 4
    assert sources["placed_regions"].notna().sum() == 3  # the old row has none; the new ones do
    assert distance_km(_boulel(store)["latitude"], _boulel(store)["longitude"], *KAYES_BOULEL) < 5


def test_a_masthead_is_read_from_a_name_or_a_web_address() -> None:
    assert masthead("www.richmondregister.com") == Masthead("richmondregister", joined=True)
    assert masthead("sptimes.ru").country == "RU"
    assert masthead("richmondandtwickenhamtimes.co.uk").country == "GB"  # .uk is Great Britain's
    assert masthead("dailystar.com.lb") == Masthead("dailystar", joined=True, country="LB")
    assert masthead("bit.ly").country == ""  # sold worldwide for its letters
    assert masthead("") is None
    head = masthead("Radio Boulel (test)")
    assert head.starts_with("boulel")
    assert not head.starts_with("kayes")
    assert masthead("The Richmond Register").starts_with("richmond")
    assert masthead("Kidalinfo").starts_with("kidal")
    assert not masthead("gaoinfo.net").starts_with("gao")  # three letters: a coincidence as often


SEGOU_FRAMED = (
    "Gunmen attacked the village of Boulel in Mali on Tuesday, killing four civilians; the wounded were "
    "taken to Ségou and to San, the health service said."
)


@pytest.mark.parametrize(("outlet", "kayes"), [("Radio Boulel (test)", True), ("Radio Kayes (test)", False)])
def test_the_town_an_outlet_is_named_after_beats_the_text_s_frame(tmp_path, outlet, kayes) -> None:
    """Its text frames the Ségou region (Ségou, San), yet a radio of the Kayes region named after Boulel
    means its own Boulel; another radio of the same region is placed by the text's frame."""
    files = [write_report(tmp_path, f"r{n}.md", outlet, 10 + n, text) for n, text in enumerate(KAYES_REPORTS)]
    files.append(write_report(tmp_path, "boulel.md", outlet, 14, SEGOU_FRAMED))
    store = Store(tmp_path / "s.gpkg")
    import_files(files, store=store, merge=False)
    row = _boulel(store)
    assert (distance_km(row["latitude"], row["longitude"], *KAYES_BOULEL) < 5) is kayes
    assert row["geo_precision"] == 1


def test_a_country_code_domain_is_the_outlet_s_country(resolver) -> None:
    """No article of the outlet votes: sptimes.ru's St. Petersburg is Russia's, sptimes.com's Florida's."""
    text = "As the week against homophobia gets underway in St. Petersburg, activists held a debate."
    ctx = resolver.context(text)
    russian = resolver.resolve("St. Petersburg", context=with_outlet(ctx, "sptimes.ru", {}))
    assert (russian.country, russian.geo_precision) == ("RU", 1)
    assert resolver.resolve("St. Petersburg", context=with_outlet(ctx, "sptimes.com", {})).country == "US"
    # a British paper's own town, though its home regions are two: Richmond, London, not Virginia
    text = "Despite its leafy image, Richmond faces the same congestion as other parts of London."
    homes = {"richmondandtwickenhamtimes.co.uk": (("US", "VA"), ("GB", "ENG"))}
    ctx = with_outlet(resolver.context(text), "richmondandtwickenhamtimes.co.uk", homes)
    assert resolver.resolve("Richmond", context=ctx).country == "GB"


def test_a_name_repeated_is_no_region_of_its_own_text(resolver) -> None:
    """ "Berea" four times makes Lesotho's Berea district the region the text names most; that must not
    keep a Kentucky paper's home from choosing its own Berea among seven namesakes."""
    text = (
        "Woman is robbed behind Berea apartment complex. Berea police are searching for a suspect. "
        "Berea Police Department spokesman said the victim could give only a partial description. "
        "The suspect fled Berea in a green car."
    )
    ctx = resolver.context(text)
    assert ctx.home is not None  # Lesotho's Berea: why the rule is needed
    assert ctx.home.country == "LS"
    berea = resolver.resolve(
        "Berea", context=with_outlet(ctx, "richmondregister.com", {"richmondregister.com": (("US", "KY"),)})
    )
    assert berea.country == "US"
    assert distance_km(berea.lat, berea.lon, 37.57, -84.30) < 10


def test_a_local_outlet_s_country_joins_the_countries_its_text_names(resolver) -> None:
    """A Californian paper's text names only Iraq, yet its Pleasanton is California's, not Iraq's middle;
    with no outlet, or an outlet with no home, the text's countries bound it."""
    text = (
        "Rep. Jerry McNerney, D-Pleasanton, introduced the Caring for Veterans with Traumatic Brain Injury "
        "Act for soldiers back from Iraq."
    )
    ctx = resolver.context(text)
    assert ctx.countries == ("IQ",)
    assert resolver.resolve("Pleasanton", context=ctx).country == "IQ"
    assert resolver.resolve("Pleasanton", context=with_outlet(ctx, "wire.example", {})).country == "IQ"
    homes = {"insidebayarea.com": (("US", "CA"),)}
    local = resolver.resolve("Pleasanton", context=with_outlet(ctx, "insidebayarea.com", homes))
    assert (local.country, local.geo_precision) == ("US", 1)
    assert distance_km(local.lat, local.lon, 37.66, -121.87) < 10
