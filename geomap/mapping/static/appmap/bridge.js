/* The app's map, written into the component's frame by loader.js, answering the app: it shows the events
 * at the positions each script run sends ({only: [...]} or null for all), reports once that the events
 * are drawn ({drawn: true}) and then each click on the map ({last_clicked: {lat, lng}}).  Only numbers
 * cross between the app and the page.  A new version of the map (the store changed) reloads the frame. */
(function () {
  "use strict";
  var args = window.geomapArgs || {};
  var answer = {drawn: false, last_clicked: null};
  var shown;

  function send(type, fields) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, fields), "*");
  }

  function report(fields) {
    Object.assign(answer, fields);
    send("streamlit:setComponentValue", {dataType: "json", value: Object.assign({}, answer)});
  }

  function eventMap() {
    var maps = window.geomapMaps || [];
    return maps.length ? maps[maps.length - 1] : null;
  }

  function leafletMap() {  // folium names its map map_<hex>, a global of the page
    var names = Object.keys(window);
    for (var k = 0; k < names.length; k++) {
      if (/^map_[0-9a-f]+$/.test(names[k]) && window[names[k]] instanceof L.Map) { return window[names[k]]; }
    }
    return null;
  }

  function show(only) {
    var positions = Array.isArray(only) ? only.filter(function (p) { return typeof p === "number"; }) : null;
    var key = JSON.stringify(positions);
    var events = eventMap();
    if (key === shown || !events) { return; }
    shown = key;
    events.filter({only: positions});
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.source !== window.parent || !message || message.type !== "streamlit:render") { return; }
    var next = message.args || {};
    if (next.version !== args.version) { window.location.reload(); return; }
    show(next.only);
  });

  var map = leafletMap();
  if (map) {
    map.on("click", function (e) { report({last_clicked: {lat: e.latlng.lat, lng: e.latlng.lng}}); });
  }
  show(args.only);
  var events = eventMap();
  var drawn = function () { report({drawn: true}); };
  (events && events.ready ? events.ready : Promise.resolve()).then(drawn, drawn);
  send("streamlit:setFrameHeight", {height: args.height});
})();
