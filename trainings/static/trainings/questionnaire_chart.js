(function () {
  "use strict";
  function draw() {
    var dataEl = document.getElementById("questionnaire-data");
    var canvas = document.getElementById("questionnaire-chart");
    if (!dataEl || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(dataEl.textContent);
    var labels = document.getElementById("questionnaire-labels").dataset;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: labels.satisfaction, data: data.satisfaction, backgroundColor: "#0b5a7a" },
          { label: labels.usefulness, data: data.usefulness, backgroundColor: "#b5400c" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
