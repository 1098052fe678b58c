// Polls each report job's status endpoint and moves its progress bar; no page reload.
(function () {
  "use strict";
  function render(card, data) {
    var bar = card.querySelector(".js-bar");
    var wrap = card.querySelector(".progress");
    var pct = Math.max(0, Math.min(100, data.progress || 0));
    if (bar) {
      bar.style.width = pct + "%";
      bar.textContent = pct + "%";
      bar.classList.toggle("bg-danger", !!data.failed);
      bar.classList.toggle("bg-success", !!data.done);
      bar.classList.toggle("progress-bar-striped", !data.done && !data.failed);
      bar.classList.toggle("progress-bar-animated", !data.done && !data.failed);
    }
    if (wrap) { wrap.setAttribute("aria-valuenow", String(pct)); }
    var status = card.querySelector(".js-status");
    if (status) { status.textContent = data.status_label; }
    var error = card.querySelector(".js-error");
    if (error) { error.textContent = data.error || ""; }
    var links = card.querySelector(".js-links");
    if (links) { links.classList.toggle("d-none", !data.done); }
    card.dataset.state = data.status;
  }
  function poll(card) {
    var url = card.getAttribute("data-status-url");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        render(card, data);
        if (!data.done && !data.failed) { window.setTimeout(function () { poll(card); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { poll(card); }, 3000); });
  }
  document.querySelectorAll(".js-job[data-status-url]").forEach(function (card) {
    var bar = card.querySelector(".js-bar");
    if (bar) { bar.style.width = (bar.getAttribute("data-progress") || "0") + "%"; }
    poll(card);
  });
})();
