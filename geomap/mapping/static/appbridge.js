/* The large map inside the Streamlit app (geomap/mapping/applarge.py, geomap/app/largemap.py): the page is a
 * Streamlit component.  The app sends which of the map's events to draw (a bit per event, base64) and the
 * map's version; the page answers each click with the event's position in the map (or only the point).
 * Only numbers cross between the app and the page: every string the map shows was escaped by geomap. */
function geomapAppBridge(options) {
  "use strict";
  var clicks = 0, drawnFilter;

  function send(type, fields) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, fields), "*");
  }

  function eventMap() {
    var maps = window.geomapMaps || [];
    return maps.length ? maps[maps.length - 1] : null;
  }

  function leafletMap() {
    var names = Object.keys(window);
    for (var k = 0; k < names.length; k++) {
      if (/^map_[0-9a-f]+$/.test(names[k]) && window[names[k]] instanceof L.Map) { return window[names[k]]; }
    }
    return null;
  }

  function show(args) {
    var only = typeof args.only === "string" ? args.only : null;
    if (only === drawnFilter) { return; }
    drawnFilter = only;
    eventMap().filter({onlyBits: only});
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.source !== window.parent || !message || message.type !== "streamlit:render") { return; }
    var args = message.args || {};
    if (args.version !== options.version) { window.location.reload(); return; }  // the store changed
    show(args);
  });

  var map = leafletMap(), fitted = false;

  function fit() {  // the frame had no height when the map was laid out: fit it once it has one
    if (fitted || window.innerHeight < 50 || !options.bounds) { return; }
    fitted = true;
    map.invalidateSize();
    map.fitBounds(options.bounds, {padding: [20, 20], animate: false});
  }
  window.addEventListener("resize", fit);
  fit();
  map.on("click", function (e) {
    clicks += 1;
    var index = typeof e.geomapIndex === "number" ? e.geomapIndex : null;
    send("streamlit:setComponentValue", {dataType: "json",
      value: {index: index, lat: e.latlng.lat, lng: e.latlng.lng, click: clicks}});
  });
  send("streamlit:componentReady", {apiVersion: 1});
  send("streamlit:setFrameHeight", {height: options.height});
}
