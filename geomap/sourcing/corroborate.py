"""Event-level sourcing: how many independent outlets carry an event, and the best grade among them.

``n_sources`` counts independent outlets: outlets with one owner count once
(RFI and France 24 are both France Médias Monde), and a party repeating its
own claim counts once.  ``reliability`` is the best grade among those
outlets.  Merging reports of the same event from several rows or tables is
the next step (see the sourcing issue); this module already gives every
imported event the counts and grades that merging will build on.
"""

from __future__ import annotations

import pandas as pd

from geomap.model import Reliability
from geomap.sourcing.registry import SourceRegistry

_ORDER = [r.value for r in Reliability]  # A best … F cannot be judged


def outlets_of(source: object) -> list[str]:
    """The outlets of an event's ``source`` column ("AFP; Reuters")."""
    if not isinstance(source, str):
        return []
    return [o.strip() for o in source.split(";") if o.strip()]


def independent_outlets(outlets: list[str], registry: SourceRegistry, *, url: str = "") -> int:
    """How many independent outlets these are (one owner counts once); the first outlet may have a URL."""
    keys = {registry.independence_key(outlet=o, url=url if i == 0 else "") for i, o in enumerate(outlets)}
    return len(keys)


def best_grade(outlets: list[str], registry: SourceRegistry, *, url: str = "") -> str:
    """The best reliability grade among the outlets (F when none is known)."""
    grades = [registry.grade(outlet=o, url=url if i == 0 else "")[0] for i, o in enumerate(outlets)]
    return min(grades, key=_ORDER.index) if grades else Reliability.F.value


def grade_events(events: pd.DataFrame, registry: SourceRegistry, *, recount: bool) -> pd.DataFrame:
    """Fill ``reliability`` (where it is F) and, with ``recount``, ``n_sources`` from the registry.

    ``recount`` is for tables that do not count independent outlets themselves
    (ACLED, UCDP GED); a researcher's own count in a native table is kept.
    """
    events = events.copy()
    outlets = events["source"].map(outlets_of)
    urls = events["source_url"].fillna("").astype(str)
    graded = [best_grade(o, registry, url=u) for o, u in zip(outlets, urls, strict=True)]
    unjudged = events["reliability"].fillna(Reliability.F.value) == Reliability.F.value
    events.loc[unjudged, "reliability"] = pd.Series(graded, index=events.index)[unjudged]
    if recount:
        counts = [max(independent_outlets(o, registry, url=u), 1) for o, u in zip(outlets, urls, strict=True)]
        events["n_sources"] = pd.array(counts, dtype="Int64")
    return events
