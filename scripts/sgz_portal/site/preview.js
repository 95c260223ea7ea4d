// Live preview: served only by `sgz-portal serve --watch` (never written into site/).
// Waits for the next build; reloads the page when one is done, so it shows the new site,
// or, when the data has errors, the preview server's page listing them.
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me.src.replace(/reload\.js(\?.*)?$/, "");
  var version = me.getAttribute("data-version");
  function poll() {
    fetch(base + "state?since=" + encodeURIComponent(version), { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (String(state.version) !== version) {
          location.reload();
        } else {
          poll();
        }
      })
      .catch(function () { setTimeout(poll, 1000); });  // the server restarts: try again
  }
  poll();
})();
