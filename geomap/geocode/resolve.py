"""Resolve a place mention, in its document's context, to a :class:`~geomap.model.Place`, offline.

How a mention is resolved (each step says why in ``Place.reason``):

1. "X region" / "région de X" → the first-level region (precision 3);
   a country name → the country (precision 4), unless it names a river
   ("the Niger River", "le fleuve Niger" is never the country).
2. Exact names (accents, case, apostrophes and hyphens ignored) in the
   gazetteer.  Candidates outside the country the caller gives, or outside the
   countries the document names, or (when it names none) outside the countries
   the researcher configured (``GEOMAP_COUNTRIES``), are ruled out: geomap never
   pins a namesake somewhere else.  The rest are scored (:mod:`geomap.geocode.ranking`): in the region the
   text gives the name ("Léré, in the Timbuktu region"), else in the regions
   it names standing alone (a region given to another place weighs only a
   little; a seat named with no region of its own is the seat), near the
   other places it names, the kind of feature (a town before a cercle, a well,
   a wadi or a hill), not far from their own region's capital (GeoNames has
   entries with wrong coordinates), origin and population.
   Namesakes over 25 km apart that the text cannot tell apart are not guessed
   between: the mention falls back to the area they share, for review (with
   no country known at all, the likeliest is pinned, marked for review).
   A major city (100,000 people, ten times every namesake) is what its bare
   name means; outside the text's countries it is pinned, for review, only
   when no caller's or researcher's country bounds the text and the name is
   tied to no country nor a spelling of a place of the text's countries
   ("Paris" in a text about Mali stays Mali, beside the hamlet Pari).  So is
   a national capital ("Washington" in a text about Egypt: the extractor, not
   the geocoder, tells a government from a place) and a first-level region,
   the only one of its name ("California" in a text naming only Iraq).
3. No exact name: a people's name ("Russian", "Cypriots") → its country;
   else a spelling variant (Tombouctou/Tumbuktu, Aguelhoc) or a fuzzy match
   (rapidfuzz) within those countries.  It becomes a point only
   when the text corroborates it (the text also names the place exactly; it
   lies within 50 km of another place the text names; or, for a
   transliteration, in the region the text names), or when a long name (8
   letters or more) matches a town of 10,000 people or more; otherwise the
   area the text establishes, with the candidate kept for review.
4. Nothing: the region or the country the text establishes, with precision 3
   or 4 and the reason, for review.  ``None`` only when the text establishes
   no place at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from geomap.config import load_settings
from geomap.errors import GeocoderError
from geomap.gazetteer.boundaries import Country, country_abbreviated, find_country
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, normalize_name
from geomap.geocode.areas import Area, area_named, area_place, wider_area
from geomap.geocode.coherence import name_means_town, town_meant, with_coherence
from geomap.geocode.context import DocumentContext, read_context, region_named
from geomap.geocode.demonyms import demonym_country
from geomap.geocode.outlets import masthead_town
from geomap.geocode.places import country_code, country_place, entry_place, label
from geomap.geocode.ranking import Ranker, Scored, frame_of, km, regions_of
from geomap.geocode.variants import NameVariants
from geomap.model import Place

log = logging.getLogger(__name__)

NAMESAKE_KM = 25  # candidates closer than this are one place (a town, its cercle, its wadi)
AMBIGUOUS_MARGIN = 0.5  # a best score this close to a namesake's is a guess, not a choice
NEAR_ANCHOR_KM = 50  # a fuzzy match this close to another place the text names is corroborated
FAMOUS = (8, 10_000)
#: a town this big, this many times bigger than every namesake, is what the bare name means (Atlanta, Georgia)
MAJOR = (100_000, 10)  # a fuzzy match of a name this long onto a town this big stands on its own
_ABBREVIATION = re.compile(r"[A-Z][a-z]{0,4}\.(?:\s?[A-Z][a-z]{0,3}\.)?")  # "Calif.", "W. Va."
_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")  # "U.S.", "U.K."
_RIVER = re.compile(r"\b(?:river|fleuve|rivi[eè]re)\b", re.IGNORECASE)
_REGION_WORDS = re.compile(
    r"^(?:(?:the\s+)?(?P<a>.+?)\s+(?:region|province)"
    r"|(?:région|province|region)\s+(?:de\s+|du\s+|d['’]\s*|of\s+)?(?P<b>.+))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Choice:
    best: Scored
    rivals: tuple[Scored, ...]  # other candidates over NAMESAKE_KM from the best, best first
    rejected: tuple[tuple[str, str], ...]  # every other candidate, and why not

    @property
    def margin(self) -> float:
        return self.best.score - self.rivals[0].score if self.rivals else 3.0


class Resolver:
    """Place mentions → places, from an injected gazetteer (STYLE.md: the parser does not build its own).

    ``countries`` (ISO2 or ISO3 codes, or names) are where the researcher works:
    a text that names no country is resolved within them only.
    """

    def __init__(
        self, gazetteer: Gazetteer, *, online: Sequence[object] = (), countries: Sequence[str] = ()
    ) -> None:
        self.gazetteer = gazetteer
        self._ranker = Ranker(gazetteer)
        self.online = list(online)  # OnlineGeocoder objects (geocode/online.py), asked last
        self.countries = tuple(dict.fromkeys(country_code(c) for c in countries))
        self._answers: dict[tuple, Place | None] = {}  # same question, same gazetteer: same answer
        self._variants: dict[tuple[tuple[str, ...], int], NameVariants] = {}

    def context(self, text: str, *, country: str | None = None) -> DocumentContext:
        """What ``text`` establishes (countries, regions, anchor places); read it once per document."""
        ctx = read_context(text, gazetteer=self.gazetteer, country=country, configured=self.countries)
        return with_coherence(ctx, text, gazetteer=self.gazetteer)

    def framed(self, ctx: DocumentContext, names: Sequence[str]) -> DocumentContext:
        """``ctx`` with the first-level region each of ``names`` (the place names to resolve in its text) lies
        in: a namesake in the region most of the others lie in then ranks higher (``ranking.frame_of``).

        A name whose every place (in the text's countries) lies in one region is in that region; the
        others are resolved once, unless the names of one region already frame the text.
        """
        placed, ambiguous = self.placed_alone(ctx, names)
        if ambiguous and frame_of(tuple(placed), "") is None:
            for key, name in ambiguous:
                place = self.resolve(name, context=ctx)
                if place is None or place.geo_precision > 2 or place.geonameid is None:
                    continue
                pinned = [e for e in self.gazetteer.lookup(name) if e.geonameid == place.geonameid]
                if pinned and pinned[0].admin1 and not pinned[0].is_region:
                    placed.append((key, (pinned[0].country, pinned[0].admin1)))
        return replace(ctx, placed=tuple(placed)) if placed else ctx

    def placed_alone(
        self, ctx: DocumentContext, names: Sequence[str]
    ) -> tuple[list[tuple[str, tuple[str, str]]], list[tuple[str, str]]]:
        """(name key, (ISO2, admin1)) of the names whose every place (in the text's countries) lies in one
        region, read off the gazetteer, and (name key, name) of those with places in several regions."""
        placed, ambiguous = [], []
        allowed = ctx.countries or ctx.configured or self.countries or ((ctx.likely,) if ctx.likely else ())
        for key, name in {normalize_name(n): n for n in names if n and n.strip()}.items():
            regions = regions_of(self.gazetteer, name, allowed)
            if len(regions) == 1:
                region = regions.pop()
                if region[1]:
                    placed.append((key, region))
            elif regions:
                ambiguous.append((key, name))
        return placed, ambiguous

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
        # the caller's country, given here or when the context was read, is a bound, not a hint
        within = find_country(country or ctx.caller) if (country or ctx.caller) else None
        allowed = (within.iso2,) if within else (ctx.countries or ctx.configured or self.countries)
        return (
            self._as_region(mention, allowed, (within.iso2,) if within else ctx.countries)
            or self._as_country(mention, within, ctx)
            or self._as_area(mention, within, ctx)
            or self._exact(mention, allowed, within, ctx)
            or self._as_demonym(mention, within)  # after exact names: a place's lookup never reads them
            or self._approximate(mention, allowed, within, ctx)
            or self._major_outside(mention, within, ctx)
            or self._ask_online(mention, within, ctx)
            or self._fallback(mention, within, ctx)
        )

    def _as_region(self, mention: str, allowed: tuple[str, ...], named: tuple[str, ...]) -> Place | None:
        """ "the Gao region", "région de Tombouctou": the region, in the countries allowed.

        A region that shares its name with a wider area ("the Sahel region") is that region only in a
        country the caller or the text names (``named``), not merely one the researcher configured.
        """
        match = _REGION_WORDS.match(mention.strip())
        if not match:
            return None
        name = match["a"] or match["b"]
        if wider_area(name) is not None:
            allowed = named
        hits = region_named(name, gazetteer=self.gazetteer, countries=allowed) if allowed else []
        if not hits:
            return None
        return entry_place(hits[0], mention=mention, confidence=0.9, reason=f"{mention!r} names the region")

    def _as_country(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        if _RIVER.search(mention):
            return None  # the Niger River runs through five countries and is none of them
        if len(mention.strip()) <= 3 and not mention.isupper():
            return None  # "Ala" is a village of Burkina Faso; "ALA" would be Åland's code
        dotted = _DOTTED.fullmatch(mention.strip())
        named = country_abbreviated(mention.strip()) if dotted else find_country(mention)  # "L.A." is no Laos
        if named is None or (within is not None and within.iso2 != named.iso2):
            return None
        if within is None and ctx.named is not None and town_meant(named, ctx.named, self.gazetteer):
            return None  # the text's other names lie around a town of that name ("Jordan", Minnesota)
        if within is None and ctx.masthead is not None:  # only then: no lookup for every country named
            key = normalize_name(mention)
            if any(masthead_town(e, key, ctx) for e in self.gazetteer.lookup(mention)):
                return None  # the outlet's own town: "Jordan" in the Jordan News of Minnesota
        if dotted and any(e.is_region for e in self.gazetteer.lookup(mention)):
            return None  # "S.C.", "N.C." are the agencies' abbreviations of states, not Seychelles
        region = self._region_meant(mention, named, ctx)
        if region is not None:  # "Georgia" in a text whose other regions are American: the US state
            why = f"{mention!r} names a region of the country the text's other regions are in"
            return entry_place(region, mention=mention, confidence=0.8, reason=why)
        return country_place(named, mention=mention)

    def _as_area(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        """A continent or a UK nation ("Europe", "Scotland"), unless a town the text's names surround."""
        area = area_named(mention)
        if area is not None and area.spans:
            return self._as_wider(mention, area, within, ctx)
        if area is None or (within is not None and within.iso2 != area.country):
            return None
        if ctx.named is not None and name_means_town(area.name, area.country, ctx.named, self.gazetteer):
            return None  # "England" beside Jonesboro and Searcy is England, Arkansas
        return area_place(area, mention=mention)

    def _as_wider(
        self, mention: str, area: Area, within: Country | None, ctx: DocumentContext
    ) -> Place | None:
        """A wider area ("the Sahel"): the text's country inside it, else the area itself.

        In a text about Burkina Faso "the Sahel" is its Sahel region; in a text
        about Mali "the Sahel" says no more than Mali; in a text naming no country it is the area, at
        country precision, for review; a text naming only countries outside it falls back to them.
        """
        named = (within.iso2,) if within else ctx.countries
        regions = [e for e in self.gazetteer.lookup(area.name) if e.is_region and e.country in named]
        if regions:
            why = f"{mention!r} in a text about {find_country(regions[0].country).name} names its region"
            return entry_place(regions[0], mention=mention, confidence=0.9, reason=why)
        inside = [code for code in named if code in area.spans]
        if inside:
            country = find_country(inside[0])
            across = f"an area across {len(area.spans)} countries"
            why = f"{mention!r} names {area.name}, {across}: only the country is known"
            return country_place(country, mention=mention, reason=why)
        if named:
            return None  # outside the countries the caller or the text names: their fallback holds
        return replace(area_place(area, mention=mention), needs_review=True)

    @staticmethod
    def _as_demonym(mention: str, within: Country | None) -> Place | None:
        """A people's name ("Russian", "Cypriots") stands for its country, within the caller's country."""
        if len(mention.strip()) <= 3 or not mention[:1].isupper():
            return None
        named = demonym_country(mention)
        if named is None or (within is not None and within.iso2 != named.iso2):
            return None
        why = f"{mention!r} names the people of {named.name}"
        return replace(country_place(named, mention=mention, reason=why), confidence=0.8, needs_review=False)

    def _region_meant(self, mention: str, named: Country, ctx: DocumentContext) -> GazetteerEntry | None:
        """The region of another country a country's name stands for, if the text's regions are there."""
        key = normalize_name(mention)
        evidence = {r.country for k, r in (*ctx.mentioned, *ctx.tied) if k != key}
        evidence |= {ctx.likely} - {""}  # a text naming no country, its other names American: the state
        regions = [
            e
            for e in self.gazetteer.lookup(mention)
            if e.is_region and e.country != named.iso2 and e.country in evidence
        ]
        return regions[0] if regions else None

    def _exact(
        self, mention: str, allowed: tuple[str, ...], within: Country | None, ctx: DocumentContext
    ) -> Place | None:
        key = normalize_name(mention)
        found = [  # a region named bare is a candidate ("Ohio"; "Ala." but not "Ala", a village)
            e for e in self.gazetteer.lookup(mention)
            if not e.is_region or normalize_name(e.name) == key or "." in mention or len(key) > 4
        ]  # fmt: skip
        if _ABBREVIATION.fullmatch(mention.strip()) and any(e.is_region for e in found):
            found = [
                e for e in found if e.is_region
            ]  # "Ala.", "Kan.": the agencies' abbreviations of regions
        choice = self._choose(mention, found, allowed, ctx)
        how = "exact name match"
        if choice is None:
            return None
        if choice.rivals and choice.margin < AMBIGUOUS_MARGIN and not _dwarfs(choice):
            why = f"{len(choice.rivals) + 1} places called {mention!r} the text does not tell apart"
            if allowed:
                return self._area(mention, choice, within, ctx, why=why)
            # no country anywhere (text, caller, settings): no area to fall back to; the likeliest, for review
            guess = self._pin(mention, choice, how=f"{how} (a guess: {why})", count=len(found))
            return replace(guess, needs_review=True)
        return self._pin(mention, choice, how=how, count=len(found))

    def _major_outside(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        """A major city outside the countries the text names ("Atlanta" in a text naming only Iraq).

        Asked only when the name is neither a place nor a spelling of one in the text's countries
        ("Dule" in a text about Mali is Doulé misspelt, not Dhule), and only when no caller's or
        researcher's country bounds the text, the text ties the name to no country ("Dule, Mali"), and
        the city dwarfs every namesake.  A national capital is such a city: "Paris condemned the attack"
        is no event location, and the extractor says so (``extract.places``), not the geocoder.  A
        first-level region named bare, the only region of that name, is the region, unless a major city
        shares its name.
        """
        key = normalize_name(mention)
        if within is not None or ctx.configured or self.countries or not ctx.countries:
            return None
        if any(k == key for k, _ in ctx.tied_countries):
            return None
        found = self.gazetteer.lookup(mention)
        towns = sorted((e for e in found if not e.is_region), key=lambda e: -e.population)
        regions = [e for e in found if e.is_region and normalize_name(e.name) == key and len(key) > 4]
        if len(regions) == 1 and not (towns and _major(towns[0], [])):
            why = f"exact name match for {mention!r}: the one region so named, outside the text's countries"
            place = entry_place(regions[0], mention=mention, confidence=0.6, reason=why)
            return replace(place, needs_review=True)
        if not towns or not _major(towns[0], towns[1:]):
            return None
        people = f"{towns[0].population:,}"
        why = f"exact name match for {mention!r}: a city of {people} outside the text's countries"
        rejected = tuple((label(e), "a smaller namesake") for e in towns[1:])
        place = entry_place(towns[0], mention=mention, confidence=0.6, reason=why, candidates=rejected)
        return replace(place, needs_review=True)

    def _approximate(
        self, mention: str, allowed: tuple[str, ...], within: Country | None, ctx: DocumentContext
    ) -> Place | None:
        if not allowed:
            return None  # fuzzy matching across the world would find a namesake somewhere
        key = normalize_name(mention)
        names = self._names(allowed)
        keys, how = names.variants(key), "spelling variant"
        if not keys:
            close = names.fuzzy(key)
            keys, how = ([close[0]], f"fuzzy match ({close[1]:.0f}/100)") if close else ([], "")
        found = [e for k in keys for e in self.gazetteer.lookup(k) if not e.is_region]
        choice = self._choose(mention, found, allowed, ctx)
        if choice is None:
            return None
        best, near = choice.best.entry, choice.best.near_km
        # a transliteration is corroborated by the region; an edit-distance match needs a place nearby
        corroborated = (
            best in ctx.anchors  # the text also names it exactly ("Kidall" in a text about Kidal)
            or (near is not None and near <= NEAR_ANCHOR_KM)
            or (choice.best.in_region and how == "spelling variant")
        )
        famous = len(key) >= FAMOUS[0] and best.feature == "P" and best.population >= FAMOUS[1]
        how = f"{how} {keys[0]!r}"
        if not (corroborated or famous) or (choice.rivals and choice.margin < AMBIGUOUS_MARGIN):
            why = f"{how} for {mention!r} ({label(best)}) is not corroborated by the text"
            return self._area(mention, choice, within, ctx, why=why, trust_candidates=False)
        place = self._pin(mention, choice, how=how, count=len(found))
        return replace(place, confidence=round(place.confidence * 0.7, 3))  # never beats an exact match

    def _names(self, allowed: tuple[str, ...]) -> NameVariants:
        key = (allowed, self.gazetteer.generation)
        if key not in self._variants:
            self._variants = {key: NameVariants(self.gazetteer.names_in(allowed)), **self._variants}
        return self._variants[key]

    def _choose(
        self, mention: str, found: list[GazetteerEntry], allowed: tuple[str, ...], ctx: DocumentContext
    ) -> _Choice | None:
        found = list(dict.fromkeys(found))  # several spellings may lead to one entry
        inside = [e for e in found if not allowed or e.country in allowed]
        outside = [e for e in found if allowed and e.country not in allowed]
        key = normalize_name(mention)
        regions = {normalize_name(r.name) for r in ctx.all_regions}  # "the Mopti region" is not Mopti town
        anchors = [a for a in ctx.anchors if a not in found and normalize_name(a.name) not in regions]
        scored = sorted(
            (self._ranker.score(e, ctx, key, anchors) for e in inside),
            key=lambda s: (-s.score, s.entry.geonameid or 0),
        )
        trusted = [s for s in scored if "far from its region" not in " ".join(s.why)]
        if not trusted:
            return None
        best = trusted[0]
        rivals = tuple(s for s in trusted[1:] if km(s.entry, best.entry) > NAMESAKE_KM)
        rejected = tuple((label(s.entry), "; ".join(s.why) or "lower score") for s in scored if s is not best)
        rejected += tuple((label(e), "outside the document's countries") for e in outside)
        return _Choice(best, rivals, rejected)

    def _pin(self, mention: str, choice: _Choice, *, how: str, count: int) -> Place:
        best = choice.best
        confidence = round(min(1.0, 0.5 + choice.margin / 6), 3) if choice.rivals else 1.0
        reason = f"{how} for {mention!r}" + (f" among {count} namesakes" if count > 1 else "")
        if best.why:
            reason += f" ({'; '.join(best.why)})"
        return entry_place(
            best.entry, mention=mention, confidence=confidence, reason=reason, candidates=choice.rejected
        )

    def _area(
        self,
        mention: str,
        choice: _Choice,
        within: Country | None,
        ctx: DocumentContext,
        *,
        why: str,
        trust_candidates: bool = True,
    ) -> Place | None:
        """The region the text establishes, else the country; the candidates kept for review.

        With ``trust_candidates`` (exact namesakes), the region or country all candidates share also counts.
        """
        entries = [choice.best.entry, *(s.entry for s in choice.rivals)]
        candidates = ((label(choice.best.entry), "best candidate"), *choice.rejected)
        regions = [r for r in ctx.regions_for(mention) if within is None or r.country == within.iso2]
        shared = {(e.country, e.admin1) for e in entries}
        if trust_candidates and len(regions) != 1 and len(shared) == 1 and entries[0].admin1:
            regions = [r for r in self.gazetteer.regions(entries[0].country) if r.admin1 == entries[0].admin1]
        if len(regions) == 1:
            reason = f"{why}; placed in the {regions[0].name} region"
            place = entry_place(
                regions[0], mention=mention, confidence=0.5, reason=reason, candidates=candidates
            )
            return replace(place, needs_review=True)
        countries = {e.country for e in entries}
        shared = next(iter(countries)) if trust_candidates and len(countries) == 1 else None
        if within is None and shared in ctx.countries:
            within = find_country(shared)  # namesakes all in one of the text's countries: that one
        country = within or find_country(ctx.main_country or "")
        if country is None and shared:
            country = find_country(shared)
        if country is None:
            return None
        place = country_place(country, mention=mention, reason=f"{why}; only the country is known")
        return replace(place, candidates=candidates)

    def _ask_online(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        country = within.iso2 if within else ctx.main_country
        for backend in self.online:
            try:
                place = backend.geocode(mention, country=country)
            except GeocoderError as err:
                log.warning("%s", err)  # unreachable or broken service: fall back offline, say so
                continue
            if place is not None:
                return place
        return None

    def _fallback(self, mention: str, within: Country | None, ctx: DocumentContext) -> Place | None:
        regions = [r for r in ctx.regions_for(mention) if within is None or r.country == within.iso2]
        if len(regions) == 1:
            reason = (
                f"{mention!r} is not in the gazetteer; the text places it in the {regions[0].name} region"
            )
            return replace(
                entry_place(regions[0], mention=mention, confidence=0.5, reason=reason), needs_review=True
            )
        country = within or (find_country(ctx.main_country) if ctx.main_country else None)
        if country is None:
            return None
        known = [e for e in self.gazetteer.lookup(mention) if not e.is_region]
        suspect = [e for e in known if e.country == country.iso2]
        if suspect:
            why = (
                f"the gazetteer's {mention!r} in {country.name} has suspect coordinates: {label(suspect[0])}"
            )
        elif known:
            why = f"the gazetteer knows {mention!r} only outside {country.name}"
        else:
            why = f"{mention!r} is not in the gazetteer"
        return country_place(country, mention=mention, reason=f"{why}; only the country is known")


def _major(town: GazetteerEntry, others: Sequence[GazetteerEntry]) -> bool:
    """A populated place of ``MAJOR[0]`` people or more, ``MAJOR[1]`` times bigger than any namesake."""
    big, ratio = MAJOR
    return (
        town.feature == "P"
        and town.population >= big
        and all(town.population >= ratio * o.population for o in others if km(o, town) > NAMESAKE_KM)
    )


def _dwarfs(choice: _Choice) -> bool:
    """Whether the best candidate is a major city beside namesakes the text cannot tell from it."""
    return _major(choice.best.entry, [s.entry for s in choice.rivals])


@lru_cache(maxsize=1)
def default_resolver() -> Resolver:
    """The resolver over the local gazetteer, plus the online backends the settings turn on (default none)."""
    settings = load_settings()
    online: list[object] = []
    if settings.online_geocoders:
        from geomap.geocode.online import online_geocoders  # geopy is needed only when online is on

        online = online_geocoders(settings.online_geocoders, user_agent=settings.user_agent)
    return Resolver(Gazetteer.embedded(), online=online, countries=settings.countries)
