/* geomap large-map layer (geomap/mapping/large.py): the numbers of every event as typed arrays, clustered
 * by supercluster and drawn on a canvas; the text of the popups in gzip chunks, unpacked when a popup
 * needs one.  Every string in the chunks was escaped by geomap (geomap/mapping/annotate.py); this code
 * only joins those fragments (geomapPopupHtml, static/eventmap.js). */
function geomapDrawLarge(map, groups, data, words, options, holder, base) {
  "use strict";
  var col = geomapColumns(data.buffer, data.layout), n = data.n, REGION = 2, NEAR = 1;
  performance.mark("gm-unpacked");
  var renderer = L.canvas({padding: 0.3, pane: "gm-events"});
  var halos = L.canvas({padding: 0.3, pane: "gm-halos"});
  var drawn = L.layerGroup().addTo(map), clusters = L.layerGroup().addTo(map), areas = L.layerGroup().addTo(map);
  var text = geomapChunks(data.chunks, data.chunkSize);
  var hidden = groups.map(function (group) { return !map.hasLayer(group); });
  groups.forEach(function (group, g) {
    group.on("add", function () { hidden[g] = false; apply(); });
    group.on("remove", function () { hidden[g] = true; apply(); });
  });
  var features = new Array(n);  // made once per event and shared by every index built after a filter
  var index = null, shown = new Int32Array(0);
  var state = {day0: options.day0, day1: options.day1, statuses: null, corroboratedOnly: false, actors: null,
               only: null, onlyBits: null};  // onlyBits: base64 of a bit per event, 1 = drawn (the app's filter)
  Object.assign(state, holder.pending);

  // per type, how many events a point or cluster stands for: a point shares its type's array (supercluster's
  // default map keeps a point's own properties, so nothing is allocated per point while indexing); a
  // cluster copies the array it starts from before adding to it (``o``: the properties that own it)
  var one = groups.map(function (_, g) { return groups.map(function (_, k) { return k === g ? 1 : 0; }); });

  function feature(i) {
    return features[i] || (features[i] = {type: "Feature", properties: {i: i, c: one[col.group[i]], o: null},
                                          geometry: {type: "Point", coordinates: [col.lon[i], col.lat[i]]}});
  }

  function reduce(a, b) {
    if (a.o !== a) { a.c = a.c.slice(); a.o = a; }
    for (var g = 0; g < a.c.length; g++) { a.c[g] += b.c[g]; }
  }

  function statusMask() {  // which claim statuses are shown, by their code in options.statuses
    if (!state.statuses) { return null; }
    return options.statuses.map(function (key) { return state.statuses.indexOf(key) >= 0; });
  }

  function selected() {
    var allowed = statusMask(), only = Array.isArray(state.only) ? new Set(state.only) : null;
    var bits = typeof state.onlyBits === "string" ? geomapBits(state.onlyBits) : null;
    var out = new Int32Array(n), k = 0;
    for (var i = 0; i < n; i++) {
      if (hidden[col.group[i]] || col.day1[i] < state.day0 || col.day0[i] > state.day1) { continue; }
      if (allowed && !allowed[col.status[i]]) { continue; }
      if (state.corroboratedOnly && col.sources[i] < 2) { continue; }
      if (state.actors !== null && (col.actors[i] & state.actors) === 0) { continue; }
      if (only && !only.has(i)) { continue; }
      if (bits && !((bits[i >> 3] >> (i & 7)) & 1)) { continue; }
      out[k++] = i;
    }
    return out.subarray(0, k);
  }

  function apply() {
    shown = selected();
    var points = [], byKey = {};
    for (var k = 0; k < shown.length; k++) {
      var i = shown[k];
      if (col.kind[i] >= REGION) {
        var key = areaKey(i);
        (byKey[key] = byKey[key] || []).push(i);
      } else { points.push(feature(i)); }
    }
    performance.mark("gm-selected");
    index = new Supercluster({
      radius: 50, maxZoom: options.clusterMaxZoom, minPoints: 3,
      reduce: reduce
    }).load(points);
    performance.mark("gm-indexed");
    geomapDrawAreas(areas, byKey, base, view);
    redraw();
    if (api.onchange) { api.onchange(shown.length); }
  }

  function areaKey(i) {
    if (col.kind[i] === REGION && col.region[i] >= 0) { return "r" + col.region[i]; }
    return (col.kind[i] === REGION ? "p" : "c" + col.country[i]) + "@" + col.lat[i] + "," + col.lon[i];
  }

  var current = new Map();  // the points drawn now, by event: kept across moves, only the changes redrawn

  function redraw() {
    var b = map.getBounds(), zoom = Math.round(map.getZoom()), next = new Map();
    var box = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()),
               Math.min(85, b.getNorth())];
    clusters.clearLayers();
    index.getClusters(box, zoom).forEach(function (f) {
      var at = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]), i = f.properties.i;
      if (f.properties.cluster) { clusters.addLayer(cluster(f, at)); return; }
      next.set(i, current.get(i) || point(i, at));
    });
    current.forEach(function (layers, i) { if (!next.has(i)) { layers.forEach(function (l) { drawn.removeLayer(l); }); } });
    next.forEach(function (layers, i) { if (!current.has(i)) { layers.forEach(function (l) { drawn.addLayer(l); }); } });
    current = next;
    performance.mark("gm-drawn");
  }

  function cluster(f, at) {
    var marker = L.marker(at, {icon: geomapMixIcon(f.properties.c, f.properties.point_count, options.groupColours)});
    marker.on("click", function () {
      map.setView(at, Math.min(index.getClusterExpansionZoom(f.properties.cluster_id), 18));
    });
    return marker;
  }

  /* The layers of one point (its halo first, for an event near the place named), not yet on the map. */
  function point(i, at) {
    var style = Object.assign({}, data.styles[col.style[i]], {radius: col.radius[i] / 10, pane: "gm-events",
                              className: "gm-event", renderer: renderer});
    var layers = [];
    if (col.kind[i] === NEAR) {
      layers.push(L.circleMarker(at, {radius: style.radius + 6, stroke: false, fillColor: style.fillColor,
                                      fillOpacity: 0.22, interactive: false, pane: "gm-halos", renderer: halos}));
    }
    var marker = L.circleMarker(at, style);
    if (options.selectOnClick) { marker.options.bubblingMouseEvents = false; }
    marker.on("click", function () {
      if (options.selectOnClick) { map.fire("click", {latlng: at, geomapIndex: i}); }
      openPopup(i, at);
    });
    marker.on("mouseover", function () {
      text.get(i).then(function (c) { marker.bindTooltip(geomapTooltipHtml(c.data, words, c.j)).openTooltip(); });
    });
    layers.push(marker);
    return layers;
  }

  function openPopup(i, at) {
    var popup = L.popup({maxWidth: 380}).setLatLng(at).setContent('<div class="gm-loading">…</div>').openOn(map);
    return text.get(i).then(function (c) { popup.setContent(geomapPopupHtml(c.data, words, c.j)); return popup; });
  }

  var view = {
    kind: function (i) { return col.kind[i]; },
    region: function (i) { return col.region[i]; },
    latLng: function (i) { return L.latLng(col.lat[i], col.lon[i]); },
    list: function (members, done) {
      Promise.all(members.slice(0, 50).map(text.get)).then(function (found) {
        var first = found[0], isRegion = col.kind[members[0]] === REGION, region = col.region[members[0]];
        var t = function (c, name) { return geomapString(c.data, c.data.text[name][c.j]); };
        var where = isRegion ? (region >= 0 ? base.regionName(region) : t(first, "admin1") || t(first, "location"))
          : t(first, "country");
        var lines = {};
        members.slice(0, 50).forEach(function (i, k) {
          lines[i] = [geomapTooltipHtml(found[k].data, words, found[k].j), isRegion ? t(found[k], "admin1") : ""];
        });
        done(geomapAreaListHtml(members, where, isRegion, function (i) { return lines[i]; }));
      });
    },
    open: function (i, anchor) {
      if (options.selectOnClick) { map.fire("click", {latlng: L.latLng(col.lat[i], col.lon[i]), geomapIndex: i}); }
      openPopup(i, anchor);
    }
  };

  var api = {
    count: function () { return shown.length; },
    shown: function () { return Array.from(shown); },
    popupHtml: function (i) { return text.get(i).then(function (c) { return geomapPopupHtml(c.data, words, c.j); }); },
    filter: function (changes) { Object.assign(state, changes); apply(); },
    state: function () { return Object.assign({}, state); },
    open: function (i) {
      var at = L.latLng(col.lat[i], col.lon[i]);
      if (col.kind[i] === REGION && col.region[i] >= 0) { at = base.regionAnchor(col.region[i]); }
      if (col.kind[i] < REGION && map.getZoom() <= options.clusterMaxZoom) {
        map.setView(at, options.clusterMaxZoom + 1, {animate: false});
      }
      return openPopup(i, at);
    },
    onchange: holder.onchange
  };
  map.on("moveend", function () { if (index) { redraw(); } });
  apply();
  return api;
}

/* The typed arrays of the unpacked buffer: ``layout`` lists [name, type, byte offset, length]; wider values
 * are stored as byte planes (see geomap.mapping.large.encode_columns).  ``day1`` = ``day0`` + ``span``. */
function geomapColumns(buffer, layout) {
  "use strict";
  var types = {f4: Float32Array, i4: Int32Array, u2: Uint16Array, u1: Uint8Array};
  var out = {}, all = new Uint8Array(buffer);
  layout.forEach(function (c) {
    var Type = types[c[1]], width = Type.BYTES_PER_ELEMENT, n = c[3], values = new Type(n);
    var bytes = new Uint8Array(values.buffer);
    for (var b = 0; b < width; b++) {
      var plane = all.subarray(c[2] + b * n, c[2] + (b + 1) * n);
      for (var i = 0; i < n; i++) { bytes[i * width + b] = plane[i]; }
    }
    out[c[0]] = values;
  });
  out.day1 = new Int32Array(out.day0.length);
  for (var k = 0; k < out.day0.length; k++) { out.day1[k] = out.day0[k] + out.span[k]; }
  return out;
}

/* The bytes of base64 ``text``: a bit per event, little-endian within each byte (numpy's packbits, "little"). */
function geomapBits(text) {
  "use strict";
  var raw = atob(text), out = new Uint8Array(raw.length);
  for (var k = 0; k < raw.length; k++) { out[k] = raw.charCodeAt(k); }
  return out;
}

/* A chunk as packed (strings column by column) in the small map's shape: strings, indices, sources.start. */
function geomapIndexChunk(raw) {
  "use strict";
  var strings = [], text = {}, sources = {start: [0]};
  var put = function (values) {
    return values.map(function (v) { if (v === null) { return -1; } strings.push(v); return strings.length - 1; });
  };
  Object.keys(raw.text).forEach(function (c) { text[c] = put(raw.text[c]); });
  raw.sources.count.forEach(function (k, j) { sources.start.push(sources.start[j] + k); });
  Object.keys(raw.sources).forEach(function (c) { if (c !== "count") { sources[c] = put(raw.sources[c]); } });
  return {strings: strings, text: text, number: raw.number, sources: sources};
}

/* The popup text, ``size`` events a chunk: ``get(i)`` → a promise of {data: the chunk, j: i's place in it}. */
function geomapChunks(packed, size) {
  "use strict";
  var cache = {};
  return {
    get: function (i) {
      var c = Math.floor(i / size);
      cache[c] = cache[c] || geomapUnpack(packed[c]).then(geomapIndexChunk);
      return cache[c].then(function (chunk) { return {data: chunk, j: i - c * size}; });
    }
  };
}
