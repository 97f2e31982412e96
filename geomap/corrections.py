"""A researcher's corrections: change an event's place, type, actors, claim status or credibility, or
mark it not-an-event, with who and when, so that the change survives re-imports and re-extraction.

Corrections live in the store's ``corrections`` layer, one row per field
changed, and are applied whenever the store is read (:meth:`geomap.store.Store.read`):
the imported data itself is never edited, so a correction can be reviewed and
every import recomputes the events before the corrections are laid over them.

An event is found again by its ``event_id``; when re-extraction gives it
another id, by its anchor: the source and the sentence of its first evidence
row.  A correction whose event cannot be found is kept and reported by
:func:`orphaned`, never dropped.

Correctable fields (:data:`FIELDS`):

* ``place``: JSON ``{"location", "latitude", "longitude", ...}`` (also
  ``admin1``, ``country``, ``iso3``, ``geonameid``, ``geo_precision``);
* ``event_type``, ``sub_event_type``, ``actor1``, ``assoc_actor_1``,
  ``actor2``, ``assoc_actor_2``, ``notes``: text (``event_type`` one of ACLED's);
* ``claim_status``: reported | claimed | alleged | disputed;
* ``credibility``: 1–6 (overrides the rules of geomap.sourcing.corroborate);
* ``fatalities``: a whole number ≥ 0;
* ``event_date``: YYYY-MM-DD;
* ``not_an_event``: true or false (true hides the event from the map, the
  table and the exports; false undoes it).

A **split** is a correction too (field ``split``, made by :func:`make_split`):
it names reports of a merged event that must never be merged with the event's
other reports.  It is not laid over the events: the merge reads it
(:func:`apart_pairs`) before grouping reports, so it survives every re-import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from geomap.errors import InputError
from geomap.schema import CLAIM_STATUSES, CORRECTION_COLUMNS, EVENT_TYPES, WGS84, points

TEXT_FIELDS = frozenset(
    ["event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "notes"]
)
FIELDS = frozenset(
    [*TEXT_FIELDS, "place", "claim_status", "credibility", "fatalities", "event_date", "not_an_event"]
)
PLACE_KEYS = ("location", "latitude", "longitude", "admin1", "country", "iso3", "geonameid", "geo_precision")


def check_value(field: str, value: object) -> object:
    """The value a correction of ``field`` stores, checked; InputError naming the field when it is wrong."""
    if field not in FIELDS:
        raise InputError(
            f"correction: field: {field!r} cannot be corrected; choose one of {', '.join(sorted(FIELDS))}"
        )
    if field == "place":
        return _check_place(value)
    if field == "event_type":
        if value not in EVENT_TYPES:
            raise InputError(
                f"correction: event_type: {value!r} is not one of {', '.join(sorted(EVENT_TYPES))}"
            )
        return value
    if field in TEXT_FIELDS:
        return None if value in (None, "") else str(value)
    if field == "claim_status":
        if value not in CLAIM_STATUSES:
            raise InputError(
                f"correction: claim_status: {value!r} is not one of {', '.join(sorted(CLAIM_STATUSES))}"
            )
        return value
    if field in ("credibility", "fatalities"):
        number = _whole(value, field)
        if field == "credibility" and not 1 <= number <= 6:
            raise InputError(f"correction: credibility: {number} is not a grade 1–6")
        if number < 0:
            raise InputError(f"correction: fatalities: {number} is negative")
        return number
    if field == "event_date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError as err:
            raise InputError(f"correction: event_date: {value!r} is not a date YYYY-MM-DD") from err
    if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
        return value.lower() in ("true", "yes", "1")
    if isinstance(value, bool):
        return value
    raise InputError(f"correction: not_an_event: {value!r} is not true or false")


def _whole(value: object, field: str) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise InputError(f"correction: {field}: {value!r} is not a whole number") from err
    if number != int(number):
        raise InputError(f"correction: {field}: {value!r} is not a whole number")
    return int(number)


def _check_place(value: object) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as err:
            raise InputError(f"correction: place: not JSON: {err}") from err
    if not isinstance(value, Mapping):
        raise InputError("correction: place: give location, latitude and longitude")
    unknown = set(value) - set(PLACE_KEYS)
    if unknown:
        raise InputError(f"correction: place: unknown keys {', '.join(sorted(unknown))}")
    try:
        lat, lon = float(value["latitude"]), float(value["longitude"])
    except (KeyError, TypeError, ValueError) as err:
        raise InputError("correction: place: latitude and longitude must be numbers") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"correction: place: ({lat}, {lon}) is not a WGS84 latitude/longitude")
    place = {k: value.get(k) for k in PLACE_KEYS if value.get(k) not in (None, "")}
    place.update(latitude=lat, longitude=lon)
    place.setdefault("location", f"{lat:.5f}, {lon:.5f}")
    place["geo_precision"] = int(place.get("geo_precision") or 1)
    if place["geo_precision"] not in (1, 2, 3, 4):
        raise InputError("correction: place: geo_precision must be 1–4")
    return place


def make_correction(
    event: Mapping,
    field: str,
    value: object,
    *,
    who: str,
    note: str = "",
    evidence: pd.DataFrame | None = None,
    at: dt.datetime | None = None,
) -> dict:
    """One correction row for ``event`` (a row of the event table as shown), checked."""
    if not str(who or "").strip():
        raise InputError("correction: who: say who makes the correction")
    checked = check_value(field, value)
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="microseconds")
    previous = (
        {k: _plain(event.get(k)) for k in PLACE_KEYS}
        if field == "place"
        else (False if field == "not_an_event" else _plain(event.get(field)))
    )
    anchor_source, anchor_sentence = _anchor(str(event["event_id"]), evidence)
    key = f"{event['event_id']}|{field}|{when}|{who}|{json.dumps(checked, sort_keys=True)}"
    return {
        "correction_id": "cor-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16],
        "event_id": str(event["event_id"]),
        "field": field,
        "value": json.dumps(checked, ensure_ascii=False, sort_keys=True),
        "previous": json.dumps(previous, ensure_ascii=False, sort_keys=True, default=str),
        "who": str(who).strip(),
        "at": when,
        "note": note or None,
        "anchor_source_id": anchor_source,
        "anchor_sentence": anchor_sentence,
    }


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _anchor(event_id: str, evidence: pd.DataFrame | None) -> tuple[str | None, str | None]:
    if evidence is None or evidence.empty:
        return None, None
    mine = evidence[(evidence["event_id"].astype(str) == event_id) & evidence["sentence"].notna()]
    if mine.empty:
        return None, None
    first = mine.sort_values(["source_id", "start"], na_position="last").iloc[0]
    return str(first["source_id"]), str(first["sentence"])


SPLIT = "split"


def make_split(
    event_id: str,
    taken: list[str],
    rest: list[str],
    *,
    who: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> dict:
    """A split of a merged event: the reports ``taken`` are never merged with the reports ``rest``."""
    if not str(who or "").strip():
        raise InputError("split: who: say who splits the event")
    if not taken or not rest:
        raise InputError(f"split: {event_id}: name some, not all, of the event's reports")
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="microseconds")
    value = {"apart": sorted(taken), "from": sorted(rest)}
    key = f"{event_id}|{SPLIT}|{when}|{who}|{json.dumps(value, sort_keys=True)}"
    return {
        "correction_id": "cor-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:16],
        "event_id": str(event_id),
        "field": SPLIT,
        "value": json.dumps(value, ensure_ascii=False, sort_keys=True),
        "previous": json.dumps(sorted([*taken, *rest]), ensure_ascii=False),
        "who": str(who).strip(),
        "at": when,
        "note": note or None,
        "anchor_source_id": None,
        "anchor_sentence": None,
    }


def apart_pairs(corrections: pd.DataFrame) -> set[tuple[str, str]]:
    """The pairs of report ids that the researcher's splits keep apart."""
    pairs: set[tuple[str, str]] = set()
    if corrections.empty:
        return pairs
    for value in corrections.loc[corrections["field"] == SPLIT, "value"]:
        split = json.loads(value)
        pairs |= {(a, b) for a in split["apart"] for b in split["from"]}
    return pairs


def _laid_over(corrections: pd.DataFrame) -> pd.DataFrame:
    """The corrections laid over events (a split is read by the merge instead)."""
    return corrections[corrections["field"] != SPLIT] if not corrections.empty else corrections


def corrections_frame(rows: list[dict]) -> pd.DataFrame:
    """Correction rows as a table with the corrections layer's columns."""
    return pd.DataFrame(rows, columns=list(CORRECTION_COLUMNS))


def locate(corrections: pd.DataFrame, events: pd.DataFrame, evidence: pd.DataFrame | None) -> pd.Series:
    """The event each correction applies to now (its id, or found by its anchor); NaN when none."""
    ids = set(events["event_id"].astype(str))
    by_anchor: dict[tuple[str, str], str] = {}
    if evidence is not None and not evidence.empty:
        for event_id, source_id, sentence in zip(
            evidence["event_id"].astype(str),
            evidence["source_id"].astype(str),
            evidence["sentence"],
            strict=True,
        ):
            if isinstance(sentence, str) and event_id in ids:
                by_anchor.setdefault((source_id, sentence), event_id)
    found = []
    for event_id, source_id, sentence in zip(
        corrections["event_id"].astype(str),
        corrections["anchor_source_id"],
        corrections["anchor_sentence"],
        strict=True,
    ):
        if event_id in ids:
            found.append(event_id)
        else:
            found.append(
                by_anchor.get((str(source_id), str(sentence))) if isinstance(sentence, str) else None
            )
    return pd.Series(found, index=corrections.index, dtype="object")


def orphaned(corrections: pd.DataFrame, events: pd.DataFrame, evidence: pd.DataFrame | None) -> pd.DataFrame:
    """Corrections whose event is no longer in the store (kept, shown so the researcher can redo them)."""
    corrections = _laid_over(corrections)
    if corrections.empty:
        return corrections
    return corrections[locate(corrections, events, evidence).isna().to_numpy()]


def _in_order(corrections: pd.DataFrame, events: pd.DataFrame, evidence: pd.DataFrame | None) -> pd.DataFrame:
    """The corrections whose event is found, with that event's id as ``_target``, oldest first."""
    corrections = _laid_over(corrections)
    located = corrections.assign(_target=locate(corrections, events, evidence)).dropna(subset=["_target"])
    return located.sort_values("at", kind="stable")


def rejected_ids(corrections: pd.DataFrame, events: pd.DataFrame, evidence: pd.DataFrame | None) -> set[str]:
    """The ids of the events whose last ``not_an_event`` correction marks them not-an-event."""
    if corrections.empty or events.empty:
        return set()
    marks = _in_order(corrections, events, evidence)
    last = marks[marks["field"] == "not_an_event"].groupby("_target")["value"].last()
    return {str(event_id) for event_id, value in last.items() if json.loads(value)}


def apply_corrections(
    events: gpd.GeoDataFrame,
    corrections: pd.DataFrame,
    *,
    evidence: pd.DataFrame | None = None,
    keep_rejected: bool = False,
) -> gpd.GeoDataFrame:
    """The events with the corrections laid over them, in the order they were made (the last one wins).

    Each corrected event lists what was corrected, by whom and when, in
    ``reviewed``; events marked not-an-event are left out unless ``keep_rejected``.
    """
    if corrections.empty or events.empty:
        return events
    table = events.copy()
    ordered = _in_order(corrections, table, evidence)
    if ordered.empty:
        return events
    row_of = {event_id: i for i, event_id in zip(table.index, table["event_id"].astype(str), strict=True)}
    rejected: dict[str, bool] = {}
    reviewed: dict[str, list[str]] = {}
    for correction in ordered.to_dict("records"):
        event_id, field = correction["_target"], correction["field"]
        value = json.loads(correction["value"])
        i = row_of[event_id]
        if field == "place":
            for key in PLACE_KEYS:
                table.at[i, key] = value.get(key)
            table.at[i, "place_mention"] = table.at[i, "place_mention"] or value.get("location")
            table.at[i, "geocode_confidence"] = 1.0
        elif field == "not_an_event":
            rejected[event_id] = bool(value)
        else:
            table.at[i, field] = value
        day = str(correction["at"])[:10]
        label = "not an event" if field == "not_an_event" and value else field
        reviewed.setdefault(event_id, []).append(f"{label} by {correction['who']}, {day}")
    for event_id, notes in reviewed.items():
        table.at[row_of[event_id], "reviewed"] = "; ".join(dict.fromkeys(notes))
    table = gpd.GeoDataFrame(
        table.drop(columns="geometry", errors="ignore"),
        geometry=points(table["latitude"], table["longitude"]),
    )
    table = table.set_crs(WGS84, allow_override=True)
    if not keep_rejected:
        gone = {e for e, r in rejected.items() if r}
        table = table[~table["event_id"].astype(str).isin(gone)]
    return table.reset_index(drop=True)


def correct(store, event_id: str, field: str, value: object, *, who: str, note: str = "") -> dict:
    """Record one correction of one stored event; returns the correction row."""
    return correct_fields(store, event_id, [(field, value)], who=who, note=note)[0]


def correct_fields(
    store, event_id: str, changes: list[tuple[str, object]], *, who: str, note: str = ""
) -> list[dict]:
    """Record corrections of several fields of one stored event in one write; returns their rows.

    The event is looked up as the store shows it (corrections applied, events
    marked not-an-event included, so that mark can be undone).  Every change is
    checked before any is stored: one bad value stores none.  The store's lock
    is held from the look-up to the write, so an import cannot come between.
    """
    with store.lock():
        contents = store.read(rejected=True, event_ids=[str(event_id)])
        events = contents.events
        match = events[events["event_id"].astype(str) == str(event_id)]
        if match.empty:
            raise InputError(f"{store.path}: event_id: no event {event_id!r} in the store")
        event = match.iloc[0].to_dict()
        rows = [
            make_correction(event, field, value, who=who, note=note, evidence=contents.evidence)
            for field, value in changes
        ]
        store.add_corrections(corrections_frame(rows))
    return rows
