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
"""

from __future__ import annotations

import bisect

import pandas as pd

from geomap.model import Reliability
from geomap.schema import records
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


# --- merging reports of the same event -------------------------------------------------------------
#
# Two reports are of the same event when all of these hold:
# - their dates overlap, each widened by its own precision (day ±0, week ±3 days, month: the calendar
#   month, year: the calendar year); two day-precision reports of different days never merge;
# - their places are close: within MERGE_KM when both are located to a place (precision 1–2), in the
#   same admin-1 region when one is only known to the region, in the same country when one is only
#   known to the country; two precise places farther apart never merge;
# - their event types are the same;
# - their actors overlap when both name actors (one side empty is compatible).
# Groups are closed transitively (union–find), so the result does not depend on the order of the rows.
# The merged event keeps the smallest member event_id, the most precise date and place, every outlet.

MERGE_KM = 10.0


def _window(start: str, end: str, precision: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, last = pd.Timestamp(start), pd.Timestamp(end or start)
    if precision == 2:
        return first - pd.Timedelta(days=3), last + pd.Timedelta(days=3)
    if precision == 3:
        return first.replace(day=1), last + pd.offsets.MonthEnd(0)
    if precision >= 4:
        return first.replace(month=1, day=1), last.replace(month=12, day=31)
    return first, last


def _actors(row: dict) -> set[str]:
    names = set()
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        names |= {n.lower() for n in outlets_of(row.get(column))}
    return names


def same_event(a: dict, b: dict) -> bool:
    """Whether two reports describe one event (the rules above)."""
    if a["event_type"] != b["event_type"]:
        return False
    a0, a1 = _window(a["event_date"], a.get("event_date_end"), int(a.get("time_precision") or 1))
    b0, b1 = _window(b["event_date"], b.get("event_date_end"), int(b.get("time_precision") or 1))
    if a1 < b0 or b1 < a0:
        return False
    if not _close(a, b):
        return False
    left, right = _actors(a), _actors(b)
    return not left or not right or bool(left & right)


def _close(a: dict, b: dict) -> bool:
    pa, pb = int(a.get("geo_precision") or 1), int(b.get("geo_precision") or 1)
    if max(pa, pb) >= 4:
        return (a.get("iso3") or a.get("country")) == (b.get("iso3") or b.get("country"))
    if max(pa, pb) == 3:
        return bool(a.get("admin1")) and (a.get("admin1") == b.get("admin1"))
    return _km(a, b) <= MERGE_KM


def _km(a: dict, b: dict) -> float:
    from geomap.gazetteer.index import distance_km

    return distance_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"])


def merge_groups(events: pd.DataFrame) -> dict[str, str]:
    """event_id → the event_id of its merged event (the smallest id in its group)."""
    rows = sorted(records(events.drop(columns="geometry", errors="ignore")), key=lambda r: r["event_id"])
    parent = {r["event_id"]: r["event_id"] for r in rows}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in _candidate_pairs(rows):
        if same_event(a, b):
            ra, rb = root(a["event_id"]), root(b["event_id"])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {event_id: root(event_id) for event_id in parent}


_CELL = 0.1  # degrees (~11 km): precise reports are compared with reports in their cell and the 8 around it
_SHORT = 7  # days: reports whose date window is longer are compared broadly


def _candidate_pairs(rows: list[dict]):
    """Pairs worth testing: precise, short reports by cell and day; the rest against their country."""
    cells: dict[tuple, list[int]] = {}
    broad: list[int] = []
    spans = []
    for i, row in enumerate(rows):
        start, end = _window(
            row["event_date"], row.get("event_date_end"), int(row.get("time_precision") or 1)
        )
        d0, d1 = int(start.timestamp() // 86400), int(end.timestamp() // 86400)
        spans.append((d0, d1))
        if int(row.get("geo_precision") or 1) <= 2 and d1 - d0 <= _SHORT:
            cx, cy = int(row["latitude"] // _CELL), int(row["longitude"] // _CELL)
            for day in range(d0, d1 + 1):
                cells.setdefault((row["event_type"], cx, cy, day), []).append(i)
        else:
            broad.append(i)
    seen: set[tuple[int, int]] = set()
    for (kind, cx, cy, day), members in cells.items():
        for i in members:
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for j in cells.get((kind, cx + dx, cy + dy, day), ()):
                        if i < j and (i, j) not in seen:
                            seen.add((i, j))
                            yield rows[i], rows[j]
    by_country: dict[tuple, list[tuple[int, int]]] = {}
    for j, row in enumerate(rows):
        by_country.setdefault((row["event_type"], row.get("iso3") or row.get("country")), []).append(
            (spans[j][0], j)
        )
    for entries in by_country.values():
        entries.sort()
    longest = max((d1 - d0 for d0, d1 in spans), default=0)
    for i in broad:
        entries = by_country[(rows[i]["event_type"], rows[i].get("iso3") or rows[i].get("country"))]
        d0, d1 = spans[i]
        lo = bisect.bisect_left(entries, (d0 - longest, -1))
        hi = bisect.bisect_right(entries, (d1, len(rows)))
        for _, j in entries[lo:hi]:
            pair = (min(i, j), max(i, j))
            if i != j and spans[j][1] >= d0 and pair not in seen:
                seen.add(pair)
                yield rows[pair[0]], rows[pair[1]]


def merge_reports(
    events: pd.DataFrame,
    evidence: pd.DataFrame,
    registry: SourceRegistry,
    *,
    sources: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge reports of the same event; returns (events, evidence re-pointed to the merged ids).

    The merged event takes the most precise date and place among its reports,
    every outlet (``n_sources`` counts independent ones), the fatality range
    across reports with the lowest figure as ``fatalities``, the best grade, and
    a claim status that stays *claimed* or *alleged* until an independent outlet
    reports it in its own voice, and becomes *disputed* when any report is.
    ``credibility`` follows the rules of this module from the voice of each
    evidence row (its source's outlet from ``sources``), or from the reports'
    own columns when the evidence does not name its outlets.
    """
    target = merge_groups(events)
    rows = records(events.drop(columns="geometry", errors="ignore"))
    groups: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["event_id"]):
        groups.setdefault(target[row["event_id"]], []).append(row)
    moved = evidence.assign(event_id=evidence["event_id"].map(target).fillna(evidence["event_id"]))
    moved = moved.drop_duplicates().reset_index(drop=True)
    voices = _voices(moved, sources)
    merged = [
        _merge_one(event_id, members, registry, voices.get(event_id))
        for event_id, members in sorted(groups.items())
    ]
    table = pd.DataFrame(merged, columns=[c for c in events.columns if c != "geometry"])
    return table, moved


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
    by_time = min(members, key=lambda r: (int(r["time_precision"] or 1), r["event_date"], r["event_id"]))
    by_place = min(members, key=lambda r: (int(r["geo_precision"] or 1), r["event_id"]))
    outlets = list(dict.fromkeys(o for r in members for o in outlets_of(r.get("source"))))
    low = [r["fatalities_low"] for r in members if pd.notna(r.get("fatalities_low"))]
    high = [r["fatalities_high"] for r in members if pd.notna(r.get("fatalities_high"))]
    status = _claim_status(members, registry)
    reports = [
        (
            outlets_of(r.get("source")),
            str(r.get("source_url") or ""),
            str(r.get("claim_status") or "reported"),
        )
        for r in members
    ]
    out = dict(by_place)
    out.update(
        event_id=event_id,
        event_date=by_time["event_date"],
        event_date_end=by_time["event_date_end"],
        time_precision=by_time["time_precision"],
        source="; ".join(outlets),
        source_url=next((r["source_url"] for r in members if r.get("source_url")), None),
        source_date=min(str(r["source_date"]) for r in members if r.get("source_date")),
        n_sources=max(independent_outlets(outlets, registry), 1),
        claim_status=status,
        credibility=_merged_credibility(members, reports, status, registry),
        reliability=best_grade(outlets, registry) if outlets else by_place.get("reliability"),
        fatalities=min(low) if low else None,
        fatalities_low=min(low) if low else None,
        fatalities_high=max(high) if high else None,
    )
    return out


def _merged_credibility(members: list[dict], reports, status: str, registry: SourceRegistry) -> int:
    """The rules' credibility; a lone report keeps a grade its table gave (other than 6)."""
    if len(members) == 1:
        given = pd.to_numeric(members[0].get("credibility"), errors="coerce")
        if pd.notna(given) and int(given) != 6:
            return int(given)
    return credibility(reports, status, registry)


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
