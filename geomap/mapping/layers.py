"""Map layers as small folium elements with templates.

:class:`EventLayer` ships a group's events once, as one JSON payload, and draws
them with Leaflet in the browser: a circle marker per placed event, a dashed
area for events known only to a region or a country.  The popups and tooltips
in the payload were escaped by :mod:`geomap.mapping.annotate`; the payload
itself is serialised so that nothing in it can end the ``<script>`` element
or run (no template literals are involved).
"""

from __future__ import annotations

import json

from branca.element import MacroElement
from jinja2 import Template

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """JSON that is safe to place inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return text


class EventLayer(MacroElement):
    """The events of one layer (a folium FeatureGroup), drawn from one JSON payload.

    Each record is ``[lat, lon, style_index, radius_px, area_radius_m_or_0, popup_html, tooltip_html]``;
    styles are stored once and referenced by index.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var styles = {{ this.styles_json }};
            var records = {{ this.records_json }};
            var group = {{ this._parent.get_name() }};
            records.forEach(function (r) {
                var options = Object.assign({}, styles[r[2]]);
                var layer;
                if (r[4] > 0) {
                    options.radius = r[4];
                    options.dashArray = "8 6";
                    options.fillOpacity = Math.min(options.fillOpacity, 0.08);
                    layer = L.circle([r[0], r[1]], options);
                } else {
                    options.radius = r[3];
                    layer = L.circleMarker([r[0], r[1]], options);
                }
                layer.bindPopup(r[5], {maxWidth: 380});
                layer.bindTooltip(r[6]);
                group.addLayer(layer);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, records: list[list], styles: list[dict]) -> None:
        super().__init__()
        self._name = "EventLayer"
        self.records_json = script_json(records)
        self.styles_json = script_json(styles)


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
