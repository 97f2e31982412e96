"""Geocoding: place mentions and their context → places with an honest precision."""

from geomap.geocode.resolve import Resolver, default_resolver
from geomap.geocode.tables import geocode_events

__all__ = ["Resolver", "default_resolver", "geocode_events"]
