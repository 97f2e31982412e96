"""How well a gazetteer entry fits a mention in its document: the score namesakes are ranked by.

:mod:`geomap.geocode.resolve` decides what to do with the ranking (pin the best, fall back to the
area the candidates share); this module only scores one candidate against what the document
establishes (:mod:`geomap.geocode.context`, :mod:`geomap.geocode.coherence`): the region the text
gives the name, the regions and countries it names, the other places it names nearby, the kind of
feature, suspect coordinates, origin and population.  Each point added says why in ``Scored.why``.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from geomap.columns import point
from geomap.gazetteer.boundaries import region_polygon
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, distance_km, normalize_name
from geomap.geocode.context import DocumentContext
from geomap.geocode.outlets import in_outlet_home, masthead_town, names_a_home

FAR_FROM_REGION_KM = 700  # an entry this far from its own region's capital has suspect coordinates
NEAR_SCORE_KM = 150  # another place the text names this close counts for a candidate, more the closer
OTHERS_REGION_SCORE = 0.3  # a region tied to another place ("Léré, in the Timbuktu region") weighs little
#: a populated place before a camp, a district, a locality, and those before streams, wadis and hills
FEATURE_SCORE = {"P": 1.0, "S": 0.3, "A": 0.2, "L": -0.5}
_OTHER_FEATURE = -1.0
#: the seat of a region or cercle is the place a bare name in the news means, before a hamlet of that name
SEAT_SCORE = {"PPLC": 1.0, "PPLA": 1.0, "PPLA2": 0.6, "PPLA3": 0.4, "PPLA4": 0.3}
#: a first-level region named bare ("Ohio") is the region, before a hamlet of its name (not before its seat)
REGION_SCORE = 2.0
MENTIONED_REGION_SCORE = 1.5  # a candidate in a region the text names bare ("Paris" in a text naming Texas)
MENTIONED_COUNTRY_SCORE = 0.5  # …or only in that region's country
HOME_REGION_SCORE = 1.0  # …and more in the region the text names most often (coherence.home_region)
FRAME_SCORE = 1.0  # a candidate in the region the text's other places were pinned in (frame_of)
FRAME_VOTES = 2  # …which needs this many other names pinned there, and twice any other region's
OUTLET_SCORE = 2.0  # a text framing no region of its own: a candidate where its outlet's articles lie
MASTHEAD_SCORE = 3.0  # the outlet's own town: the namesake in its home of the town its name starts with
LIKELY_COUNTRY_SCORE = 1.0  # a text naming no country: a candidate where its other place names lie
#: each other name of the text with a namesake near a candidate (geocode/proximity.py), up to a cap
SUPPORT_SCORE, SUPPORT_CAP = 0.5, 4
BARE_SEATS, BARE_SEAT_SCORE = ("PPLA", "PPLA2"), 1.0  # a seat named bare is the seat, not a hamlet


@dataclass(frozen=True)
class Scored:
    """A candidate, its score and the reasons for it."""

    entry: GazetteerEntry
    score: float
    why: tuple[str, ...]
    in_region: bool = False  # inside a region the text names
    near_km: float | None = None  # distance to the nearest other place the text names


class Ranker:
    """Scores candidates of one gazetteer (injected, as the resolver's)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def score(
        self, entry: GazetteerEntry, ctx: DocumentContext, key: str, anchors: list[GazetteerEntry]
    ) -> Scored:
        own = ctx.regions_for(key)  # "Léré, in the Timbuktu region" places Léré, not Bourem
        score = FEATURE_SCORE.get(entry.feature, _OTHER_FEATURE) + SEAT_SCORE.get(entry.feature_code, 0.0)
        why = []
        if entry.is_region and not self._seat_named(entry, key):
            score += REGION_SCORE
            why.append("a first-level region")
        if normalize_name(entry.name) == key:
            score += 1.5
            why.append("its own name, not an alternate one")
            if not own and entry.feature_code in BARE_SEATS:
                score += BARE_SEAT_SCORE
                why.append("a seat, named with no region of its own")
        in_region = any(inside_region(entry, r) for r in own)
        if own:
            score += 2.0 if in_region else -1.0
            why.append(f"{'in' if in_region else 'outside'} the region the text names")
        elif any(inside_region(entry, r) for r in ctx.regions_of_others(key)):
            score += OTHERS_REGION_SCORE
            why.append("in a region the text gives another place")
        score += self._coherence(entry, ctx, key, why)
        score += _support(entry, ctx, key, why)
        near = [km(entry, a) for a in anchors]
        if near and min(near) < NEAR_SCORE_KM:
            score += 1.5 * (1.0 - min(near) / NEAR_SCORE_KM)
            why.append(f"{min(near):.0f} km from another place the text names")
        home = self._region_capital(entry)
        if home is not None and km(entry, home) > FAR_FROM_REGION_KM:
            score -= 5.0
            why.append(f"far from its region's capital ({home.name}): suspect coordinates")
        if entry.origin == "override":
            score += 1.5
        elif entry.origin == "harvest" and not self._named_elsewhere(entry):
            score += 1.0  # a village only the researcher's tables know
        score += math.log10(entry.population + 10) / 4
        return Scored(entry, score, tuple(why), in_region, min(near) if near else None)

    def _coherence(self, entry: GazetteerEntry, ctx: DocumentContext, key: str, why: list[str]) -> float:
        """Score from the document's regions named bare and its "City, Country" pairs."""
        score = 0.0
        countries = {c for k, c in ctx.tied_countries if k == key}
        if countries:
            inside = entry.country in countries
            score += 2.0 if inside else -1.0
            why.append(f"{'in' if inside else 'outside'} the country the text names after it")
        if ctx.likely and entry.country == ctx.likely:
            score += LIKELY_COUNTRY_SCORE
            why.append("in the country the text's other place names point to")
        if ctx.home is not None and ctx.home != entry and inside_region(entry, ctx.home):
            score += HOME_REGION_SCORE
            why.append(f"in {ctx.home.name}, the region the text names most")
        frame = frame_of(ctx.placed, key) if ctx.placed else None
        own_name = normalize_name(entry.name) == key  # not an alternate name ("Pittsburg" for Pittsburgh)
        framed = frame is not None and (entry.country, entry.admin1 or "") == frame
        if framed and own_name and not entry.is_region:
            score += FRAME_SCORE
            why.append("in the region the text's other places lie in")
        outlet = ctx.outlet and frame is None and not names_a_home(ctx, key)  # the text's own frame first
        # the country of the outlet's domain counts an alternate name too ("St. Petersburg" in sptimes.ru)
        by_domain = (entry.country, "") in (ctx.outlet or ())
        if outlet and (own_name or by_domain) and not entry.is_region and in_outlet_home(entry, ctx):
            score += OUTLET_SCORE
            why.append("in the region the outlet's other articles lie in")
        if own_name and masthead_town(entry, key, ctx):  # the outlet's own town, whatever the text frames
            score += MASTHEAD_SCORE
            why.append("the town the outlet's name starts with, in its home")
        others = [r for k, r in ctx.mentioned if k != key and r != entry]
        if not entry.is_region and any(inside_region(entry, r) for r in others):
            score += MENTIONED_REGION_SCORE
            why.append("in a region the text names")
        elif entry.is_region and any(r.country == entry.country and r.is_region for r in others):
            score += MENTIONED_REGION_SCORE  # "Indiana" beside "Illinois" is the state, not a town
            why.append("beside other regions of its country the text names")
        elif any(r.country == entry.country for r in others):
            score += MENTIONED_COUNTRY_SCORE
            why.append("in the country of a region the text names")
        return score

    def _seat_named(self, region: GazetteerEntry, key: str) -> bool:
        """Whether a town of the region answers to the name too ("Tombouctou": the city, not the region)."""
        return any(
            e.feature == "P" and (not region.admin1 or e.admin1 == region.admin1)
            for e in self.gazetteer.lookup(key, country=region.country)
        )

    def _named_elsewhere(self, entry: GazetteerEntry) -> bool:
        """Whether GeoNames also knows a place of this name in this country (then context decides)."""
        return any(
            e.origin in ("embedded", "geonames-dump")
            for e in self.gazetteer.lookup(entry.name, country=entry.country)
        )

    def _region_capital(self, entry: GazetteerEntry) -> GazetteerEntry | None:
        if not entry.admin1:
            return None
        regions = [r for r in self.gazetteer.regions(entry.country) if r.admin1 == entry.admin1]
        return regions[0] if regions else None


@lru_cache(maxsize=4096)
def frame_of(placed: tuple[tuple[str, tuple[str, str]], ...], key: str) -> tuple[str, str] | None:
    """The (ISO2, admin1) that holds most of ``placed`` (``DocumentContext.placed``) other than ``key``'s,
    when it clearly leads; asked once per name and text, not per candidate."""
    votes = Counter(region for k, region in placed if k != key and region[1])
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] < FRAME_VOTES or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return ranked[0][0]


def regions_of(gazetteer: Gazetteer, name: str, countries: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """The (ISO2, admin1) of every place (not region) called ``name``, in ``countries`` when given."""
    return {
        (e.country, e.admin1)
        for e in gazetteer.lookup(name)
        if not e.is_region and (not countries or e.country in countries)
    }


def inside_region(entry: GazetteerEntry, region: GazetteerEntry) -> bool:
    """Inside the region's imported boundary when there is one, else sharing its admin1 code or name."""
    if region.country != entry.country:
        return False
    polygon = region_polygon(region.name, region.country)
    if polygon is not None:
        return bool(polygon.covers(point(entry.lat, entry.lon)))
    named = normalize_name(entry.admin1 or "") == normalize_name(region.name)  # overrides name it
    return named or (bool(region.admin1) and region.admin1 == entry.admin1)


def _support(entry: GazetteerEntry, ctx: DocumentContext, key: str, why: list[str]) -> float:
    """Score from the text's other names that have a namesake near ``entry``."""
    count = ctx.named.support(entry, key) if ctx.named is not None else 0
    if count:
        why.append(f"{count} of the text's other names {'lie' if count > 1 else 'lies'} near it")
    return SUPPORT_SCORE * min(count, SUPPORT_CAP)


def km(a: GazetteerEntry, b: GazetteerEntry) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)
