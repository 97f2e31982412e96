"""The sourcing annotation (DESIGN.md §4) as escaped HTML — the one place where untrusted text meets HTML.

Everything that comes from a source (quotes, titles, outlet and actor names,
place names, URLs) passes through :func:`escape_text` or :func:`safe_url` here.
The escaping goes beyond :func:`html.escape`: ``$``, backticks, backslashes
and braces become character references too, so the text stays inert even if
it ends up inside a JavaScript template literal (folium's templates use them)
or a template engine, not only in HTML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from geomap.schema import records

# html.escape(quote=True) plus what JavaScript template literals and template engines would run
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
     "$": "&#36;", "`": "&#96;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)  # fmt: skip
_SAFE_URL = re.compile(r"^(?i:https?)://[^/?#\s]+")

GEO_PRECISION_WORDS = {
    1: "the named place",
    2: "near the named place",
    3: "known only to the region (admin-1)",
    4: "known only to the country",
}
TIME_PRECISION_WORDS = {1: "day", 2: "week", 3: "month", 4: "year"}
CLAIM_WORDS = {
    "reported": ("REPORTED", "stated by the source in its own voice"),
    "claimed": ("CLAIMED", "attributed to a party, not confirmed independently"),
    "alleged": ("ALLEGED", "hedged or unverified"),
    "disputed": ("DISPUTED", "contradicted or denied"),
}
CLAIM_COLOURS = {"reported": "#1b7837", "claimed": "#b35806", "alleged": "#b2182b", "disputed": "#762a83"}


def escape_text(value: object) -> str:
    """Text made safe for HTML and for JavaScript template literals; None/NaN become ""."""
    if _missing(value):
        return ""
    return str(value).translate(_ESCAPES)


def escape_series(values: pd.Series) -> pd.Series:
    """:func:`escape_text` over a column; missing values stay missing."""
    text = values.astype("object").where(values.notna(), None)
    return text.where(text.isna(), text.astype(str).str.translate(_ESCAPES))


def safe_url(url: object) -> str | None:
    """An http(s) URL escaped for an ``href``; None for anything else (javascript:, data:, relative)."""
    if _missing(url):
        return None
    text = str(url).strip()
    return escape_text(text) if _SAFE_URL.match(text) else None


def safe_urls(urls: pd.Series) -> pd.Series:
    """:func:`safe_url` over a column."""
    text = urls.astype("object").where(urls.notna(), None).astype(str).str.strip()
    ok = urls.notna() & text.str.match(_SAFE_URL.pattern)
    return escape_series(text.where(ok, None)).where(ok, None)


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(value != value)  # pd.NA and NaT compare unequal to themselves
    except TypeError:
        return True


def _field(event: Mapping, name: str) -> object:
    value = event.get(name)
    return None if _missing(value) or value == "" else value


def event_tooltip(event: Mapping) -> str:
    """One short escaped line: type · date · place · claim status."""
    parts = [_field(event, "event_type"), _field(event, "event_date"), _field(event, "location")]
    status = _field(event, "claim_status")
    if status:
        parts.append(CLAIM_WORDS.get(str(status), (str(status).upper(), ""))[0])
    return " · ".join(escape_text(p) for p in parts if p)


def event_annotation(
    event: Mapping,
    *,
    evidence: Sequence[Mapping] = (),
    sources: Mapping[str, Mapping] | None = None,
) -> str:
    """The sourcing annotation of one event as escaped HTML.

    Parameters
    ----------
    event
        One row of the event table.
    evidence
        The evidence rows of this event (one per source); when empty, the
        event's own ``source``/``source_url``/``quote`` columns are shown.
    sources
        Source rows by ``source_id`` (outlet, URL, date, grade).
    """
    row = {
        k: event.get(k) for k in ("event_id", "source", "source_url", "source_date", "quote", "claim_status")
    }
    one = pd.DataFrame([row]).assign(event_id=str(event.get("event_id")))
    rows = pd.DataFrame(list(evidence)).assign(event_id=str(event.get("event_id"))) if evidence else None
    known = pd.DataFrame([{**v, "source_id": k} for k, v in (sources or {}).items()]) if sources else None
    entries = source_entries(one, rows, known).drop(columns="event_id").to_dict("records")
    return annotation_html(event, entries, n_evidence=len(evidence))


def event_annotations(
    events: pd.DataFrame, *, evidence: pd.DataFrame | None = None, sources: pd.DataFrame | None = None
) -> list[str]:
    """:func:`event_annotation` for every row of ``events`` at once (the sources are joined in one pass)."""
    entries = source_entries(events, evidence, sources)
    grouped: dict[str, list[dict]] = {}
    for entry in records(entries):
        grouped.setdefault(entry.pop("event_id"), []).append(entry)
    cited = evidence["event_id"].astype(str).value_counts().to_dict() if evidence is not None else {}
    return [
        annotation_html(e, grouped.get(str(e["event_id"]), []), n_evidence=cited.get(str(e["event_id"]), 0))
        for e in records(events.drop(columns="geometry", errors="ignore"))
    ]


def annotation_html(event: Mapping, entries: Sequence[Mapping], *, n_evidence: int) -> str:
    """The annotation of one event from its source entries (see :func:`source_entries`)."""
    parts = [
        '<div class="gm-annotation" style="font:13px/1.4 system-ui,sans-serif;max-width:360px">',
        _what(event),
        _when_where(event),
        _who(event),
        _sourcing(event, entries, n_evidence=n_evidence),
        "</div>",
    ]
    return "".join(p for p in parts if p)


def _what(event: Mapping) -> str:
    kind = escape_text(_field(event, "event_type"))
    sub = _field(event, "sub_event_type")
    title = f"<b>{kind}</b>" + (f" — {escape_text(sub)}" if sub else "")
    notes = _field(event, "notes")
    return f'<div class="gm-what">{title}</div>' + (
        f'<div class="gm-notes">{escape_text(notes)}</div>' if notes else ""
    )


def _when_where(event: Mapping) -> str:
    start, end = _field(event, "event_date"), _field(event, "event_date_end")
    when = escape_text(start) + (f" to {escape_text(end)}" if end and end != start else "")
    precision = TIME_PRECISION_WORDS.get(_int(_field(event, "time_precision")) or 1, "day")
    names = [_field(event, k) for k in ("location", "admin1", "country")]
    place = ", ".join(escape_text(n) for i, n in enumerate(names) if n and n not in names[:i])
    geo = _int(_field(event, "geo_precision")) or 1
    mention = _field(event, "place_mention")
    written = (
        f'; written as "{escape_text(mention)}"' if mention and mention != _field(event, "location") else ""
    )
    where_note = f"location: {GEO_PRECISION_WORDS.get(geo, '')}{written}"
    return (
        f'<div class="gm-when"><b>When:</b> {when} <small>(to the {precision})</small></div>'
        f'<div class="gm-where"><b>Where:</b> {place or "unknown"} <small>({where_note})</small></div>'
    )


def _who(event: Mapping) -> str:
    sides = []
    for main, assoc in (("actor1", "assoc_actor_1"), ("actor2", "assoc_actor_2")):
        name = _field(event, main)
        if name:
            with_ = _field(event, assoc)
            sides.append(escape_text(name) + (f" (with {escape_text(with_)})" if with_ else ""))
    lines = [f'<div class="gm-who"><b>Who:</b> {" vs. ".join(sides)}</div>'] if sides else []
    low, high = _int(_field(event, "fatalities_low")), _int(_field(event, "fatalities_high"))
    deaths = _int(_field(event, "fatalities"))
    if deaths is not None:
        spread = (
            f" (sources range {low}–{high})" if low is not None and high is not None and low != high else ""
        )
        lines.append(f'<div class="gm-fatalities"><b>Fatalities:</b> {deaths}{spread}</div>')
    return "".join(lines)


def _int(value: object) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def claim_badge(status: object) -> str:
    """The claim status in words, coloured, e.g. "ALLEGED — hedged or unverified"."""
    key = str(status) if status else "reported"
    label, meaning = CLAIM_WORDS.get(key, (key.upper(), ""))
    colour = CLAIM_COLOURS.get(key, "#444")
    return (
        f'<span class="gm-claim gm-claim-{escape_text(key)}" style="color:{colour};font-weight:bold">'
        f"{escape_text(label)}</span>" + (f" — {escape_text(meaning)}" if meaning else "")
    )


ENTRY_COLUMNS = ["event_id", "outlet", "url", "date", "quote", "claimant", "status", "grade"]


def source_entries(
    events: pd.DataFrame, evidence: pd.DataFrame | None = None, sources: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per source shown under each event, in event order (raw text; escaping happens when shown).

    Events with evidence rows list those, with the outlet, URL, date and grade of
    their source.  Events without evidence (a table read without its sources)
    list the outlets of their ``source`` column: the first with the event's URL
    and quote, each with the event's source date and claim status.
    """
    ids = events["event_id"].astype(str)
    has = pd.Series(False, index=events.index)
    parts = []
    if evidence is not None and not evidence.empty:
        known = pd.Index(ids.to_numpy(dtype=object)).unique()
        mine = evidence[known.get_indexer(evidence["event_id"].astype(str).to_numpy(dtype=object)) >= 0]
        cited = pd.Index(mine["event_id"].astype(str).to_numpy(dtype=object)).unique()
        has = pd.Series(cited.get_indexer(known) >= 0, index=events.index)
        if not mine.empty:
            parts.append(_evidence_entries(mine, sources, events))
    rest = events[~has.to_numpy()]
    if not rest.empty:
        parts.append(_column_entries(rest))
    if not parts:
        return pd.DataFrame(columns=ENTRY_COLUMNS)
    entries = pd.concat(parts, ignore_index=True)
    order = {event_id: n for n, event_id in enumerate(ids)}
    entries["_order"] = entries["event_id"].map(order)
    entries["_n"] = range(len(entries))
    return entries.sort_values(["_order", "_n"], kind="stable")[ENTRY_COLUMNS].reset_index(drop=True)


def _evidence_entries(
    evidence: pd.DataFrame, sources: pd.DataFrame | None, events: pd.DataFrame
) -> pd.DataFrame:
    table = evidence.assign(
        event_id=evidence["event_id"].astype(str), source_id=evidence["source_id"].astype(str)
    )
    if sources is not None and not sources.empty:
        known = sources.assign(source_id=sources["source_id"].astype(str))
        table = table.merge(
            known[["source_id", "outlet", "url", "published", "reliability"]], on="source_id", how="left"
        )
    else:
        table = table.assign(outlet=None, url=None, published=None, reliability=None)
    event_dates = dict(zip(events["event_id"].astype(str), events["source_date"], strict=True))
    outlet = _present(table["outlet"]).fillna(_present(table["source_id"])).fillna("unknown outlet")
    return pd.DataFrame(
        {
            "event_id": table["event_id"],
            "outlet": outlet,
            "url": _present(table["url"]),
            "date": _present(table["published"]).fillna(table["event_id"].map(event_dates)),
            "quote": _present(table["sentence"]),
            "claimant": _present(table["claimant"]),
            "status": _present(table["claim_status"]),
            "grade": _present(table["reliability"]),
        }
    )


def _column_entries(events: pd.DataFrame) -> pd.DataFrame:
    outlets = _present(events["source"]).fillna("unknown outlet").str.split(";")
    table = pd.DataFrame(
        {"event_id": events["event_id"].astype(str).to_numpy(), "outlet": outlets.to_numpy()}
    )
    for column in ("source_url", "source_date", "quote", "claim_status"):
        table[column] = _present(events[column]).to_numpy()
    table = table.explode("outlet", ignore_index=True)
    table["outlet"] = table["outlet"].str.strip()
    table = table[table["outlet"] != ""]
    first = ~table["event_id"].duplicated()
    return pd.DataFrame(
        {
            "event_id": table["event_id"],
            "outlet": table["outlet"],
            "url": table["source_url"].where(first),
            "date": table["source_date"],
            "quote": table["quote"].where(first),
            "claimant": None,
            "status": table["claim_status"],
            "grade": None,
        }
    )


def _present(column: pd.Series) -> pd.Series:
    """Text with empty strings and missing values as None."""
    present = column.notna() & (column.astype(str).str.strip() != "")
    return column.astype("object").where(present, None)


#: how a coded dataset is named under an event
DATASET_WORDS = {"acled": "ACLED", "ucdp": "UCDP GED", "native": "coded table"}
_SHOWN_IDS = 5


def provenance_text(dataset: object, origin_id: object, linked_ids: object) -> str | None:
    """The records an event was built from, in words (raw text; escape it where it is shown).

    A coded row names its dataset and id ("ACLED row NGA1234"); a merged event lists its
    members' ids (the first few, then how many more); coded events of other datasets that
    describe the same event follow ("also coded as …").  None when there is nothing to say.
    """
    ids = (
        []
        if _missing(origin_id) or not origin_id
        else [i.strip() for i in str(origin_id).split(";") if i.strip()]
    )
    linked = (
        []
        if _missing(linked_ids) or not linked_ids
        else [i.strip() for i in str(linked_ids).split(";") if i.strip()]
    )
    parts = []
    if len(ids) > 1:
        more = f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else ""
        parts.append(f"merged from {len(ids)} records: {'; '.join(ids[:_SHOWN_IDS])}{more}")
    elif ids and not _missing(dataset) and dataset:
        parts.append(f"{DATASET_WORDS.get(str(dataset), str(dataset))} row {ids[0]}")
    if linked:
        parts.append(f"also coded as {'; '.join(linked)}")
    return " · ".join(parts) or None


def provenance_series(events: pd.DataFrame) -> pd.Series:
    """:func:`provenance_text` of every event (missing columns count as empty)."""
    columns = [events[c] if c in events else pd.Series(None, index=events.index) for c in _PROVENANCE]
    return pd.Series(
        [provenance_text(*row) for row in zip(*columns, strict=True)], index=events.index, dtype=object
    )


_PROVENANCE = ("dataset", "origin_id", "linked_ids")


def _sourcing(event: Mapping, entries: Sequence[Mapping], *, n_evidence: int) -> str:
    n = _int(_field(event, "n_sources")) or max(n_evidence, 1)
    grade = escape_text(_field(event, "reliability") or "F") + escape_text(_field(event, "credibility") or 6)
    head = (
        '<div class="gm-sourcing" style="margin-top:6px;border-top:1px solid #ccc;padding-top:4px">'
        f"<div>{claim_badge(_field(event, 'claim_status'))}</div>"
        f"<div><b>{n}</b> independent outlet{'s' if n != 1 else ''} · grade {grade} "
        "<small>(source reliability A–F, information credibility 1–6)</small></div>"
    )
    reviewed = _field(event, "reviewed")
    if reviewed:
        head += f'<div class="gm-reviewed"><small>Corrected: {escape_text(reviewed)}</small></div>'
    records_ = provenance_text(*(event.get(c) for c in _PROVENANCE))
    if records_:
        head += f'<div class="gm-provenance"><small>Records: {escape_text(records_)}</small></div>'

    items = "".join(source_item(**entry) for entry in entries)
    return head + '<ol class="gm-sources" style="margin:4px 0 0 16px;padding:0">' + items + "</ol></div>"


def source_item(*, outlet, url, date, quote, claimant, status, grade) -> str:
    """One source under an event: outlet (linked if http/https), date, grade, status, claimant, quote."""
    href = safe_url(url)
    name = escape_text(outlet)
    link = f'<a href="{href}" target="_blank" rel="noopener noreferrer">{name}</a>' if href else name
    shown_url = "" if href or _missing(url) or not url else f" <small>({escape_text(url)})</small>"
    bits = [f"<b>{link}</b>{shown_url}"]
    if not _missing(date) and date:
        bits.append(f" <small>{escape_text(date)}</small>")
    if not _missing(grade) and grade:
        bits.append(f" <small>[{escape_text(grade)}]</small>")
    if not _missing(status) and status:
        bits.append(f" · {escape_text(status)}")
    if not _missing(claimant) and claimant:
        bits.append(f" · claimed by {escape_text(claimant)}")
    if not _missing(quote) and quote:
        bits.append(
            '<blockquote class="gm-quote" style="margin:2px 0 4px 0;font-style:italic">'
            f"“{escape_text(quote)}”</blockquote>"
        )
    return "<li>" + "".join(bits) + "</li>"
