"""The sourcing annotation (DESIGN.md §4) as escaped HTML — the one place where untrusted text meets HTML.

Everything that comes from a source (quotes, titles, outlet and actor names,
place names, URLs) passes through :func:`escape_text` or :func:`safe_url` here.
The escaping goes beyond :func:`html.escape`: ``$``, backticks, backslashes
and braces become character references too, so the text stays inert even if
it ends up inside a JavaScript template literal (folium's templates use them)
or a template engine, not only in HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

_JS_SENSITIVE = str.maketrans({"$": "&#36;", "`": "&#96;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})

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
    return html.escape(str(value), quote=True).translate(_JS_SENSITIVE)


def safe_url(url: object) -> str | None:
    """An http(s) URL escaped for an ``href``; None for anything else (javascript:, data:, relative)."""
    if _missing(url):
        return None
    text = str(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return escape_text(text)


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
    parts = [
        '<div class="gm-annotation" style="font:13px/1.4 system-ui,sans-serif;max-width:360px">',
        _what(event),
        _when_where(event),
        _who(event),
        _sourcing(event, evidence, sources or {}),
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


def _sourcing(event: Mapping, evidence: Sequence[Mapping], sources: Mapping[str, Mapping]) -> str:
    n = _int(_field(event, "n_sources")) or max(len(evidence), 1)
    grade = escape_text(_field(event, "reliability") or "F") + escape_text(_field(event, "credibility") or 6)
    head = (
        '<div class="gm-sourcing" style="margin-top:6px;border-top:1px solid #ccc;padding-top:4px">'
        f"<div>{claim_badge(_field(event, 'claim_status'))}</div>"
        f"<div><b>{n}</b> independent outlet{'s' if n != 1 else ''} · grade {grade} "
        "<small>(source reliability A–F, information credibility 1–6)</small></div>"
    )
    rows = [_source_item(e, sources.get(str(e.get("source_id")), {}), event) for e in evidence]
    if not rows:
        rows = _fallback_items(event)
    return (
        head + '<ol class="gm-sources" style="margin:4px 0 0 16px;padding:0">' + "".join(rows) + "</ol></div>"
    )


def _source_item(evidence: Mapping, source: Mapping, event: Mapping) -> str:
    outlet = _field(source, "outlet") or _field(evidence, "source_id") or "unknown outlet"
    return _item(
        outlet=outlet,
        url=_field(source, "url"),
        date=_field(source, "published") or _field(event, "source_date"),
        quote=_field(evidence, "sentence"),
        claimant=_field(evidence, "claimant"),
        status=_field(evidence, "claim_status"),
        grade=_field(source, "reliability"),
    )


def _fallback_items(event: Mapping) -> list[str]:
    outlets = [o.strip() for o in str(_field(event, "source") or "").split(";") if o.strip()]
    return [
        _item(
            outlet=outlet,
            url=_field(event, "source_url") if i == 0 else None,
            date=_field(event, "source_date"),
            quote=_field(event, "quote") if i == 0 else None,
            claimant=None,
            status=_field(event, "claim_status"),
            grade=None,
        )
        for i, outlet in enumerate(outlets or ["unknown outlet"])
    ]


def _item(*, outlet, url, date, quote, claimant, status, grade) -> str:
    href = safe_url(url)
    name = escape_text(outlet)
    link = f'<a href="{href}" target="_blank" rel="noopener noreferrer">{name}</a>' if href else name
    shown_url = "" if href or not url else f" <small>({escape_text(url)})</small>"
    bits = [f"<b>{link}</b>{shown_url}"]
    if date:
        bits.append(f" <small>{escape_text(date)}</small>")
    if grade:
        bits.append(f" <small>[{escape_text(grade)}]</small>")
    if status:
        bits.append(f" · {escape_text(str(status))}")
    if claimant:
        bits.append(f" · claimed by {escape_text(claimant)}")
    if quote:
        bits.append(
            '<blockquote class="gm-quote" style="margin:2px 0 4px 0;font-style:italic">'
            f"“{escape_text(quote)}”</blockquote>"
        )
    return "<li>" + "".join(bits) + "</li>"
