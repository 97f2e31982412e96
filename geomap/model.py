"""Plain values passed between the stages: enums of the event-table codes and small dataclasses.

The event table itself (a GeoDataFrame) is described in :mod:`geomap.schema`;
these types name its codes and carry single records (a source, a piece of
evidence, a resolved place) where a whole table would be too much.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum, StrEnum


class EventType(StrEnum):
    """ACLED's six event types."""

    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC = "Strategic developments"


class GeoPrecision(IntEnum):
    """How precisely an event is located (DESIGN.md §3)."""

    PLACE = 1  # the named place itself
    NEAR = 2  # near a place, or a part of a region
    ADMIN1 = 3  # only the first-level region is known
    COUNTRY = 4  # only the country is known


class TimePrecision(IntEnum):
    """How precisely an event is dated."""

    DAY = 1
    WEEK = 2
    MONTH = 3
    YEAR = 4


class ClaimStatus(StrEnum):
    """Whose voice an event rests on."""

    REPORTED = "reported"  # stated by the source in its own voice
    CLAIMED = "claimed"  # attributed to a party (a claim of responsibility, an army statement)
    ALLEGED = "alleged"  # hedged or unverified ("reportedly", "documents said to be")
    DISPUTED = "disputed"  # contradicted or denied


class Reliability(StrEnum):
    """Admiralty grading of a source, A (completely reliable) to F (cannot be judged)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Credibility(IntEnum):
    """Admiralty grading of a piece of information, 1 (confirmed) to 6 (cannot be judged)."""

    CONFIRMED = 1
    PROBABLY_TRUE = 2
    POSSIBLY_TRUE = 3
    DOUBTFUL = 4
    IMPROBABLE = 5
    CANNOT_BE_JUDGED = 6


class Extraction(StrEnum):
    """How an event entered geomap."""

    TABLE = "table"
    RULES = "rules"
    NER = "ner"
    MANUAL = "manual"


#: extractions of a coded dataset's rows (ACLED, UCDP, a researcher's table): events, never merged together
CODED_EXTRACTIONS = frozenset({Extraction.TABLE.value, Extraction.MANUAL.value})


@dataclass(frozen=True)
class Source:
    """One document or outlet report behind events."""

    source_id: str
    outlet: str
    url: str = ""
    title: str = ""
    published: str = ""  # ISO date, "" when unknown
    language: str = ""
    kind: str = ""  # wire, national, party statement, … (filled by the registry)
    reliability: str = Reliability.F.value
    origin: str = ""  # the file it was read from


@dataclass(frozen=True)
class Evidence:
    """One source's support for one event: the sentence and who makes the claim."""

    event_id: str
    source_id: str
    sentence: str = ""
    start: int = -1  # character offsets of the sentence in the source text; -1 if unknown
    end: int = -1
    claim_status: str = ClaimStatus.REPORTED.value
    claimant: str = ""


@dataclass(frozen=True)
class Actor:
    """A canonical actor with its ACLED interaction code."""

    name: str
    inter: int = 8
    aliases: tuple[str, ...] = ()
    country: str = ""


@dataclass(frozen=True)
class Place:
    """A resolved location with its precision and where it came from.

    ``candidates`` keeps the rejected candidates as ``(name, reason)`` pairs so
    that a reviewer can see why the geocoder chose what it chose.
    """

    name: str
    lat: float
    lon: float
    geo_precision: GeoPrecision
    confidence: float
    country: str = ""  # ISO 3166-1 alpha-2
    iso3: str = ""
    admin1: str = ""
    admin2: str = ""
    geonameid: int | None = None
    origin: str = "embedded"
    reason: str = ""
    candidates: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    needs_review: bool = False  # a fallback to the region or country the text establishes


GRADES = ["A", "B", "C", "D", "E", "F"]  # source reliability, A best


@dataclass(frozen=True)
class EventFilter:
    """A selection of events; empty sets and None mean "no restriction"."""

    date_from: date | None = None
    date_to: date | None = None
    event_types: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    claim_statuses: frozenset[str] = frozenset()
    text: str = ""
    countries: frozenset[str] = frozenset()  # country names as stored
    regions: frozenset[str] = frozenset()  # admin1 names
    min_sources: int = 1  # independent outlets
    min_reliability: str = "F"  # A (best) … F: events whose best source is graded at least this well
    geo_precisions: frozenset[int] = frozenset()  # 1 place … 4 country
