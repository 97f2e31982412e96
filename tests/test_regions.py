"""Which country and region hold a point, and rows that came with coordinates only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.gazetteer.regions import admin1_at, countries_at
from geomap.geocode.tables import fill_regions
from geomap.schema import validate

# (lat, lon): Mopti town; Lagos Island (the 1:10m coastline leaves it in the lagoon); the mid-Atlantic
MOPTI, LAGOS, ATLANTIC = (14.49, -4.19), (6.45, 3.39), (0.0, -30.0)


def _arrays(*points):
    return np.array([p[0] for p in points]), np.array([p[1] for p in points])


def test_countries_hold_their_points_and_ports_just_off_the_coast() -> None:
    assert countries_at(*_arrays(MOPTI, LAGOS, ATLANTIC)) == ["MLI", "NGA", None]
    assert countries_at(np.array([]), np.array([])) == []


def test_a_region_of_the_points_own_country_or_none() -> None:
    lat, lon = _arrays(MOPTI, LAGOS, MOPTI)
    names = admin1_at(lat, lon, np.array(["MLI", "NGA", "NER"], dtype=object))
    assert names[:2] == ["Mopti", "Lagos"]
    assert names[2] is None  # a point said to be in Niger never takes a region of Mali


def _rows(*rows: dict) -> pd.DataFrame:
    base = {"event_date": "2024-03-02", "event_type": "Battles", "source": "field notes"}
    events, problems = validate(pd.DataFrame([{**base, **r} for r in rows]), file="points.csv")
    assert problems == []
    return events


def test_rows_with_coordinates_only_get_their_country_and_region() -> None:
    events = _rows(
        {"latitude": MOPTI[0], "longitude": MOPTI[1]},
        {"latitude": LAGOS[0], "longitude": LAGOS[1]},
        {"latitude": ATLANTIC[0], "longitude": ATLANTIC[1]},
    )
    assert fill_regions(events) == 2
    got = [[None if pd.isna(v) else v for v in row] for row in events[["country", "iso3", "admin1"]].values]
    assert got == [["Mali", "MLI", "Mopti"], ["Nigeria", "NGA", "Lagos"], [None, None, None]]


def test_what_a_row_says_is_kept_even_where_the_polygon_disagrees() -> None:
    events = _rows(
        {"latitude": MOPTI[0], "longitude": MOPTI[1], "country": "Niger"},
        {"latitude": MOPTI[0], "longitude": MOPTI[1], "country": "Mali", "admin1": "Ségou"},
        {"location": "Mopti", "country": "Mali"},  # no coordinates: the geocoder's business, not this
    )
    fill_regions(events)
    said_niger, said_segou, unlocated = events.to_dict("records")
    assert (said_niger["country"], said_niger["admin1"]) == ("Niger", None)
    assert said_segou["admin1"] == "Ségou"
    assert pd.isna(unlocated["admin1"])
