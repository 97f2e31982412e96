"""Place mentions in text, and which of them is where an event happened.

Candidate names are runs of capitalised words looked up in a place-name index
the caller injects (:class:`PlaceNames`: the pipeline gives the gazetteer,
restricted to the document's countries, plus the countries of the world).
A name that is not an event location is kept with the reason it is not:

* ``government``: a capital or country standing for its government
  ("Paris condemned", "Moscow denied", "Bamako accused Algiers");
* ``venue``: where a report was presented or reporters were told
  ("a report presented in Geneva", "told reporters in Dakar");
* ``route``: the origin or destination of a journey ("from Gao to Ansongo",
  "heading for Kidal"), used only when nothing else locates the event;
* ``thing``: the name of an operation, an accord, a boat ("Operation Barkhane",
  "the Algiers agreement", "the boat Tombouctou");
* ``actor``: part of an actor's name ("the UN mission in Mali");
* ``background``: where an earlier event that this one answers happened ("in
  response to an attack in Lamu");
* ``river``: a river, even one that shares its name with a country ("the
  Niger River", "le fleuve Niger"): "on the Niger River near Bourem" is at Bourem;
* ``lake``: a lake named like a country ("Lake Chad", "le lac Tchad") lies
  across several countries and is none of them;
* ``actor``: a country inside a transnational armed group's name ("the Islamic
  State in Libya", "al-Qaeda in Yemen"): such branches act across borders.

A part of a country ("in central Mali", "dans le nord du Burkina") is a
mention of kind ``part``: the fallback area when the text names no place, so
that the event does not fall to the whole country.

Nationality adjectives (Malian, French, Ukrainian) are not names of places and
are never looked up as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from geomap.extract.text import Spans, fold

PLACE, REGION, COUNTRY, CAPITAL, PART = "place", "region", "country", "capital", "part"
WATER = "water"  # an event's place kind: on a river or lake, no place near it known
#: a direction word → the part of a country it names
PARTS = {
    "northern": "north", "southern": "south", "eastern": "east", "western": "west", "central": "centre",
    "north-eastern": "north-east", "northeastern": "north-east", "north-western": "north-west",
    "northwestern": "north-west", "south-eastern": "south-east", "southeastern": "south-east",
    "south-western": "south-west", "southwestern": "south-west", "nord": "north", "sud": "south",
    "est": "east", "ouest": "west", "centre": "centre", "nord-est": "north-east", "nord-ouest": "north-west",
    "sud-est": "south-east", "sud-ouest": "south-west",
}  # fmt: skip
_PART_BEFORE = re.compile(
    r"\b(?P<en>north-eastern|northeastern|north-western|northwestern|south-eastern|southeastern|south-western|"
    r"southwestern|northern|southern|eastern|western|central)\s+$|"
    r"\b(?P<fr>nord-est|nord-ouest|sud-est|sud-ouest|nord|sud|est|ouest|centre)\s+(?:du|de la|de l'|d')\s*$"
)
#: "in response to an attack in Lamu": where the earlier event that motivated this one happened
_BACKGROUND_BEFORE = re.compile(
    r"(?:in response to|in retaliation (?:for|to)|in revenge for|to avenge|en represailles? (?:a|de|d')|"
    r"pour venger) (?:an? |the |une? |l'|la |le )?(?:[\w-]+ ){0,3}?(?:attacks?|killings?|ambush\w*|raids?|"
    r"attaques?|assassinats?|meurtres?)\b[^.]{0,30}?(?:in|on|at|a|dans)\s*$"
)
_RIVER_AFTER = re.compile(r"^\s+(?:river|riviere)\b")
_RIVER_BEFORE = re.compile(
    r"(?:\bfleuve|\briver|\briviere|\bvallee du|\bvalley of the)\s+(?:du\s+|de\s+la\s+)?$"
)
_RIVER = re.compile(
    r"\b(?:[Ff]leuve|[Rr]ivi[eè]re|[Rr]iver|[Vv]all[ée]e du)\s+(?:the\s+|du\s+|de\s+la\s+)?[A-ZÀ-Ý][\w'’-]*|"
    r"\b[A-ZÀ-Ý][\w'’-]*\s+[Rr]iver\b"
)
_LAKE_BEFORE = re.compile(r"(?:\blake|\blac)\s+(?:du\s+|de\s+la\s+)?$")
_LAKE_AFTER = re.compile(r"^\s+lake\b")
_LAKE = re.compile(
    r"\b(?:[Ll]ake|[Ll]ac)\s+(?:du\s+|de\s+la\s+)?[A-ZÀ-Ý][\w'’-]*|\b[A-ZÀ-Ý][\w'’-]*\s+[Ll]ake\b"
)
#: the brands of transnational jihadist groups, whose branches are named after a country or region
_GROUP = (
    r"(?:islamic state|\bis\b|\bisis\b|\bisil\b|daesh|al[- ]qa[e']?ida|al[- ]qaeda|etat islamique|\bei\b)"
)
_GROUP_BEFORE = re.compile(rf"{_GROUP}\s+(?:in|of|en|au|du|de)\s+(?:the\s+|la\s+|l'\s*)?$")
_GROUP_NAME = re.compile(
    r"\b(?:Islamic State|IS|ISIS|ISIL|Daesh|[Aa]l[- ]Qa[e']?ida|[Aa]l[- ]Qaeda|[EÉ]tat islamique|EI)\s+"
    r"(?:in|of|en|au|du|de)\s+(?:the\s+|la\s+|l['’]\s*)?[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*)?"
)


class PlaceNames(Protocol):
    """What a name is: ``"place"``, ``"capital"`` (of a country), ``"region"``, ``"country"`` or None."""

    def kind(self, name: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    text: str
    kind: str  # place | region | country
    excluded: str = ""  # why it is not an event location ("" when it may be one)
    near: bool = False  # "near X", "20 km from X", "outside X"
    locative: bool = False  # introduced by "in", "at", "à", "près de" …
    part: str = ""  # for kind "part": north, centre, south-east … of the country ``text`` ends with


_WORD = r"[A-ZÀ-Ý][\w'’]*(?:-[\w'’]+)*"
_CAPITALISED = re.compile(rf"{_WORD}(?:\s+(?:de\s+|el\s+|al\s+|du\s+)?{_WORD}){{0,3}}")
#: capitalised words that are never place names in our texts, whatever the gazetteer says
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "on",
        "in",
        "at",
        "of",
        "and",
        "but",
        "for",
        "from",
        "to",
        "by",
        "as",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "his",
        "her",
        "their",
        "our",
        "we",
        "he",
        "she",
        "they",
        "there",
        "then",
        "when",
        "while",
        "after",
        "before",
        "during",
        "since",
        "soon",
        "later",
        "meanwhile",
        "however",
        "also",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "du",
        "de",
        "au",
        "aux",
        "en",
        "et",
        "ou",
        "mais",
        "pour",
        "par",
        "dans",
        "sur",
        "sous",
        "avec",
        "selon",
        "ce",
        "cette",
        "ces",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "lors",
        "depuis",
        "puis",
        "alors",
        "ainsi",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
        "un",
        "nations",
        "united",
        "president",
        "colonel",
        "general",
        "minister",
        "ministre",
        "army",
        "armee",
        "state",
        "etat",
        "lake",  # "Lake" alone is a US town's other name, not the lake the text names
        "lac",
        "river",
        "fleuve",
    ]
)
_GOVERNMENT_VERBS = (
    r"condemn\w*|den(?:y|ied|ies)|accus\w*|reject\w*|respond\w*|welcom\w*|demand\w*|insist\w*|warn\w*|"
    r"protest\w*|recall\w*|summon\w*|expel\w*|sever\w*|suspend\w*|announc\w*|said|says|claim\w*|"
    r"blam\w*|call(?:ed|s)|urg\w*|vow\w*|threaten\w*|retort\w*|wants|"
    r"condamn\w*|dement\w*|accus\w*|rejett\w*|repond\w*|exig\w*|denonc\w*|rappel\w*|affirm\w*|a (?:accuse|condamne|dementi|denonce|rappele|exige|annonce|rompu)"
)
_GOVERNMENT_AFTER = re.compile(rf"^\s*(?:,[^,]{{0,40}},\s*)?(?:{_GOVERNMENT_VERBS})\b")
_VENUE_BEFORE = re.compile(
    r"(?:presented|published|released|launched|unveiled|issued|told reporters|told journalists|"
    r"press conference|news conference|speaking|spoke|briefing|based|headquartered|meeting|summit|"
    r"presente|publie|rendu public|conference de presse|s'exprimant|reunis?|basee?|siege)"
    r"(?:\s+\w+){0,3}\s+(?:in|at|a|au|from|depuis)\s*$"
)
_ROUTE_BEFORE = re.compile(
    r"(?:\bfrom|\bto|\btowards?|\bheading (?:to|for)|\bbound for|\ben route to|\bback to|\breturning to|"
    r"\bdestination of|\bprovenance de|\bdestination de|\bvers|\bfled to|\bfled from|\bmoved to|"
    r"\bde|\bd'|\ba|\bjusqu'a)\s*$"
)
_ROUTE_AFTER = re.compile(r"^\s*(?:to|a|et|and|vers|jusqu'a)\s+[A-ZÀ-Ý]")
_FROM_BEFORE = re.compile(r"(?:\bfrom|\bde|\bd'|\bdepuis)\s*$")
_JOURNEY = re.compile(
    r"\b(?:convoy|column|travell?ing|travell?ed|drove|driving|heading|moving|road|route|axis|axe|"
    r"convoi|colonne|en route|fled|fuyant|returning|marched|deplac\w*|reliant|linking|between)\b"
)
_THING_BEFORE = re.compile(
    r"(?:\boperation|\bop\.|\bthe boat|\bthe ship|\bthe vessel|\bthe ferry|\ble bateau|\ble navire|"
    r"\bla pinasse|\bnamed|\bcalled|\bbaptise|\bnomme|\baccords? d'|\baccord de|\bprocessus d')\s*$"
)
_THING_AFTER = re.compile(
    r"^\s*(?:agreement|accords?|peace deal|peace process|process|declaration|charter|conference|"
    r"talks|summit|format)\b"
)
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\boutside|\baround|\bclose to|\bnot far from|\bon the outskirts of|\bin the vicinity of|"
    r"\bkm (?:north|south|east|west|north-east|north-west|south-east|south-west|northeast|northwest|"
    r"southeast|southwest)? ?(?:of|from)|\bkilometres? (?:\w+ )?(?:of|from)|\bkilometers? (?:\w+ )?(?:of|from)|"
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)? of|\bpres de|\bnon loin de|"
    r"\baux abords de|\ba proximite de|\baux environs de|\bdans les environs de|\ba la sortie de|"
    r"\bkm (?:au )?(?:nord|sud|est|ouest|nord-est|nord-ouest|sud-est|sud-ouest)? ?(?:de|d')|\ben peripherie de|"
    r"\ba l'(?:est|ouest) de|\bau (?:nord|sud)(?:-est|-ouest)? de)\s*$"
)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\bin|\bat|\binto|\bon|\binside|\bwithin|\bseized|\btook|\bcaptured|\bretook|\brecaptured|\bentered|"
    r"\battacked|\bstormed|\boverran|\bstruck|\bhit|\bshelled|\bbombed|\btook control of|\bcontrol of|"
    r"\bcamp in|\bbase in|\ba|\bau|\bdans|\ben|\bsur|\bpris|\brepris|\battaque|\bpris le controle de|"
    r"\bcontrole de|\bentres? dans|\bentree dans)\s*$"
)


def find_places(text: str, names: PlaceNames, *, taken: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Every place mention in ``text`` (spans in ``taken``, such as actor names, are skipped)."""
    folded = fold(text)
    skipped = Spans(taken)
    mentions: list[PlaceMention] = []
    for match in _CAPITALISED.finditer(text):
        found = Spans()  # earlier runs end before this one starts: only this run's mentions can overlap
        for start, end in _sub_spans(text, match.start(), match.end()):
            if skipped.overlaps(start, end) or found.overlaps(start, end):
                continue
            name = text[start:end]
            if fold(name) in _NOT_NAMES:
                continue
            kind = names.kind(name)
            if kind is None:
                continue
            mentions.append(_classify(text, folded, start, end, kind))
            found.add(start, end)
    mentions.sort(key=lambda m: m.start)
    for i in range(1, len(mentions)):
        before, mention = mentions[i - 1], mentions[i]
        if before.excluded in ("background", "venue") and re.fullmatch(
            r"\s*,\s*", text[before.end : mention.start]
        ):
            mentions[i] = replace(mention, excluded=before.excluded)  # "in Lamu, Kenya": the same place
    return mentions


def _sub_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The run itself, then ever shorter runs inside it, longest first."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    spans = []
    for size in range(len(words), 0, -1):
        for first in range(len(words) - size + 1):
            spans.append((words[first][0], words[first + size - 1][1]))
    return spans


def _classify(text: str, folded: str, start: int, end: int, kind: str) -> PlaceMention:
    before = folded[max(0, start - 60) : start]
    after = folded[end : end + 60]
    name = text[start:end]
    excluded = ""
    if kind == PLACE and (_REGION_WORD_BEFORE.search(before) or _REGION_WORD_AFTER.match(after)):
        kind = REGION  # "la région de Gao", "the Gao region": the region named after its town
    elif kind in (PLACE, CAPITAL) and (_AFTER_DISTRICT.search(before) or _SECOND_IN_BRACKETS.search(before)):
        kind = REGION  # "in Maywand district, Kandahar", "(Cadale, Middle Shabelle)": the province
    if _RIVER_AFTER.match(after) or _RIVER_BEFORE.search(before):
        excluded = "river"
    elif _LAKE_AFTER.match(after) or _LAKE_BEFORE.search(before):
        excluded = "lake"
    elif kind in (COUNTRY, REGION) and _GROUP_BEFORE.search(before):
        excluded = "actor"
    elif _BACKGROUND_BEFORE.search(before):
        excluded = "background"
    elif _THING_BEFORE.search(before) or _THING_AFTER.match(after):
        excluded = "thing"
    elif (
        kind in (CAPITAL, COUNTRY)
        and _GOVERNMENT_AFTER.match(after)
        and not re.search(r"\b(?:in|at|a|dans)\s*$", before)
    ):
        excluded = "government"
    elif _VENUE_BEFORE.search(before):
        excluded = "venue"
    elif _is_route(text, before, after, folded, start):
        excluded = "route"
    part = _PART_BEFORE.search(before) if kind == COUNTRY and not excluded else None
    if part is not None:  # "in central Mali": the part of the country, from its direction word on
        start -= len(before) - part.start()
        before = folded[max(0, start - 60) : start]
        word = part.group("en") or part.group("fr")
        return PlaceMention(
            start, end, text[start:end], PART, "", False, bool(_LOCATIVE_BEFORE.search(before)), PARTS[word]
        )
    # "X district": the district, located at its namesake town at best
    near = bool(_NEAR_BEFORE.search(before) or _DISTRICT_AFTER.match(after))
    locative = near or bool(_LOCATIVE_BEFORE.search(before))
    return PlaceMention(start, end, name, kind, excluded, near, locative)


def split_part(mention: str) -> tuple[str, str] | None:
    """("centre", "Mali") for "central Mali", ("north", "Burkina") for "nord du Burkina"; else None."""
    match = re.match(r"(\S+)\s+(?:(?:du|de la|de l['’]|d['’])\s*)?(.+)$", mention)
    if match is None or fold(match.group(1)) not in PARTS:
        return None
    return PARTS[fold(match.group(1))], match.group(2)


#: mentions that name no country, whatever country name they hold: a river, a lake, a group's branch
NOT_A_COUNTRY = ("river", "lake", "actor")


def not_country_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a river ("the Niger River"), a lake ("Lake Chad") or a group's branch ("the
    Islamic State in Libya"): a country's name there is no evidence of the country."""
    return [m.span() for pattern in (_RIVER, _LAKE, _GROUP_NAME) for m in pattern.finditer(text)]


_REGION_WORD_BEFORE = re.compile(r"\b(?:region|province|cercle)\s+(?:de |du |des |d'|of (?:the )?)?$")
_REGION_WORD_AFTER = re.compile(r"\s+(?:region|province|state)\b")
_ADMIN_WORDS = (
    r"district|province|county|state|region|cercle|commune|department|municipality|upazila|lga|"
    r"local government(?: area)?|territory|chiefdom|sub-?county"
)
_AFTER_DISTRICT = re.compile(rf"\b(?:{_ADMIN_WORDS})\s*,\s*$")
_SECOND_IN_BRACKETS = re.compile(r"\([^()]{1,40},\s*$")
_DISTRICT_AFTER = re.compile(
    r"^\s+(?:district|county|upazila|sub-?county|local government|lga|territory|territoire|chiefdom)\b"
)


_FROM_TO = re.compile(
    r"(?:\b[Ff]rom|\bde|\bd['’])\s*[A-ZÀ-Ý][\w'’\-]*(?:\s+[A-ZÀ-Ý][\w'’\-]*)?\s+(?:to|à|a|jusqu['’]à|vers)\s*$"
)


def _is_route(text: str, before: str, after: str, folded: str, start: int) -> bool:
    sentence_start = max(folded.rfind(". ", 0, start), 0)
    journey = _JOURNEY.search(folded[sentence_start : start + 80]) is not None
    if _FROM_BEFORE.search(before) and (_ROUTE_AFTER.match(after) or journey):
        return True
    if _FROM_TO.search(text[max(0, start - 50) : start]):
        return True  # "from Gao to Kidal", "de Gao à Kidal" (not "le camp de l'armée à Bourem")
    return journey and bool(_ROUTE_BEFORE.search(before)) and not _NEAR_BEFORE.search(before)


def event_location(mentions: list[PlaceMention], trigger: int) -> tuple[PlaceMention | None, str]:
    """The mention where the event at character ``trigger`` happened, and how sure that is.

    Prefers places over regions over countries, mentions introduced as a
    location ("in", "near", "seized X") and then the one closest to the
    trigger.  A river or lake ("on the Niger River near a village the
    gazetteer lacks") counts when no place or region is named (``"water"``),
    route ends when nothing else is.  Returns ``(None, "")`` when the sentence names no usable place.
    """
    usable = [m for m in mentions if not m.excluded]
    waters = [m for m in mentions if m.excluded in ("river", "lake")]
    if waters and all(
        m.kind == COUNTRY for m in usable
    ):  # its course in the country is nearer than the country
        return min(waters, key=lambda m: abs(m.start - trigger)), "water"
    why = "named"
    if not usable:
        usable = [m for m in mentions if m.excluded == "route"]
        why = "route"
    if not usable:
        return None, ""
    rank = {PLACE: 0, CAPITAL: 0, REGION: 1, PART: 1, COUNTRY: 2}
    best = min(usable, key=lambda m: (rank[m.kind], not m.locative, abs(m.start - trigger)))
    return best, why
