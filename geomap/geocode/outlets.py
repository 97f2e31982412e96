"""The region an outlet writes about: a local paper's namesakes are its own region's.

A local paper names "Athens" or "Clinton" and nothing else that frames it; the paper's other
articles do ("Athens, Ga.", "Clarke County", "Oconee").  Each article of an import votes for the
first-level regions its own text places names in (the names whose every place lies in one region,
the region it names most, the regions it names bare); the region voted by most of an outlet's
articles — at least ``HOME_VOTES`` of them and twice any other region's votes — is the outlet's home.
When no region leads so, the first two can together: each with ``HOME_VOTES`` votes, and their sum
twice the third's twice over (the Palladium-Item of Richmond, Indiana writes about Ohio as often).
The ranker then prefers namesakes there, only for a text that frames no region of its own
(``ranking.OUTLET_SCORE``).  An import places its articles' events first, then moves the events whose
place was chosen among namesakes of several regions with nothing in their text to frame them
(:class:`Pending`) once every article's vote is in (:func:`geomap.pipeline.import_files`).  The store
keeps each article's vote with its source (``sources.placed_regions``), so the articles of earlier
imports vote too: a local radio's report imported alone the next day is placed as it would be in one
import with the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from geomap.gazetteer.boundaries import find_country
from geomap.gazetteer.index import GazetteerEntry, normalize_name
from geomap.geocode.context import DocumentContext

HOME_VOTES = 2  # articles of one outlet that must lie in a region before it is the outlet's home
HOME_LEAD = 2.0  # …and how many times the votes of any other region it must have
MASTHEAD_LETTERS = 4  # a place name shorter than this at the start of a masthead is a coincidence
#: words a masthead may start with before its town: "The Richmond Register", "Radio Boulel"
MASTHEAD_LEADS = ("the", "le", "la", "les", "l", "radio", "tele", "tv")
#: country-code domains sold worldwide for their letters: they say nothing of the outlet's country
GENERIC_DOMAINS = frozenset(
    ["ac", "ai", "am", "cc", "co", "fm", "gg", "io", "la", "ly", "me", "nu", "sh", "tk", "to", "tv", "ws"]
)
_DOMAIN_COUNTRY = {"uk": "GB"}  # the country-code domains that are not the country's ISO code
#: (outlet, regions of one article): one article's vote
Vote = tuple[str, frozenset[tuple[str, str]]]


@dataclass(frozen=True)
class Pending:
    """An article's event placed among namesakes of several regions that its text does not frame.

    ``row`` rebuilds the event's row with another place (:func:`geomap.pipeline.relocate_by_outlet`).
    """

    event_id: str
    outlet: str
    mention: str
    context: DocumentContext
    geonameid: int | None
    row: object  # (draft, document, source, number): what the event's row is built from


@dataclass(frozen=True)
class Masthead:
    """What an outlet's name or web address says of it: the words it starts with, and its domain's country.

    ``label`` is the registered domain with its words run together ("richmondregister") or the name's
    key ("kidal info"); ``country`` is the ISO2 of a country-code domain, "" for .com or a name.
    """

    label: str
    joined: bool = False
    country: str = ""

    def starts_with(self, key: str) -> bool:
        """Whether the masthead starts with the place name ``key`` (a :func:`normalize_name` key)."""
        solid = key.replace(" ", "")
        if len(solid) < MASTHEAD_LETTERS:
            return False
        if self.joined:  # "theadvocate", "radiokledu": the leading word may run into the rest
            return any(self.label.startswith(f"{lead}{solid}") for lead in ("", *MASTHEAD_LEADS))
        words = f"{self.label} "
        lead = words.split(" ", 1)[0]
        return words.startswith(f"{key} ") or (
            lead in MASTHEAD_LEADS and words[len(lead) + 1 :].startswith(f"{key} ")
        )


def masthead(outlet: str) -> Masthead | None:
    """The :class:`Masthead` of an outlet given as its name ("Kidal Info") or host ("www.kidalinfo.com")."""
    outlet = (outlet or "").strip()
    if not outlet:
        return None
    if " " in outlet:
        return Masthead(normalize_name(outlet))
    if "." not in outlet:  # one word, "Kidalinfo": its words run together
        return Masthead(normalize_name(outlet).replace(" ", ""), joined=True)
    parts = _domains()(outlet)
    if not parts.domain or not parts.suffix:
        return Masthead(normalize_name(outlet))
    code = parts.suffix.rsplit(".", 1)[-1].lower()
    country = ""
    if len(code) == 2 and code not in GENERIC_DOMAINS:
        known = find_country(_DOMAIN_COUNTRY.get(code, code.upper()))
        country = known.iso2 if known else ""
    return Masthead(normalize_name(parts.domain).replace(" ", ""), joined=True, country=country)


@lru_cache(maxsize=1)
def _domains():
    """tldextract over the public suffix list it bundles, never refreshed online (imported when first
    needed: it brings requests, which a command that reads no article should not pay for)."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def names_a_home(ctx: DocumentContext, key: str) -> bool:
    """Whether the text has a region it names most (``ctx.home``) other than the name ``key`` being
    resolved: a Kentucky paper's "Berea", four times, makes Lesotho's Berea district no home of its text."""
    return ctx.home is not None and normalize_name(ctx.home.name) != key


def in_outlet_home(entry: GazetteerEntry, ctx: DocumentContext) -> bool:
    """Whether ``entry`` lies in a home region of the text's outlet (or its home country, from its domain)."""
    home = ctx.outlet or ()
    return (entry.country, entry.admin1 or "") in home or (entry.country, "") in home


def masthead_town(entry: GazetteerEntry, key: str, ctx: DocumentContext) -> bool:
    """Whether ``entry``, a place called ``key``, is the town the outlet's masthead names: a populated
    place of the outlet's home (in its domain's country, if it has one) whose name the masthead starts
    with."""
    return (
        ctx.masthead is not None
        and entry.feature == "P"
        and ctx.masthead.starts_with(key)
        and in_outlet_home(entry, ctx)
        and entry.country == (ctx.masthead.country or entry.country)  # a .co.uk paper's town is British
    )


def with_outlet(
    ctx: DocumentContext, outlet: str, homes: Mapping[str, tuple[tuple[str, str], ...]]
) -> DocumentContext:
    """``ctx`` with what its outlet says: its home (:func:`outlet_homes`, else its domain's country) and
    its masthead.  The home's countries join those the text names, after them: a Californian paper's
    "Pleasanton", in a text about veterans back from Iraq, is in California (a text naming no country
    stays bound by the researcher's)."""
    head = masthead(outlet)
    home = homes.get(outlet)
    if home is None and head is not None and head.country:
        home = ((head.country, ""),)
    if home is None:
        return ctx
    countries = ctx.countries
    if countries:  # a local paper's own country is one of its text's, after those the text names
        countries += tuple(c for c in dict.fromkeys(c for c, _ in home) if c not in countries)
    return replace(ctx, outlet=home, masthead=head, countries=countries)


def article_regions(placed: Iterable[tuple[str, tuple[str, str]]], ctx: DocumentContext) -> frozenset:
    """The (ISO2, admin1) regions one article places its names in: its vote for its outlet's home.

    ``placed`` are (name key, region) pairs (:meth:`Resolver.placed_alone`, or a framed context's).
    """
    regions = {region for _, region in placed if region[1]}
    regions |= {(r.country, r.admin1) for _, r in ctx.mentioned if r.is_region and r.admin1}
    if ctx.home is not None and ctx.home.admin1:
        regions.add((ctx.home.country, ctx.home.admin1))
    return frozenset(regions)


def encode_regions(regions: Iterable[tuple[str, str]]) -> str:
    """An article's vote as the store keeps it (``sources.placed_regions``): "ML:03 ML:04"."""
    return " ".join(f"{country}:{admin1}" for country, admin1 in sorted(regions))


def decode_regions(text: str | None) -> frozenset[tuple[str, str]]:
    """:func:`encode_regions` read back; nothing for an empty or missing value."""
    if not isinstance(text, str):
        return frozenset()
    return frozenset(tuple(part.split(":", 1)) for part in text.split() if ":" in part)


def outlet_homes(votes: Iterable[Vote]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Outlet → its home regions ((ISO2, admin1), one or two), from each article's vote; outlets with no
    region clearly leading are left out, and so is the empty outlet (articles whose outlet is not known)."""
    counts: dict[str, Counter] = {}
    for outlet, regions in votes:
        if outlet:
            counts.setdefault(outlet, Counter()).update(regions)
    homes = {}
    for outlet, counted in counts.items():
        ranked = counted.most_common(2)
        if not ranked or ranked[0][1] < HOME_VOTES:
            continue
        if len(ranked) == 1 or ranked[0][1] >= HOME_LEAD * ranked[1][1]:
            homes[outlet] = (ranked[0][0],)
        else:  # a paper at a border writes about both sides: two regions, together leading
            three = counted.most_common(3)
            third = three[2][1] if len(three) > 2 else 0
            if ranked[1][1] >= HOME_VOTES and ranked[0][1] + ranked[1][1] >= HOME_LEAD * 2 * third:
                homes[outlet] = (ranked[0][0], ranked[1][0])
    return homes
