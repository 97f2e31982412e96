"""What happened: events from a document's sentences, with actors, date, place, fatalities and evidence.

The document is read sentence by sentence.  A sentence with an event word
("seized", "ambush", "frappe de drone") either opens a new event or adds to the
event the text is talking about, which it does when it names no new date, no
new place and no new party, or when it only goes on to describe the content of
the same documents.  A sentence without an event word can still add to the
current event: its death toll, a claim of responsibility, or a denial (which
makes the event *disputed*).

Rules that keep non-events out: a trigger inside an infinitive or a future or
obligation ("to take control", "must leave by", "will withdraw", "doit
quitter") is not an event; neither is a trigger in a sentence with no date
and no place when there is no event before it to belong to.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from geomap.extract.actors import ActorDictionary, ActorEntry, ActorMention, national_mentions
from geomap.extract.claims import Claim, classify, denies, refers_back
from geomap.extract.dates import DateMention, find_dates
from geomap.extract.event_types import ATTACK, decide_type, refine_type
from geomap.extract.fatalities import fatalities
from geomap.extract.places import (
    COUNTRY,
    PART,
    REGION,
    WATER,
    PlaceMention,
    PlaceNames,
    event_location,
    find_places,
)
from geomap.extract.text import Sentence, fold, sentences, starting_within
from geomap.extract.triggers import find_trigger, refers_to_known_event
from geomap.model import ClaimStatus, EventType, GeoPrecision, TimePrecision

_DEADLINE = re.compile(
    r"\b(?:by|until|before|no later than|d'ici|avant|jusqu'au|au plus tard)\s+(?:the\s+|le\s+)?$"
)
_SAYING = (
    r"(?:said|says|announced|stated|declared|reported|claimed|confirmed|told \w+|a (?:declare|annonce|affirme|"
    r"indique|precise|confirme|revendique)|ont (?:declare|annonce|affirme|indique|revendique))"
)
#: "in a statement on Thursday", "said on Monday", "le communiqué publié mardi": when a party spoke
_STATEMENT_BEFORE = re.compile(
    rf"(?:{_SAYING}|statement|communique|press release|news conference|press conference|interview|"
    r"publi\w*|released|issued)\s+(?:\w+\s+){0,2}?(?:late\s+)?(?:on\s+|le\s+|ce\s+)?$"
)
#: "On Thursday, the army said ..." (a date followed by the speaker and the saying verb)
_STATEMENT_AFTER = re.compile(
    rf"^,?\s+(?:the\s+|l'|le\s+|la\s+|les\s+)?[\w-]+(?:\s+[\w-]+){{0,3}}\s+{_SAYING}\b"
)
_PASSIVE_AGENT = re.compile(r"\b(?:by|par)\s+(?:the\s+|les?\s+|la\s+|l')?$")
_ALLY = re.compile(
    r"\b(?:supported by|backed by|with(?: the help of)?|alongside|accompanied by|together with|and its|"
    r"aided by|appuy\w* par|soutenu\w* par|aux cotes d\w*|avec|accompagn\w* de)\s+(?:the\s+|its\s+|their\s+|les?\s+|la\s+|l'|ses\s+|leurs?\s+)?(?:\w+\s+){0,2}$"
)


@dataclass
class EvidenceSpan:
    sentence: str
    start: int
    end: int
    claim_status: str
    claimant: str


@dataclass
class EventDraft:
    """An event found in one document, before geocoding."""

    event_date: dt.date
    event_date_end: dt.date | None
    time_precision: TimePrecision
    event_type: str
    sub_event_type: str
    actors: list[ActorEntry] = field(default_factory=list)
    side2: list[ActorEntry] = field(default_factory=list)
    place_mention: str = ""
    place_kind: str = ""
    geo_precision: GeoPrecision = GeoPrecision.PLACE
    place_note: str = ""
    fatalities: list[int] = field(default_factory=list)  # one figure per sentence that gives one
    fatalities_high: int | None = None
    evidence: list[EvidenceSpan] = field(default_factory=list)
    claim: Claim = field(default_factory=lambda: Claim(ClaimStatus.REPORTED))
    disputed: bool = False
    documents: bool = False
    paragraph: int = 0
    undated: bool = False  # no year, no publication date: the year is assumed (see Document.read_on)
    by_attack: bool = False  # opened by a bare "attack": a later sentence may name its weapon
    first_seen: dict[str, int] = field(default_factory=dict)  # actor name → offset of its first mention

    @property
    def claim_status(self) -> ClaimStatus:
        if self.disputed:
            return ClaimStatus.DISPUTED
        return self.claim.status

    def names(self, country: str | None) -> tuple[str, list[str], str, list[str], int | None, int | None]:
        """actor1, assoc_actor_1, actor2, assoc_actor_2, inter1, inter2 (canonical names)."""
        actors, others = self.actors, self.side2
        if self.documents:  # who the documents implicate: named parties, not the forces that found them
            everyone = sorted(self.actors + self.side2, key=lambda a: self.first_seen.get(a.name, 0))
            actors = [a for a in everyone if not a.generic and a.inter != 1 and not a.affiliations_state]
            others = [a for a in everyone if a not in actors]
        actors = sorted(actors, key=lambda a: a.generic)  # a named party before "gunmen"
        side1 = _unique([a.named(country) for a in actors])
        side2 = _unique([a.named(country) for a in others if a.named(country) not in side1])
        first = actors[0].inter if actors else None
        second = next((a.inter for a in others if a.named(country) in side2), None)
        return (
            side1[0] if side1 else "",
            side1[1:],
            side2[0] if side2 else "",
            side2[1:],
            first,
            second,
        )


@dataclass(frozen=True)
class Document:
    """A text and what is known about it."""

    text: str
    published: dt.date | None = None
    language: str = "en"
    country: str | None = None  # the country name generic actors take ("Civilians (Mali)")
    country_iso3: str | None = None  # whose army "the army" is
    read_on: dt.date | None = None  # the day it is read (default today): anchors dates nothing else can


UNDATED = "date unknown: the text gives no year and no publication date; the year is assumed, to review"


def extract_events(document: Document, *, actors: ActorDictionary, places: PlaceNames) -> list[EventDraft]:
    """The events ``document`` reports, in the order it first reports them."""
    return read_document(document, actors=actors, places=places)[0]


def read_document(
    document: Document, *, actors: ActorDictionary, places: PlaceNames
) -> tuple[list[EventDraft], list[PlaceMention]]:
    """The events ``document`` reports (as :func:`extract_events`), and every place mention it holds."""
    text = document.text
    read_on = document.read_on or dt.date.today()
    all_dates = find_dates(text, published=document.published, language=document.language, assumed=read_on)
    all_dates.sort(key=lambda d: d.start)
    by_name = actors.find(text)
    all_actors = by_name + national_mentions(text, document.country_iso3, actors, named=by_name)
    all_actors.sort(key=lambda m: m.start)
    all_places = find_places(text, places, taken=[(m.start, m.end) for m in all_actors])
    all_places.sort(key=lambda p: p.start)
    # each sentence takes its own mentions by bisection: long texts stay linear
    date_starts, actor_starts = [d.start for d in all_dates], [m.start for m in all_actors]
    place_starts = [p.start for p in all_places]
    drafts: list[EventDraft] = []
    current: EventDraft | None = None
    for sentence in sentences(text):
        dates = starting_within(all_dates, date_starts, sentence.start, sentence.end)
        named = starting_within(all_actors, actor_starts, sentence.start, sentence.end)
        where = starting_within(all_places, place_starts, sentence.start, sentence.end)
        local = [_shift(m, sentence.start) for m in named]
        claim = classify(text[sentence.start : sentence.end], local, country=document.country)
        trigger = find_trigger(text, sentence)
        if trigger is None:
            if current is not None and current.documents and claim.documents:
                # what the same documents say: their content names the parties they implicate
                _add_sentence(current, text, sentence, named, claim, sentence.start)
            elif current is not None and sentence.paragraph - current.paragraph <= 1:
                _annotate(current, text, sentence, named, claim)
            continue
        position, kind, sub = trigger
        date = _date_for(text, dates, position)
        place, place_why = event_location(where, position)
        if claim.documents and current is not None and current.documents and date is None and place is None:
            _add_sentence(current, text, sentence, named, claim, position)
            continue
        told = kind != EventType.STRATEGIC and refers_to_known_event(
            fold(sentence.text), position - sentence.start
        )
        same = told and (place is None or place.text == current.place_mention) if current else False
        if current is not None and (same or _continues(current, date, place, named, kind, sub, claim)):
            _add_sentence(current, text, sentence, named, claim, position)
            refine_type(current, kind, sub, fold(sentence.text))
            continue
        draft = _new_event(
            text,
            sentence,
            document,
            kind,
            sub,
            position,
            date,
            place,
            place_why,
            named,
            claim,
            current,
            read_on,
        )
        if draft is None:
            continue
        drafts.append(draft)
        current = draft
    return [d for d in drafts if d.event_type], all_places


def _date_for(text: str, dates: list[DateMention], position: int) -> DateMention | None:
    """The date of the event at ``position``: the nearest one that is neither a deadline ("by 31
    December") nor, when the sentence gives another, the day a party made a statement."""
    usable = [d for d in dates if not _DEADLINE.search(fold(text[max(0, d.start - 12) : d.start]))]
    if not usable:
        return None
    events = [d for d in usable if not _statement_date(text, d)]
    usable = events or usable
    return min(usable, key=lambda d: (abs(d.start - position), d.precision))


def _statement_date(text: str, date: DateMention) -> bool:
    before = fold(text[max(0, date.start - 40) : date.start])
    after = fold(text[date.end : date.end + 60])
    return bool(_STATEMENT_BEFORE.search(before) or _STATEMENT_AFTER.match(after))


def _continues(current, date, place, named, kind, sub, claim) -> bool:
    """Does a sentence with a trigger describe the current event?"""
    if date is not None and not _same_time(current, date):
        return False
    moved = place is not None and place.text != current.place_mention and not place.excluded
    if moved and (current.place_kind not in (COUNTRY, REGION, PART) or place.kind in (COUNTRY, REGION, PART)):
        return False
    if date is not None or place is not None:
        return True
    known = {a.name for a in current.actors + current.side2}
    new_parties = [m for m in named if m.actor.name not in known and not m.actor.generic]
    kind_type = kind if isinstance(kind, EventType) else None
    if new_parties and kind_type is not None and kind_type != current.event_type:
        return False
    return not (claim.documents and not current.documents)


def _same_time(current: EventDraft, date: DateMention) -> bool:
    end = current.event_date_end or current.event_date
    return current.event_date - dt.timedelta(days=1) <= date.date <= end + dt.timedelta(days=1)


def _new_event(
    text, sentence, document, kind, sub, position, date, place, place_why, named, claim, current, read_on
):
    inherited = date is None
    undated = False
    if date is not None:
        start, end, precision = date.date, date.end_date, date.precision
        undated = date.assumed
    elif current is not None:
        start, end = current.event_date, current.event_date_end
        precision = max(current.time_precision, TimePrecision.WEEK)
        undated = current.undated
    elif document.published is not None:
        start, end, precision = document.published, None, TimePrecision.WEEK
    else:
        start, end, precision, undated = read_on, None, TimePrecision.YEAR, True
    if undated:
        precision = TimePrecision.YEAR
    if date is not None and date.end_date and precision == TimePrecision.DAY and date.end_date != date.date:
        precision = TimePrecision.DAY  # a range of days keeps day precision, with an end date
    draft = EventDraft(start, end, precision, "", sub, paragraph=sentence.paragraph, undated=undated)
    draft.by_attack = kind == ATTACK
    if place is not None:
        draft.place_mention, draft.place_kind = place.text, place.kind
        draft.geo_precision = _precision(place)
        if place_why == "route":
            draft.geo_precision = GeoPrecision.NEAR
            draft.place_note = "on a route; located at one of its ends"
        elif place_why == "water":  # "on the Niger River near X", X unknown: the river's course, an area
            draft.place_kind, draft.geo_precision = WATER, GeoPrecision.ADMIN1
    elif current is not None and current.place_mention and (inherited or _same_time(current, date)):
        draft.place_mention, draft.place_kind = current.place_mention, current.place_kind
        draft.geo_precision = current.geo_precision
        draft.place_note = "place carried over from the previous event"
    draft.documents = claim.documents
    _add_sentence(draft, text, sentence, named, claim, position, kind=kind, sub=sub)
    if inherited and not undated:
        draft.place_note = (draft.place_note + "; " if draft.place_note else "") + "date carried over"
    if undated:
        draft.place_note = (draft.place_note + "; " if draft.place_note else "") + UNDATED
    return draft


def _precision(place: PlaceMention) -> GeoPrecision:
    if place.kind == COUNTRY:
        return GeoPrecision.COUNTRY
    if place.kind in (REGION, PART):
        return GeoPrecision.ADMIN1
    return GeoPrecision.NEAR if place.near else GeoPrecision.PLACE


def _add_sentence(draft, text, sentence, named, claim, position, *, kind=None, sub=""):
    folded = fold(text[sentence.start : sentence.end])
    offset = position - sentence.start
    side1, side2 = _sides(folded, named, sentence.start, offset)
    for mention in named:
        draft.first_seen.setdefault(mention.actor.name, mention.start)
    for actor in side1:
        if actor not in draft.actors:
            draft.actors.append(actor)
    for actor in side2:
        if actor not in draft.side2 and actor not in draft.actors:
            draft.side2.append(actor)
    if kind is not None and not draft.event_type:
        draft.event_type, draft.sub_event_type = decide_type(
            kind, sub, folded, offset, actors=draft.actors, side2=draft.side2
        )
    _annotate(draft, text, sentence, named, claim)


def _annotate(draft: EventDraft, text: str, sentence: Sentence, named, claim: Claim) -> None:
    folded = fold(text[sentence.start : sentence.end])
    if claim.status == ClaimStatus.REPORTED and draft.claim.claimant and refers_back(sentence.text):
        claim = draft.claim  # "… it said": the party that spoke before is still speaking
    figure = fatalities(folded)
    if figure is not None:
        draft.fatalities.append(figure[0])
        if figure[1] is not None:
            draft.fatalities_high = max(draft.fatalities_high or 0, figure[1])
    has_evidence = any(e.start == sentence.start for e in draft.evidence)
    denial = denies(sentence.text)
    # a sentence that opens the event or adds to it while denying it, or a party's claim denied in its
    # own sentence, makes the event disputed
    if denial and (not has_evidence or claim.status == ClaimStatus.CLAIMED):
        draft.disputed = True
    responsibility = (claim.status == ClaimStatus.CLAIMED and "responsib" in folded) or "revendiqu" in folded
    if responsibility and claim.claimant:
        actor = next(
            (
                m.actor
                for m in named
                if m.actor.named(None) == claim.claimant or m.actor.name == claim.claimant
            ),
            None,
        )
        if actor is not None and actor not in draft.actors:
            draft.actors.insert(0, actor)
    if not has_evidence and (
        draft.evidence == []
        or figure is not None
        or responsibility
        or denial
        or find_trigger(text, sentence) is not None
    ):
        draft.evidence.append(
            EvidenceSpan(sentence.text, sentence.start, sentence.end, claim.status.value, claim.claimant)
        )
        draft.claim = _stronger(draft.claim, claim) if len(draft.evidence) > 1 else claim


def _stronger(a: Claim, b: Claim) -> Claim:
    """The event rests on its most direct support: reported over claimed over alleged."""
    order = {ClaimStatus.REPORTED: 0, ClaimStatus.CLAIMED: 1, ClaimStatus.ALLEGED: 2, ClaimStatus.DISPUTED: 3}
    if a.documents or b.documents:
        return a if a.documents else b
    return a if order[a.status] <= order[b.status] else b


def _sides(folded: str, named: list[ActorMention], sentence_start: int, trigger: int):
    side1: list[ActorEntry] = []
    side2: list[ActorEntry] = []
    for mention in named:
        start = mention.start - sentence_start
        before = folded[:start]
        if mention.actor.inter == 7:
            side2.append(mention.actor)
        elif start < trigger or (_PASSIVE_AGENT.search(before) and start < trigger + 30):
            if _PASSIVE_AGENT.search(before) and trigger < start < trigger + 30:
                side1.insert(0, mention.actor)
            else:
                side1.append(mention.actor)
        else:
            side2.append(mention.actor)
    return side1, side2


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def _shift(mention: ActorMention, offset: int) -> ActorMention:
    return ActorMention(mention.start - offset, mention.end - offset, mention.text, mention.actor)
