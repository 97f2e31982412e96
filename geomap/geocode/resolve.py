"""Resolve a place mention, in its document's context, to a :class:`~geomap.model.Place`, offline.

How a mention is resolved (each step says why in ``Place.reason``):

1. "X region" / "région de X" → the first-level region (precision 3);
   a country name → the country (precision 4).
2. Exact names (accents, case, apostrophes and hyphens ignored) in the
   gazetteer.  Candidates outside the country the caller gives, or outside the
   countries the document names, are ruled out: geomap never pins a namesake
   somewhere else.  The rest are scored: in the document's region, near the
   other places it names, not far from their own region's capital (GeoNames has
   entries with wrong coordinates), origin (override, harvest) and population.
3. No exact name: a spelling variant (Tombouctou/Tumbuktu, Aguelhoc) or a
   fuzzy match (rapidfuzz) within the document's countries, with a penalty, so
   it never beats an exact match.
4. Nothing: the region or the country the text establishes, with precision 3
   or 4 and the reason, for review.  ``None`` only when the text establishes
   no place at all.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import geopandas as gpd
import pandas as pd
from rapidfuzz import fuzz, process

from geomap.config import load_settings
from geomap.errors import GeocoderError
from geomap.gazetteer.boundaries import Country, find_country, region_polygon
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, distance_km, normalize_name
from geomap.geocode.context import DocumentContext, read_context, region_context, region_named
from geomap.model import GeoPrecision, Place
from geomap.schema import WGS84, point

log = logging.getLogger(__name__)

FUZZY_CUTOFF = 85  # rapidfuzz ratio, 0–100; only within the document's countries, and penalised
FAR_FROM_REGION_KM = 700  # an entry this far from its own region's capital has suspect coordinates
_REGION_WORDS = re.compile(
    r"^(?:(?:the\s+)?(?P<a>.+?)\s+(?:region|province)"
    r"|(?:région|province|region)\s+(?:de\s+|du\s+|d['’]\s*|of\s+)?(?P<b>.+))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Scored:
    entry: GazetteerEntry
    score: float
    why: tuple[str, ...]


class Resolver:
    """Place mentions → places, from an injected gazetteer (STYLE.md: the parser does not build its own)."""

    def __init__(self, gazetteer: Gazetteer, *, online: Sequence[object] = ()) -> None:
        self.gazetteer = gazetteer
        self.online = list(online)  # OnlineGeocoder objects (geocode/online.py), asked last
        self._answers: dict[tuple, Place | None] = {}  # same question, same gazetteer: same answer
        self._variants: dict[tuple[str, ...], dict[str, list[str]]] = {}

    def context(self, text: str, *, country: str | None = None) -> DocumentContext:
        """What ``text`` establishes (countries, regions, anchor places); read it once per document."""
        return read_context(text, gazetteer=self.gazetteer, country=country)

    def resolve(
        self, mention: str, *, country: str | None = None, context: str | DocumentContext = ""
    ) -> Place | None:
        """The place ``mention`` names, or the region or country its context establishes; None if neither.

        Parameters
        ----------
        mention
            The name as written ("Tombouctou", "KIDAL", "the Gao region", "Mali").
        country
            The country it is in, as a name or ISO code, when the caller knows it.
        context
            The surrounding text, or a :class:`DocumentContext` read once per document.
        """
        if not mention or not mention.strip():
            return None
        ctx = context if isinstance(context, DocumentContext) else self.context(context, country=country)
        key = (mention, country, ctx, self.gazetteer.generation)
        if key not in self._answers:
            if len(self._answers) > 100_000:
                self._answers.clear()
            self._answers[key] = self._resolve(mention, country, ctx)
        return self._answers[key]

    def _resolve(self, mention: str, country: str | None, ctx: DocumentContext) -> Place | None:
        within = find_country(country) if country else None
        allowed = (within.iso2,) if within else ctx.countries
        return (
            self._as_region(mention, allowed)
            or self._as_country(mention, within)
            or self._exact(mention, allowed, ctx)
            or self._approximate(mention, allowed, ctx)
            or self._ask_online(mention, within, ctx)
            or self._fallback(mention, within, ctx)
        )

    def _as_region(self, mention: str, allowed: tuple[str, ...]) -> Place | None:
        match = _REGION_WORDS.match(mention.strip())
        if not match:
            return None
        hits = region_named(match["a"] or match["b"], gazetteer=self.gazetteer, countries=allowed)
        if not hits:
            return None
        return _place(hits[0], mention=mention, confidence=0.9, reason=f"{mention!r} names the region")

    def _as_country(self, mention: str, within: Country | None) -> Place | None:
        named = find_country(mention)
        if named is None or (within is not None and within.iso2 != named.iso2):
            return None
        return country_place(named, mention=mention)

    def _exact(self, mention: str, allowed: tuple[str, ...], ctx: DocumentContext) -> Place | None:
        found = [e for e in self.gazetteer.lookup(mention) if not e.is_region]
        return self._choose(mention, found, allowed, ctx, how="exact name match")

    def _approximate(self, mention: str, allowed: tuple[str, ...], ctx: DocumentContext) -> Place | None:
        if not allowed:
            return None  # fuzzy matching across the world would find a namesake somewhere
        key = normalize_name(mention)
        keys = self._variant_index(allowed).get(variant_key(key), [])
        how = "spelling variant"
        if not keys:
            names = self.gazetteer.names_in(allowed)
            close = process.extract(key, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
            best = next((c for c in close if words_agree(key, c[0])), None)
            keys, how = ([best[0]], f"fuzzy match ({best[1]:.0f}/100)") if best else ([], "")
        found = [e for k in keys for e in self.gazetteer.lookup(k) if not e.is_region]
        place = self._choose(mention, found, allowed, ctx, how=f"{how} {keys[0]!r}" if keys else how)
        if place is None:
            return None
        return replace(place, confidence=round(place.confidence * 0.7, 3))  # never beats an exact match

    def _variant_index(self, allowed: tuple[str, ...]) -> dict[str, list[str]]:
        if allowed not in self._variants:
            index: dict[str, list[str]] = {}
            for key in self.gazetteer.names_in(allowed):
                index.setdefault(variant_key(key), []).append(key)
            self._variants[allowed] = index
        return self._variants[allowed]

    def _choose(
        self,
        mention: str,
        found: list[GazetteerEntry],
        allowed: tuple[str, ...],
        ctx: DocumentContext,
        *,
        how: str,
    ) -> Place | None:
        found = list(dict.fromkeys(found))  # several spellings may lead to one entry
        inside = [e for e in found if not allowed or e.country in allowed]
        outside = [e for e in found if allowed and e.country not in allowed]
        key = normalize_name(mention)
        scored = sorted(
            (self._score(e, ctx, key) for e in inside), key=lambda s: (-s.score, s.entry.geonameid or 0)
        )
        trusted = [s for s in scored if "far from its region" not in " ".join(s.why)]
        if not trusted:
            return None
        best, rest = trusted[0], [s for s in scored if s is not trusted[0]]
        margin = best.score - rest[0].score if rest else 3.0
        confidence = round(min(1.0, 0.5 + margin / 6), 3) if rest else 1.0
        rejected = tuple((_label(s.entry), "; ".join(s.why) or "lower score") for s in rest)
        rejected += tuple((_label(e), "outside the document's countries") for e in outside)
        reason = f"{how} for {mention!r}" + (f" among {len(found)} namesakes" if len(found) > 1 else "")
        if best.why:
            reason += f" ({'; '.join(best.why)})"
        return _place(best.entry, mention=mention, confidence=confidence, reason=reason, candidates=rejected)

    def _score(self, entry: GazetteerEntry, ctx: DocumentContext, key: str) -> _Scored:
        score, why = 0.0, []
        if normalize_name(entry.name) == key:
            score += 1.0
            why.append("its own name, not an alternate one")
        if ctx.regions:
            if any(self._in_region(entry, r) for r in ctx.regions):
                score += 2.0
                why.append("in the region the text names")
            else:
                score -= 1.0
                why.append("outside the region the text names")
        near = [distance_km(entry.lat, entry.lon, a.lat, a.lon) for a in ctx.anchors if a != entry]
        if near and min(near) < 300:
            score += 1.0 - min(near) / 300
            why.append(f"{min(near):.0f} km from another place the text names")
        home = self._region_capital(entry)
        if home is not None and distance_km(entry.lat, entry.lon, home.lat, home.lon) > FAR_FROM_REGION_KM:
            score -= 5.0
            why.append(f"far from its region's capital ({home.name}): suspect coordinates")
        if entry.origin == "override":
            score += 1.5
        elif entry.origin == "harvest" and not self._named_elsewhere(entry):
            score += 1.0  # a village only the researcher's tables know
        score += math.log10(entry.population + 10) / 4
        return _Scored(entry, score, tuple(why))

    def _named_elsewhere(self, entry: GazetteerEntry) -> bool:
        """Whether GeoNames also knows a place of this name in this country (then context decides)."""
        return any(
            e.origin in ("embedded", "geonames-dump")
            for e in self.gazetteer.lookup(entry.name, country=entry.country)
        )

    @staticmethod
    def _in_region(entry: GazetteerEntry, region: GazetteerEntry) -> bool:
        """Inside the region's imported boundary when there is one, else sharing its GeoNames admin1 code."""
        if region.country != entry.country:
            return False
        polygon = region_polygon(region.name, region.country)
        if polygon is not None:
            return bool(polygon.covers(point(entry.lat, entry.lon)))
        return bool(region.admin1) and region.admin1 == entry.admin1

    def _region_capital(self, entry: GazetteerEntry) -> GazetteerEntry | None:
        if not entry.admin1:
            return None
        regions = [r for r in self.gazetteer.regions(entry.country) if r.admin1 == entry.admin1]
        return regions[0] if regions else None

    def _ask_online(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        country = within.iso2 if within else ctx.main_country
        for backend in self.online:
            try:
                place = backend.geocode(mention, country=country)
            except (
                GeocoderError
            ) as err:  # unreachable or broken service: fall back offline, say so in the log
                log.warning("%s", err)
                continue
            if place is not None:
                return place
        return None

    def _fallback(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        regions = [r for r in ctx.regions if within is None or r.country == within.iso2]
        if len(regions) == 1:
            reason = (
                f"{mention!r} is not in the gazetteer; the text places it in the {regions[0].name} region"
            )
            return replace(
                _place(regions[0], mention=mention, confidence=0.5, reason=reason), needs_review=True
            )
        country = within or (find_country(ctx.main_country) if ctx.main_country else None)
        if country is None:
            return None
        known = [e for e in self.gazetteer.lookup(mention) if not e.is_region]
        suspect = [e for e in known if e.country == country.iso2]
        if suspect:
            why = (
                f"the gazetteer's {mention!r} in {country.name} has suspect coordinates: {_label(suspect[0])}"
            )
        elif known:
            why = f"the gazetteer knows {mention!r} only outside {country.name}"
        else:
            why = f"{mention!r} is not in the gazetteer"
        return country_place(country, mention=mention, reason=f"{why}; only the country is known")


_VARIANT_RULES = [(re.compile(p), r) for p, r in [
    (r"ou", "u"), (r"dj", "j"), (r"kh", "k"), (r"gh", "g"), (r"ph", "f"), (r"c(?=[aou])", "k"),
    (r"ck", "k"), (r"q", "k"), (r"w", "u"), (r"y", "i"), (r"([a-z])\1", r"\1"), (r"h(?![aeiou])", ""),
    (r"e\b", ""), (r" ", ""),
]]  # fmt: skip


#: words that tell two places of one name apart: "Tinkarène-Est" is not "Tinkarène-Ouest"
DISTINGUISHING = frozenset(
    ["n", "s", "e", "w", "north", "south", "east", "west", "nord", "sud", "est", "ouest", "centre", "center",
     "haut", "bas", "upper", "lower", "i", "ii", "iii", "1", "2", "3"]
)  # fmt: skip


def words_agree(a: str, b: str) -> bool:
    """Whether two normalized names may spell one name: alike word by word, no telling word apart."""
    left, right = a.split(), b.split()
    if len(left) != len(right):
        return False
    for x, y in zip(left, right, strict=True):
        if x != y and (x in DISTINGUISHING or y in DISTINGUISHING or fuzz.ratio(x, y) < 75):
            return False
    return True


def variant_key(key: str) -> str:
    """A coarse key under which French and English transliterations meet (Tombouctou ~ Tumbuktu)."""
    for pattern, replacement in _VARIANT_RULES:
        key = pattern.sub(replacement, key)
    return key


def _label(entry: GazetteerEntry) -> str:
    return f"{entry.name} ({entry.country}, {entry.lat:.3f}, {entry.lon:.3f}, {entry.origin})"


def _place(
    entry: GazetteerEntry,
    *,
    mention: str,
    confidence: float,
    reason: str,
    candidates=(),
    origin: str | None = None,
) -> Place:
    country = find_country(entry.country)
    precision = GeoPrecision.ADMIN1 if entry.is_region else GeoPrecision(min(entry.geo_precision, 2))
    return Place(
        name=entry.name,
        lat=entry.lat,
        lon=entry.lon,
        geo_precision=precision,
        confidence=confidence,
        country=entry.country,
        iso3=country.iso3 if country else "",
        admin1=entry.name if entry.is_region else "",
        geonameid=entry.geonameid,
        origin=entry.origin,
        reason=reason,
        candidates=tuple(candidates),
    )


def country_place(country: Country, *, mention: str, reason: str = "") -> Place:
    """A country as a place: a point inside it, precision 4."""
    return Place(
        name=country.name,
        lat=country.lat,
        lon=country.lon,
        geo_precision=GeoPrecision.COUNTRY,
        confidence=1.0 if not reason else 0.5,
        country=country.iso2,
        iso3=country.iso3,
        origin="embedded",
        reason=reason or f"{mention!r} names the country",
        needs_review=bool(reason),
    )


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The resolver over the local gazetteer, plus the online backends the settings turn on (default none)."""
    settings = load_settings()
    online: list[object] = []
    if settings.online_geocoders:
        from geomap.geocode.online import online_geocoders  # geopy is needed only when online is on

        online = online_geocoders(settings.online_geocoders, user_agent=settings.user_agent)
    return Resolver(Gazetteer.embedded(), online=online)


def geocode_events(events: gpd.GeoDataFrame, *, resolver: Resolver) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Give coordinates to rows that have a place name but none; fill iso3 everywhere it is missing.

    Each row's country and region (``admin1``) are its context.  Returns the
    table and one note per row that fell back to a region or country, or stayed
    without coordinates — the list to review.
    """
    events = events.copy()
    notes: list[str] = []
    cache: dict[tuple[str, str, str], Place | None] = {}
    for index in events.index[events["latitude"].isna()]:
        row = events.loc[index]
        mention = row["location"] or row["place_mention"] or ""
        key = (mention, row["country"] or "", row["admin1"] or "")
        if key not in cache:
            ctx = region_context(row["admin1"], row["country"], gazetteer=resolver.gazetteer)
            cache[key] = resolver.resolve(
                mention or row["country"] or "", country=row["country"], context=ctx
            )
        place = cache[key]
        if place is None:
            notes.append(f"{row['event_id']}: {mention or 'no place'} not found and no country given")
            continue
        if place.needs_review:
            notes.append(f"{row['event_id']}: {place.reason}")
        _apply(events, index, place)
    _fill_iso3(events)
    return gpd.GeoDataFrame(events, geometry="geometry", crs=WGS84), notes


def _apply(events: pd.DataFrame, index: object, place: Place) -> None:
    precision = max(int(place.geo_precision), int(events.at[index, "geo_precision"] or 1))
    events.at[index, "latitude"] = place.lat
    events.at[index, "longitude"] = place.lon
    events.at[index, "geometry"] = point(place.lat, place.lon)
    events.at[index, "geo_precision"] = precision
    events.at[index, "geocode_confidence"] = place.confidence
    if place.geonameid is not None:
        events.at[index, "geonameid"] = place.geonameid
    if not events.at[index, "iso3"] and place.iso3:
        events.at[index, "iso3"] = place.iso3
    if not events.at[index, "country"]:
        country = find_country(place.country)
        events.at[index, "country"] = country.name if country else None
    if not events.at[index, "admin1"] and place.admin1:
        events.at[index, "admin1"] = place.admin1


def _fill_iso3(events: pd.DataFrame) -> None:
    missing = events["iso3"].isna() & events["country"].notna()
    if not missing.any():
        return
    names = events.loc[missing, "country"]
    codes = {name: getattr(find_country(name), "iso3", None) for name in names.unique()}  # once per name
    found = names.map(codes).dropna()
    events.loc[found.index, "iso3"] = found
