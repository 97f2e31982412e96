"""What goes wrong on the *tune* halves of the toponym corpora: every miss (over 161 km) sorted into a class.

``python -m benchmarks.toponym_errors [--corpus LGL] [--examples 15]`` resolves the tune half the way
:mod:`benchmarks.toponym_corpora` does and counts its misses by class, with the commonest phrases of each:

- ``no answer``: the resolver returned nothing;
- ``demonym``: a people's or language's name ("American", "Israeli") the gazetteer does not hold;
- ``county``: a US county or parish ("Henry County");
- ``fallback to the country``: answered with a country while the gold point is a place in it;
- ``ruled out by the text's countries``: a namesake near the gold point exists but lies outside the
  countries the text names;
- ``wrong namesake``: the gazetteer holds a namesake near the gold point, another one was chosen;
- ``not in the gazetteer``: no entry of that name lies within 161 km of the gold point;

Each class also says how many of its misses no ranking can fix: no gazetteer entry, country, area or
demonym of that name lies within 161 km of the gold point (the gazetteer's ceiling).

Only fold A of the tune half is read by default (``--part tune`` for all of it); fold B is kept to
check, as a score only, that a change carries over. The report half is never read here: it stays frozen.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict

from benchmarks.toponym_corpora import SOURCES, TARGET, Toponym, half, homes_of, read_corpus, read_outlets
from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.index import Gazetteer, distance_km
from geomap.geocode import Resolver
from geomap.geocode.areas import area_named
from geomap.geocode.demonyms import demonym_country
from geomap.geocode.outlets import with_outlet
from geomap.model import GeoPrecision, Place

HIT_KM = 161
OUT_OF_REACH = ", out of reach"
_DEMONYM = re.compile(r"(?:an|ian|ese|ish|i|ic|ch|ean)s?$")
_COUNTY = re.compile(r"\b(?:county|counties|parish)\b", re.IGNORECASE)


def classify(toponym: Toponym, place: Place | None, text: str, resolver: Resolver) -> str:
    """The class of one miss (see the module docstring)."""
    phrase = toponym.phrase
    entries = resolver.gazetteer.lookup(phrase)
    near = [e for e in entries if distance_km(e.lat, e.lon, toponym.lat, toponym.lon) <= HIT_KM]
    if _COUNTY.search(phrase):
        return "county"
    if not entries and find_country(phrase) is None and _DEMONYM.search(phrase) and phrase[:1].isupper():
        return "demonym"
    if place is None:
        return "no answer"
    if place.geo_precision == GeoPrecision.COUNTRY and find_country(phrase) is None:
        if near and all(e.country not in resolver.context(text).countries for e in near):
            return "ruled out by the text's countries"
        return "fallback to the country"
    if near:
        return "wrong namesake"
    return "not in the gazetteer"


def reachable(toponym: Toponym, resolver: Resolver) -> bool:
    """Whether anything of that name the resolver can answer lies within 161 km of the gold point."""
    points = [(e.lat, e.lon) for e in resolver.gazetteer.lookup(toponym.phrase)]
    points += [(a.lat, a.lon) for a in (find_country(toponym.phrase), area_named(toponym.phrase)) if a]
    points += [(c.lat, c.lon) for c in (demonym_country(toponym.phrase),) if c]
    return any(distance_km(lat, lon, toponym.lat, toponym.lon) <= HIT_KM for lat, lon in points)


def misses(corpus: str, resolver: Resolver, part: str = "A") -> tuple[int, dict[str, Counter]]:
    """Toponyms of fold A (or of the tune half), and class → Counter of phrases over its misses.

    A miss no namesake within 161 km could fix is counted under its class and again under
    ``"<class>, out of reach"``.
    """
    if part not in ("A", "tune"):
        raise ValueError(f"misses are studied on fold A or the tune half, not {part!r}")
    found: dict[str, Counter] = defaultdict(Counter)
    total = 0
    articles, outlets = read_corpus(corpus), read_outlets(corpus)
    homes = homes_of(half(articles, "tune"), half(outlets, "tune"), resolver)  # as toponym_corpora does
    for (text, gold), outlet in zip(half(articles, part), half(outlets, part), strict=True):
        context = resolver.framed(resolver.context(text), [t.phrase for t in gold])
        context = with_outlet(context, outlet, homes)
        total += len(gold)
        for toponym in gold:
            place = resolver.resolve(toponym.phrase, context=context)
            if place is not None and distance_km(place.lat, place.lon, toponym.lat, toponym.lon) <= HIT_KM:
                continue
            name = classify(toponym, place, text, resolver)
            found[name][toponym.phrase] += 1
            if not reachable(toponym, resolver):
                found[name + OUT_OF_REACH][toponym.phrase] += 1
    return total, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=list(SOURCES), action="append")
    parser.add_argument("--examples", type=int, default=15)
    parser.add_argument("--part", choices=("A", "tune"), default="A", help="fold A (default) or tune")
    args = parser.parse_args()
    resolver = Resolver(Gazetteer.embedded())
    for corpus in args.corpus or [c for c in SOURCES if (TARGET / SOURCES[c].rsplit("/", 1)[1]).exists()]:
        total, found = misses(corpus, resolver, args.part)
        classes = {name: c for name, c in found.items() if not name.endswith(OUT_OF_REACH)}
        missed = sum(sum(c.values()) for c in classes.values())
        unfixable = sum(sum(c.values()) for name, c in found.items() if name.endswith(OUT_OF_REACH))
        print(f"## {corpus}, {args.part}: {missed} misses of {total} ({1 - missed / total:.1%} acc@161); "
              f"{unfixable} out of reach (ceiling {1 - unfixable / total:.1%})")  # fmt: skip
        for name, phrases in sorted(classes.items(), key=lambda kv: -sum(kv[1].values())):
            beyond = f"{name}{OUT_OF_REACH}"
            for shown, counted in ((name, phrases), (beyond, found.get(beyond))):
                if counted:
                    top = ", ".join(f"{p} ×{k}" for p, k in counted.most_common(args.examples))
                    print(f"{'-' if shown == name else '  -'} {shown}: {sum(counted.values())} ({top})")


if __name__ == "__main__":
    main()
