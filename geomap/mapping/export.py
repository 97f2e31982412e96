"""Exports: the HTML map (CDN or fully offline) and the event table as CSV, GeoJSON or GeoPackage.

Every export is written to a temporary file beside the target and moved over it,
so a failed export never leaves half a file behind.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element
from folium.elements import JSCSSMixin

from geomap.atomic import replace_atomically
from geomap.errors import ExportError
from geomap.schema import EVENT_COLUMNS, WGS84
from geomap.store import Store

EXPORT_FORMATS = ("csv", "geojson", "gpkg")
_EMBED_CSS = "html,body{margin:0;padding:0;width:100%;height:100%}"
# what folium.Map lists for its awesome-marker icons and Bootstrap widgets, by folium's asset names
_WIDGET_ASSETS = frozenset(
    {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
     "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css"}
)  # fmt: skip


def _asset_dirs() -> list[Path]:
    from xstatic.pkg import leaflet, leaflet_markercluster

    return [Path(leaflet.BASE_DIR), Path(leaflet_markercluster.BASE_DIR)]


def local_asset(url: str) -> Path:
    """The installed copy of a CDN asset (Leaflet, Leaflet.markercluster), found by its file name."""
    name = url.rsplit("/", 1)[-1]
    for base in _asset_dirs():
        if (base / name).is_file():
            return base / name
    raise ExportError(f"no local copy of {url} for an offline export; install its xstatic package")


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    try:
        return replace_atomically(path, write)
    except (OSError, ValueError) as err:
        raise ExportError(f"{path}: export failed: {err}") from err


def export_html(m: folium.Map, path: str | os.PathLike, *, offline: bool = False) -> Path:
    """Write the map as one HTML page.

    With ``offline=True`` Leaflet's script, stylesheet and images are inlined
    from the installed xstatic-leaflet package, so the page needs no network;
    otherwise the page loads Leaflet from a CDN, as folium does.
    """
    html = offline_html(m) if offline else m.get_root().render()
    return _atomic(Path(path), lambda tmp: tmp.write_text(html, encoding="utf-8"))


def offline_html(m: folium.Map) -> str:
    """The map as one HTML page that needs no network: Leaflet's script, stylesheet and images inline."""
    _inline_assets(m)
    return m.get_root().render()


def _inline_assets(m: folium.Map) -> None:
    """Replace every CDN script and stylesheet the map would load by the installed file, inline."""
    _drop_widget_assets(m)
    scripts, styles = [], []
    for element in _walk(m):
        if isinstance(element, JSCSSMixin):
            scripts += [url for _, url in element.default_js]
            styles += [url for _, url in element.default_css]
            element.default_js, element.default_css = [], []
    root = m.get_root()
    for n, url in enumerate(dict.fromkeys(styles)):
        css = _css_with_images(local_asset(url))
        root.header.add_child(Element(f"<style>{css}</style>"), name=f"inline_css_{n}")
    for n, url in enumerate(dict.fromkeys(scripts)):
        code = local_asset(url).read_text(encoding="utf-8").replace("</script", "<\\/script")
        root.header.add_child(Element(f"<script>{code}</script>"), name=f"inline_js_{n}")
    root.header.add_child(Element(f"<style>{_EMBED_CSS}</style>"), name="geomap_embed_css")


def _drop_widget_assets(m: folium.Map) -> None:
    """Leave out folium's jQuery, Bootstrap and icon fonts when no element of the map uses them.

    folium lists them for every map, but only its awesome-marker icons need them;
    a map with such icons keeps them, and its offline export fails naming the
    asset that has no installed copy.
    """
    if any(isinstance(element, folium.Icon) for element in _walk(m)):
        return
    m.default_js = [(name, url) for name, url in m.default_js if name not in _WIDGET_ASSETS]
    m.default_css = [(name, url) for name, url in m.default_css if name not in _WIDGET_ASSETS]


def _css_with_images(path: Path) -> str:
    """A stylesheet with the images it names (``url(images/…)``) inlined as data URIs."""
    images = path.parent / "images"
    pattern = r"url\(['\"]?images/([\w.-]+)['\"]?\)"
    return re.sub(pattern, lambda g: _data_uri(images / g[1]), path.read_text(encoding="utf-8"))


def _walk(element):
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _data_uri(path: Path) -> str:
    if not path.exists():
        return "none"
    kind = "image/svg+xml" if path.suffix == ".svg" else "image/png"
    return f"url(data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')})"


def export_events(
    events: gpd.GeoDataFrame,
    path: str | os.PathLike,
    *,
    fmt: str,
    sources: pd.DataFrame | None = None,
    evidence: pd.DataFrame | None = None,
) -> Path:
    """Write the event table as ``csv`` (ACLED-compatible names plus ours), ``geojson`` or ``gpkg``.

    The CSV carries ACLED's ``source_scale`` column too, filled from the kinds
    of the event's sources when the source registry has graded them.
    """
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    path = Path(path)
    if fmt == "gpkg":
        return _atomic(path, lambda tmp: _write_gpkg(tmp, events, sources, evidence))
    if fmt == "geojson":
        placed = gpd.GeoDataFrame(events, geometry="geometry", crs=WGS84)
        # RFC 7946: WGS84 longitude/latitude and no "crs" member (GDAL writes one otherwise)
        return _atomic(path, lambda tmp: placed.to_file(tmp, driver="GeoJSON", layer="events", RFC7946="YES"))
    table = pd.DataFrame(events.drop(columns="geometry", errors="ignore"))
    # ACLED's fatalities is always a number (0 when no source gives one); our range stays empty then
    table["fatalities"] = pd.to_numeric(table["fatalities"], errors="coerce").fillna(0).astype("Int64")
    table.insert(
        table.columns.get_loc("source") + 1, "source_scale", _source_scale(events, sources, evidence)
    )
    columns = [c for c in [*EVENT_COLUMNS, "source_scale"] if c in table.columns]
    # RFC 4180 line ends: with "\r\n" as terminator, a cell holding a bare "\r" is quoted, not split
    return _atomic(
        path, lambda tmp: neutralise_formulas(table[columns]).to_csv(tmp, index=False, lineterminator="\r\n")
    )


#: what makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell that a spreadsheet would run as a formula prefixed by a single quote.

    Only the contract's text columns (names, notes, quotes, URLs: text from sources)
    are touched; numbers such as a longitude of -0.5 stay numbers.  The quote
    shows in the cell, as OWASP recommends, so a re-import keeps it too.
    """
    text = [c for c in table.columns if EVENT_COLUMNS.get(c, "str") == "str"]
    out = table.copy()
    for column in text:
        values = out[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object) or not values.notna().any():
            continue  # no text in it
        risky = values.str.startswith(FORMULA_STARTS, na=False)
        if risky.any():
            out[column] = values.where(~risky, "'" + values.astype(str))
    return out


def _write_gpkg(tmp: Path, events, sources, evidence) -> None:
    tmp.unlink()
    Store(tmp).write(events, sources=sources, evidence=evidence)


#: ACLED's source_scale words for the kinds of the source registry
ACLED_SCALE = {
    "wire": "International", "international": "International", "national": "National",
    "local": "Subnational", "state-affiliated": "National", "un-ngo": "Other",
    "party-statement": "Other", "social-media": "New media", "research": "Other",
}  # fmt: skip


def _source_scale(events, sources, evidence) -> list[str]:
    """ACLED's source_scale ("National-International", "New media") from the kinds of each event's sources."""
    if sources is None or evidence is None or sources.empty or evidence.empty or "kind" not in sources:
        return [""] * len(events)
    kinds = dict(zip(sources["source_id"], sources["kind"].fillna(""), strict=True))
    per_event: dict[str, list[str]] = {}
    for event_id, source_id in zip(evidence["event_id"], evidence["source_id"], strict=True):
        kind = ACLED_SCALE.get(kinds.get(source_id) or "", "")
        if kind and kind not in per_event.setdefault(event_id, []):
            per_event[event_id].append(kind)
    return ["-".join(per_event.get(e, [])) for e in events["event_id"]]
