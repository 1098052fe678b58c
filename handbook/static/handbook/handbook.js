/* お悩みハンドブック: quick exit and print. Works without this file too (plain links). */
(function () {
  "use strict";
  function leave(url) {
    try { document.body.innerHTML = ""; document.title = ""; } catch (e) { /* ignore */ }
    // replace(): the handbook does not stay in this tab's history for the back button.
    window.location.replace(url);
  }
  var script = document.getElementById("handbook-js");
  function tapped(kind) {
    // The funnel's last step, counted per channel and day only (no cookie, no identifier).
    if (!script || !navigator.sendBeacon) { return; }
    var data = new FormData();
    data.append("kind", kind);
    data.append("src", script.getAttribute("data-src") || "");
    try { navigator.sendBeacon(script.getAttribute("data-tap-url"), data); } catch (e) { /* ignore */ }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='tel:'], a[data-tap]");
    if (link) { tapped(link.getAttribute("data-tap") || "tel"); }
    var exit = event.target.closest("[data-quick-exit]");
    if (exit) {
      event.preventDefault();
      leave(exit.getAttribute("href"));
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var exit = document.querySelector("[data-quick-exit]");
      if (exit) { leave(exit.getAttribute("href")); }
    }
  });
  document.querySelectorAll("[data-print]").forEach(function (el) { el.hidden = false; });
})();
