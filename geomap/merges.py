"""The store's events, merged again from its reports: on import, to explain a merge, to split one.

Merging always starts from every report as imported (the store's ``reports``
layer), never from merged events, so the result does not depend on the order
of imports and a re-imported report replaces only itself.  The rules are in
:mod:`geomap.sourcing.merging`: rows of coded datasets are never merged with
each other; article reports merge and may attach to a coded event.  A
researcher's split is a correction (:func:`geomap.corrections.make_split`)
read before merging, so it holds on every later import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geomap.corrections import apart_pairs, corrections_frame, make_split
from geomap.errors import InputError
from geomap.facts import MERGED_COLUMNS, MergeCounts, tally_merges
from geomap.model import Extraction
from geomap.schema import EVIDENCE_COLUMNS, WGS84, empty_table, is_blank, points, records, stack_events
from geomap.scope import touched
from geomap.sourcing.corroborate import (
    merged_rows,
    merged_table,
    moved_evidence,
    refuse_repeated_ids,
)
from geomap.sourcing.merging import (
    CODED,
    MergePlan,
    is_coded,
    member_id,
    member_ids,
    plan_merge,
    same_event,
    why,
)
from geomap.sourcing.registry import SourceRegistry
from geomap.store import EVENTS, EVIDENCE, REPORTS, SOURCES, Store, WriteSummary, where_in

#: merges reports: (reports, their evidence, their sources, pairs kept apart, registry) → the plan and
#: the merged rows in event_id order; :func:`merge_here` on this machine, the Dask engine's on a cluster
Merger = Callable[..., tuple[MergePlan, list[dict]]]


def merge_here(reports, cited, known, apart, registry: SourceRegistry) -> tuple[MergePlan, list[dict]]:
    """The local merger: the plan of every report, then each of its events (:data:`Merger`)."""
    plan = plan_merge(reports, apart=apart)
    return plan, merged_rows(reports, moved_evidence(cited, plan), registry, plan=plan, sources=known)


def merge_counts(events: pd.DataFrame) -> MergeCounts:
    """What merging did, read from merged events (each lists its members in ``origin_id``)."""
    columns = events[["origin_id", "extraction", "linked_ids"]]
    return tally_merges(tuple(r.values()) for r in records(columns))


def merge_into(
    store: Store,
    events,
    evidence,
    sources,
    registry: SourceRegistry,
    *,
    full: bool = False,
    merger: Merger | None = None,
) -> tuple[WriteSummary, MergeCounts]:
    """Add new reports (``events`` with their evidence and sources) to the stored ones and merge again.

    Only the stored reports the new ones can reach by matching are read and merged again
    (:mod:`geomap.scope`), and only the events, reports and evidence that change are written; the
    result is the one a merge of every report gives.  ``full``: merge every stored report
    again (the reference, and the way for a store whose events were written without reports).
    ``merger``: how the reports are merged (:data:`Merger`); :func:`merge_here` when omitted.
    """
    merger = merger or merge_here
    if full or evidence is None or not store.keeps_reports():
        return _merge_all(store, events, evidence, sources, registry, merger)
    new_ids = set(events["event_id"].astype(str))
    new_evidence = evidence.assign(report_id=evidence["event_id"])
    stale, replaced = _stale(store, events, new_evidence, sources, new_ids)
    plain = [records(t.drop(columns="geometry")) for t in (events, replaced)]
    reached = touched(store, *plain)
    kept = {i: r for i, r in reached.items() if i not in new_ids and i not in stale}
    old = store.select(REPORTS, where_in("event_id", kept)) if kept else stack_events([])
    reports = stack_events([old, events])
    # a re-imported report brings all its evidence again; one that brings none keeps what it had
    unrenewed = (new_ids - set(evidence["event_id"].astype(str)) - stale).union(kept)
    old_evidence = store.select(EVIDENCE, _in_reports(unrenewed)) if unrenewed else _stack_plain([])
    cited = _cited(reports, [old_evidence, new_evidence])
    known = _stack_plain([store.select(SOURCES, where_in("source_id", cited["source_id"])), sources])
    placed, moved = _merged(reports, cited, known, store.corrections(), registry, merger)
    everyone = {*kept, *new_ids, *stale, *replaced["event_id"].astype(str)}
    summary = store.update(
        placed,
        delete_events=everyone,
        reports=events,
        delete_reports=stale,
        evidence=moved,
        evidence_of=everyone,
        sources=sources,
    )
    return summary, store_merge_counts(store)


def _stale(store: Store, events, evidence, sources, new_ids: set[str]):
    """The stored reports this import removes (re-read articles, coded rows under a new id), and the
    stored rows it removes or replaces (those, and the stored versions of the new rows)."""
    documents = [] if sources is None else sources.loc[sources["origin"].notna(), "source_id"]
    from_documents = store.select(EVIDENCE, where_in("source_id", documents.astype(str)))
    of_documents = store.select(REPORTS, where_in("event_id", from_documents["report_id"]))
    stale = _replaced_articles(events, evidence, sources, of_documents, from_documents)
    coded = events.loc[events["extraction"].isin(CODED), "origin_id"].dropna().astype(str)
    stale |= _replaced_coded_rows(events, store.select(REPORTS, where_in("origin_id", coded)))
    return stale, store.select(REPORTS, where_in("event_id", stale | new_ids))


def _in_reports(ids) -> str:
    return where_in("coalesce(report_id, event_id)", ids)


def store_merge_counts(store: Store) -> MergeCounts:
    """How the stored rows became the stored events (three columns of the events layer)."""
    rows = store.read_columns(EVENTS, MERGED_COLUMNS)
    return tally_merges(rows.astype(object).itertuples(index=False, name=None))


def _merge_all(store: Store, events, evidence, sources, registry: SourceRegistry, merger: Merger):
    """Merge every stored report again with the new ones and store the result (the reference)."""
    stored = store.read(corrected=False)
    old_reports = store.read_reports(events=stored.events)
    old_evidence = stored.evidence
    new_evidence = None
    if evidence is not None:
        new_evidence = evidence.assign(report_id=evidence["event_id"])
        stale = _replaced_articles(events, evidence, sources, old_reports, old_evidence)
        stale |= _replaced_coded_rows(events, old_reports)
        renewed = set(evidence["event_id"].astype(str))  # a re-imported report brings all its evidence again
        old_reports = old_reports[~old_reports["event_id"].astype(str).isin(stale)]
        old_evidence = old_evidence[~old_evidence["report_id"].astype(str).isin(renewed | stale)]
    reports = stack_events([old_reports, events]).drop_duplicates("event_id", keep="last")
    cited = _cited(reports, [old_evidence, new_evidence])
    known = _stack_plain([stored.sources, sources])
    placed, moved = _merged(reports, cited, known, stored.corrections, registry, merger)
    summary = store.replace(placed, evidence=moved, sources=sources, reports=reports, stored=stored)
    return summary, merge_counts(placed)


def _cited(reports, evidence: list) -> pd.DataFrame:
    """The evidence of these reports: merging works on reports, so each row goes back to its report."""
    cited = _stack_plain(evidence)
    cited = cited.assign(event_id=cited["report_id"].fillna(cited["event_id"]))
    return cited[cited["event_id"].isin(set(reports["event_id"]))]


def _merged(reports, cited, known, corrections, registry: SourceRegistry, merger: Merger):
    """The merged events (placed on their points) and their evidence re-pointed to them."""
    refuse_repeated_ids(reports)
    plan, rows = merger(reports, cited, known, apart_pairs(corrections), registry)
    merged, moved = merged_table(rows, reports.columns), moved_evidence(cited, plan)
    placed = gpd.GeoDataFrame(merged, geometry=points(merged["latitude"], merged["longitude"]), crs=WGS84)
    return placed, moved


def _replaced_articles(events, evidence, sources, old_reports, old_evidence) -> set[str]:
    """The stored reports of articles read again: re-extraction replaces all they gave before.

    Only an article file's source (its ``origin`` is the file) is one document; a table's source
    is an outlet, whose other reports a new row must not replace.
    """
    if sources is None or sources.empty:
        return set()
    documents = set(sources.loc[sources["origin"].notna(), "source_id"].astype(str))
    extracted = set(events.loc[events["extraction"] == Extraction.RULES.value, "event_id"].astype(str))
    cited = evidence.loc[evidence["event_id"].astype(str).isin(extracted), "source_id"].astype(str)
    articles = set(cited) & documents
    from_articles = old_evidence["source_id"].astype(str).isin(articles)
    stale = set(old_evidence.loc[from_articles, "report_id"].astype(str))
    return stale & set(
        old_reports.loc[old_reports["extraction"] == Extraction.RULES.value, "event_id"].astype(str)
    )


def _replaced_coded_rows(events, old_reports) -> set[str]:
    """Stored coded rows that a new row with the same id in the same dataset replaces.

    Such a row was stored under another event_id: by a geomap whose ids did not include the dataset's
    id (its rows have no ``dataset``), or before the dataset changed the row's content.
    """
    new = events[events["origin_id"].notna() & events["extraction"].isin(CODED)]
    origins = dict(zip(new["origin_id"].astype(str), new["dataset"], strict=True))
    old = old_reports[
        old_reports["origin_id"].astype(str).isin(origins) & old_reports["extraction"].isin(CODED)
    ]
    same = [
        is_blank(dataset) or dataset == origins[origin]
        for origin, dataset in zip(old["origin_id"].astype(str), old["dataset"], strict=True)
    ]
    return set(old.loc[same, "event_id"].astype(str)) - set(new["event_id"].astype(str))


def remerge(store: Store, registry: SourceRegistry | None = None) -> MergeCounts:
    """Merge the stored reports again (after a split), changing nothing else."""
    with store.lock():  # the merge starts from what is committed, and nobody writes in between
        return merge_into(store, stack_events([]), None, None, registry or SourceRegistry.load())[1]


def _stack_plain(frames: list) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else empty_table(EVIDENCE_COLUMNS)


# --- explaining and splitting one event ------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One row of a merged event, and why it is part of it."""

    report_id: str  # the row's event_id in the reports layer (what `geomap split` takes)
    origin_id: str  # its id in its dataset, or its report id
    kind: str  # "ACLED row", "article report", …
    event_date: str
    location: str
    source: str
    fatalities: object
    reason: str


@dataclass(frozen=True)
class Explanation:
    """The members of an event, and the coded events of other datasets linked to it."""

    event_id: str
    members: tuple[Member, ...]
    linked: tuple[tuple[str, str], ...]  # (event_id, why)


def explain(store: Store, event_id: str) -> Explanation:
    """Which rows an event was merged from and by which rule; InputError when there is no such event."""
    stored = store.read(corrected=False)
    event = _event(store, stored.events, event_id)
    reports = records(store.read_reports(events=stored.events).drop(columns="geometry", errors="ignore"))
    members = _members(event, reports)
    apart = apart_pairs(stored.corrections)
    placed: list[dict] = []
    explained = []
    for row in sorted(members, key=lambda r: (not is_coded(r), r["event_id"] != event_id, r["event_id"])):
        match = next((p for p in placed if _matches(row, p, apart)), None)
        if not placed:
            reason = "the event itself" if is_coded(row) else "the first report (smallest id)"
        elif match is None:
            reason = "matches no other member now (the rules changed since it was merged)"
        else:
            verb = "attached to" if is_coded(match) and not is_coded(row) else "merged with"
            reason = f"{verb} {match['event_id']}: {why(row, match)}"
        placed.append(row)
        explained.append(_member(row, reason))
    by_id = {r["event_id"]: r for r in reports}
    linked = tuple(
        (i, why(event, by_id[i]) if i in by_id else "no longer stored")
        for i in str(event.get("linked_ids") or "").split("; ")
        if i
    )
    return Explanation(event_id, tuple(explained), linked)


def _event(store: Store, events: pd.DataFrame, event_id: str) -> dict:
    match = events[events["event_id"].astype(str) == str(event_id)]
    if match.empty:
        raise InputError(f"{store.path}: event_id: no event {event_id!r} in the store")
    return records(match.drop(columns="geometry", errors="ignore"))[0]


def _members(event: dict, reports: list[dict]) -> list[dict]:
    ids = set(member_ids(event))
    return [r for r in reports if member_id(r) in ids] or [event]


def _matches(a: dict, b: dict, apart: set[tuple[str, str]]) -> bool:
    pair = (a["event_id"], b["event_id"])
    if pair in apart or pair[::-1] in apart or (is_coded(a) and is_coded(b)):
        return False
    return same_event(a, b)


_KINDS = {"acled": "ACLED row", "ucdp": "UCDP GED row", "native": "coded table row"}


def _member(row: dict, reason: str) -> Member:
    kind = _KINDS.get(str(row.get("dataset") or "native"), "coded row") if is_coded(row) else "article report"
    return Member(
        report_id=str(row["event_id"]),
        origin_id=member_id(row),
        kind=kind,
        event_date=str(row["event_date"]),
        location=str(row.get("location") or row.get("place_mention") or ""),
        source=str(row.get("source") or ""),
        fatalities=row.get("fatalities"),
        reason=reason,
    )


def split(
    store: Store,
    event_id: str,
    report_ids: list[str],
    *,
    who: str,
    note: str = "",
    registry: SourceRegistry | None = None,
) -> MergeCounts:
    """Take reports out of a merged event for good: a ``split`` correction, then the store merged again.

    ``report_ids`` are the members' report ids or origin ids (see :func:`explain`).
    """
    with store.lock():  # the split and the merge after it see and leave one committed state
        members = explain(store, event_id).members
        by_name = {m.report_id: m for m in members} | {m.origin_id: m for m in members}
        unknown = [r for r in report_ids if r not in by_name]
        if unknown:
            raise InputError(
                f"{store.path}: {event_id}: {', '.join(unknown)} not among its reports "
                f"({', '.join(m.report_id for m in members)})"
            )
        taken = sorted({by_name[r].report_id for r in report_ids})
        rest = sorted({m.report_id for m in members} - set(taken))
        row = make_split(event_id, taken, rest, who=who, note=note)
        store.add_corrections(corrections_frame([row]))
        return remerge(store, registry)
