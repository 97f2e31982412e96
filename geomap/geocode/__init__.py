"""Geocoding: place mentions and their context → places with an honest precision.

:func:`geocode_events` (event tables, pandas) is imported on first use, so
resolving names (``geomap geocode``) imports no pandas.
"""

from geomap.geocode.resolve import Resolver, default_resolver

__all__ = ["Resolver", "default_resolver", "geocode_events"]


def __getattr__(name: str):
    if name == "geocode_events":
        from geomap.geocode.tables import geocode_events

        return geocode_events
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
