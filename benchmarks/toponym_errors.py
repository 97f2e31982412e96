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

Only fold A of the tune half is read by default (``--part tune`` for all of it); fold B is kept to
check, as a score only, that a change carries over. The report half is never read here: it stays frozen.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict

from benchmarks.toponym_corpora import SOURCES, TARGET, Toponym, half, read_corpus
from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.index import Gazetteer, distance_km
from geomap.geocode import Resolver
from geomap.model import GeoPrecision, Place

HIT_KM = 161
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


def misses(corpus: str, resolver: Resolver, part: str = "A") -> tuple[int, dict[str, Counter]]:
    """Toponyms of fold A (or of the tune half), and class → Counter of phrases over its misses."""
    if part not in ("A", "tune"):
        raise ValueError(f"misses are studied on fold A or the tune half, not {part!r}")
    found: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for text, gold in half(read_corpus(corpus), part):
        context = resolver.context(text)
        total += len(gold)
        for toponym in gold:
            place = resolver.resolve(toponym.phrase, context=context)
            if place is not None and distance_km(place.lat, place.lon, toponym.lat, toponym.lon) <= HIT_KM:
                continue
            found[classify(toponym, place, text, resolver)][toponym.phrase] += 1
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
        missed = sum(sum(c.values()) for c in found.values())
        print(f"## {corpus}, {args.part}: {missed} misses of {total} ({1 - missed / total:.1%} acc@161)")
        for name, phrases in sorted(found.items(), key=lambda kv: -sum(kv[1].values())):
            top = ", ".join(f"{p} ×{k}" for p, k in phrases.most_common(args.examples))
            print(f"- {name}: {sum(phrases.values())} ({top})")


if __name__ == "__main__":
    main()
