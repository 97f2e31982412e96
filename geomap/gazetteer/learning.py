"""The rows of an import the gazetteer may learn from, kept compact for a million of them.

:meth:`geomap.gazetteer.index.Gazetteer.harvest` reads rows as mappings; an import of a million
coded rows gives about as many, and the Dask engine sends them between processes and merges them
on one worker.  As dicts they took about 650 MiB at 1M rows, and each worker that unpickled a
share of them its own copies of every repeated name.  Here a row is a plain tuple in
:data:`FIELDS` order, its repeated strings (place, country, region names) interned, and only rows
the harvest can learn from or flag are kept: named, located and exact (precision 1; rows located
near a place or to a region teach nothing and are skipped by the harvest without a count).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from geomap.gazetteer.boundaries import find_country
from geomap.schema import records

#: the event-table columns the harvest reads
HARVESTED = ["event_id", "location", "country", "iso3", "admin1", "latitude", "longitude", "geo_precision"]
#: a harvest row's fields: the columns above and the country's ISO2 code
FIELDS = (*HARVESTED, "country_code")
_INTERNED = {FIELDS.index(name) for name in ("location", "country", "iso3", "admin1", "country_code")}
_ORDER = tuple(FIELDS.index(n) for n in ("event_id", "latitude", "longitude", "location"))


def harvest_rows(events: pd.DataFrame) -> list[tuple]:
    """The rows of ``events`` the gazetteer may learn from, with their country's ISO2 code, in one order.

    The first row of a name teaches its point and later ones confirm it, so the rows are taken in
    event_id order (then by point), whatever the order of the files and rows: an import teaches
    the same places on either engine, however its inputs are split.
    """
    keep = events["location"].notna() & events["latitude"].notna()
    if "geo_precision" in events.columns:  # as the harvest reads it: int(precision or 1) > 1 teaches nothing
        precision = pd.to_numeric(events["geo_precision"], errors="coerce").fillna(1).replace(0, 1)
        keep &= np.trunc(precision.to_numpy(dtype=float)) <= 1
    located = events.loc[keep, [c for c in HARVESTED if c in events.columns]]
    rows = []
    for row in records(located):
        country = find_country(row.get("iso3") or row.get("country") or "")
        if country is not None:
            rows.append(_compact((*(row.get(name) for name in HARVESTED), country.iso2)))
    return sorted(rows, key=harvest_order)


def _compact(row: tuple) -> tuple:
    return tuple(sys.intern(v) if i in _INTERNED and type(v) is str else v for i, v in enumerate(row))


def harvest_order(row: tuple) -> tuple:
    """The order rows are harvested in: event_id, then point and name."""
    event_id, latitude, longitude, location = (row[i] for i in _ORDER)
    return str(event_id or ""), float(latitude), float(longitude), str(location)


def as_mappings(rows: Iterable[tuple]) -> Iterator[dict]:
    """Harvest rows as the mappings :meth:`~geomap.gazetteer.index.Gazetteer.harvest` reads, one at a time."""
    return (dict(zip(FIELDS, row, strict=True)) for row in rows)
