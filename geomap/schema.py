"""The event table: the contract between geomap's stages (DESIGN.md §3).

An event table is a GeoDataFrame in EPSG:4326 with the columns of
:data:`EVENT_COLUMNS`, in that order.  :func:`validate` coerces a raw frame to
the contract and returns the rows that fail it as :class:`~geomap.errors.RowProblem`
instead of raising, so one bad row never costs the good ones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.cells import CellError, parse_date, parse_number
from geomap.columns import (  # noqa: F401  (re-exported: the contract, importable without pandas)
    CLAIM_STATUSES,
    CORRECTION_COLUMNS,
    DEFAULTS,
    EVENT_COLUMNS,
    EVENT_TYPES,
    EVIDENCE_COLUMNS,
    GEO_PRECISIONS,
    RELIABILITIES,
    SOURCE_COLUMNS,
    TIME_PRECISIONS,
    WGS84,
    make_event_id,
    make_source_id,
    point,
)
from geomap.errors import RowProblem
from geomap.plausibility import (
    FieldProblem,
    InsideCountry,
    RepeatedIds,
    check_coordinates,
    check_dates,
    check_fatalities,
    drop_swapped,
)


def points(lat: Iterable, lon: Iterable) -> gpd.GeoSeries:
    """:func:`point` for whole columns at once; rows missing either coordinate get no geometry.

    Given table columns, the result keeps their index, so it can be set as the table's geometry.
    """
    index = lat.index if isinstance(lat, pd.Series) else None
    y, x = (
        pd.to_numeric(pd.Series(c, copy=False), errors="coerce").to_numpy(float, na_value=np.nan)
        for c in (lat, lon)
    )
    made = shapely.points(x, y)
    made[np.isnan(y) | np.isnan(x)] = None
    return gpd.GeoSeries(made, index=index, crs=WGS84)


def empty_events() -> gpd.GeoDataFrame:
    """An event table with no rows and every contract column."""
    frame = pd.DataFrame({name: pd.Series(dtype=_dtype(kind)) for name, kind in EVENT_COLUMNS.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


def stack_events(frames: Iterable[gpd.GeoDataFrame | None]) -> gpd.GeoDataFrame:
    """Event tables one after another in WGS84 (None and empty ones left out; no columns when all are)."""
    frames = [f for f in frames if f is not None and not f.empty]
    if not frames:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=WGS84)


def empty_table(columns: dict[str, str]) -> pd.DataFrame:
    """A plain table (sources, evidence) with no rows and the given columns."""
    return pd.DataFrame({name: pd.Series(dtype=_dtype(kind)) for name, kind in columns.items()})


def _dtype(kind: str) -> str:
    return {"str": "object", "int": "Int64", "float": "float64", "date": "object"}[kind]


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts, like ``frame.to_dict("records")`` and several times faster on wide
    frames: each column becomes Python values once (``tolist``) instead of one value at a time."""
    names = list(frame.columns)
    if not names:
        return [{} for _ in range(len(frame))]
    columns = [_python_values(frame.iloc[:, i]) for i in range(len(names))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _python_values(column: pd.Series) -> list:
    values = column.tolist()
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and column.hasnans:
        return [None if v is pd.NA else v for v in values]  # as to_dict gives them
    return values


def validate(
    raw: pd.DataFrame,
    *,
    file: str,
    rows: Iterable[int] | None = None,
    decimal_comma: bool = False,
    unique_ids: bool = False,
    today: dt.date | None = None,
    inside_country: InsideCountry | None = None,
) -> tuple[gpd.GeoDataFrame, list[RowProblem]]:
    """Coerce ``raw`` to the event-table contract.

    Parameters
    ----------
    raw
        A frame whose columns already carry our names (missing optional columns are filled).
    file
        The input file's name, used in problem reports.
    rows
        The row number of each row in the input file (see :class:`RowProblem`);
        defaults to 2, 3, … (a CSV with one header line).
    decimal_comma
        Numbers use a comma as decimal mark (a semicolon-separated table); see :mod:`geomap.cells`.
    unique_ids
        Refuse a row whose ``event_id`` or ``origin_id`` repeats an earlier row's
        (:class:`geomap.plausibility.RepeatedIds`): within one file, it would replace that row.
    today
        Dates after this day are refused; the real today when omitted.
    inside_country
        Tells whether points fall inside the named countries
        (:func:`geomap.gazetteer.boundaries.inside_country`); when given, a row
        whose point lies outside its country while the point with latitude and
        longitude exchanged lies inside is refused as swapped.

    Returns
    -------
    (events, problems)
        The valid rows as a GeoDataFrame in EPSG:4326 (rows without coordinates
        have an empty geometry and are left for the geocoder), and one problem
        per rejected row (the first problem found in that row).
    """
    checked = check_rows(raw, file=file, rows=rows, decimal_comma=decimal_comma, today=today)
    if unique_ids:
        checked = checked.without(repeated_rows(checked.ids()), file=file)
    return finish_rows(checked, file=file, inside_country=inside_country)


@dataclass(frozen=True)
class CheckedRows:
    """Rows that passed the per-row checks (:func:`check_rows`): the steps of :func:`validate`, apart.

    The Dask engine checks a big table's row chunks on its workers, finds the repeated ids of the
    whole table from the chunks' :meth:`ids` (:func:`repeated_rows`, in row order), then finishes
    each chunk (:func:`finish_rows`): the same rows and problems as one :func:`validate` call.
    """

    good: list[dict]
    rows: list[int]
    given: list[bool]  # whether the row gave its own event_id
    problems: list[RowProblem]

    def ids(self) -> list[tuple[int, str, str | None, bool]]:
        """(row, event_id, origin_id, given) of each good row, for :func:`repeated_rows`."""
        rows = zip(self.rows, self.good, self.given, strict=True)
        return [(r, g["event_id"], g["origin_id"], k) for r, g, k in rows]

    def without(self, refused: dict[int, FieldProblem], *, file: str) -> CheckedRows:
        """These rows but the ``refused`` ones (row → problem), which become problems."""
        if not refused:
            return self
        here = set(self.rows) & set(refused)
        keep = [i for i, r in enumerate(self.rows) if r not in here]
        problems = [
            *self.problems,
            *(RowProblem(file, r, refused[r].field, refused[r].problem) for r in here),
        ]
        return CheckedRows(
            [self.good[i] for i in keep],
            [self.rows[i] for i in keep],
            [self.given[i] for i in keep],
            problems,
        )


def check_rows(
    raw: pd.DataFrame,
    *,
    file: str,
    rows: Iterable[int] | None = None,
    decimal_comma: bool = False,
    today: dt.date | None = None,
) -> CheckedRows:
    """The per-row checks of :func:`validate` (each row alone: types, ranges, dates, places)."""
    row_numbers = list(rows) if rows is not None else list(range(2, len(raw) + 2))
    options = _Options(decimal_comma, today or dt.date.today())
    good, kept_rows, given, problems = [], [], [], []
    for row_number, record in zip(row_numbers, records(raw), strict=True):
        try:
            out = _validate_record(record, options)
        except FieldProblem as err:
            problems.append(RowProblem(file, row_number, err.field, err.problem))
        else:
            good.append(out)
            kept_rows.append(row_number)
            given.append(not is_blank(record.get("event_id")))
    return CheckedRows(good, kept_rows, given, problems)


def repeated_rows(ids: Iterable[tuple[int, str, str | None, bool]]) -> dict[int, FieldProblem]:
    """The rows whose ids repeat an earlier row's (see :class:`~geomap.plausibility.RepeatedIds`)."""
    seen = RepeatedIds()
    refused = {}
    for row, event_id, origin_id, given in ids:
        try:
            seen.check({"event_id": event_id, "origin_id": origin_id}, row, given_id=given)
        except FieldProblem as err:
            refused[row] = err
    return refused


def finish_rows(
    checked: CheckedRows, *, file: str, inside_country: InsideCountry | None = None
) -> tuple[gpd.GeoDataFrame, list[RowProblem]]:
    """The last step of :func:`validate`: refuse swapped points, then the table and the problems by row."""
    good, problems = checked.good, list(checked.problems)
    if inside_country is not None and good:
        good, swapped = drop_swapped(good, checked.rows, file=file, inside=inside_country)
        problems.extend(swapped)
    problems.sort(key=lambda p: p.row)
    return _to_frame(good), problems


@dataclass(frozen=True)
class _Options:
    decimal_comma: bool
    today: dt.date


def _validate_record(record: dict, options: _Options) -> dict:
    out: dict[str, object] = {}
    for name, kind in EVENT_COLUMNS.items():
        out[name] = _coerce(name, kind, record.get(name), options)
    for name, default in DEFAULTS.items():
        if out[name] is None:
            out[name] = default
    _check_required(out)
    _check_codes(out)
    check_dates(out, options.today)
    check_fatalities(out)
    check_coordinates(out)
    _fill_derived(out)
    return out


def is_blank(value: object) -> bool:
    """None, NaN, pandas' NA/NaT, or a string of spaces: a cell that holds nothing."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _coerce(name: str, kind: str, value: object, options: _Options) -> object:
    if is_blank(value):
        return None
    if kind == "str":
        return str(value).strip()
    if kind == "date":
        return _coerce_date(name, value)
    try:
        if isinstance(value, str):
            number = parse_number(value, whole=kind == "int", decimal_comma=options.decimal_comma)
        else:
            number = float(value)
    except CellError as err:
        raise FieldProblem(name, str(err)) from None
    except (TypeError, ValueError):
        raise FieldProblem(name, f"not a number: {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise FieldProblem(name, f"not a finite number: {value!r}")
    if kind == "int":
        if number != int(number):
            raise FieldProblem(name, f"not a whole number: {value!r}")
        return int(number)
    return number


def _coerce_date(name: str, value: object) -> str:
    if isinstance(value, dt.datetime | pd.Timestamp):  # typed date fields of GeoPackage and GeoJSON
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return parse_date(str(value)).isoformat()
    except CellError as err:
        raise FieldProblem(name, str(err)) from None


def _check_required(out: dict) -> None:
    if out["event_date"] is None:
        raise FieldProblem("event_date", "missing (required)")
    if out["event_type"] is None:
        raise FieldProblem("event_type", "missing (required)")
    has_point = out["latitude"] is not None or out["longitude"] is not None
    if not has_point and out["location"] is None and out["country"] is None:
        raise FieldProblem("location", "missing: a row needs coordinates, a location or a country")


def _check_codes(out: dict) -> None:
    if out["event_type"] not in EVENT_TYPES:
        raise FieldProblem("event_type", f"unknown event type {out['event_type']!r}")
    checks = {
        "claim_status": CLAIM_STATUSES,
        "reliability": RELIABILITIES,
        "geo_precision": GEO_PRECISIONS,
        "time_precision": TIME_PRECISIONS,
        "credibility": frozenset(range(1, 7)),
    }
    for name, allowed in checks.items():
        if out[name] not in allowed:
            raise FieldProblem(name, f"{out[name]!r} is not one of {sorted(allowed)}")
    for name in ("inter1", "inter2"):
        if out[name] is not None and not 0 <= out[name] <= 8:
            raise FieldProblem(name, f"{out[name]} is not an ACLED actor type 0–8")
    for name in ("fatalities", "fatalities_low", "fatalities_high", "n_sources"):
        if out[name] is not None and out[name] < 0:
            raise FieldProblem(name, f"negative: {out[name]}")
    if out["event_date_end"] is not None and out["event_date_end"] < out["event_date"]:
        raise FieldProblem("event_date_end", "before event_date")


def _fill_derived(out: dict) -> None:
    if out["event_date_end"] is None:
        out["event_date_end"] = out["event_date"]
    if out["fatalities"] is not None:
        if out["fatalities_low"] is None:
            out["fatalities_low"] = out["fatalities"]
        if out["fatalities_high"] is None:
            out["fatalities_high"] = out["fatalities"]
    if out["source_date"] is None:
        out["source_date"] = out["event_date"]
    if out["place_mention"] is None:
        out["place_mention"] = out["location"]
    if out["event_id"] is None:
        place = out["location"] or f"{out['latitude']},{out['longitude']}"
        out["event_id"] = make_event_id(
            source=out["source"] or "",
            event_date=out["event_date"],
            place=place,
            event_type=out["event_type"],
            origin=out["origin_id"] or "",
        )


def _to_frame(records: list[dict]) -> gpd.GeoDataFrame:
    if not records:
        return empty_events()
    frame = pd.DataFrame.from_records(records, columns=list(EVENT_COLUMNS))
    frame = conform(frame, EVENT_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=points(frame["latitude"], frame["longitude"]), crs=WGS84)


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Give ``frame`` exactly ``columns`` (missing ones empty) with the contract's dtypes."""
    frame = frame.copy()
    for name, kind in columns.items():
        if name not in frame.columns:
            frame[name] = None
        if kind == "int":
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
        elif kind == "float":
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
        else:
            frame[name] = frame[name].astype("object").where(frame[name].notna(), None)
    extra = [c for c in frame.columns if c not in columns and c != "geometry"]
    keep = list(columns) + (["geometry"] if "geometry" in frame.columns else [])
    return frame.drop(columns=extra)[keep]
