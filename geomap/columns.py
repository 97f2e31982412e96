"""The event table's columns and ids: what every stage names, importable without pandas.

:mod:`geomap.schema` holds the table itself (validation, empty tables, stacking)
and re-exports these, so ``from geomap.schema import EVENT_COLUMNS`` keeps
working; the command line, the geocoder and the app's first page import them
from here, which costs no pandas, geopandas or shapely (issue 16: start-up).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from geomap.model import ClaimStatus, EventType, GeoPrecision, Reliability, TimePrecision

if TYPE_CHECKING:
    from shapely.geometry import Point

WGS84 = "EPSG:4326"

#: column name → kind ("str", "int", "float", "date").  Order is the export order.
EVENT_COLUMNS: dict[str, str] = {
    "event_id": "str",
    "event_date": "date",
    "event_date_end": "date",
    "time_precision": "int",
    "event_type": "str",
    "sub_event_type": "str",
    "actor1": "str",
    "assoc_actor_1": "str",
    "actor2": "str",
    "assoc_actor_2": "str",
    "inter1": "int",
    "inter2": "int",
    "country": "str",
    "iso3": "str",
    "admin1": "str",
    "admin2": "str",
    "location": "str",
    "place_mention": "str",
    "geonameid": "int",
    "latitude": "float",
    "longitude": "float",
    "geo_precision": "int",
    "geocode_confidence": "float",
    "fatalities": "int",
    "fatalities_low": "int",
    "fatalities_high": "int",
    "notes": "str",
    "source": "str",
    "source_url": "str",
    "source_date": "date",
    "n_sources": "int",
    "claim_status": "str",
    "reliability": "str",
    "credibility": "int",
    "quote": "str",
    "extraction": "str",
    # the row's id in the dataset it came from (ACLED event_id_cnty, UCDP "ucdp:<id>"); a merged event
    # lists every member, "; "-joined: each coded row by this id, each article report by its event_id
    "origin_id": "str",
    # a coded row's dataset: "acled", "ucdp" or "native" (a researcher's table); empty for articles.
    # Rows of a coded dataset are never merged with each other (geomap.sourcing.merging)
    "dataset": "str",
    # coded events of other datasets that describe the same event ("; "-joined event_ids): each keeps
    # its own fields and fatalities; n_sources counts the outlets of both
    "linked_ids": "str",
    "reviewed": "str",  # the researcher's corrections of this event: "claim_status by anna, 2026-12-02; …"
}

SOURCE_COLUMNS: dict[str, str] = {
    "source_id": "str",
    "outlet": "str",
    "url": "str",
    "title": "str",
    "published": "date",
    "language": "str",
    "kind": "str",
    "reliability": "str",
    "origin": "str",
    #: an article's vote for its outlet's home ("ML:03 ML:04", :mod:`geomap.geocode.outlets`): the
    #: first-level regions its own place names lie in, kept so that a later import counts it too
    "placed_regions": "str",
}

EVIDENCE_COLUMNS: dict[str, str] = {
    "event_id": "str",
    "source_id": "str",
    "sentence": "str",
    "start": "int",
    "end": "int",
    "claim_status": "str",
    "claimant": "str",
    "report_id": "str",  # the event_id of the report this row supports, before reports were merged
}

#: a researcher's correction of one field of one event (geomap.corrections)
CORRECTION_COLUMNS: dict[str, str] = {
    "correction_id": "str",
    "event_id": "str",
    "field": "str",
    "value": "str",  # JSON
    "previous": "str",  # JSON: the value before the correction, for the record
    "who": "str",
    "at": "str",  # ISO 8601 UTC timestamp
    "note": "str",
    "anchor_source_id": "str",  # finds the event again when its id changes on re-extraction
    "anchor_sentence": "str",
}

EVENT_TYPES = frozenset(t.value for t in EventType)
CLAIM_STATUSES = frozenset(c.value for c in ClaimStatus)
RELIABILITIES = frozenset(r.value for r in Reliability)
GEO_PRECISIONS = frozenset(int(p) for p in GeoPrecision)
TIME_PRECISIONS = frozenset(int(p) for p in TimePrecision)

#: default values for optional columns left empty
DEFAULTS: dict[str, object] = {
    "time_precision": int(TimePrecision.DAY),
    "geo_precision": int(GeoPrecision.PLACE),
    "claim_status": ClaimStatus.REPORTED.value,
    "reliability": Reliability.F.value,
    "credibility": 6,
    "n_sources": 1,
    "extraction": "table",
}


def make_event_id(*, source: str, event_date: str, place: str, event_type: str, origin: str = "") -> str:
    """Stable event id: a hash of its sources, date, place and type (and its dataset id, when it has one).

    The same inputs give the same id on every run, so re-importing a table
    updates its events instead of duplicating them.  ``origin``, the row's id in
    its dataset, keeps apart two coded rows that share outlet, day, place and type
    (ACLED codes one event per village and day, often from one outlet).
    """
    outlets = "; ".join(sorted(s.strip().lower() for s in source.split(";") if s.strip()))
    key = "|".join([outlets, event_date, place.strip().lower(), event_type])
    if origin:
        key += f"|{origin}"
    return "ev-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def make_source_id(*, outlet: str, url: str = "") -> str:
    """Stable source id from an outlet name and (when known) the report's URL."""
    key = f"{outlet.strip().lower()}|{url.strip()}"
    return "src-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def point(lat: float, lon: float) -> Point:
    """The one place where (lat, lon) becomes a shapely point, which is (x=lon, y=lat)."""
    from shapely.geometry import Point  # shapely (and numpy) only once a point is made

    return Point(lon, lat)
