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
