"""Map layers as small folium elements with templates.

:class:`EventMap` ships all events once, as one JSON payload, and draws them
with Leaflet in the browser: a circle marker per placed event (with a halo when
it is only near the place named), a count inside the region's outline for
events known only to their region, a badge for those known only to their
country; a second payload holds the context (regions, rivers, lakes, towns).  The strings in the payload
were escaped by :mod:`geomap.mapping.annotate`; the payload itself is
serialised so that nothing in it can end the ``<script>`` element or run (no
template literals are involved).
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from importlib import resources

from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """JSON that is safe to place inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return text


MARKERCLUSTER_JS = (
    "markercluster_js",
    "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/leaflet.markercluster.js",
)
MARKERCLUSTER_CSS = [
    ("markercluster_css", "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/MarkerCluster.css"),
    (
        "markercluster_default_css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/MarkerCluster.Default.css",
    ),
]


def _runtime() -> str:
    static = resources.files("geomap.mapping").joinpath("static")
    names = ("basemap.js", "eventmap.js")
    return "\n".join(static.joinpath(name).read_text(encoding="utf-8") for name in names)


PACK_ABOVE = 1_000_000  # characters of JSON; larger payloads are shipped gzip-compressed
PACK_CONTEXT_ABOVE = 50_000  # the context is mostly coordinates, which compress 3-4 times


def pack_payload(data: dict, *, above: int | None = None) -> tuple[str, bool]:
    """The payload as a JavaScript expression: JSON, or (when large) a base64 string of gzipped JSON."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= (PACK_ABOVE if above is None else above):
        return script_json(data), False
    packed = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)).decode("ascii")
    return f'"{packed}"', True


_NO_CONTEXT = {"regions": {"name": [], "anchor": [], "geometry": []}, "outlines": False, "rivers": [],
               "lakes": [], "towns": None}  # fmt: skip


class EventMap(JSCSSMixin):
    """All events of a map, drawn from one JSON payload into the map's per-type FeatureGroups.

    The runtime (``static/eventmap.js``) goes into the map's script, not the page
    header (pages that take a map's parts apart insert the header as inert HTML); the
    payload holds only escaped strings (see :mod:`geomap.mapping.payload`).
    With ``cluster`` the points are clustered (Leaflet.markercluster); with
    ``canvas`` they are drawn on a canvas, which many thousands of points need.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.runtime }}
        var {{ this.get_name() }} = geomapEventMap(
            {{ this._parent.get_name() }},
            [{% for group in this.groups %}{{ group.get_name() }}{{ "," if not loop.last }}{% endfor %}],
            {{ this.data_json }}, {{ this.words_json }}, {{ this.options_json }}, {{ this.context_json }});
        {% if this.filter_control %}
        geomapFilterControl({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.words_json }},
                            {{ this.options_json }});
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict,
        words: dict,
        groups: list,
        *,
        colours: list[str],
        cluster: bool,
        canvas: bool,
        filter_control: bool = True,
        select_on_click: bool = False,
        context: dict | None = None,
    ) -> None:
        super().__init__()
        self._name = "EventMap"
        self.groups = groups
        self.runtime = _runtime().replace("</script", "<\\/script")
        self.data = data
        self.data_json, packed = pack_payload(data)
        self.words_json = script_json(words)
        # regions, rivers, lakes and town labels (geomap.mapping.basemap): escaped names and coordinates
        self.context = context or _NO_CONTEXT
        self.context_json, context_packed = pack_payload(self.context, above=PACK_CONTEXT_ABOVE)
        day0 = min(data["day0"], default=0)
        day1 = max(data["day1"], default=0)
        actor_types = sorted({code for bits in set(data["actors"]) for code in range(9) if bits >> code & 1})
        self.options_json = script_json(
            {"cluster": cluster, "canvas": canvas, "day0": day0, "day1": day1, "total": data["n"],
             "actorTypes": actor_types, "packed": packed, "groupColours": colours,
             "selectOnClick": select_on_click, "contextPacked": context_packed}
        )  # fmt: skip
        self.filter_control = filter_control
        self.default_js = [MARKERCLUSTER_JS] if cluster else []
        self.default_css = list(MARKERCLUSTER_CSS) if cluster else []

    def __deepcopy__(self, memo: dict) -> EventMap:
        """A copy sharing the payloads (never changed once built), so copying a large map stays cheap."""
        clone = copy.copy(self)
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            if name not in ("data", "context"):
                setattr(clone, name, copy.deepcopy(value, memo))
        return clone

    def render(self, **kwargs) -> None:
        """Add the asset links, then the script as raw text.

        MacroElement would wrap the rendered script in a new jinja Template,
        parsing the whole payload as template source: slow for large maps, and
        the payload is data, not a template.
        """
        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        figure.script.add_child(RawScript(self._template.module.script(self, kwargs)), name=self.get_name())


class RawScript(Element):
    """JavaScript added to the page as it is (not compiled as a template)."""

    def __init__(self, code: str) -> None:
        super().__init__("")
        self.code = code

    def render(self, **kwargs) -> str:
        return self.code


class MapControl(MacroElement):
    """A box inside the map (legend, title) whose HTML was escaped by the caller."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: {{ this.position_json }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "gm-control");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
                    + "font:12px/1.35 system-ui,sans-serif;max-width:260px;"
                    + "box-shadow:0 1px 4px rgba(0,0,0,.3)";
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "MapControl"
        self.html_json = script_json(html)
        self.position_json = script_json(position)


class Attribution(MacroElement):
    """Adds data credits to the map's attribution line."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl
            .setPrefix({{ this.prefix_json }})
            .addAttribution({{ this.text_json }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text_json = script_json(html)
        self.prefix_json = script_json('<a href="https://leafletjs.com/">Leaflet</a>')
