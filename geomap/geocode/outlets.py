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
from collections.abc import Iterable
from dataclasses import dataclass

from geomap.geocode.context import DocumentContext

HOME_VOTES = 2  # articles of one outlet that must lie in a region before it is the outlet's home
HOME_LEAD = 2.0  # …and how many times the votes of any other region it must have
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
