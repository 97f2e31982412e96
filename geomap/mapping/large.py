"""The large-map path: a million events in one offline page.

The numbers of every event (coordinates, days, type, style, precision,
sourcing, actor types) travel as typed arrays in one gzip-compressed blob; the
text of the popups travels in chunks of :data:`CHUNK_SIZE` events, each a
gzip-compressed JSON payload of the same shape as the small map's (see
:mod:`geomap.mapping.payload`), unpacked in the browser only when a popup needs
it.  Every string in the chunks is escaped by :mod:`geomap.mapping.annotate`
before it is packed.  The points are clustered by supercluster (vendored in
``static/supercluster``) and drawn on a canvas (``static/largemap.js``).
"""

from __future__ import annotations

import base64
import gzip
import json
from importlib import resources

import numpy as np
import pandas as pd

from geomap.mapping.annotate import escape_series, safe_urls, source_entries
from geomap.mapping.layers import EventMap, _runtime, pack_payload, script_json
from geomap.mapping.payload import (
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    _actor_bits,
    _days,
    _kinds,
    _styles,
    text_column,
)
from geomap.mapping.style import TYPE_COLOURS

LARGE_ABOVE = 50_000  # events; more are drawn by the large-map path
CHUNK_SIZE = 4_096  # events per text chunk: one chunk is unpacked for a popup (~20 ms)
CLUSTER_MAX_ZOOM = 10  # points are clustered up to this zoom and drawn one by one above it
STATUSES = ["reported", "claimed", "alleged", "disputed"]
ENTRY_TEXT = ["outlet", "href", "shown", "date", "grade", "status", "claimant", "quote"]
_DTYPES = {"f4": np.float32, "i4": np.int32, "u2": np.uint16, "u1": np.uint8}


def pack_bytes(raw: bytes) -> str:
    """base64 of gzip-compressed ``raw``: what the browser unpacks with DecompressionStream."""
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def unpack_bytes(packed: str) -> bytes:
    """The inverse of :func:`pack_bytes`."""
    return gzip.decompress(base64.b64decode(packed))


def encode_columns(columns: dict[str, np.ndarray]) -> tuple[str, list[list]]:
    """Typed columns → (packed blob, layout of ``[name, type, byte offset, length]``).

    Each column must have one of the dtypes float32, int32, uint16, uint8.  A
    column of wider values is stored as byte planes (all first bytes, then all
    second bytes…, little-endian): the high bytes of coordinates and days barely
    change, and gzip packs such planes far better.  Each column starts at an
    offset that is a multiple of 4.
    """
    kinds = {np.dtype(v): k for k, v in _DTYPES.items()}
    parts, layout, offset = [], [], 0
    for name, values in columns.items():
        kind = kinds.get(values.dtype)
        if kind is None:
            raise TypeError(f"column {name!r} has dtype {values.dtype}; use one of {sorted(_DTYPES)}")
        width = values.dtype.itemsize
        little = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
        raw = little.view(np.uint8).reshape(len(values), width).T.tobytes()
        layout.append([name, kind, offset, len(values)])
        pad = -len(raw) % 4
        parts.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    return pack_bytes(b"".join(parts)), layout


def decode_columns(packed: str, layout: list[list]) -> dict[str, np.ndarray]:
    """The inverse of :func:`encode_columns` (what ``geomapColumns`` does in the browser)."""
    raw = np.frombuffer(unpack_bytes(packed), dtype=np.uint8)
    out = {}
    for name, kind, offset, length in layout:
        dtype = np.dtype(_DTYPES[kind]).newbyteorder("<")
        planes = raw[offset : offset + length * dtype.itemsize].reshape(dtype.itemsize, length)
        out[name] = np.ascontiguousarray(planes.T).view(dtype).reshape(length)
    return out


def event_columns(events: pd.DataFrame, *, groups: list[str], regions: list[int] | None = None) -> dict:
    """The typed columns of ``events`` (all with coordinates) and the styles their ``style`` codes index."""
    styles, style_index = _styles(events)
    if len(styles) > 255:
        raise ValueError(f"{len(styles)} distinct event styles; the large map holds at most 255")
    deaths = pd.to_numeric(events["fatalities"], errors="coerce").fillna(0).clip(lower=0).to_numpy(float)
    status = events["claim_status"].fillna("reported").map({s: n for n, s in enumerate(STATUSES)})
    n_sources = pd.to_numeric(events["n_sources"], errors="coerce").fillna(1).clip(0, 255)
    # missing iso3 as "": astype(str) keeps NaN under pandas' string dtype, and NaN does not sort with text
    iso3 = events["iso3"].fillna("").astype(str).to_numpy(dtype=object)
    _, country_codes = np.unique(iso3, return_inverse=True)
    columns = {
        "lat": events["latitude"].to_numpy(np.float32),
        "lon": events["longitude"].to_numpy(np.float32),
        "day0": np.asarray(_days(events["event_date"]), dtype=np.int32),
        "span": np.clip(_span(events), 0, 65_535).astype(np.uint16),  # days from the first to the last
        "region": np.asarray(regions if regions is not None else [-1] * len(events), dtype=np.int32),
        "actors": np.asarray(_actor_bits(events), dtype=np.uint16),
        "country": country_codes.astype(np.uint16),
        "group": events["event_type"].map({g: n for n, g in enumerate(groups)}).to_numpy(np.uint8),
        "style": np.asarray(style_index, dtype=np.uint8),
        "kind": np.asarray(_kinds(events), dtype=np.uint8),
        "status": status.fillna(0).to_numpy(np.uint8),  # an unknown status counts as reported
        "sources": n_sources.to_numpy(np.uint8),
        "radius": np.round(10 * np.minimum(5 + 1.6 * np.sqrt(deaths), 18)).astype(np.uint8),  # tenths of px
    }
    return {"columns": columns, "styles": styles}


def _span(events: pd.DataFrame) -> np.ndarray:
    day0 = np.asarray(_days(events["event_date"]))
    return np.asarray(_days(events["event_date_end"].fillna(events["event_date"]))) - day0


def _escaped(values: pd.Series, *, escaped: bool = False) -> np.ndarray:
    """Each value escaped (``escaped``: it already is), None for missing or blank; each distinct one once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype="object")
    blank = (texts.astype(str).str.strip() == "").to_numpy()
    texts = (texts if escaped else escape_series(texts)).to_numpy(dtype=object, copy=True)
    texts[blank] = None
    return np.append(texts, None)[codes]  # code -1 picks the trailing None


def _number_lists(values: np.ndarray) -> list:
    """Whole numbers with None for missing, as the small map's payload has them."""
    missing = np.isnan(values)
    whole = np.where(missing, 0, values).astype(np.int64).tolist()
    return [None if m else v for v, m in zip(whole, missing.tolist(), strict=True)]


def text_chunks(events: pd.DataFrame, *, evidence=None, sources=None, size: int = CHUNK_SIZE) -> list[str]:
    """The popup text of ``events`` in packed chunks of ``size`` events (see :func:`decode_chunk`).

    A chunk holds, for its events only, column by column, the escaped strings
    (None: missing) of the fields :func:`geomapPopupHtml` reads, their numbers,
    and their source entries (``count`` per event, then one value per entry).
    Columns of strings, not indices into a table: gzip finds the repeats itself,
    and the browser turns a chunk into the small map's shape (``geomapIndexChunk``).
    """
    text = {c: _escaped(text_column(events, c)) for c in TEXT_COLUMNS}
    numbers = {c: pd.to_numeric(events[c], errors="coerce").to_numpy(dtype=float) for c in NUMBER_COLUMNS}
    _drop_unshown(text, numbers)
    entries = source_entries(events, evidence, sources)
    href = safe_urls(entries["url"])
    entry_text = {
        "outlet": _escaped(entries["outlet"]), "href": _escaped(href, escaped=True),
        "shown": _escaped(entries["url"].where(href.isna(), None)),
    } | {c: _escaped(entries[c]) for c in ENTRY_TEXT[3:]}  # fmt: skip
    counts = entries.groupby("event_id", sort=False).size()
    per_event = events["event_id"].astype(str).map(counts).fillna(0).astype(int).to_numpy()
    starts = np.concatenate([[0], np.cumsum(per_event)])
    chunks = []
    for a in range(0, len(events), size):
        b = min(a + size, len(events))
        e0, e1 = int(starts[a]), int(starts[b])
        payload = {
            "text": {c: v[a:b].tolist() for c, v in text.items()},
            "number": {c: _number_lists(v[a:b]) for c, v in numbers.items()},
            "sources": {"count": per_event[a:b].tolist()}
            | {c: v[e0:e1].tolist() for c, v in entry_text.items()},
        }
        chunks.append(pack_bytes(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()))
    return chunks


def _drop_unshown(text: dict[str, np.ndarray], numbers: dict[str, np.ndarray]) -> None:
    """Leave out what the popup would not show: an end date equal to the start, a place written as
    its name, a fatality range of one figure (a fifth of a chunk's size)."""
    text["event_date_end"][text["event_date_end"] == text["event_date"]] = None
    text["place_mention"][text["place_mention"] == text["location"]] = None
    low, high = numbers["fatalities_low"], numbers["fatalities_high"]
    one = low == high
    low[one] = np.nan
    high[one] = np.nan


def decode_chunk(packed: str) -> dict:
    """One chunk of :func:`text_chunks`, unpacked: ``text``, ``number`` and ``sources`` column by column."""
    return json.loads(unpack_bytes(packed))


def _large_runtime() -> str:
    static = resources.files("geomap.mapping").joinpath("static")
    vendored = static.joinpath("supercluster", "supercluster.min.js").read_text(encoding="utf-8")
    own = static.joinpath("largemap.js").read_text(encoding="utf-8")
    return "\n".join([vendored, _runtime(), own])


class LargeEventMap(EventMap):
    """The events of a large map: typed arrays, text chunks, supercluster, canvas (``static/largemap.js``).

    It is drawn into the map's per-type FeatureGroups (their layer-control
    entries switch the types on and off) and exposes the same
    ``window.geomapMaps`` interface as :class:`EventMap`, except that
    ``popupHtml(i)`` returns a promise (the text is unpacked on demand).
    """

    def __init__(
        self,
        payload: dict,
        words: dict,
        groups: list,
        *,
        colours: list[str],
        filter_control: bool = True,
        select_on_click: bool = False,
        context: dict | None = None,
    ) -> None:
        super(EventMap, self).__init__()
        self._name = "EventMap"
        self.groups = groups
        self.runtime = _large_runtime().replace("</script", "<\\/script")
        self.data = payload
        self.data_json = script_json(payload)
        self.words_json = script_json(words)
        self.context = context or {"regions": {"name": [], "anchor": [], "geometry": []}, "outlines": False,
                                   "rivers": [], "lakes": [], "towns": None}  # fmt: skip
        self.context_json, context_packed = pack_payload(self.context, above=0)
        self.options_json = script_json(
            {"large": True, "day0": payload["day0"], "day1": payload["day1"], "total": payload["n"],
             "actorTypes": payload["actorTypes"], "statuses": STATUSES, "groupColours": colours,
             "selectOnClick": select_on_click, "contextPacked": context_packed,
             "clusterMaxZoom": CLUSTER_MAX_ZOOM}
        )  # fmt: skip
        self.filter_control = filter_control
        self.default_js = []
        self.default_css = []


def large_payload(
    events: pd.DataFrame, *, groups: list[str], evidence=None, sources=None, regions=None
) -> dict:
    """Everything the browser gets about ``events`` (all with coordinates), packed."""
    typed = event_columns(events, groups=groups, regions=regions)
    numbers, layout = encode_columns(typed["columns"])
    columns = typed["columns"]
    bits = int(np.bitwise_or.reduce(columns["actors"])) if len(events) else 0
    return {
        "n": len(events),
        "numbers": numbers,
        "layout": layout,
        "styles": typed["styles"],
        "chunkSize": CHUNK_SIZE,
        "chunks": text_chunks(events, evidence=evidence, sources=sources),
        "day0": int(columns["day0"].min()) if len(events) else 0,
        "day1": int((columns["day0"] + columns["span"]).max()) if len(events) else 0,
        "actorTypes": [code for code in range(9) if bits >> code & 1],
    }


def add_large_events(m, placed, types, groups, *, evidence, sources, time, select, regions, context, words):
    """Add the events of ``placed`` to map ``m`` by the large-map path (see :func:`build_map`)."""
    payload = large_payload(placed, groups=types, evidence=evidence, sources=sources, regions=regions)
    m.add_child(
        LargeEventMap(
            payload,
            words,
            groups,
            colours=[TYPE_COLOURS.get(t, "#666666") for t in types],
            filter_control=time,
            select_on_click=select,
            context=context,
        )
    )
