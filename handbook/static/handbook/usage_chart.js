(function () {
  "use strict";
  var holder = document.getElementById("usage-data");
  var canvas = document.getElementById("usage-chart");
  if (!holder || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var colours = ["#0b5a7a", "#b5400c", "#2e7d32", "#6a1b9a", "#555"];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return { label: s.label, data: s.data, borderColor: colours[i % colours.length], tension: 0.2 };
      })
    },
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
