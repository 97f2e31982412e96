"""Event-level sourcing: how many independent outlets carry an event, how far to trust it, and merging.

``n_sources`` counts independent outlets: outlets with one owner count once
(RFI and France 24 are both France Médias Monde), and a party repeating its
own claim counts once.  ``reliability`` is the best grade among those
outlets.  ``credibility`` grades the information itself, 1 to 6, by these
rules (a researcher's correction of an event overrides them, see
:mod:`geomap.corrections`).  An outlet speaks "in its own voice" when its
report is *reported* and it is not a party's own statement:

1. confirmed: in their own voice by at least two independent outlets graded A–C;
2. probably true: in its own voice by one outlet graded A–C, or by two
   independent outlets of any known grade;
3. possibly true: in its own voice only by outlets graded D–E, or a party's
   claim carried by an outlet graded A–C;
4. doubtful: hedged (*alleged*) or *disputed* (a claim and its denial);
5. improbable: never given by these rules, which cannot tell a refutation from
   a party's denial: a researcher sets it by correcting the event;
6. cannot be judged: every outlet is unknown to the registry (grade F) or is
   the party making the claim.

Disputed and alleged events never rise above 4, however many outlets carry
them: repetition is not confirmation.

Which rows are one event is :mod:`geomap.sourcing.merging`; :func:`merge_reports`
makes each group one event.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geomap.errors import InputError
from geomap.model import Reliability
from geomap.schema import records
from geomap.sourcing.merging import MergePlan, is_coded, member_id, plan_merge
from geomap.sourcing.registry import SourceRegistry

_ORDER = [r.value for r in Reliability]  # A best … F cannot be judged


def outlets_of(source: object) -> list[str]:
    """The outlets of an event's ``source`` column ("AFP; Reuters")."""
    if not isinstance(source, str):
        return []
    return [o.strip() for o in source.split(";") if o.strip()]


def independent_outlets(outlets: list[str], registry: SourceRegistry, *, url: str = "") -> int:
    """How many independent outlets these are (one owner counts once); the first outlet may have a URL."""
    keys = {registry.independence_key(outlet=o, url=url if i == 0 else "") for i, o in enumerate(outlets)}
    return len(keys)


def best_grade(outlets: list[str], registry: SourceRegistry, *, url: str = "") -> str:
    """The best reliability grade among the outlets (F when none is known)."""
    grades = [registry.grade(outlet=o, url=url if i == 0 else "")[0] for i, o in enumerate(outlets)]
    return min(grades, key=_ORDER.index) if grades else Reliability.F.value


_GOOD = frozenset("ABC")


def credibility(reports: list[tuple[list[str], str, str]], status: str, registry: SourceRegistry) -> int:
    """The credibility (1–6) of an event from its reports: (outlets, URL of the first, claim status) each.

    ``status`` is the event's claim status after merging; the rules are in this module's docstring.
    """
    own_voice: dict[str, str] = {}  # independence key → best grade among own-voice outlets
    carried: set[str] = set()  # grades of outlets that carry a party's claim without being the party
    judged = False
    for outlets, url, report_status in reports:
        for i, name in enumerate(outlets):
            link = url if i == 0 else ""
            known = registry.match(outlet=name, url=link)
            grade = known.reliability if known else Reliability.F.value
            party = known is not None and known.kind == "party-statement"
            if grade != Reliability.F.value and not party:
                judged = True
            if party or grade == Reliability.F.value:
                continue
            if report_status == "reported":
                key = registry.independence_key(outlet=name, url=link)
                own_voice[key] = min(own_voice.get(key, "F"), grade)
            else:
                carried.add(grade)
    good = [k for k, g in own_voice.items() if g in _GOOD]
    if status == "disputed":
        return 4
    if not judged:
        return 6
    if status == "alleged":
        return 4
    if len(good) >= 2:
        return 1
    if good or len(own_voice) >= 2:
        return 2
    if own_voice or carried & _GOOD:
        return 3
    return 6


def grade_events(events: pd.DataFrame, registry: SourceRegistry, *, recount: bool) -> pd.DataFrame:
    """Fill ``reliability`` (where F), ``credibility`` (where 6) and, with ``recount``, ``n_sources``.

    ``recount`` is for tables that do not count independent outlets themselves
    (ACLED, UCDP GED); a researcher's own count in a native table is kept.
    """
    events = events.copy()
    outlets = events["source"].map(outlets_of)
    urls = events["source_url"].fillna("").astype(str)
    graded = [best_grade(o, registry, url=u) for o, u in zip(outlets, urls, strict=True)]
    unjudged = events["reliability"].fillna(Reliability.F.value) == Reliability.F.value
    events.loc[unjudged, "reliability"] = pd.Series(graded, index=events.index)[unjudged]
    if recount:
        counts = [max(independent_outlets(o, registry, url=u), 1) for o, u in zip(outlets, urls, strict=True)]
        events["n_sources"] = pd.array(counts, dtype="Int64")
    statuses = events["claim_status"].fillna("reported").astype(str)
    graded = [credibility([(o, u, s)], s, registry) for o, u, s in zip(outlets, urls, statuses, strict=True)]
    unjudged = pd.to_numeric(events["credibility"], errors="coerce").fillna(6) == 6
    events.loc[unjudged, "credibility"] = pd.Series(graded, index=events.index)[unjudged]
    events["credibility"] = pd.to_numeric(events["credibility"], errors="coerce").astype("Int64")
    return events


# --- merged events: what a group of rows says together ---------------------------------------------
#
# Which rows form one event is decided in geomap.sourcing.merging (reports merge, coded rows never do;
# reports may attach to a coded event).  Here each group becomes one event.  A report-only group keeps
# the smallest member id, the most precise date and place, the fatality range across reports.  A group
# anchored on a coded row keeps that row's id and event fields (date, place, type, actors, fatalities);
# its sourcing (outlets, independent count, claim status, grades) comes from every member.


def merge_reports(
    events: pd.DataFrame,
    evidence: pd.DataFrame,
    registry: SourceRegistry,
    *,
    sources: pd.DataFrame | None = None,
    apart: Iterable[tuple[str, str]] = (),
    plan: MergePlan | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge reports of the same event; returns (events, evidence re-pointed to the merged ids).

    A merged event takes every outlet (``n_sources`` counts independent ones,
    with those of the coded events it is linked to), the best grade, and a claim
    status that stays *claimed* or *alleged* until an independent outlet reports
    it in its own voice, and becomes *disputed* when any report is.  Reports
    alone take the most precise date and place among them and the fatality range
    across them, the lowest figure as ``fatalities``; reports attached to a coded
    event leave its fields and fatalities as coded.  ``credibility`` follows the
    rules of this module from the voice of each evidence row (its source's
    outlet from ``sources``, its own claim status); when the evidence does not
    name its outlets, a lone row keeps a grade it has (other than 6) and a group
    is graded from its members' own columns.  A coded event alone keeps the grade
    its table gave.  Every member's id stays in ``origin_id``.

    ``apart``: pairs of event_ids never merged (a researcher's split); ``plan``:
    the :func:`~geomap.sourcing.merging.plan_merge` of ``events`` when the caller has it.
    """
    refuse_repeated_ids(events)
    plan = plan or plan_merge(events, apart=apart)
    moved = moved_evidence(evidence, plan)
    merged = merged_rows(events, moved, registry, plan=plan, sources=sources)
    return merged_table(merged, events.columns), moved


def refuse_repeated_ids(events: pd.DataFrame) -> None:
    """An InputError naming the event_ids that ``events`` repeats."""
    repeated = events["event_id"][events["event_id"].duplicated()]
    if not repeated.empty:  # each report is one row: a repeated id would make the merge depend on order
        raise InputError(f"merge: event_id: {', '.join(sorted(set(repeated)))} repeated")


def moved_evidence(evidence: pd.DataFrame, plan: MergePlan) -> pd.DataFrame:
    """The evidence rows re-pointed to the merged events of ``plan`` (each row once)."""
    moved = evidence.assign(event_id=evidence["event_id"].map(plan.target).fillna(evidence["event_id"]))
    return moved.drop_duplicates().reset_index(drop=True)


def merged_rows(
    events: pd.DataFrame,
    moved: pd.DataFrame,
    registry: SourceRegistry,
    *,
    plan: MergePlan,
    sources: pd.DataFrame | None = None,
) -> list[dict]:
    """The merged events of ``plan`` as rows, in event_id order (``moved``: :func:`moved_evidence`).

    The rows of a set of events closed under matching (a union of the plan's groups and links)
    are the same whether it is merged alone or with other rows: the Dask engine merges such
    sets apart and puts the rows together again (:func:`merged_table`).
    """
    rows = records(events.drop(columns="geometry", errors="ignore"))
    groups: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["event_id"]):
        groups.setdefault(plan.target[row["event_id"]], []).append(row)
    voices = _voices(moved, sources)
    outlets = {r["event_id"]: outlets_of(r.get("source")) for r in rows}
    merged = []
    for event_id, members in sorted(groups.items()):
        linked = plan.links.get(event_id, ())
        event = _merge_one(event_id, members, registry, voices.get(event_id))
        if linked:
            everyone = list(dict.fromkeys([*outlets[event_id], *(o for i in linked for o in outlets[i])]))
            event.update(linked_ids="; ".join(linked), n_sources=independent_outlets(everyone, registry))
        merged.append(event)
    return merged


def merged_table(merged: list[dict], columns: Iterable[str]) -> pd.DataFrame:
    """The table of merged rows, with the columns of the reports (but their geometry)."""
    return pd.DataFrame(merged, columns=[c for c in columns if c != "geometry"])


def _voices(evidence: pd.DataFrame, sources: pd.DataFrame | None) -> dict[str, list[tuple]]:
    """event_id → the (outlets, url, claim status) of each source behind it, from the evidence rows."""
    if sources is None or sources.empty or evidence.empty:
        return {}
    known = {
        str(r["source_id"]): (str(r["outlet"] or ""), str(r["url"] or ""))
        for r in records(sources.drop_duplicates("source_id", keep="last"))
        if isinstance(r.get("outlet"), str) and r["outlet"]
    }
    out: dict[str, set[tuple]] = {}
    for event_id, source_id, status in zip(
        evidence["event_id"].astype(str),
        evidence["source_id"].astype(str),
        evidence["claim_status"].fillna("reported").astype(str),
        strict=True,
    ):
        if source_id in known:
            outlet, url = known[source_id]
            out.setdefault(event_id, set()).add(((outlet,), url, status or "reported"))
    return {k: [(list(o), u, st) for o, u, st in sorted(v)] for k, v in out.items()}


def _merge_one(event_id: str, members: list[dict], registry: SourceRegistry, voices=None) -> dict:
    anchor = next((r for r in members if r["event_id"] == event_id and is_coded(r)), None)
    if anchor is not None and len(members) == 1:
        return dict(anchor)  # a coded event alone: as its dataset gives it
    outlets = list(dict.fromkeys(o for r in members for o in outlets_of(r.get("source"))))
    status = _claim_status(members, registry)
    out = dict(anchor) if anchor is not None else _reports_together(members)
    out.update(
        event_id=event_id,
        source="; ".join(outlets),
        source_url=(anchor or {}).get("source_url")
        or next((r["source_url"] for r in members if r.get("source_url")), None),
        source_date=min(str(r["source_date"]) for r in members if r.get("source_date")),
        n_sources=max(independent_outlets(outlets, registry), 1),
        claim_status=status,
        credibility=_merged_credibility(members, voices, status, registry),
        reliability=best_grade(outlets, registry) if outlets else out.get("reliability"),
        origin_id="; ".join(member_id(r) for r in members) if len(members) > 1 else out.get("origin_id"),
        quote=out.get("quote") or next((r["quote"] for r in members if r.get("quote")), None),
    )
    return out


def _merged_credibility(members: list[dict], voices, status: str, registry: SourceRegistry) -> int:
    """The rules over the evidence rows' voices; without them, a lone row keeps a grade it has (not 6)."""
    if voices:
        return credibility(voices, status, registry)
    given = pd.to_numeric(members[0].get("credibility"), errors="coerce")
    if len(members) == 1 and pd.notna(given) and int(given) != 6:
        return int(given)
    return credibility(_own_columns(members), status, registry)


def _reports_together(members: list[dict]) -> dict:
    """The event fields of a group of reports: most precise date and place, the fatality range."""
    by_time = min(members, key=lambda r: (int(r["time_precision"] or 1), r["event_date"], r["event_id"]))
    by_place = min(members, key=lambda r: (int(r["geo_precision"] or 1), r["event_id"]))
    low = [r["fatalities_low"] for r in members if pd.notna(r.get("fatalities_low"))]
    high = [r["fatalities_high"] for r in members if pd.notna(r.get("fatalities_high"))]
    out = dict(by_place)
    out.update(
        event_date=by_time["event_date"],
        event_date_end=by_time["event_date_end"],
        time_precision=by_time["time_precision"],
        fatalities=min(low) if low else None,
        fatalities_low=min(low) if low else None,
        fatalities_high=max(high) if high else None,
    )
    return out


def _own_columns(members: list[dict]) -> list[tuple[list[str], str, str]]:
    """The members' (outlets, URL, claim status), for evidence that does not name its outlets."""
    return [
        (
            outlets_of(r.get("source")),
            str(r.get("source_url") or ""),
            str(r.get("claim_status") or "reported"),
        )
        for r in members
    ]


def _claim_status(members: list[dict], registry: SourceRegistry) -> str:
    statuses = [str(r.get("claim_status") or "reported") for r in members]
    if "disputed" in statuses:
        return "disputed"
    for row, status in zip(members, statuses, strict=True):
        outlets = outlets_of(row.get("source"))
        independent = any(_not_a_party(registry.match(outlet=o)) for o in outlets)
        if status == "reported" and independent:
            return "reported"
    return "claimed" if "claimed" in statuses else ("alleged" if "alleged" in statuses else statuses[0])


def _not_a_party(outlet: object) -> bool:
    """An outlet the registry does not know, or knows as anything but a party's own statement."""
    return outlet is None or getattr(outlet, "kind", "") != "party-statement"
