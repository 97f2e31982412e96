"""Document coherence: the first-level regions and "City, Region" pairs a text names, anywhere in the world.

:mod:`geomap.geocode.context` reads what a text says about the Sahel ("Léré, in the Timbuktu region");
this module adds what news everywhere says in passing, so that namesakes are chosen near the text's
other places:

- a region named bare ("Ohio", "Prince Edward Island", "Calif.", "W.Va."): its towns are preferred;
- "City, Region" ("Paris, Tenn.", "Richmond, Virginia"): the city is in that region, as if the text
  said "Paris, in the Tennessee region";
- "City, Country" ("Paris, France", "London, Ontario" is the region case): the city is in that country.

A region named bare counts only when the name is no town of its own region (the Gao region and the
city of Gao share a name: "Gao" stays the city) and names regions of a single country (or a single
one among the countries the text names).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from geomap.gazetteer.boundaries import Country, country_abbreviated, find_country
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, normalize_name
from geomap.geocode.areas import NATION_KEYS, wider_area
from geomap.geocode.context import DocumentContext, anchors_in, names_in_runs, spans
from geomap.geocode.proximity import NamedPlaces, named_places

_WORD = r"[A-ZÀ-Ý][\w'’\-]*"
_NAME = rf"{_WORD}(?:[ \-]{_WORD}){{0,2}}"
#: "Calif.", "Kan.", "N.Y.", "W.Va.", "W. Va.", "S.C.": the news agencies' abbreviations of regions
_ABBREVIATION = r"[A-Z][a-z]{0,4}\.(?:\s?[A-Z][a-z]{0,3}\.)?"
_PAIR = re.compile(rf"(?<![\w'’\-])({_NAME}),\s+({_ABBREVIATION}|{_NAME})(?![\w'’\-])")
_BARE = re.compile(rf"(?<![\w'’\-.])(?:{_ABBREVIATION}|{_NAME})")
_COUNTY = re.compile(rf"(?<![\w'’\-]){_WORD}(?: {_WORD})? (?:County|Parish|Borough)\b")
_DIRECTIONS = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "upstate",
    "downstate", "northeast", "northwest", "southeast", "southwest",
}  # fmt: skip
TOWN_SUPPORT = 1  # other names of the text near a town that bears a country's name: the town is meant
HOME_TIMES = 2  # times a region must be named before it is the text's home region
LIKELY_VOTES = 2  # names that must point to one country before it is the text's likely one
_POSSESSIVE = re.compile(r"['’]s$")
_LEADING = {"in", "the", "at", "near", "from", "of", "to", "on", "and", "for", "by"}


def with_coherence(ctx: DocumentContext, text: str, *, gazetteer: Gazetteer) -> DocumentContext:
    """``ctx`` with the regions ``text`` names bare, and its "City, Region" and "City, Country" pairs."""
    if not text:
        return ctx
    lookups: dict[str, list[GazetteerEntry]] = {}

    def regions(name: str) -> list[GazetteerEntry]:
        if name not in lookups:
            lookups[name] = [e for e in gazetteer.lookup(name) if e.is_region]
        return lookups[name]

    tied = list(ctx.tied)
    tied_countries = list(ctx.tied_countries)
    for match in _PAIR.finditer(text):
        place, where = match.group(1), match.group(2)
        keys = _tails(place)
        country = _country_written(where)
        found = _one_country(regions(where), ctx)
        if country is not None and found:  # "Dogo, Mali" (not Guinea's Mali); "Atlanta, Georgia" (the state)
            hits = [e for k in keys for e in gazetteer.lookup(k) if not e.is_region]
            if any(e.country == country.iso2 for e in hits) or not any(_within(e, found[0]) for e in hits):
                found = []
        if found:
            tied += [(key, r) for key in keys for r in found if (key, r) not in tied]
        elif country is not None:
            tied_countries += [
                (key, country.iso2) for key in keys if (key, country.iso2) not in tied_countries
            ]
    mentioned = list(ctx.mentioned)
    times: Counter = Counter(r for _, r in tied if r.is_region)  # how often each region is named
    for match in _BARE.finditer(text):
        span = _POSSESSIVE.sub("", match.group(0))  # "Indiana's unemployment rate"
        if len(span) <= 3 and "." not in span:
            continue
        key = normalize_name(span)
        head, _, rest = span.partition(" ")
        if rest and head.lower() in _DIRECTIONS and not regions(span):
            span, key = rest, normalize_name(rest)  # "East Texas", "Western Massachusetts": in the region
        for region in _one_country(regions(span), ctx):
            if region.country not in ctx.countries and wider_area(span) is not None:
                continue  # "au Sahel" is the wider Sahel unless the text is about Burkina Faso
            if (key, region) in mentioned or not _seat_namesake(region, span, gazetteer):
                times[region] += 1
            if (key, region) not in mentioned and not _seat_namesake(region, span, gazetteer):
                mentioned.append((key, region))
    named = [*mentioned, *((normalize_name(r.name), r) for _, r in tied if (_, r) not in ctx.tied)]
    countries = _with_region_countries(ctx, named, regions, gazetteer, text)
    pairs = {"tied": tuple(tied), "mentioned": tuple(mentioned), "tied_countries": tuple(tied_countries)}
    pairs["home"] = home_region(times)
    named = named_places(text, gazetteer=gazetteer)
    if not ctx.caller:  # "Jordan" beside Shakopee is no evidence of the kingdom
        countries = tuple(c for c in countries if not town_meant(find_country(c), named, gazetteer))
        countries = _with_nations(countries, text, named, gazetteer)
        countries = _with_county_countries(countries, text, gazetteer)
    ctx = replace(ctx, countries=countries, named=named, **pairs)
    if not (countries or ctx.configured or ctx.caller):
        likely = likely_country(text, gazetteer=gazetteer)
        if likely:
            ctx = replace(ctx, likely=likely, anchors=anchors_in(text, gazetteer, (likely,)))
    return ctx


def home_region(times: Counter) -> GazetteerEntry | None:
    """The region a text names most, at least ``HOME_TIMES`` times and twice as often as any other.

    A local paper names its own state again and again ("Indiana" ×6 beside "Illinois" once): its
    namesakes there are meant ("Boone County" of Indiana, not of Illinois).
    """
    ranked = times.most_common(2)
    if not ranked or ranked[0][1] < HOME_TIMES or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return ranked[0][0]


def town_meant(country: Country | None, named: NamedPlaces, gazetteer: Gazetteer) -> bool:
    """Whether the country's name stands for a town of another country in this text.

    "Jordan" in a text whose other names lie around Jordan, Minnesota (Shakopee, Belle Plaine) is that
    town, not the kingdom; "Mexico" beside names near no town called Mexico stays the country.
    """
    return country is not None and name_means_town(country.name, country.iso2, named, gazetteer)


def name_means_town(name: str, code: str, named: NamedPlaces, gazetteer: Gazetteer) -> bool:
    """Whether an area's name (of country ``code``, "" for none) stands for a town elsewhere in this text.

    A town counts when at least ``TOWN_SUPPORT`` other names of the text lie near it, and more than the
    text has names of places in the area's country ("Mali" in a text full of Malian villages stays
    Mali, whatever lies around the Guinean town of Mali).
    """
    key = normalize_name(name)
    towns = [e for e in gazetteer.lookup(key) if not e.is_region and e.country != code]
    support = max((named.support(t, key) for t in towns), default=0)
    return support >= TOWN_SUPPORT and support > (named.names_in(code, besides=key) if code else 0)


def likely_country(text: str, *, gazetteer: Gazetteer) -> str:
    """The country most of the text's unambiguous place names lie in, for a text that names none ("")

    A capitalised name votes for a country when every town or area of that name lies there (a local
    paper's "Pineville" and "Rapides Parish" vote for the United States); the country wins with at
    least ``LIKELY_VOTES`` names and twice the votes of the next.
    """
    votes: Counter = Counter()
    for span in set(spans(text)):
        if len(span) <= 3 or normalize_name(span) in _LEADING:
            continue
        found = {e.country for e in gazetteer.lookup(span) if e.feature in ("P", "A")}
        if len(found) == 1:
            votes[found.pop()] += 1
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] < LIKELY_VOTES:
        return ""
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return ""
    return ranked[0][0]


def _with_region_countries(
    ctx: DocumentContext, mentioned: list, regions, gazetteer: Gazetteer, text: str
) -> tuple:
    """The text's countries with those its regions establish ("Texas", "Paris, Tenn.": the United States).

    Only a name that is a region of one country in the whole world and no town's name outside that
    country ("Delta" is a Nigerian state and American towns), and no word the text also writes in
    lower case ("City" is a region of England, "the city" a common noun), is such evidence.  A
    country's name that is also a region of the country of the text's other regions ("Georgia" beside
    "Ohio") is that region, and no evidence of the country.  The caller's country stays the bound.
    """
    if ctx.caller:
        return ctx.countries
    countries = list(ctx.countries)
    words = set(re.findall(r"\b[a-z][a-z'’\-]*\b", text))
    for key, region in mentioned:
        code = region.country
        if key in words:
            continue
        if len({r.country for r in regions(key)}) != 1:
            continue
        named = find_country(key)
        if named is not None:
            if any(r.country == code for k, r in mentioned if k != key) and named.iso2 in countries:
                countries.remove(named.iso2)  # "Georgia" beside "Ohio" is the state
            else:
                continue
        towns = [e for e in gazetteer.lookup(key) if not e.is_region and e.country != code]
        if code not in countries and not towns:
            countries.append(code)
    return tuple(countries)


def _country_written(name: str) -> Country | None:
    """The country ``name`` writes: a name of four letters or more, or initials ("U.S.", not "L.A.")."""
    if "." in name:
        return country_abbreviated(name)
    return find_country(name) if len(name) > 3 else None


def _with_nations(countries: tuple, text: str, named: NamedPlaces, gazetteer: Gazetteer) -> tuple:
    """The text's countries with the United Kingdom when it names one of its nations ("in England").

    A nation's name that stands for a town the text's other names lie around ("England" beside
    Jonesboro and Searcy is England, Arkansas) is no evidence.
    """
    if "GB" in countries:
        return countries
    for nation in names_in_runs(text, NATION_KEYS):
        if not name_means_town(nation, "GB", named, gazetteer):
            return (*countries, "GB")
    return countries


def _with_county_countries(countries: tuple, text: str, gazetteer: Gazetteer) -> tuple:
    """The text's countries with that of the second-level areas it names ("Bronx County", "Rapides Parish").

    Only a name whose every entry is an area of one country counts (the index's counties are American),
    and only beside countries the text names: a text that names none is left to :func:`likely_country`.
    """
    if not countries:
        return countries
    for match in _COUNTY.finditer(text):
        found = gazetteer.lookup(match.group(0))
        codes = {e.country for e in found}
        if found and len(codes) == 1 and all(e.feature == "A" and not e.is_region for e in found):
            code = codes.pop()
            if code not in countries:
                countries = (*countries, code)
    return countries


def _one_country(found: list[GazetteerEntry], ctx: DocumentContext) -> list[GazetteerEntry]:
    """The regions of ``found`` if they lie in one country (among the text's countries, when several)."""
    if ctx.configured:
        found = [r for r in found if r.country in ctx.configured]
    countries = {r.country for r in found}
    if len(countries) > 1 and ctx.countries:
        found = [r for r in found if r.country in ctx.countries]
        countries = {r.country for r in found}
    return found if len(countries) == 1 else []


def _within(entry: GazetteerEntry, region: GazetteerEntry) -> bool:
    return entry.country == region.country and (not region.admin1 or entry.admin1 == region.admin1)


def _seat_namesake(region: GazetteerEntry, name: str, gazetteer: Gazetteer) -> bool:
    """Whether a town of the region bears its name (then the bare name is the town: "Gao", "New York")."""
    return any(
        e.feature == "P" and (not region.admin1 or e.admin1 == region.admin1)
        for e in gazetteer.lookup(name, country=region.country)
    )


def _tails(name: str) -> list[str]:
    """Keys of a place name and its tails without leading small words ("In Paris" → "in paris", "paris")."""
    words = name.split()
    keys = [normalize_name(" ".join(words[i:])) for i in range(len(words))]
    return [k for k in keys if k and k not in _LEADING]
