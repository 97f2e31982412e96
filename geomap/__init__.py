"""geomap: map what sources report about armed conflict, with the sourcing of every event."""

__version__ = "0.1.0"
