"""The map's data payload: every event once, compactly, with its text escaped.

The page receives one JSON object: a table of distinct strings (each escaped
by :mod:`geomap.mapping.annotate`, so the browser only ever joins safe
fragments) and, per event, columns of indices into it and of numbers.  Outlets,
actors, places and dates repeat across events and are stored once.  The popup
of an event is assembled in the browser only when it is opened
(``static/eventmap.js``), with the same structure as
:func:`~geomap.mapping.annotate.event_annotation`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.mapping.annotate import (
    CLAIM_COLOURS,
    CLAIM_WORDS,
    GEO_PRECISION_WORDS,
    TIME_PRECISION_WORDS,
    escape_series,
    escape_text,
    provenance_series,
    safe_urls,
    source_entries,
)
from geomap.mapping.style import PLACE_KINDS, POINT, event_style

TEXT_COLUMNS = [
    "event_type", "sub_event_type", "notes", "location", "admin1", "country", "place_mention",
    "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "event_date", "event_date_end",
    "claim_status", "reliability", "reviewed", "provenance",
]  # fmt: skip
NUMBER_COLUMNS = [
    "time_precision", "geo_precision", "fatalities", "fatalities_low", "fatalities_high",
    "n_sources", "credibility",
]  # fmt: skip
ACTOR_TYPES = {
    1: "state forces", 2: "rebel groups", 3: "political militias (incl. jihadist groups)",
    4: "identity militias", 5: "rioters", 6: "protesters", 7: "civilians", 8: "external/other forces",
    0: "actor type unknown",
}  # fmt: skip
_EPOCH = pd.Timestamp("1970-01-01")


class StringTable:
    """Distinct escaped strings; columns become lists of indices (-1 for missing)."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.strings)
            self.strings.append(text)
        return self._index[text]

    def column(self, values: pd.Series, *, escaped: bool = False) -> list[int]:
        """Indices of the escaped values (``escaped``: they already are); None, NaN and "" become -1."""
        present = values.astype("object").where(values.notna() & (values.astype(str).str.strip() != ""), None)
        codes, uniques = pd.factorize(present, use_na_sentinel=True)
        texts = pd.Series(uniques, dtype="object")
        texts = texts if escaped else escape_series(texts)
        lookup = np.array([self.add(t) for t in texts] + [-1])
        return lookup[codes].tolist()  # code -1 picks the trailing -1


def _numbers(values: pd.Series) -> list[int | None]:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(numbers)
    whole = np.where(missing, 0, numbers).astype(np.int64).tolist()
    return [None if m else v for v, m in zip(whole, missing.tolist(), strict=True)]


def _days(values: pd.Series) -> list[int]:
    stamps = pd.to_datetime(values, errors="coerce")
    return ((stamps - _EPOCH).dt.days).fillna(0).astype(int).tolist()


def _styles(events: pd.DataFrame) -> tuple[list[dict], list[int]]:
    """Distinct styles (type × claim status × corroborated), and each event's style index."""
    corroborated = pd.to_numeric(events["n_sources"], errors="coerce").fillna(1) >= 2
    keys = list(
        zip(events["event_type"], events["claim_status"].fillna("reported"), corroborated, strict=True)
    )
    styles: list[dict] = []
    index: dict[tuple, int] = {}
    for key in dict.fromkeys(keys):
        index[key] = len(styles)
        styles.append(
            event_style({"event_type": key[0], "claim_status": key[1], "n_sources": 2 if key[2] else 1})
        )
    return styles, [index[k] for k in keys]


def _radii(events: pd.DataFrame) -> list[float]:
    deaths = pd.to_numeric(events["fatalities"], errors="coerce").fillna(0).clip(lower=0)
    return np.minimum(5 + 1.6 * np.sqrt(deaths.to_numpy(dtype=float)), 18).round(1).tolist()


def _kinds(events: pd.DataFrame) -> list[int]:
    precision = pd.to_numeric(events["geo_precision"], errors="coerce").fillna(1).astype(int)
    return precision.map(PLACE_KINDS).fillna(POINT).astype(int).tolist()


def _actor_bits(events: pd.DataFrame) -> list[int]:
    bits = np.zeros(len(events), dtype=np.int64)
    for column in ("inter1", "inter2"):
        codes = pd.to_numeric(events[column], errors="coerce")
        known = codes.notna().to_numpy()
        bits[known] |= np.left_shift(1, codes[known].astype(int).to_numpy())
    bits[bits == 0] = 1  # bit 0: actor type unknown
    return bits.tolist()


def _entries(table: StringTable, events, evidence, sources) -> dict[str, list]:
    entries = source_entries(events, evidence, sources)
    href = safe_urls(entries["url"])
    shown = entries["url"].where(href.isna(), None)
    counts = entries.groupby("event_id", sort=False).size()
    per_event = events["event_id"].astype(str).map(counts).fillna(0).astype(int)
    return {
        "start": [0, *np.cumsum(per_event.to_numpy()).tolist()],
        "outlet": table.column(entries["outlet"]),
        "href": table.column(href, escaped=True),
        "shown": table.column(shown),
        "date": table.column(entries["date"]),
        "grade": table.column(entries["grade"]),
        "status": table.column(entries["status"]),
        "claimant": table.column(entries["claimant"]),
        "quote": table.column(entries["quote"]),
    }


def event_payload(
    events: pd.DataFrame, *, groups: list[str], evidence=None, sources=None, regions: list[int] | None = None
) -> dict:
    """The JSON-ready payload for ``events`` (which all have coordinates); ``groups`` are the layer names.

    ``regions``: per event, the position of its first-level region in the map's
    region list (-1: none), used for the events known only to their region.
    """
    table = StringTable()
    group_of = {name: n for n, name in enumerate(groups)}
    styles, style_index = _styles(events)
    return {
        "n": len(events),
        "lat": events["latitude"].astype(float).round(5).tolist(),
        "lon": events["longitude"].astype(float).round(5).tolist(),
        "group": events["event_type"].map(group_of).astype(int).tolist(),
        "style": style_index,
        "radius": _radii(events),
        "kind": _kinds(events),
        "region": regions if regions is not None else [-1] * len(events),
        "day0": _days(events["event_date"]),
        "day1": _days(events["event_date_end"].fillna(events["event_date"])),
        "actors": _actor_bits(events),
        "text": {c: table.column(text_column(events, c)) for c in TEXT_COLUMNS},
        "number": {c: _numbers(events[c]) for c in NUMBER_COLUMNS},
        "sources": _entries(table, events, evidence, sources),
        "styles": styles,
        "strings": table.strings,
    }


def text_column(events: pd.DataFrame, name: str) -> pd.Series:
    """One of :data:`TEXT_COLUMNS` of ``events`` (raw text): a column, or "provenance", made from three."""
    return provenance_series(events) if name == "provenance" else events[name]


def page_words() -> dict:
    """The fixed words the browser needs to assemble popups and controls (ours, escaped anyway)."""
    return {
        "time": {str(k): escape_text(v) for k, v in TIME_PRECISION_WORDS.items()},
        "geo": {str(k): escape_text(v) for k, v in GEO_PRECISION_WORDS.items()},
        "claim": {k: [escape_text(a), escape_text(b)] for k, (a, b) in CLAIM_WORDS.items()},
        "claimColour": dict(CLAIM_COLOURS),
        "actorTypes": {str(k): escape_text(v) for k, v in ACTOR_TYPES.items()},
    }
