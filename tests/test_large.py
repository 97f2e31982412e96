"""The large-map path: typed columns and text chunks round-trip; build_map switches to it; text escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geomap.mapping import build as build_module
from geomap.mapping.build import build_map, large_map
from geomap.mapping.large import (
    LargeEventMap,
    decode_chunk,
    decode_columns,
    encode_columns,
    event_columns,
    text_chunks,
)
from geomap.mapping.layers import EventMap
from geomap.mapping.payload import TEXT_COLUMNS, event_payload
from geomap.mapping.style import event_style
from tests.conftest import HOSTILE


def _element(m) -> EventMap:
    (element,) = [c for c in m._children.values() if isinstance(c, EventMap)]
    return element


def test_typed_columns_round_trip_with_alignment_and_signs() -> None:
    rng = np.random.default_rng(3)
    columns = {
        "flags": rng.integers(0, 255, 7).astype(np.uint8),  # 7 bytes: the next column must be re-aligned
        "lat": rng.uniform(-90, 90, 7).astype(np.float32),
        "day": np.array([-400, 0, 19_000, 20_000, -1, 5, 2**31 - 1], dtype=np.int32),
        "span": np.array([0, 1, 2, 300, 65535, 7, 0], dtype=np.uint16),
        "bits": np.array([1, 2, 256, 65535, 0, 3, 9], dtype=np.uint16),
    }
    packed, layout = encode_columns(columns)
    assert all(offset % 4 == 0 for _, _, offset, _ in layout)
    decoded = decode_columns(packed, layout)
    for name, values in columns.items():
        np.testing.assert_array_equal(decoded[name], values)
        assert decoded[name].dtype == values.dtype


def test_a_column_of_another_type_is_refused() -> None:
    with pytest.raises(TypeError, match="'lat' has dtype float64"):
        encode_columns({"lat": np.zeros(3)})


def _resolve(table: dict, column: str, i: int) -> str:
    index = table["text"][column][i]
    return "" if index is None or index < 0 else table["strings"][index]


def _entries(sources: dict, start: int, stop: int, column: str, strings=None) -> list[str]:
    """The entries' strings: values themselves (a chunk), or indices into ``strings`` (the small map)."""
    values = sources[column][start:stop]
    if strings is None:
        return [v or "" for v in values]
    return ["" if k < 0 else strings[k] for k in values]


def test_chunks_hold_the_same_popup_text_as_the_small_map(sample_store) -> None:
    contents = sample_store.read()
    events = contents.events
    small = event_payload(events, groups=sorted(events["event_type"].unique()), evidence=contents.evidence,
                          sources=contents.sources)  # fmt: skip
    chunks = [decode_chunk(c) for c in text_chunks(events, evidence=contents.evidence,
                                                   sources=contents.sources, size=3)]  # fmt: skip
    assert len(chunks) == -(-len(events) // 3)
    theirs = small["sources"]
    for i in range(len(events)):
        chunk, j = chunks[i // 3], i % 3
        for column in TEXT_COLUMNS:
            expected = _resolve(small, column, i)
            shown_as = {"event_date_end": "event_date", "place_mention": "location"}.get(column)
            if shown_as and expected == _resolve(small, shown_as, i):
                expected = ""  # the popup does not show it: left out
            assert (chunk["text"][column][j] or "") == expected, (i, column)
        numbers = small["number"]
        assert chunk["number"]["fatalities"][j] == numbers["fatalities"][i]
        low, high = numbers["fatalities_low"][i], numbers["fatalities_high"][i]
        assert [chunk["number"]["fatalities_low"][j], chunk["number"]["fatalities_high"][j]] == (
            [None, None] if low == high else [low, high]
        )
        ours = chunk["sources"]
        first = sum(ours["count"][:j])
        assert ours["count"][j] == theirs["start"][i + 1] - theirs["start"][i]
        for column in ("outlet", "href", "quote", "date"):
            mine = _entries(ours, first, first + ours["count"][j], column)
            expected = _entries(theirs, theirs["start"][i], theirs["start"][i + 1], column, small["strings"])
            assert mine == expected, (i, column)


def test_hostile_text_is_escaped_before_it_is_packed(hostile_store) -> None:
    contents = hostile_store.read()
    chunks = [decode_chunk(c) for c in text_chunks(contents.events, evidence=contents.evidence,
                                                   sources=contents.sources)]  # fmt: skip
    columns = [chunk["text"][c] for chunk in chunks for c in chunk["text"]]
    columns += [chunk["sources"][c] for chunk in chunks for c in chunk["sources"] if c != "count"]
    strings = [s for column in columns for s in column if s is not None]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in strings)
    for s in strings:
        for raw in ("<img", "</script", "${", "`"):
            assert raw not in s
    links = [link for chunk in chunks for link in chunk["sources"]["href"] if link is not None]
    assert links
    assert all(link.startswith("https://") for link in links)  # javascript: is shown, not linked
    m = large_map(contents.events, evidence=contents.evidence, sources=contents.sources)
    html = m.get_root().render()
    for hostile in HOSTILE[:3]:
        assert hostile not in html


def test_columns_keep_what_the_map_means(sample_store) -> None:
    events = sample_store.read_events()
    groups = sorted(events["event_type"].unique())
    typed = event_columns(events, groups=groups)
    columns = typed["columns"]
    np.testing.assert_array_equal(columns["kind"], (events["geo_precision"].to_numpy() - 1).clip(0, 3))
    days = (pd.to_datetime(events["event_date"]) - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    np.testing.assert_array_equal(columns["day0"], days)
    assert [groups[g] for g in columns["group"]] == events["event_type"].tolist()
    np.testing.assert_allclose(columns["lat"], events["latitude"], atol=1e-5)
    for row, code in zip(events.to_dict("records"), columns["style"], strict=True):
        assert typed["styles"][code] == event_style(row)


def test_build_map_switches_to_the_large_path_above_the_threshold(sample_store, monkeypatch) -> None:
    contents = sample_store.read()
    assert type(_element(build_map(contents.events))) is EventMap
    monkeypatch.setattr(build_module, "LARGE_ABOVE", len(contents.events) - 1)
    large = _element(build_map(contents.events, evidence=contents.evidence, sources=contents.sources))
    assert isinstance(large, LargeEventMap)
    assert large.data["n"] == len(contents.events)
    assert type(_element(build_map(contents.events, large=False))) is EventMap  # the option wins
    html = large_map(contents.events).get_root().render()
    assert "Supercluster" in html
    assert "leaflet.markercluster.js" not in html  # no Leaflet.markercluster asset
