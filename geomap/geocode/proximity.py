"""Spatial coherence between a text's names: the namesake that lies among the text's other places.

A local paper names "Columbus", "Platte County", "Norfolk" and "Colfax County": each has namesakes in
several states, but only in Nebraska do they all lie within a short drive of each other.  Unlike the
anchors of :mod:`geomap.geocode.context` (names that are one place), every name of the text counts
here, ambiguous or not: a candidate is supported by each other name of the text that has a namesake
near it, in its own country.

A *name* is one run of capitalised words ("Meadow Grove", "In Platte County"); its namesakes are those
of the run and of its tails and shorter runs inside it, so that "Meadow Grove" supports a candidate
once, not three times.  First-level regions are left out: a region named bare is read by
:mod:`geomap.geocode.coherence`, and it is too large to say which of its towns is meant.
"""

from __future__ import annotations

import re
from collections import defaultdict
from math import cos, radians

from geomap.gazetteer.index import Gazetteer, GazetteerEntry, distance_km, normalize_name

SUPPORT_KM = 50  # another name's namesake this close to a candidate supports it
_DEGREES_LAT = SUPPORT_KM / 111.0  # a cheap box test before the great-circle distance
_WORD = r"[A-Z][\w'’\-]*"
_RUN = re.compile(rf"{_WORD}(?:[ \-]{_WORD}){{0,3}}|[A-Z][a-z]{{0,4}}\.(?:\s?[A-Z][a-z]{{0,3}}\.)?")
_SMALL = {
    "in", "the", "at", "near", "from", "of", "to", "on", "and", "for", "by", "a", "an", "but", "with",
    "this", "that", "it", "he", "she", "they", "we", "i", "mr", "mrs", "ms", "dr", "st",
}  # fmt: skip
MAX_NAMESAKES = 60  # a name with more places than this in one country ("Washington") says nothing


class NamedPlaces:
    """The namesakes of every name a text holds, by country: ``support`` counts the names near a point.

    Compared by identity: one object per document, so that a context holding it hashes cheaply.
    """

    __slots__ = ("_by_country",)

    def __init__(self, by_country: dict[str, list[tuple[frozenset[str], tuple[tuple[float, float], ...]]]]):
        self._by_country = by_country

    def names_in(self, country: str, *, besides: str = "") -> int:
        """How many of the text's names (other than ``besides``) have a namesake in ``country``."""
        return sum(besides not in keys for keys, _ in self._by_country.get(country, ()))

    def support(self, entry: GazetteerEntry, key: str) -> int:
        """How many of the text's names other than ``key`` have a namesake within SUPPORT_KM of ``entry``."""
        count = 0
        box_lon = _DEGREES_LAT / max(cos(radians(entry.lat)), 0.1)
        for keys, points in self._by_country.get(entry.country, ()):
            if key in keys:
                continue  # the name itself, or a run that holds it ("Columbus Telegram")
            if any(
                abs(lat - entry.lat) <= _DEGREES_LAT
                and abs(lon - entry.lon) <= box_lon
                and distance_km(lat, lon, entry.lat, entry.lon) <= SUPPORT_KM
                for lat, lon in points
            ):
                count += 1
        return count


def named_places(text: str, *, gazetteer: Gazetteer) -> NamedPlaces:
    """Every run of capitalised words in ``text`` that the gazetteer knows, with its namesakes' points."""
    by_run: dict[str, tuple[frozenset[str], dict[str, set[tuple[float, float]]]]] = {}
    for match in _RUN.finditer(text or ""):
        run = _without_small_words(match.group(0))
        if not run or normalize_name(run) in by_run:
            continue
        keys = _keys(run)
        points: dict[str, set[tuple[float, float]]] = defaultdict(set)
        for k in keys:
            for e in gazetteer.lookup(k):
                if not e.is_region:
                    points[e.country].add((e.lat, e.lon))
        if points:
            by_run[normalize_name(run)] = (frozenset(keys), points)
    by_country: dict[str, list] = defaultdict(list)
    for keys, points in by_run.values():
        for country, found in points.items():
            if len(found) <= MAX_NAMESAKES:
                by_country[country].append((keys, tuple(found)))
    return NamedPlaces(dict(by_country))


def _without_small_words(run: str) -> str:
    """The run without its leading small words ("In Platte County" → "Platte County")."""
    words = run.split()
    while words and normalize_name(words[0]) in _SMALL:
        words.pop(0)
    return " ".join(words)


def _keys(run: str) -> list[str]:
    """Keys of a run and of the runs inside it, leaving out small words ("In Platte County" → …, "platte")."""
    words = [w for w in run.replace("-", " ").split() if w]
    keys = []
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            key = normalize_name(" ".join(words[start : start + size]))
            if key and key not in _SMALL and (len(key) > 3 or "." in run):
                keys.append(key)
    return keys
