"""The app's sidebar filter (:class:`geomap.model.EventFilter`) as a DuckDB ``WHERE`` clause.

It selects what :func:`geomap.filters.filter_events` selects from the same rows
(the tests compare the two), so that a parquet store is filtered where its
files are, not in pandas over every event.  Values travel as parameters,
never inside the SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from geomap.filters import ACTOR_COLUMNS, TEXT_COLUMNS
from geomap.model import GRADES, EventFilter


@dataclass
class Where:
    """A ``WHERE`` clause (``"TRUE"`` when nothing is restricted) and its parameters, in order."""

    parts: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, sql: str, *params: object) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(f"({p})" for p in self.parts) if self.parts else "TRUE"


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


def _listed(column: str, values: frozenset) -> tuple[str, list]:
    return f'"{column}" IN ({_marks(list(values))})', sorted(values)


def filter_sql(flt: EventFilter, *, evidence: bool = True) -> Where:
    """The clause over an events relation; ``evidence``: the text search also reads ``evidence`` sentences."""
    where = Where()
    if flt.date_from is not None:
        where.add("coalesce(event_date_end, event_date) >= ?", flt.date_from.isoformat())
    if flt.date_to is not None:
        where.add("event_date <= ?", flt.date_to.isoformat())
    for column, values in (
        ("event_type", flt.event_types),
        ("claim_status", flt.claim_statuses),
        ("country", flt.countries),
        ("admin1", flt.regions),
    ):
        if values:
            sql, params = _listed(column, values)
            where.add(sql, *params)
    if flt.actors:
        where.add(_actor_sql(), *([sorted(flt.actors)] * len(ACTOR_COLUMNS)))
    if flt.min_sources > 1:
        where.add("coalesce(n_sources, 1) >= ?", int(flt.min_sources))
    if flt.min_reliability != "F":
        grades = GRADES[: GRADES.index(flt.min_reliability) + 1]
        where.add(f"coalesce(reliability, 'F') IN ({_marks(grades)})", *grades)
    if flt.geo_precisions:
        precisions = sorted(int(p) for p in flt.geo_precisions)
        where.add(f"CAST(coalesce(geo_precision, 1) AS INTEGER) IN ({_marks(precisions)})", *precisions)
    if flt.text.strip():
        _add_text(where, flt.text.strip().casefold(), evidence=evidence)
    return where


def _actor_sql() -> str:
    """An actor column names one of the actors (associates are split on ";", as filters._names does)."""
    one = "list_has_any(list_transform(string_split(coalesce(\"{c}\", ''), ';'), lambda n: trim(n)), ?)"
    return " OR ".join(one.format(c=c) for c in ACTOR_COLUMNS)


def _add_text(where: Where, needle: str, *, evidence: bool) -> None:
    columns = [f"contains(lower(coalesce(CAST(\"{c}\" AS VARCHAR), '')), ?)" for c in TEXT_COLUMNS]
    params: list[object] = [needle] * len(TEXT_COLUMNS)
    if evidence:
        columns.append(
            "event_id IN (SELECT event_id FROM evidence WHERE contains(lower(coalesce(sentence, '')), ?))"
        )
        params.append(needle)
    where.add(" OR ".join(columns), *params)


def is_everything(flt: EventFilter) -> bool:
    """Whether the filter restricts nothing (every event is in the view)."""
    return not filter_sql(flt, evidence=False).parts


def within(flt: EventFilter, period: tuple[date, date] | None) -> EventFilter:
    """``flt`` kept to the events that also overlap ``period`` (a brushed timeline; None: no period)."""
    if period is None:
        return flt
    start = period[0] if flt.date_from is None else max(flt.date_from, period[0])
    end = period[1] if flt.date_to is None else min(flt.date_to, period[1])
    return replace(flt, date_from=start, date_to=end)
