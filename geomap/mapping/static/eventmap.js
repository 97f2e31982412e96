/* geomap event layer: draws the events of one JSON payload, builds popups on demand, filters by time,
 * claim status, corroboration and actor type.  Every string in the payload was escaped by geomap
 * (geomap/mapping/annotate.py); this code only joins those fragments and never escapes or parses text. */
function geomapEventMap(map, groups, payload, words, options, context) {
  "use strict";
  var holder = {api: null, pending: {}, onchange: null};
  var proxy = {
    count: function () { return holder.api ? holder.api.count() : 0; },
    shown: function () { return holder.api ? holder.api.shown() : []; },
    popupHtml: function (i) { return holder.api.popupHtml(i); },
    filter: function (changes) {
      if (holder.api) { holder.api.filter(changes); } else { Object.assign(holder.pending, changes); }
    },
    state: function () { return holder.api ? holder.api.state() : Object.assign({}, holder.pending); },
    open: function (i) { if (holder.api) { holder.api.open(i); } },
    setOnchange: function (f) { holder.onchange = f; if (holder.api) { holder.api.onchange = f; } },
    ready: null
  };
  var draw = options.large ? geomapDrawLarge : geomapDrawEvents;  // geomapDrawLarge: static/largemap.js
  var start = function (data, places) {
    var base = geomapContext(map, places, options);
    holder.api = draw(map, groups, data, words, options, holder, base);
    return proxy;
  };
  if (options.large) {  // typed arrays in one gzip blob, text in chunks unpacked when a popup needs them
    proxy.ready = Promise.all([geomapUnpackBytes(payload.numbers),
                               options.contextPacked ? geomapUnpack(context) : context])
      .then(function (both) { return start(Object.assign({}, payload, {buffer: both[0]}), both[1]); });
  } else if (!options.packed && !options.contextPacked) {
    proxy.ready = Promise.resolve(start(payload, context));
  } else {
    proxy.ready = Promise.all([options.packed ? geomapUnpack(payload) : payload,
                               options.contextPacked ? geomapUnpack(context) : context])
      .then(function (both) { return start(both[0], both[1]); });
  }
  window.geomapMaps = (window.geomapMaps || []).concat([proxy]);
  return proxy;
}

/* A payload packed by geomap: base64 of gzip-compressed JSON (large maps stay small on disk). */
function geomapUnpack(b64) {
  "use strict";
  return geomapInflate(b64).json();
}

/* base64 of gzip-compressed bytes → an ArrayBuffer (the typed arrays of a large map). */
function geomapUnpackBytes(b64) {
  "use strict";
  return geomapInflate(b64).arrayBuffer();
}

function geomapInflate(b64) {
  "use strict";
  var bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")));
}

function geomapDrawEvents(map, groups, data, words, options, holder, base) {
  "use strict";
  var T = data.text, N = data.number;
  var renderer = options.canvas ? L.canvas({padding: 0.5, pane: "gm-events"}) : undefined;
  var layers = new Array(data.n), halos = new Array(data.n);
  var POINT = 0, NEAR = 1, REGION = 2;
  // One layer for every event type: the clusters mix the types (their icon says in what shares), and the
  // per-type entries of the layer control only switch their type on and off in it.
  var areas = L.layerGroup().addTo(map);
  var points = options.cluster
    ? L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 11,
                            spiderfyOnMaxZoom: true, showCoverageOnHover: false,
                            iconCreateFunction: mixIcon}).addTo(map)
    : L.layerGroup().addTo(map);
  var hidden = groups.map(function (group) { return !map.hasLayer(group); });
  groups.forEach(function (group, g) {
    group.on("add", function () { hidden[g] = false; apply(); });
    group.on("remove", function () { hidden[g] = true; apply(); });
  });

  /* A cluster's icon: its count inside a donut whose arcs are the shares of each event type. */
  function mixIcon(cluster) {
    var children = cluster.getAllChildMarkers(), counts = groups.map(function () { return 0; });
    children.forEach(function (m) { counts[data.group[m.geomapIndex]] += 1; });
    return geomapMixIcon(counts, children.length, options.groupColours);
  }

  function s(index) { return geomapString(data, index); }
  function t(column, i) { return s(T[column][i]); }
  function popupHtml(i) { return geomapPopupHtml(data, words, i); }
  function tooltipHtml(i) { return geomapTooltipHtml(data, words, i); }

  /* Events placed "near" a place: a faint halo under the point, drawn while the point is on the map. */
  function halo(i, marker) {
    marker.on("add", function () {
      halos[i] = halos[i] || L.circleMarker(marker.getLatLng(), {
        radius: data.radius[i] + 6, stroke: false, fillColor: data.styles[data.style[i]].fillColor,
        fillOpacity: 0.22, interactive: false, pane: "gm-halos", renderer: renderer
      });
      halos[i].addTo(map);
    });
    marker.on("remove", function () { if (halos[i]) { halos[i].remove(); } });
  }

  function layer(i) {
    if (layers[i]) { return layers[i]; }
    var style = Object.assign({}, data.styles[data.style[i]]);
    style.radius = data.radius[i];
    style.pane = "gm-events";
    style.className = "gm-event";
    if (renderer) { style.renderer = renderer; }
    var made = L.circleMarker([data.lat[i], data.lon[i]], style);
    if (data.kind[i] === NEAR) { halo(i, made); }
    if (options.selectOnClick) {
      // the map hears the event's own coordinates, not the point under the mouse (see build_map)
      made.options.bubblingMouseEvents = false;
      made.on("click", function () { map.fire("click", {latlng: L.latLng(data.lat[i], data.lon[i])}); });
    }
    made.bindPopup(function () { return popupHtml(i); }, {maxWidth: 380});
    made.bindTooltip(function () { return tooltipHtml(i); });
    made.geomapIndex = i;
    layers[i] = made;
    return made;
  }

  var state = {day0: options.day0, day1: options.day1, statuses: null, corroboratedOnly: false, actors: null,
               only: null};
  Object.assign(state, holder.pending);
  var shown = [];

  var onlySet = null, onlyFrom = null;

  function visible(i) {
    if (state.only !== onlyFrom) {  // positions in the payload shown from outside (the app's filters)
      onlyFrom = state.only;
      onlySet = Array.isArray(state.only) ? new Set(state.only) : null;
    }
    if (onlySet && !onlySet.has(i)) { return false; }
    if (hidden[data.group[i]]) { return false; }
    if (data.day1[i] < state.day0 || data.day0[i] > state.day1) { return false; }
    if (state.statuses && state.statuses.indexOf(t("claim_status", i) || "reported") < 0) { return false; }
    if (state.corroboratedOnly && !((N.n_sources[i] || 1) >= 2)) { return false; }
    if (state.actors !== null && (data.actors[i] & state.actors) === 0) { return false; }
    return true;
  }

  /* Where an event known only to an area is counted: its region's outline, or a badge for its country
   * (or, for a region with no outline, for that region at the event's point). */
  function areaKey(i) {
    if (data.kind[i] === REGION && data.region[i] >= 0) { return "r" + data.region[i]; }
    if (data.kind[i] === REGION) { return "p" + T.admin1[i] + "@" + data.lat[i] + "," + data.lon[i]; }
    return "c" + T.country[i] + "@" + data.lat[i] + "," + data.lon[i];
  }

  var view = {
    kind: function (i) { return data.kind[i]; },
    region: function (i) { return data.region[i]; },
    latLng: function (i) { return L.latLng(data.lat[i], data.lon[i]); },
    list: function (members, done) {
      var first = members[0], region = data.region[first], isRegion = data.kind[first] === REGION;
      var where = isRegion ? (region >= 0 ? base.regionName(region) : t("admin1", first) || t("location", first))
        : t("country", first);
      done(geomapAreaListHtml(members, where, isRegion, function (i) {
        return [tooltipHtml(i), data.kind[i] === REGION ? t("admin1", i) : ""];
      }));
    },
    open: function (i, anchor) {
      if (options.selectOnClick) { map.fire("click", {latlng: L.latLng(data.lat[i], data.lon[i])}); }
      map.openPopup(popupHtml(i), anchor, {maxWidth: 380});
    }
  };

  function drawAreas(byKey) { geomapDrawAreas(areas, byKey, base, view); }

  function apply() {
    var batch = [], byKey = {};
    points.clearLayers();
    shown = [];
    for (var i = 0; i < data.n; i++) {
      if (!visible(i)) { continue; }
      shown.push(i);
      if (data.kind[i] >= REGION) {
        var key = areaKey(i);
        (byKey[key] = byKey[key] || []).push(i);
      } else { batch.push(layer(i)); }
    }
    drawAreas(byKey);
    if (options.cluster) { points.addLayers(batch); } else { batch.forEach(function (l) { points.addLayer(l); }); }
    if (api.onchange) { api.onchange(shown.length); }
  }

  var api = {
    count: function () { return shown.length; },
    shown: function () { return shown.slice(); },
    popupHtml: popupHtml,
    filter: function (changes) { Object.assign(state, changes); apply(); },
    state: function () { return Object.assign({}, state); },
    open: function (i) {
      if (data.kind[i] >= REGION) {
        var region = data.region[i];
        var at = data.kind[i] === REGION && region >= 0 ? base.regionAnchor(region) : L.latLng(data.lat[i], data.lon[i]);
        map.openPopup(popupHtml(i), at, {maxWidth: 380});
        return;
      }
      var l = layer(i);
      var show = function () {
        if (map.hasLayer(l)) { l.openPopup(); } else { map.openPopup(popupHtml(i), l.getLatLng()); }
      };
      if (options.cluster && !map.hasLayer(l)) {
        map.once("moveend", function () { setTimeout(show, 0); });
        map.setView(l.getLatLng(), Math.max(map.getZoom(), 11), {animate: false});  // 11: clusters open
      } else { show(); }
    },
    onchange: holder.onchange
  };
  apply();
  return api;
}

/* The filter box: date range, claim status, corroboration and actor types. */
function geomapFilterControl(map, api, words, options) {
  "use strict";
  var control = L.control({position: "topleft"});
  control.onAdd = function () {
    var box = L.DomUtil.create("div", "gm-filter");
    box.style.cssText = "background:rgba(255,255,255,.94);padding:6px 8px;border-radius:4px;"
      + "font:12px/1.4 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:250px";
    var html = '<details open><summary><b>Filter</b> <span class="gm-count"></span></summary>';
    html += '<div>From <span class="gm-from"></span> to <span class="gm-to"></span></div>';
    html += '<input class="gm-day0" type="range" style="width:100%" min="' + options.day0 + '" max="'
      + options.day1 + '" value="' + options.day0 + '">';
    html += '<input class="gm-day1" type="range" style="width:100%" min="' + options.day0 + '" max="'
      + options.day1 + '" value="' + options.day1 + '">';
    Object.keys(words.claim).forEach(function (key) {
      html += '<label style="display:block"><input type="checkbox" class="gm-status" value="' + key
        + '" checked> ' + words.claim[key][0].toLowerCase() + "</label>";
    });
    html += '<label style="display:block"><input type="checkbox" class="gm-corroborated"> '
      + "only events with 2+ independent outlets</label>";
    options.actorTypes.forEach(function (code) {
      html += '<label style="display:block"><input type="checkbox" class="gm-actor" value="' + code
        + '" checked> ' + words.actorTypes[String(code)] + "</label>";
    });
    box.innerHTML = html + "</details>";
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var day = function (n) { return new Date(n * 86400000).toISOString().slice(0, 10); };
    var pick = function (selector) { return Array.prototype.slice.call(box.querySelectorAll(selector)); };
    var update = function () {
      var d0 = +box.querySelector(".gm-day0").value, d1 = +box.querySelector(".gm-day1").value;
      if (d0 > d1) { var swap = d0; d0 = d1; d1 = swap; }
      box.querySelector(".gm-from").textContent = day(d0);
      box.querySelector(".gm-to").textContent = day(d1);
      var actors = 0;
      pick(".gm-actor").forEach(function (c) { if (c.checked) { actors |= (1 << +c.value); } });
      api.filter({
        day0: d0, day1: d1,
        statuses: pick(".gm-status").filter(function (c) { return c.checked; }).map(function (c) { return c.value; }),
        corroboratedOnly: box.querySelector(".gm-corroborated").checked,
        actors: actors
      });
    };
    api.setOnchange(function (count) {
      box.querySelector(".gm-count").textContent = count + " of " + options.total;
    });
    box.addEventListener("change", update);
    box.addEventListener("input", update);
    update();
    return box;
  };
  control.addTo(map);
  return control;
}

/* The popup of event ``i`` of a payload (strings, text, number, sources): joins escaped fragments only. */
function geomapString(data, index) {
  "use strict";
  return index === null || index === undefined || index < 0 ? "" : data.strings[index];
}

function geomapPopupHtml(data, words, i) {
  "use strict";
  var N = data.number, E = data.sources;
  var s = function (k) { return geomapString(data, k); }, t = function (c, j) { return s(data.text[c][j]); };
  var h = '<div class="gm-annotation" style="font:13px/1.4 system-ui,sans-serif;max-width:360px">';
  var sub = t("sub_event_type", i), notes = t("notes", i);
  h += '<div class="gm-what"><b>' + t("event_type", i) + "</b>" + (sub ? " — " + sub : "") + "</div>";
  if (notes) { h += '<div class="gm-notes">' + notes + "</div>"; }
  var start = t("event_date", i), end = t("event_date_end", i);
  var when = start + (end && end !== start ? " to " + end : "");
  var precision = words.time[String(N.time_precision[i] || 1)] || "day";
  var names = [t("location", i), t("admin1", i), t("country", i)];
  var place = names.filter(function (n, k) { return n && names.slice(0, k).indexOf(n) < 0; }).join(", ");
  var mention = t("place_mention", i);
  var written = mention && mention !== t("location", i) ? '; written as "' + mention + '"' : "";
  var geo = words.geo[String(N.geo_precision[i] || 1)] || "";
  h += '<div class="gm-when"><b>When:</b> ' + when + " <small>(to the " + precision + ")</small></div>";
  h += '<div class="gm-where"><b>Where:</b> ' + (place || "unknown") + " <small>(location: " + geo + written
    + ")</small></div>";
  var sides = [];
  [["actor1", "assoc_actor_1"], ["actor2", "assoc_actor_2"]].forEach(function (pair) {
    var name = t(pair[0], i), assoc = t(pair[1], i);
    if (name) { sides.push(name + (assoc ? " (with " + assoc + ")" : "")); }
  });
  if (sides.length) { h += '<div class="gm-who"><b>Who:</b> ' + sides.join(" vs. ") + "</div>"; }
  var deaths = N.fatalities[i], low = N.fatalities_low[i], high = N.fatalities_high[i];
  if (deaths !== null) {
    var spread = low !== null && high !== null && low !== high ? " (sources range " + low + "–" + high + ")" : "";
    h += '<div class="gm-fatalities"><b>Fatalities:</b> ' + deaths + spread + "</div>";
  }
  var count = E.start[i + 1] - E.start[i];
  var n = N.n_sources[i] || Math.max(count, 1);
  var grade = (t("reliability", i) || "F") + (N.credibility[i] || 6);
  h += '<div class="gm-sourcing" style="margin-top:6px;border-top:1px solid #ccc;padding-top:4px">';
  h += "<div>" + geomapClaimBadge(words, t("claim_status", i)) + "</div>";
  h += "<div><b>" + n + "</b> independent outlet" + (n !== 1 ? "s" : "") + " · grade " + grade
    + " <small>(source reliability A–F, information credibility 1–6)</small></div>";
  var reviewed = t("reviewed", i);
  if (reviewed) { h += '<div class="gm-reviewed"><small>Corrected: ' + reviewed + "</small></div>"; }
  var records = t("provenance", i);
  if (records) { h += '<div class="gm-provenance"><small>Records: ' + records + "</small></div>"; }
  h += '<ol class="gm-sources" style="margin:4px 0 0 16px;padding:0">';
  for (var k = E.start[i]; k < E.start[i + 1]; k++) { h += geomapSourceItem(data, k); }
  return h + "</ol></div></div>";
}

function geomapClaimBadge(words, status) {
  var key = status || "reported";
  var label = words.claim[key] || [key.toUpperCase(), ""];
  var colour = words.claimColour[key] || "#444";
  return '<span class="gm-claim gm-claim-' + key + '" style="color:' + colour + ';font-weight:bold">'
    + label[0] + "</span>" + (label[1] ? " — " + label[1] : "");
}

function geomapSourceItem(data, k) {
  var E = data.sources, s = function (j) { return geomapString(data, j); };
  var href = s(E.href[k]), name = s(E.outlet[k]), shown = s(E.shown[k]);
  var link = href ? '<a href="' + href + '" target="_blank" rel="noopener noreferrer">' + name + "</a>" : name;
  var h = "<li><b>" + link + "</b>" + (shown ? " <small>(" + shown + ")</small>" : "");
  var date = s(E.date[k]), grade = s(E.grade[k]), status = s(E.status[k]);
  var claimant = s(E.claimant[k]), quote = s(E.quote[k]);
  if (date) { h += " <small>" + date + "</small>"; }
  if (grade) { h += " <small>[" + grade + "]</small>"; }
  if (status) { h += " · " + status; }
  if (claimant) { h += " · claimed by " + claimant; }
  if (quote) {
    h += '<blockquote class="gm-quote" style="margin:2px 0 4px 0;font-style:italic">“' + quote + "”</blockquote>";
  }
  return h + "</li>";
}

function geomapTooltipHtml(data, words, i) {
  var t = function (c, j) { return geomapString(data, data.text[c][j]); };
  var status = t("claim_status", i);
  var parts = [t("event_type", i), t("event_date", i), t("location", i)];
  if (status) { parts.push((words.claim[status] || [status.toUpperCase()])[0]); }
  return parts.filter(function (p) { return p; }).join(" · ");
}


/* A cluster's icon: its count inside a donut whose arcs are the shares (``counts``) of each event type. */
function geomapMixIcon(counts, n, colours) {
  "use strict";
  var size = n < 100 ? 34 : n < 1000 ? 40 : 46, mid = size / 2, r = mid - 4;
  var round = 2 * Math.PI * r, done = 0, arcs = "";
  counts.forEach(function (k, g) {
    if (!k) { return; }
    var part = round * k / n;
    arcs += '<circle class="gm-mix" data-group="' + g + '" cx="' + mid + '" cy="' + mid + '" r="' + r
      + '" fill="none" stroke="' + colours[g] + '" stroke-width="7" stroke-dasharray="'
      + part.toFixed(2) + " " + (round - part).toFixed(2) + '" stroke-dashoffset="' + (-done).toFixed(2)
      + '" transform="rotate(-90 ' + mid + " " + mid + ')"/>';
    done += part;
  });
  return L.divIcon({
    className: "gm-cluster",
    iconSize: L.point(size, size),
    html: '<svg width="' + size + '" height="' + size + '" style="display:block">'
      + '<circle cx="' + mid + '" cy="' + mid + '" r="' + (r + 3.5) + '" fill="rgba(255,255,255,.92)"/>' + arcs
      + '<text x="' + mid + '" y="' + mid + '" text-anchor="middle" dominant-baseline="central" '
      + 'style="font:bold 11px system-ui,sans-serif;fill:#222">' + n + "</text></svg>"
  });
}

/* The list of the events counted in one area; ``item(i)`` gives an event's escaped line and own region. */
function geomapAreaListHtml(members, where, isRegion, item) {
  "use strict";
  var h = '<div class="gm-area-list" style="font:13px/1.4 system-ui,sans-serif;max-width:360px">';
  h += "<b>" + members.length + " event" + (members.length !== 1 ? "s" : "") + "</b> known only to "
    + (isRegion ? "the region " : "the country ") + "<b>" + where + "</b>"
    + "<small> (no closer place is known; drawn as the whole area)</small><ol style='margin:4px 0 0 16px;padding:0'>";
  members.slice(0, 50).forEach(function (i) {
    var line = item(i), own = line[1];
    h += '<li><a href="#" data-gm-event="' + i + '">' + line[0] + "</a>"
      + (own && own !== where ? " <small>(" + own + ")</small>" : "") + "</li>";
  });
  if (members.length > 50) { h += "<li>… " + (members.length - 50) + " more</li>"; }
  return h + "</ol></div>";
}

/* Events known only to an area (``byKey``: the events of each area): the region's dashed outline and a
 * count badge, or a badge for the country.  ``view`` tells each event's kind, region and point, builds the
 * list (``list(members, done)``, possibly later) and opens one event's popup (``open(i, anchor)``). */
function geomapDrawAreas(areas, byKey, base, view) {
  "use strict";
  areas.clearLayers();
  Object.keys(byKey).forEach(function (key) {
    var members = byKey[key], first = members[0], region = view.region(first);
    var isRegion = view.kind(first) === 2;
    var anchor = isRegion && region >= 0 ? base.regionAnchor(region) : view.latLng(first);
    var popup = L.popup({maxWidth: 380}).setContent("…");
    popup.on("add", function () {
      view.list(members, function (html) { popup.setContent(html); });
      var element = popup.getElement();
      if (element) {
        element.addEventListener("click", function (event) {
          var target = event.target.closest ? event.target.closest("[data-gm-event]") : null;
          if (!target) { return; }
          event.preventDefault();
          view.open(+target.getAttribute("data-gm-event"), anchor);
        });
      }
    });
    if (isRegion && region >= 0) {
      var outline = base.regionOutline(region, {
        pane: "gm-areas", className: "gm-area", color: "#333", weight: 2, dashArray: "6 5",
        fillColor: "#555", fillOpacity: 0.06
      });
      outline.bindPopup(popup);
      outline.bindTooltip(function () { return members.length + " known only to the region " + base.regionName(region); });
      areas.addLayer(outline);
    }
    var badge = L.marker(anchor, {
      pane: "gm-badges",
      icon: L.divIcon({
        className: "gm-badge " + (isRegion ? "gm-badge-region" : "gm-badge-country"), iconSize: null,
        html: '<span style="position:absolute;transform:translate(-50%,-50%);white-space:nowrap;'
          + "padding:1px 5px;font:bold 11px system-ui,sans-serif;color:#222;background:#fff;"
          + (isRegion ? "border:2px dashed #333;border-radius:9px" : "border:1px solid #333;border-radius:2px")
          + '">' + members.length + "</span>"
      })
    });
    badge.bindPopup(popup);
    areas.addLayer(badge);
  });
}
