/* The app's map component (app.py, geomap/mapping/appmap.py).  This page asks the app for its map (a
 * whole HTML page made by folium, every string in it escaped by geomap), gives the frame the map's
 * height, and writes the map's page into this document once the frame has that height, so that Leaflet
 * lays the map out at its size.  The written page then answers the app through bridge.js. */
(function () {
  "use strict";
  function send(type, fields) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, fields), "*");
  }

  function write(args) {
    window.geomapArgs = args;  // read by bridge.js in the written page
    document.open();
    document.write(args.html + '<script src="bridge.js"><\/script>');
    document.close();
  }

  function whenTall(args) {
    var since = Date.now();
    (function wait() {
      if (window.innerHeight >= args.height - 1 || Date.now() - since > 2000) { write(args); return; }
      setTimeout(wait, 10);
    })();
  }

  function first(event) {
    var message = event.data;
    if (event.source !== window.parent || !message || message.type !== "streamlit:render") { return; }
    var args = message.args || {};
    if (typeof args.html !== "string") { return; }
    window.removeEventListener("message", first);
    send("streamlit:setFrameHeight", {height: args.height});
    whenTall(args);
  }

  window.addEventListener("message", first);
  send("streamlit:componentReady", {apiVersion: 1});
})();
