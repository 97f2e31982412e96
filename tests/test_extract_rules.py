"""Extraction rules found failing on independent text (issue 14), on sentences written for them (EN/FR)."""

from __future__ import annotations

import datetime as dt

import pytest

from geomap.extract.dates import find_dates
from geomap.extract.events import UNDATED, Document, extract_events
from geomap.extract.places import PART, find_places, split_part
from geomap.gazetteer.boundaries import country_at
from geomap.ingest.articles import Article
from geomap.model import GeoPrecision, Source, TimePrecision
from geomap.pipeline import article_events


def _events(text, resolver, actors, *, published="", language="en", country=None) -> list[dict]:
    source = Source(source_id="rules", outlet="Test wire", published=published, language=language)
    table = article_events(
        Article(text, source, path="rules.md"), resolver=resolver, actors=actors, country=country
    )
    return table.events.drop(columns="geometry").to_dict("records")


class _Names:
    def __init__(self, places: set[str]) -> None:
        self.places = places

    def kind(self, name: str) -> str | None:
        countries = {"Mali", "Niger", "Libya", "Chad"}
        return "place" if name in self.places else ("country" if name in countries else None)


def test_a_short_note_without_year_or_publication_date_gives_an_event_flagged_for_review(actors) -> None:
    note = "On 11 January, soldiers arrested three men accused of supplying fuel to militants in Kidal."
    document = Document(note, country="Mali", country_iso3="MLI", read_on=dt.date(2025, 6, 2))
    (event,) = extract_events(document, actors=actors, places=_Names({"Kidal"}))
    assert (event.event_type, event.sub_event_type) == ("Strategic developments", "Arrests")
    assert event.event_date == dt.date(2025, 1, 11)  # the year is assumed from the day it is read
    assert event.time_precision == TimePrecision.YEAR
    assert UNDATED in event.place_note
    assert event.place_mention == "Kidal"


def test_a_note_with_no_date_at_all_is_kept_with_its_year_unknown(actors) -> None:
    note = "Gunmen on motorbikes shot dead a village chief near Ménaka."
    document = Document(note, country="Mali", read_on=dt.date(2025, 6, 2))
    (event,) = extract_events(document, actors=actors, places=_Names({"Ménaka"}))
    assert event.event_type == "Violence against civilians"
    assert event.time_precision == TimePrecision.YEAR
    assert UNDATED in event.place_note


def test_dates_a_year_or_publication_date_can_place_are_not_marked_assumed() -> None:
    found = find_dates("On 11 January 2024, soldiers arrested two men.", assumed=dt.date(2025, 6, 2))
    assert [(d.date, d.assumed) for d in found] == [(dt.date(2024, 1, 11), False)]


def test_the_day_a_party_made_a_statement_is_not_the_event_date(resolver, actors) -> None:
    text = (
        "In a statement on Thursday, the army said soldiers repelled an attack on the camp at Bourem "
        "on Tuesday, killing 12 assailants."
    )
    (event,) = _events(text, resolver, actors, published="2022-03-19", country="Mali")
    assert event["event_date"] == "2022-03-15"  # Tuesday, not Thursday 17 March


def test_a_french_statement_date_gives_way_to_the_day_of_the_attack(resolver, actors) -> None:
    text = (
        "L'armée a annoncé vendredi que des terroristes avaient attaqué mercredi le poste de Ansongo, "
        "tuant deux soldats."
    )
    (event,) = _events(text, resolver, actors, published="2023-05-13", language="fr", country="Mali")
    assert event["event_date"] == "2023-05-10"


def test_an_explicit_range_with_its_year_wins_over_the_publication_date(resolver, actors) -> None:
    text = (
        "Soldiers and foreign fighters killed hundreds of villagers in Gao between March 27 and March 31, "
        "2022, the UN human rights office said in a report published on Friday."
    )
    (event,) = _events(text, resolver, actors, published="2023-05-12")
    assert (event["event_date"], event["event_date_end"]) == ("2022-03-27", "2022-03-31")


def test_a_part_of_a_country_is_the_fallback_area_not_the_whole_country(resolver, actors) -> None:
    text = "Gunmen killed at least 20 villagers in central Mali on Sunday, local officials said."
    (event,) = _events(text, resolver, actors, published="2023-06-05")
    assert event["geo_precision"] == GeoPrecision.ADMIN1
    assert event["location"] == "central Mali"
    assert country_at(event["latitude"], event["longitude"]).iso3 == "MLI"
    assert "to review" in event["notes"]


def test_the_north_of_a_country_lies_north_of_its_centre(resolver, actors) -> None:
    north = _events("Des hommes armés ont tué six civils dans le nord du Mali samedi.", resolver, actors,
                    published="2023-06-05", language="fr")  # fmt: skip
    centre = _events("Gunmen killed six civilians in central Mali on Saturday.", resolver, actors,
                     published="2023-06-05")  # fmt: skip
    assert north[0]["latitude"] > centre[0]["latitude"] + 2
    assert split_part("nord du Mali") == ("north", "Mali")


def test_a_region_phrase_is_the_fallback_area(resolver, actors) -> None:
    text = (
        "Suspected jihadists ambushed a military convoy in the Gao region on Monday, killing four soldiers."
    )
    (event,) = _events(text, resolver, actors, published="2023-06-06")
    assert event["geo_precision"] == GeoPrecision.ADMIN1
    assert event["country"] == "Mali"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Soldiers killed nine militants on the Niger River near Bourem, Malian officers said.",
            "en",
        ),
        ("Des soldats maliens ont tué neuf terroristes sur le fleuve Niger près de Bourem samedi.", "fr"),
    ],
)
def test_a_river_named_like_a_country_is_not_the_country(resolver, actors, text, language) -> None:
    (event,) = _events(text, resolver, actors, published="2023-06-05", language=language)
    assert event["location"] == "Bourem"
    assert event["country"] == "Mali"
    assert "Niger" not in (event["actor1"] or "")  # the army is Mali's, not Niger's
    niger = next(m for m in find_places(text, _Names(set())) if m.text == "Niger")
    assert niger.excluded == "river"


def test_a_second_event_a_day_later_elsewhere_is_extracted(resolver, actors) -> None:
    text = (
        "On Tuesday, JNIM fighters attacked the army camp in Bourem, killing ten soldiers. A day later, "
        "the same group struck the camp in Léré, in the Timbuktu region, the army said."
    )
    events = _events(text, resolver, actors, published="2023-09-08")
    assert [(e["event_date"], e["location"]) for e in events] == [
        ("2023-09-05", "Bourem"),
        ("2023-09-06", "Léré"),
    ]
    assert {e["event_type"] for e in events} == {"Battles"}


@pytest.mark.parametrize(
    "text",
    [
        "After several air strikes on rebel positions, the army captured the town of Anefis on Saturday.",
        "Appuyée par des frappes aériennes, l'armée a repris samedi le contrôle de Anefis.",
        "The army took complete control of Anefis on Saturday. This followed air strikes on rebel positions.",
    ],
)
def test_air_strikes_before_a_capture_do_not_make_it_an_explosion(resolver, actors, text) -> None:
    events = _events(
        text, resolver, actors, published="2023-10-09", language="fr" if "armée" in text else "en"
    )
    assert [(e["event_type"], e["sub_event_type"]) for e in events] == [
        ("Battles", "Government regains territory")
    ]


@pytest.mark.parametrize(
    ("note", "event_type", "sub_event_type"),
    [
        ("On 4 May 2021, 2 policemen were killed by a sniper in Ansongo.", "Battles", "Armed clash"),
        (
            "On 4 May 2021, a priest was gunned down by militants in Ansongo.",
            "Violence against civilians",
            "Attack",
        ),
        (
            "On 4 May 2021, a bomb planted by militants injured 3 soldiers in Ansongo.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        (
            "On 4 May 2021, two IEDs were discovered and defused by soldiers near Ansongo.",
            "Strategic developments",
            "Disrupted weapons use",
        ),
        (
            "On 4 May 2021, 30 militants surrendered to the army in Ansongo.",
            "Strategic developments",
            "Agreement",
        ),
        (
            "On 4 May 2021, protesters looted shops and burnt tyres in Ansongo.",
            "Riots",
            "Violent demonstration",
        ),
        (
            "On 4 May 2021, teachers went on strike over unpaid salaries in Ansongo.",
            "Protests",
            "Peaceful protest",
        ),
        (
            "On 4 May 2021, militants took control of Ansongo after the army withdrew. No reported violence.",
            "Strategic developments",
            "Non-violent transfer of territory",
        ),
        (
            "On 4 May 2021, troops were deployed to Ansongo to secure the town.",
            "Strategic developments",
            "Change to group/activity",
        ),
    ],
)
def test_acled_style_notes_get_their_type(actors, note, event_type, sub_event_type) -> None:
    document = Document(note, country="Mali", country_iso3="MLI", read_on=dt.date(2025, 6, 2))
    events = extract_events(document, actors=actors, places=_Names({"Ansongo"}))
    assert [(e.event_type, e.sub_event_type) for e in events][:1] == [(event_type, sub_event_type)]


def test_the_explosion_named_again_is_the_same_event(actors) -> None:
    text = (
        "On 5 December 2022, a roadside bomb struck a convoy near Ansongo, killing two soldiers. "
        "Officials said the explosion was the third of its kind in the region this month."
    )
    events = extract_events(Document(text, country="Mali"), actors=actors, places=_Names({"Ansongo"}))
    assert len(events) == 1
    assert events[0].sub_event_type == "Remote explosive/landmine/IED"


def test_part_mentions_are_found_in_both_languages() -> None:
    cases = [
        ("Fighting in northern Mali.", "northern Mali"),
        ("Combats dans le centre du Mali.", "centre du Mali"),
    ]
    for text, expected in cases:
        (mention,) = find_places(text, _Names(set()))
        assert (mention.kind, mention.text) == (PART, expected)


@pytest.mark.parametrize(
    ("note", "kind", "near"),
    [
        ("On 8 March 2021, a bomb killed 2 soldiers in Zhari district, Kandahar.", "region", False),
        (
            "On 8 March 2021, militants attacked a base near Warshiikh village (Balcad, Middle Shabelle).",
            "region",
            False,
        ),
        ("On 8 March 2021, militants attacked a checkpoint in Maywand district, Kandahar.", "place", True),
    ],
)
def test_districts_and_provinces_of_coded_notes(note, kind, near) -> None:
    names = _Names({"Kandahar", "Middle Shabelle", "Maywand"})
    mentions = {m.text: m for m in find_places(note, names)}
    found = (
        mentions.get("Maywand")
        if "Maywand" in note
        else mentions.get("Kandahar", mentions.get("Middle Shabelle"))
    )
    assert (found.kind, found.near) == (kind, near)


def test_the_place_of_the_attack_a_strike_answers_is_not_its_place() -> None:
    note = "Air forces struck a rebel position near Gao in response to an attack in Ansongo, Mali."
    mentions = {m.text: m.excluded for m in find_places(note, _Names({"Gao", "Ansongo"}))}
    assert mentions == {"Gao": "", "Ansongo": "background", "Mali": "background"}


@pytest.mark.parametrize(
    ("sentence", "event_type", "sub_event_type"),
    [
        ("On 3 June 2022, protesters threw stones at police in Gao.", "Riots", "Violent demonstration"),
        (
            "On 3 June 2022, police fired tear gas to disperse protesters in Gao.",
            "Protests",
            "Protest with intervention",
        ),
        (
            "On 3 June 2022, soldiers opened fire on protesters in Gao, killing two.",
            "Protests",
            "Excessive force against protesters",
        ),
        ("On 3 June 2022, police arrested 40 protesters in Gao.", "Protests", "Protest with intervention"),
        ("On 3 June 2022, a mob lynched a man accused of theft in Gao.", "Riots", "Mob violence"),
        ("Le 3 juin 2022, des manifestants ont affronté la police à Gao.", "Riots", "Violent demonstration"),
        (
            "On 3 June 2022, soldiers seized 40 rifles and ammunition in Gao.",
            "Strategic developments",
            "Disrupted weapons use",
        ),
        (
            "On 3 June 2022, a car bomb exploded outside a hotel in Gao.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        (
            "On 3 June 2022, a suicide bomber blew himself up at a checkpoint in Gao.",
            "Explosions/Remote violence",
            "Suicide bomb",
        ),
        (
            "On 3 June 2022, police dispersed protesters in Gao with live bullets.",
            "Protests",
            "Excessive force against protesters",
        ),
        (
            "On 3 June 2022, a protest in Gao turned violent as youths blocked the main streets.",
            "Riots",
            "Violent demonstration",
        ),
        (
            "On 3 June 2022, gunmen opened fire on a hotel in Gao, police said.",
            "Violence against civilians",
            "Attack",
        ),
        (
            "On 3 June 2022, dozens of government forces were killed in heavy clashes near Gao.",
            "Battles",
            "Armed clash",
        ),
        (
            "On 3 June 2022, air defences intercepted two drones over Gao.",
            "Strategic developments",
            "Disrupted weapons use",
        ),
        (
            "On 3 June 2022, customs officers intercepted 12 locally made hunting guns at Gao.",
            "Strategic developments",
            "Disrupted weapons use",
        ),
        (
            "On 3 June 2022, an aircraft dropped chlorine on a village near Gao in an air strike.",
            "Explosions/Remote violence",
            "Chemical weapon",
        ),
        (
            "On 3 June 2022, the army and allied militia fighters recaptured the town of Gao.",
            "Battles",
            "Government regains territory",
        ),
        (
            "On 3 June 2022, the gendarmerie said it had managed to have seized 30 AK-47 rifles in Gao.",
            "Strategic developments",
            "Disrupted weapons use",
        ),
    ],
)
def test_protests_riots_and_weapons_follow_the_codebook(actors, sentence, event_type, sub_event_type) -> None:
    document = Document(sentence, country="Mali", country_iso3="MLI")
    events = extract_events(document, actors=actors, places=_Names({"Gao"}))
    assert [(e.event_type, e.sub_event_type) for e in events][:1] == [(event_type, sub_event_type)]


# --- names that hold a country's name and are no country (issue 14's leftovers) -------------------


@pytest.mark.parametrize(
    ("text", "where", "country"),
    [
        ("On 3 May, gunmen killed five herders in Diffa, close to Lake Chad.", "Diffa", "Niger"),
        ("Le 3 mai, des hommes armés ont tué cinq pêcheurs à Diffa, près du lac Tchad.", "Diffa", "Niger"),
        (
            "On 3 May, fighters of the Islamic State in Libya attacked a border post in Ben Gardane.",
            "Ben Gardane",
            "Tunisia",
        ),
        ("On 3 May, militants ambushed police in Mandera near the Somalia border.", "Mandera", "Kenya"),
    ],
)
def test_a_lake_a_groups_branch_or_a_border_does_not_make_the_country(
    resolver, actors, text, where, country
) -> None:
    (event,) = _events(text, resolver, actors, language="fr" if "Le 3" in text else "en")
    assert (event["location"], event["country"]) == (where, country)
    assert event["geo_precision"] == GeoPrecision.PLACE


def test_a_groups_branch_and_a_lake_are_excluded_mentions() -> None:
    text = "The Islamic State in Libya claimed it; boats were seized on Lake Chad."
    found = {m.text: m.excluded for m in find_places(text, _Names(set()))}
    assert found == {"Libya": "actor", "Chad": "lake"}


def test_the_niger_river_does_not_make_a_text_that_names_no_country_nigerien(resolver, actors) -> None:
    text = "On 4 March 2024, gunmen attacked fishermen on the Niger River near Diafarabé, killing three."
    (event,) = _events(text, resolver, actors)
    assert (event["location"], event["country"]) == ("Diafarabé", "Mali")
    assert event["event_type"] == "Violence against civilians"


def test_on_a_river_near_a_place_nobody_knows_is_the_rivers_course_in_the_country(resolver, actors) -> None:
    text = "On 4 March 2024, gunmen attacked a boat on the Niger River near Ouroumbéssé in Mali, killing 4."
    (event,) = _events(text, resolver, actors)
    assert event["country"] == "Mali"
    assert event["geo_precision"] == GeoPrecision.ADMIN1  # an area, not a pin, and not the whole country
    assert country_at(event["latitude"], event["longitude"]).iso2 == "ML"
    assert event["location"].startswith("Niger River (")
    assert "no place near it known" in event["notes"]


def test_a_river_in_five_countries_with_no_country_named_places_nothing(resolver, actors) -> None:
    text = "On 4 March 2024, gunmen attacked a boat on the Niger River near Ouroumbéssé, killing four."
    assert [e["country"] for e in _events(text, resolver, actors)] in ([], [""])


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Des hommes armés ont attaqué mardi le poste de Dori, tuant trois gendarmes.", "2024-08-27"),
        ("Ce lundi, des hommes armés ont attaqué le poste de Dori, tuant trois gendarmes.", "2024-08-26"),
    ],
)
def test_a_french_weekday_is_the_last_such_day_before_publication(resolver, actors, text, day) -> None:
    (event,) = _events(text, resolver, actors, published="2024-08-29", language="fr")  # a Thursday
    assert (event["event_date"][:10], event["time_precision"]) == (day, TimePrecision.DAY)


# --- event types by the codebook: CASE 2021's tune half's confusions, on sentences written here ----


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [
        # what a protest mourns or answers is not how it went
        (
            "Thousands of nurses marched in the capital on Friday to mourn two colleagues shot dead by "
            "police last month.",
            "Peaceful protest",
        ),
        (
            "Students rallied again on Sunday, undeterred by the crackdown of the day before, when police "
            "fired live rounds at the crowd.",
            "Peaceful protest",
        ),
        (
            "Farmers gathered outside the court after the acquittal of the officer over the killing.",
            "Peaceful protest",
        ),
        # a later sentence on the same attack names its weapon: the most specific sub-type applies
        (
            "Militants attacked two police stations in the district on Monday night. Officials said the "
            "attacks were carried out with hand grenades.",
            "Grenade",
        ),
        (
            "Police were caught in a shootout with robbers near the station. One robber threw a grenade "
            "that did not go off.",
            "Armed clash",  # a clash stays one whatever was thrown in it
        ),
        # an earlier event named as a place's past is not the event
        (
            "Government troops retook the town, the scene of a deadly 2019 chemical attack, on Tuesday.",
            "Government regains territory",
        ),
        # who takes a place is the one after the speaker, not the speaker
        (
            "According to a police spokesman, bandits took control of the market town after a night of fire.",
            "Non-state actor overtakes territory",
        ),
        (
            "An army officer said that insurgents had overrun the garrison town.",
            "Non-state actor overtakes territory",
        ),
        # a crowd fighting with sticks and stones, or a mob with no protest, is a riot of its own kind
        (
            "Villagers armed with machetes and sticks clashed with a neighbouring community over farmland.",
            "Mob violence",
        ),
        ("Rioting broke out after a mob beat to death two men accused of stealing goats.", "Mob violence"),
        ("Rioting broke out after police shot a protester during the march.", "Violent demonstration"),
        # riot police are no riot; a die-in is no death; what a protest decries is its cause
        (
            "Riot police beat a student during a protest outside the ministry.",
            "Excessive force against protesters",
        ),
        ("Nurses staged a die-in outside the hospital over unpaid wages.", "Peaceful protest"),
        (
            "Hundreds marched through the city to denounce the killings of three traders by soldiers.",
            "Peaceful protest",
        ),
        (
            "Rival groups of supporters rallied in aggressive demonstrations downtown.",
            "Violent demonstration",
        ),
        (
            "Police used tear gas on a crowd of shoppers in the old market on Saturday.",
            "Protest with intervention",
        ),
        (
            "Police broke up a peaceful march of opposition supporters in the capital.",
            "Protest with intervention",
        ),
        # a raid to detain people is an arrest; suspects intercepted while planning attacks too
        ("Soldiers carried out raids to detain opposition activists in the northern districts.", "Arrests"),
        (
            "Security forces intercepted six suspected members of a cell planning attacks on hotels.",
            "Arrests",
        ),
        # a person captured is arrested, not a place taken; driving fighters out of a village takes it
        ("Soldiers captured a senior commander of the rebel group in a dawn operation.", "Arrests"),
        (
            "The army drove the insurgents out of two villages near the lake on Monday.",
            "Government regains territory",
        ),
        # weapons found, whatever report told of them, are disrupted weapons use
        (
            "Police said in their report that grenades and ammunitions were discovered in a ditch.",
            "Disrupted weapons use",
        ),
        # talks, handovers, property, weapons
        ("The two governments began indirect talks over the disputed border region in March.", "Agreement"),
        (
            "The handover of the airbase to the national army was completed on Monday.",
            "Non-violent transfer of territory",
        ),
        (
            "Unknown assailants caused heavy damage to government property in the district on Monday.",
            "Looting/property destruction",
        ),
        (
            "Customs men intercepted forty locally assembled double barrel hunting rifles at the border.",
            "Disrupted weapons use",
        ),
        (
            "A stash of mortar projectiles belonging to the rebels was found near the river bank.",
            "Disrupted weapons use",
        ),
    ],
)
def test_event_types_by_the_codebook(actors, text, sub_event_type) -> None:
    drafts = extract_events(Document(text, read_on=dt.date(2025, 6, 2)), actors=actors, places=_Names(set()))
    assert drafts[0].sub_event_type == sub_event_type


def test_lake_alone_is_no_place_name(resolver, actors) -> None:
    text = "On 3 May 2024, militants attacked soldiers at Kangalom on the shores of Lake Chad."
    mentions = find_places(text, _Names({"Lake", "River"}))
    assert [m.text for m in mentions] == ["Chad"]  # not "Lake", an American town's other name
    assert all(e["country"] != "United States" for e in _events(text, resolver, actors))


def test_a_lake_with_no_country_named_is_placed_in_the_one_configured_country_it_touches(actors) -> None:
    from geomap.gazetteer.index import Gazetteer
    from geomap.geocode import Resolver

    text = "On 3 May 2024, militants attacked soldiers at Kangalom on the shores of Lake Chad."
    chad = Resolver(Gazetteer.embedded(), countries=["TD", "NE", "ML"])
    (event,) = _events(text, chad, actors)
    assert (event["country"], event["geo_precision"]) == ("Chad", GeoPrecision.ADMIN1)
    assert event["location"].startswith("Lake Chad (")
    assert _events(text, Resolver(Gazetteer.embedded()), actors) == []  # Chad or Cameroon: no guess
