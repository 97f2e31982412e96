"""Event types decided by roles and precedence (geomap/extract/event_types.py), on sentences written here."""

from __future__ import annotations

import datetime as dt

from geomap.extract.events import Document, extract_events


class _NoPlaces:
    def kind(self, name: str) -> str | None:
        return None


def _first_type(text: str, actors) -> tuple[str, str]:
    document = Document(text, read_on=dt.date(2025, 6, 2))
    drafts = extract_events(document, actors=actors, places=_NoPlaces())
    assert drafts, text
    return drafts[0].event_type, drafts[0].sub_event_type


def test_protesters_arrested_in_clashes_are_a_violent_demonstration(actors) -> None:
    text = "Two students were arrested during clashes that followed a protest against the new fuel tax."
    assert _first_type(text, actors) == ("Riots", "Violent demonstration")


def test_protesters_arrested_without_violence_are_a_protest_with_intervention(actors) -> None:
    text = "Police arrested a dozen demonstrators outside the parliament on Monday."
    assert _first_type(text, actors) == ("Protests", "Protest with intervention")


def test_people_arrested_for_having_organised_protests_are_arrests(actors) -> None:
    text = "The intelligence service detained teachers who had organised last week's protests."
    assert _first_type(text, actors) == ("Strategic developments", "Arrests")


def test_a_killing_of_the_abducted_is_an_attack_when_the_victims_are_civilians(actors) -> None:
    text = "On 12 May 2024, a schoolteacher was kidnapped and later strangled by gunmen near the bus station."
    assert _first_type(text, actors) == ("Violence against civilians", "Attack")


def test_a_killing_of_abducted_police_is_an_armed_clash(actors) -> None:
    text = "Two police officers were abducted at a checkpoint on Friday and beheaded by the militants."
    assert _first_type(text, actors) == ("Battles", "Armed clash")
    text = "A soldier was found dead on Sunday after being abducted by insurgents from his home."
    assert _first_type(text, actors) == ("Battles", "Armed clash")


def test_abducted_people_killed_afterwards_or_in_captivity_are_an_attack(actors) -> None:
    for text in (
        "Bandits kidnapped three farmers from their fields and killed them when no ransom was paid.",
        "The four hostages were executed by their captors after talks over a ransom broke down.",
        "Un commerçant enlevé la semaine passée a été retrouvé mort en captivité, selon sa famille.",
    ):
        assert _first_type(text, actors) == ("Violence against civilians", "Attack"), text


def test_an_abduction_with_nobody_killed_stays_an_abduction(actors) -> None:
    for text in (
        "Armed men abducted a village chief and his two sons on the road to the market on Tuesday.",
        # killed by others, earlier: not a killing of the abducted
        "Gunmen kidnapped the widow of a trader who had been killed in the fighting last year.",
    ):
        abduction = ("Violence against civilians", "Abduction/forced disappearance")
        assert _first_type(text, actors) == abduction, text


def test_a_capture_joined_to_the_main_verb_is_taken_by_the_sentences_subject(actors) -> None:
    text = (
        "Government troops advanced into the rebel-held hills on Monday, fighting off the insurgents "
        "and recapturing two villages near the river."
    )
    assert _first_type(text, actors) == ("Battles", "Government regains territory")
    text = "Rebels ambushed an army convoy near the pass and later seized the district headquarters."
    assert _first_type(text, actors)[1] in ("Non-state actor overtakes territory", "Armed clash")


def test_a_capture_told_as_another_partys_strikes_go_on_is_another_event(actors) -> None:
    text = "Government warplanes bombed the market of Kafr Tal on Sunday, as rebels captured a hill nearby."
    assert _first_type(text, actors) == ("Explosions/Remote violence", "Air/drone strike")
    # strikes before the capture by the same side still give way to it
    text = "After two days of air strikes, the army retook the town of Kafr Tal on Sunday."
    assert _first_type(text, actors) == ("Battles", "Government regains territory")


def test_a_protest_whose_later_sentence_tells_the_crowds_violence_is_a_riot(actors) -> None:
    text = (
        "Hundreds of farmers protested outside the ministry on Tuesday against the new land law. "
        "By the afternoon the protesters had blocked the main highway with burning tyres."
    )
    assert _first_type(text, actors) == ("Riots", "Violent demonstration")
    text = (
        "Hundreds of farmers protested outside the ministry on Tuesday against the new land law. "
        "The protest ended peacefully in the evening."
    )
    assert _first_type(text, actors) == ("Protests", "Peaceful protest")


def test_dozens_injured_as_police_disperse_a_protest_is_excessive_force(actors) -> None:
    text = "Dozens of students were injured when riot police used batons and tear gas to disperse a protest."
    assert _first_type(text, actors) == ("Protests", "Excessive force against protesters")
    text = "Two students were treated for tear gas when police dispersed a protest at the campus gate."
    assert _first_type(text, actors) == ("Protests", "Protest with intervention")


def test_what_is_only_warned_of_feared_or_denied_is_no_event(actors) -> None:
    for text in (
        "The governor warned of fresh attacks on the villages along the border.",
        "Residents of the camp said they feared clashes between the two militias.",
        "No clashes were reported in the district on Monday, a police spokesman said.",
        "Les habitants craignent de nouvelles attaques contre le village.",
    ):
        document = Document(text, read_on=dt.date(2025, 6, 2))
        assert extract_events(document, actors=actors, places=_NoPlaces()) == [], text


def test_people_feared_killed_and_arrests_after_an_attack_are_still_the_attack(actors) -> None:
    text = "Three herders are feared killed after gunmen attacked the market; no arrests were made."
    assert _first_type(text, actors) == ("Violence against civilians", "Attack")
