"""The import pipeline: read inputs → geocode what lacks coordinates → store.

Each file is read on its own; a file that cannot be read is reported and the
others still go through.  Everything read is written to the store in one atomic
write at the end, so an import either lands whole or leaves the store as it was.
"""

from __future__ import annotations

import csv
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml
from shapely.geometry import box

from geomap.errors import GeomapError, InputError, RowProblem, StoreError
from geomap.extract.actors import ActorDictionary, default_actors
from geomap.extract.events import Document, EventDraft, read_document
from geomap.extract.places import NOT_A_COUNTRY, PART, WATER, find_places, split_part
from geomap.gazetteer.boundaries import country_boundaries, find_country, inside_country
from geomap.gazetteer.index import Gazetteer, normalize_name
from geomap.gazetteer.learning import as_mappings, harvest_rows
from geomap.geocode import Resolver, default_resolver, geocode_events
from geomap.geocode.context import PlaceNameIndex
from geomap.geocode.outlets import (
    Pending,
    article_regions,
    decode_regions,
    encode_regions,
    masthead,
    names_a_home,
    outlet_homes,
    with_outlet,
)
from geomap.geocode.places import water_place
from geomap.geocode.ranking import frame_of, regions_of
from geomap.geocode.resolve import country_place
from geomap.ingest import ARTICLE_SUFFIXES, INPUT_SUFFIXES
from geomap.ingest.articles import Article, is_article_json, read_article_items
from geomap.ingest.tables import TableImport, read_table
from geomap.merges import MergeCounts, Merger, merge_into
from geomap.model import Extraction, GeoPrecision, Place
from geomap.schema import (
    EVIDENCE_COLUMNS,
    SOURCE_COLUMNS,
    empty_table,
    make_event_id,
    points,
    stack_events,
    validate,
)
from geomap.sourcing.corroborate import grade_events
from geomap.sourcing.merging import CODED
from geomap.sourcing.registry import SourceRegistry, annotate_sources
from geomap.store import EVENTS, SOURCES, Store, WriteSummary, where_in

log = logging.getLogger(__name__)

RECOUNTED_FORMATS = ("acled", "acled-hdx", "ucdp-ged")
#: the dataset of each coded table format (schema ``dataset``): rows of one dataset are never merged
DATASETS = {"acled": "acled", "acled-hdx": "acled", "ucdp-ged": "ucdp"}

#: progress callback: (files done, files in all, the file just finished)
Progress = Callable[[int, int, str], None]
#: each file and what reading it gave (its table, or the error that stopped it), in file order
FileResult = tuple[Path, TableImport | GeomapError]
#: harvests and geocodes the rows read: (events, resolver=, harvest=) → (events, notes, harvested)
Placer = Callable[..., tuple[gpd.GeoDataFrame, list[str], tuple[int, int]]]
#: reads the files for :func:`import_files`: (files, resolver=, actors=) → file results in file order
Reader = Callable[..., Iterable[FileResult]]


@dataclass(frozen=True)
class ImportReport:
    """What an import did: per-row problems, per-file errors, unresolved places and the store summary."""

    files: tuple[str, ...]
    events_read: int
    problems: tuple[RowProblem, ...] = ()
    file_errors: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    summary: WriteSummary | None = None
    formats: dict[str, str] = field(default_factory=dict)
    harvested: tuple[int, int] = (0, 0)  # places the gazetteer learnt, places it already knew
    merging: MergeCounts | None = None  # how the store's rows became events, when merged
    notes: tuple[str, ...] = ()  # what the readers did that the user should know (layers, encodings)

    @property
    def ok(self) -> bool:
        """True when every file was read and every row kept."""
        return not self.problems and not self.file_errors


def expand_inputs(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to import: each path itself, or the supported files inside a folder (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                # a dangling link is kept, so that it is reported rather than silently left out
                if (p.is_file() or p.is_symlink())
                and p.suffix.lower() in INPUT_SUFFIXES
                and not p.name.startswith(".")
            )
        else:
            found.append(path)
    return found


def import_files(
    paths: Sequence[str | os.PathLike],
    *,
    store: Store,
    resolver: Resolver | None = None,
    progress: Progress | None = None,
    harvest: bool = True,
    registry: SourceRegistry | None = None,
    merge: bool = True,
    actors: ActorDictionary | None = None,
    reader: Reader | None = None,
    merger: Merger | None = None,
    placer: Placer | None = None,
) -> ImportReport:
    """Import tables and articles into ``store``; see the module docstring for the error policy.

    Parameters
    ----------
    paths
        Files or folders (folders are searched for supported tables and articles).
    store
        The GeoPackage store to merge the events into.
    resolver
        The geocoder for rows with a place name but no coordinates; the embedded
        offline gazetteer when omitted, bounded to ``GEOMAP_COUNTRIES`` or, when that
        is not set, to the countries of the events already in the store.
    progress
        Called after each file.
    registry
        The source registry that grades outlets; ``data/sources.yaml`` plus the user's file when omitted.
    merge
        Merge article reports of the same event, new and stored, into one event with
        every source, and attach them to the coded event they report; rows of coded
        datasets are never merged with each other (see :mod:`geomap.sourcing.merging`).
    actors
        The actor dictionary for articles; ``data/actors.yaml`` plus the user's file when omitted.
    harvest
        Teach the gazetteer the places of rows that have a name and coordinates
        (see :meth:`geomap.gazetteer.index.Gazetteer.harvest`).
    reader
        How the files are read: :func:`read_each` (one after the other, here) when omitted;
        :mod:`geomap.engine` passes one that reads them on a Dask cluster.  Whatever reads them,
        the results come back in file order, so the rest of the import is the same.
    merger
        How the reports are merged (:data:`geomap.merges.Merger`): here when omitted; the Dask
        engine passes one that merges them on the cluster, with the same result.
    placer
        How the rows read are harvested and geocoded (:data:`Placer`): :func:`place_here` when
        omitted; the Dask engine passes one that does both on the cluster, with the same result.
    """
    store.exists()  # a path that is not a geomap store is refused before any work
    files = expand_inputs(paths)
    registry = registry or SourceRegistry.load()
    resolver = resolver or _store_resolver(store)
    events, sources, evidence = [], [], []
    problems: list[RowProblem] = []
    file_errors: list[str] = []
    notes: list[str] = []
    formats: dict[str, str] = {}
    read = reader or read_each
    tables: list[TableImport] = []
    for done, (path, table) in enumerate(read(files, resolver=resolver, actors=actors), start=1):
        if isinstance(table, GeomapError):
            file_errors.append(str(table))
            log.warning("%s", table)
        else:
            formats[str(path)] = table.format
            problems.extend(table.problems)
            notes.extend(table.notes)
            tables.append(table)
        if progress is not None:
            progress(done, len(files), str(path))
    # once every article has voted for its outlet's home, the events it frames move there
    articles = [t for t in tables if t.outlet_votes]
    moved = relocate_by_outlet(articles, resolver, stored=_stored_votes(store, articles))
    if moved:
        notes.append(f"{moved} article events placed in the region their outlet's other articles lie in")
    del articles  # each table read is let go once graded: only the graded copies stay
    tables.reverse()
    while tables:
        table = tables.pop()  # in file order
        # datasets that do not count independent outlets (ACLED, UCDP) are counted with the registry
        coded = _with_dataset(table.events, table.format)
        events.append(grade_events(coded, registry, recount=table.format in RECOUNTED_FORMATS))
        sources.append(annotate_sources(table.sources, registry))
        evidence.append(table.evidence)
    all_events = stack_events(events)
    unresolved: list[str] = []
    harvested = (0, 0)
    if not all_events.empty:
        place = placer or place_here
        all_events, unresolved, harvested = place(all_events, resolver=resolver, harvest=harvest)
    summary = merging = None
    if not all_events.empty and merge:
        with store.lock():  # the merge starts from what is committed, and nobody writes in between
            summary, merging = merge_into(
                store, all_events, _concat(evidence), _concat(sources), registry, merger=merger
            )
    elif not all_events.empty:
        # a later merged import starts from these too: Store.read_reports counts events stored without reports
        summary = store.write(all_events, sources=_concat(sources), evidence=_concat(evidence))
    return ImportReport(
        files=tuple(str(p) for p in files),
        events_read=len(all_events),
        problems=tuple(problems),
        file_errors=tuple(file_errors),
        unresolved=tuple(unresolved),
        summary=summary,
        formats=formats,
        harvested=harvested,
        merging=merging,
        notes=tuple(notes),
    )


def _with_dataset(events: gpd.GeoDataFrame, fmt: str) -> gpd.GeoDataFrame:
    """Coded rows named by their dataset (a native table's own ``dataset`` value is kept)."""
    if events.empty or fmt == "article":
        return events
    coded = events["extraction"].isin(CODED) & events["dataset"].isna()
    return events.assign(dataset=events["dataset"].where(~coded, DATASETS.get(fmt, "native")))


def _store_resolver(store: Store) -> Resolver:
    """The default resolver, bounded to the store's countries when the settings name none."""
    resolver = default_resolver()
    if resolver.countries or not store.exists():
        return resolver
    try:
        codes = store.read_columns(EVENTS, ["iso3"])
    except (StoreError, sqlite3.Error, OSError):
        return resolver  # not readable here: the store itself reports that when it is read
    countries = [c for c in codes["iso3"].value_counts().index if find_country(str(c))]
    if not countries:
        return resolver
    return Resolver(resolver.gazetteer, online=resolver.online, countries=countries)


def _empty_evidence() -> pd.DataFrame:
    return empty_table(EVIDENCE_COLUMNS)


def place_here(
    events: gpd.GeoDataFrame, *, resolver: Resolver, harvest: bool = True
) -> tuple[gpd.GeoDataFrame, list[str], tuple[int, int]]:
    """The local placer (:data:`Placer`): harvest the gazetteer, then geocode the rows without a point.

    Returns the geocoded rows, the notes to review (rows the harvest flagged, then rows placed
    roughly or not at all) and what the harvest did (added, confirmed).
    """
    flagged: list[str] = []
    harvested = harvest_places(events, gazetteer=resolver.gazetteer, flagged=flagged) if harvest else (0, 0)
    events, unresolved = geocode_events(events, resolver=resolver)
    return events, flagged + unresolved, harvested


def harvest_places(
    events: pd.DataFrame, *, gazetteer: Gazetteer, flagged: list[str] | None = None
) -> tuple[int, int]:
    """Add the named, located rows of ``events`` to the gazetteer; returns (added, confirmed).

    Rows whose point is outside their country or far from the known place of their name are not
    learnt; why is appended to ``flagged`` (see :meth:`geomap.gazetteer.index.Gazetteer.harvest`).
    """
    return gazetteer.harvest(as_mappings(harvest_rows(events)), flagged=flagged)


#: what reading a file can raise besides our own errors: the OS, parsers (csv, JSON, YAML, GDAL), codecs
_READ_FAILURES = (OSError, ValueError, LookupError, TypeError, RuntimeError, csv.Error, yaml.YAMLError)


def read_each(
    files: Sequence[Path], *, resolver: Resolver | None = None, actors: ActorDictionary | None = None
) -> Iterator[FileResult]:
    """The local reader: each file in turn, here (see :func:`read_input`)."""
    for path in files:
        yield path, read_or_error(path, resolver=resolver, actors=actors)


def read_or_error(
    path: Path, *, resolver: Resolver | None = None, actors: ActorDictionary | None = None
) -> TableImport | GeomapError:
    """:func:`read_input`, with the error that stops the file returned rather than raised."""
    try:
        return read_input(path, resolver=resolver, actors=actors)
    except GeomapError as err:
        return err


def read_input(path: Path, *, resolver: Resolver | None = None, actors: ActorDictionary | None = None):
    """Read one input file: the one seam where any failure to read it becomes an InputError naming it.

    Both engines read every file through this function (the Dask engine on its workers).
    """
    try:
        suffix = path.suffix.lower()
        if suffix in ARTICLE_SUFFIXES and (suffix != ".json" or is_article_json(path)):
            return read_article_file(path, resolver=resolver, actors=actors)
        return read_table(path, inside_country=inside_country)
    except GeomapError:
        raise
    except _READ_FAILURES as err:
        log.debug("reading %s failed", path, exc_info=True)  # the trace, for a bug report
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err) or type(err).__name__
        raise InputError(f"{path}: cannot read: {reason}") from err


def read_article_file(
    path: str | os.PathLike, *, resolver: Resolver | None = None, actors: ActorDictionary | None = None
) -> TableImport:
    """The events of the articles in one file, geocoded, with their sources and evidence."""
    articles, unread = read_article_items(path)
    tables = [article_events(a, resolver=resolver, actors=actors) for a in articles]
    events = stack_events([t.events for t in tables])
    if events.empty:
        events = validate(pd.DataFrame(), file=str(path))[0]
    sources = _concat([t.sources for t in tables])
    evidence = _concat([t.evidence for t in tables])
    return TableImport(
        str(path),
        "article",
        events,
        sources if sources is not None else empty_table(SOURCE_COLUMNS),
        evidence if evidence is not None else _empty_evidence(),
        [*unread, *(p for t in tables for p in t.problems)],
        outlet_votes=[v for t in tables for v in t.outlet_votes],
        pending=[p for t in tables for p in t.pending],
    )


def article_events(
    article: Article,
    *,
    resolver: Resolver | None = None,
    actors: ActorDictionary | None = None,
    country: str | None = None,
) -> TableImport:
    """Extract the events of one article and locate them (DESIGN.md §1: extract → geocode).

    ``country`` (a name or code) is the country the researcher says the article is
    about; it comes before any the text names.
    """
    resolver = resolver or default_resolver()
    actors = actors or default_actors()
    # a river, a lake or a group's branch named like a country ("the Niger River") names no country
    context = resolver.context(article.text, country=country)
    if context.main_country:
        country = find_country(context.main_country)
    else:
        country = _country_of_places(article, resolver)
    document = Document(
        article.text,
        published=article.published,
        language=article.source.language or "en",
        country=country.name if country else None,
        country_iso3=country.iso3 if country else None,
    )
    index = PlaceNameIndex(resolver.gazetteer, context)
    drafts, mentions = read_document(document, actors=actors, places=index)
    names = [m.text for m in mentions if m.kind == "place"]
    ambiguous = {
        d.place_mention
        for d in drafts
        if d.place_mention
        and d.place_kind not in (PART, WATER)
        and len(regions_of(resolver.gazetteer, d.place_mention)) > 1
    }
    if ambiguous:
        # where the text's other places lie frames an ambiguous one ("Boulel" beside Kita and Diéma)
        context = resolver.framed(context, names)
    source = article.source
    votes, pending = [], []
    if source.outlet:  # the article's vote for its outlet's home region (geocode/outlets.py)
        placed = context.placed if ambiguous else resolver.placed_alone(context, names)[0]
        votes.append((source.outlet, article_regions(placed, context)))
    rows, evidence = [], []
    for number, draft in enumerate(drafts, start=1):
        if draft.place_kind == PART:
            place = _part_of_country(draft.place_mention)
        elif draft.place_kind == WATER:
            place = water_place(draft.place_mention, country, configured=tuple(resolver.countries))
        else:
            place = resolver.resolve(draft.place_mention, context=context) if draft.place_mention else None
        if place is None and country is not None:
            place = country_place(
                country,
                mention=draft.place_mention or country.name,
                reason="the text names no place: placed at the country",
            )
        row = _event_row(draft, document, source, place, number)
        rows.append(row)
        mention = draft.place_mention
        if source.outlet and mention in ambiguous and _movable(resolver, context, mention, source.outlet):
            made = (draft, replace(document, text=""), source, number)  # the row needs no text
            geonameid = place.geonameid if place is not None else None
            pending.append(Pending(row["event_id"], source.outlet, mention, context, geonameid, made))
        for span in draft.evidence:
            evidence.append(
                {
                    "event_id": row["event_id"],
                    "source_id": source.source_id,
                    "sentence": span.sentence,
                    "start": span.start,
                    "end": span.end,
                    "claim_status": span.claim_status,
                    "claimant": span.claimant,
                }
            )
    events, problems = validate(pd.DataFrame(rows), file=article.where, rows=range(1, len(rows) + 1))
    row = {k: getattr(source, k, None) for k in SOURCE_COLUMNS}
    row["placed_regions"] = encode_regions(votes[0][1]) if votes else None
    sources = pd.DataFrame([row], columns=list(SOURCE_COLUMNS))
    kept = set(events["event_id"]) if pending else set()  # a row the contract refused moves nowhere
    return TableImport(
        article.where,
        "article",
        events,
        sources,
        pd.DataFrame(evidence, columns=list(EVIDENCE_COLUMNS)),
        problems,
        outlet_votes=votes,
        pending=[p for p in pending if p.event_id in kept],
    )


def _movable(resolver: Resolver, context, mention: str, outlet: str) -> bool:
    """Whether an outlet's home could move ``mention``: its namesakes lie in several regions of the
    countries it may be in (names unique in Mali, though not in the world, are never kept pending), and
    nothing in the text frames its region (no region named most, no other places') or the outlet's
    name starts with it (``outlets.masthead_town``: its own town, whatever the text frames)."""
    key = normalize_name(mention)
    head = masthead(outlet)
    own_town = head is not None and head.starts_with(key)
    if not own_town and (names_a_home(context, key) or frame_of(context.placed, key) is not None):
        return False
    allowed = context.countries or context.configured or tuple(resolver.countries)
    return len(regions_of(resolver.gazetteer, mention, allowed)) > 1


#: the columns of an article's event that its place gives (:func:`_event_row`)
PLACE_COLUMNS = (
    "country", "iso3", "admin1", "location", "geonameid", "latitude", "longitude", "geo_precision",
    "geocode_confidence", "notes",
)  # fmt: skip


def _stored_votes(store: Store, tables: Sequence[TableImport]) -> list[tuple[str, frozenset]]:
    """The votes the store keeps (``sources.placed_regions``) of the outlets whose events are pending,
    but not of the articles being imported again."""
    outlets = {p.outlet for t in tables for p in t.pending}
    if not outlets or not store.exists():
        return []
    kept = store.select(SOURCES, where_in("outlet", outlets))
    again = {s for t in tables for s in t.sources["source_id"]}
    kept = kept[~kept["source_id"].isin(again)]
    return [(o, decode_regions(r)) for o, r in zip(kept["outlet"], kept["placed_regions"], strict=True)]


def relocate_by_outlet(
    tables: Sequence[TableImport], resolver: Resolver, *, stored: Sequence[tuple[str, frozenset]] = ()
) -> int:
    """Move the pending events of ``tables`` (articles of one import) to their outlet's home region.

    Every article's vote is counted first (:func:`geomap.geocode.outlets.outlet_homes`), with the votes
    the store keeps of earlier imports (``stored``); an event whose
    place its own text left among namesakes of several regions is resolved again with its outlet's home,
    and its row is rebuilt when that gives another place.  Its ``event_id`` stays.  Returns how many
    events moved.
    """
    homes = outlet_homes([*stored, *(vote for table in tables for vote in table.outlet_votes)])
    moved = 0
    for table in tables:
        for pending in table.pending:
            context = with_outlet(pending.context, pending.outlet, homes)
            if context.outlet is None:
                continue
            place = resolver.resolve(pending.mention, context=context)
            if place is None or place.geonameid == pending.geonameid:
                continue
            row = _event_row(*pending.row[:3], place, pending.row[3])
            at = table.events.index[table.events["event_id"] == pending.event_id]
            for column in PLACE_COLUMNS:
                table.events.loc[at, column] = row[column]
            moved_to = points(table.events.loc[at, "latitude"], table.events.loc[at, "longitude"])
            table.events.loc[at, "geometry"] = moved_to.to_numpy()
            moved += 1
    return moved


def _part_of_country(mention: str) -> Place | None:
    """ "central Mali": a point inside that part of the country (a third of its extent each way)."""
    split = split_part(mention)
    country = find_country(split[1]) if split else None
    if country is None:
        return None
    shapes = country_boundaries()
    shape = shapes.geometry[shapes["iso3"] == country.iso3]
    if shape.empty:
        return None
    minx, miny, maxx, maxy = shape.iloc[0].bounds
    w, h = (maxx - minx) / 3, (maxy - miny) / 3
    part = split[0]
    rows = (2 if "north" in part else 0 if "south" in part else 1,)
    cols = (2 if "east" in part else 0 if "west" in part else 1,)
    if part in ("north", "south"):
        cols = (0, 1, 2)
    if part in ("east", "west"):
        rows = (0, 1, 2)
    cell = box(
        minx + w * min(cols), miny + h * min(rows), minx + w * (max(cols) + 1), miny + h * (max(rows) + 1)
    )
    inside = shape.iloc[0].intersection(cell)
    if inside.is_empty:
        return None
    point = inside.representative_point()
    return Place(
        name=mention,
        lat=point.y,
        lon=point.x,
        geo_precision=GeoPrecision.ADMIN1,
        confidence=0.5,
        country=country.iso2,
        iso3=country.iso3,
        origin="embedded",
        reason=f"{mention!r}: a part of the country, placed inside that part; to review",
        needs_review=True,
    )


def _country_of_places(article: Article, resolver: Resolver):
    """The country of the first place a text names, for a text that names no country."""
    index = PlaceNameIndex(resolver.gazetteer, resolver.context(""))
    for mention in find_places(article.text, index):
        if mention.excluded in NOT_A_COUNTRY:
            continue  # "the Niger River" does not make the text Nigerien
        place = resolver.resolve(mention.text)
        if place is not None and place.country:
            return find_country(place.country)
    return None


def _event_row(draft: EventDraft, document: Document, source, place, number: int) -> dict:
    actor1, assoc1, actor2, assoc2, inter1, inter2 = draft.names(document.country)
    precision = int(draft.geo_precision)
    if place is not None:
        precision = max(precision, int(place.geo_precision))
    figures = draft.fatalities
    location = place.name if place is not None else ""
    event_date = draft.event_date.isoformat()
    notes = "; ".join(
        n
        for n in (
            draft.place_note,
            place.reason if place is not None and place.needs_review else "",
            f"claimed by {draft.claim.claimant}" if draft.claim.claimant else "",
            "rests on documents whose origin the source does not establish" if draft.documents else "",
        )
        if n
    )
    key = f"{source.source_id}|{number}|{actor1}"
    return {
        "event_id": make_event_id(
            source=key,
            event_date=event_date,
            place=location or draft.place_mention,
            event_type=draft.event_type,
        ),
        "event_date": event_date,
        "event_date_end": draft.event_date_end.isoformat() if draft.event_date_end else None,
        "time_precision": int(draft.time_precision),
        "event_type": draft.event_type,
        "sub_event_type": draft.sub_event_type,
        "actor1": actor1 or None,
        "assoc_actor_1": "; ".join(assoc1) or None,
        "actor2": actor2 or None,
        "assoc_actor_2": "; ".join(assoc2) or None,
        "inter1": inter1,
        "inter2": inter2,
        "country": (
            find_country(place.country).name if place is not None and find_country(place.country) else None
        )
        or document.country,
        "iso3": place.iso3 if place is not None and place.iso3 else document.country_iso3,
        "admin1": (place.admin1 or None) if place is not None else None,
        "location": location or None,
        "place_mention": draft.place_mention or None,
        "geonameid": place.geonameid if place is not None else None,
        "latitude": place.lat if place is not None else None,
        "longitude": place.lon if place is not None else None,
        "geo_precision": precision if place is not None else int(GeoPrecision.COUNTRY),
        "geocode_confidence": place.confidence if place is not None else None,
        "fatalities": min(figures) if figures else None,  # no figure given: unknown, not zero
        "fatalities_low": min(figures) if figures else None,
        "fatalities_high": max([*figures, draft.fatalities_high or 0]) if figures else None,
        "notes": notes or None,
        "source": source.outlet,
        "source_url": source.url or None,
        "source_date": source.published or None,
        "n_sources": 1,
        "claim_status": draft.claim_status.value,
        "quote": draft.evidence[0].sentence if draft.evidence else None,
        "extraction": Extraction.RULES.value,
    }


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else None
