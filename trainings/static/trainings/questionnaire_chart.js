(function () {
  "use strict";
  var COLOURS = ["#0b5a7a", "#b5400c", "#3b6e22", "#6a3d9a", "#8a5a00", "#444444"];
  function draw() {
    var dataEl = document.getElementById("questionnaire-data");
    var canvas = document.getElementById("questionnaire-chart");
    if (!dataEl || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(dataEl.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
