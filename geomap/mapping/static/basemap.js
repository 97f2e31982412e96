/* geomap context layers: admin-1 boundaries, rivers, lakes and town labels from one payload (see
 * geomap/mapping/basemap.py), and the region outlines that events known only to their region are counted
 * in.  Names in the payload were escaped by geomap; this code only places them. */
function geomapContext(map, places, options) {
  "use strict";
  var panes = {"gm-context": 405, "gm-labels": 415, "gm-areas": 418, "gm-halos": 419, "gm-events": 420,
               "gm-badges": 610};
  Object.keys(panes).forEach(function (name) {
    if (!map.getPane(name)) { map.createPane(name).style.zIndex = panes[name]; }
  });
  map.getPane("gm-context").style.pointerEvents = "none";
  map.getPane("gm-labels").style.pointerEvents = "none";
  var regions = places.regions;
  var lines = {pane: "gm-context", interactive: false};

  function shapes(geometries, style) {
    return L.geoJSON({type: "GeometryCollection", geometries: geometries}, {style: style, interactive: false,
                                                                         pane: "gm-context"});
  }

  if (places.outlines) {
    shapes(places.lakes, {stroke: false, fillColor: "#a9cbe6", fillOpacity: 1}).addTo(map);
    shapes(places.rivers, {color: "#7fb0d8", weight: 1.2, opacity: 0.9}).addTo(map);
    L.geoJSON({type: "GeometryCollection", geometries: regions.geometry},
              Object.assign({style: {color: "#9a8f80", weight: 0.8, dashArray: "3 3", fill: false}}, lines))
      .addTo(map);
  }

  var towns = places.towns, labels = L.layerGroup().addTo(map);
  var MIN_POPULATION = [[5, 100000], [6, 30000], [7, 10000]];  // zoom at most → population at least

  /* The largest towns in view whose label does not collide with one already placed. */
  function drawLabels() {
    labels.clearLayers();
    if (!towns || !towns.name.length) { return; }
    var zoom = map.getZoom(), least = 0, boxes = [], view = map.getBounds().pad(0.05);
    MIN_POPULATION.some(function (rule) { if (zoom <= rule[0]) { least = rule[1]; return true; } return false; });
    for (var k = 0; k < towns.name.length && boxes.length < 300; k++) {
      if (towns.pop[k] < least) { break; }  // the towns come largest first
      var at = L.latLng(towns.lat[k], towns.lon[k]);
      if (!view.contains(at)) { continue; }
      var p = map.latLngToLayerPoint(at), half = 3.3 * towns.name[k].length + 4;
      var box = [p.x - half, p.y - 16, p.x + half, p.y + 3];
      if (boxes.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) {
        continue;
      }
      boxes.push(box);
      labels.addLayer(L.marker(at, {
        pane: "gm-labels", interactive: false, keyboard: false,
        icon: L.divIcon({
          className: "gm-town", iconSize: null,
          html: '<span style="position:absolute;transform:translate(-50%,-100%);white-space:nowrap;'
            + "font:11px system-ui,sans-serif;color:#3b3530;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff"
            + '">' + towns.name[k] + '</span><span style="position:absolute;width:4px;height:4px;left:-2px;'
            + 'top:-2px;border-radius:50%;background:#5a5047"></span>'
        })
      }));
    }
  }
  map.on("zoomend moveend", drawLabels);
  map.whenReady(drawLabels);

  return {
    regionName: function (k) { return regions.name[k]; },
    regionAnchor: function (k) { return L.latLng(regions.anchor[k][0], regions.anchor[k][1]); },
    regionOutline: function (k, style) {
      return L.geoJSON(regions.geometry[k], {style: style, pane: style.pane});
    },
    drawLabels: drawLabels
  };
}
