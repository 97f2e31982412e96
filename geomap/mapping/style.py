"""Visual encoding of events, and the legend that explains it.

colour = event type (Okabe–Ito, readable with colour-blindness); fill = corroborated
(two or more independent outlets) or hollow (single source); outline dashed for
claimed and alleged events, red and thick for disputed ones; size = fatalities
(square-root scale, capped).  Uncertainty is drawn as the area it really is:
an event placed "near" a place keeps a faint halo, one known only to its
first-level region is counted inside that region's outline, and one known only
to its country is counted in a badge for the country — never a circle that
pretends to a size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from geomap.mapping.annotate import CLAIM_WORDS, escape_text
from geomap.model import EventType

TYPE_COLOURS = {
    EventType.BATTLES.value: "#D55E00",
    EventType.EXPLOSIONS.value: "#E69F00",
    EventType.VIOLENCE_AGAINST_CIVILIANS.value: "#CC79A7",
    EventType.PROTESTS.value: "#0072B2",
    EventType.RIOTS.value: "#56B4E9",
    EventType.STRATEGIC.value: "#009E73",
}
DISPUTED_OUTLINE = "#d7191c"
#: how an event's place is drawn, by geo_precision: a point, a point with a halo, a region, a country
PLACE_KINDS = {1: 0, 2: 1, 3: 2, 4: 3}
POINT, NEAR, REGION, COUNTRY = 0, 1, 2, 3


def event_style(event: Mapping) -> dict[str, object]:
    """Leaflet path options for one event."""
    colour = TYPE_COLOURS.get(str(event.get("event_type")), "#666666")
    status = str(event.get("claim_status") or "reported")
    corroborated = _number(event.get("n_sources")) >= 2
    style: dict[str, object] = {
        "color": DISPUTED_OUTLINE if status == "disputed" else colour,
        "weight": 3 if status == "disputed" else 2,
        "fillColor": colour,
        "fillOpacity": 0.75 if corroborated else 0.12,
        "opacity": 0.95,
    }
    if status in ("claimed", "alleged"):
        style["dashArray"] = "4 3"
    return style


def marker_radius(event: Mapping) -> float:
    """Pixel radius: 5 for no or unknown fatalities, growing with the square root, at most 18."""
    deaths = _number(event.get("fatalities"))
    return round(min(5 + 1.6 * math.sqrt(deaths), 18), 1)


def place_kind(event: Mapping) -> int:
    """POINT, NEAR (a halo around the point), REGION (counted in its region) or COUNTRY (in its country)."""
    return PLACE_KINDS.get(int(_number(event.get("geo_precision")) or 1), POINT)


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def legend_html(*, types: list[str], title: str | None = None) -> str:
    """The legend as escaped HTML (a Leaflet control shows it inside the map)."""
    swatch = '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;{}"></span> '
    rows = [f"<b>{escape_text(title)}</b><br>" if title else ""]
    rows += ["<details open><summary style='cursor:pointer'><b>Legend</b></summary>"]  # it folds away
    rows += [
        swatch.format(f"background:{TYPE_COLOURS.get(t, '#666')}") + escape_text(t) + "<br>" for t in types
    ]
    rows += [
        "<hr style='margin:4px 0'>",
        swatch.format("background:#777") + "two or more independent outlets<br>",
        swatch.format("border:2px solid #777") + "single source<br>",
        swatch.format("border:2px dashed #777") + f"{CLAIM_WORDS['claimed'][0].lower()} or "
        f"{CLAIM_WORDS['alleged'][0].lower()}<br>",
        swatch.format(f"border:3px solid {DISPUTED_OUTLINE}") + "disputed<br>",
        "size: fatalities (lowest credible figure)<br>",
        "<hr style='margin:4px 0'><b>Where it is known</b><br>",
        swatch.format("background:#777;box-shadow:0 0 0 4px rgba(120,120,120,.3)")
        + "faint halo: near the place named<br>",
        '<span style="display:inline-block;width:14px;height:10px;border:2px dashed #444"></span> '
        "dashed outline and number: events known only to that region<br>",
        '<span style="display:inline-block;padding:0 3px;border:1px solid #444;background:#fff;'
        'font-size:10px">n</span> square badge: events known only to the country<br>',
        "numbered ring: a cluster of events, its arcs the share of each type<br>",
        "<small>Click an event for its sources: who says so, in what words, how far to trust it.</small>",
        "</details>",
    ]
    return "".join(rows)
