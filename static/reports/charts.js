/* Draws the report charts from the JSON the page embeds (#chart-data). Every chart has a data table beside it,
   so the figures stay readable without JavaScript, in print and for screen readers. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var font = { family: getComputedStyle(document.body).fontFamily };
  Chart.defaults.font.family = font.family;
  Chart.defaults.animation = false;
  var percent = function (v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }

  if (data.trend) {
    var labels = data.trend.map(function (b) { return b.label; });
    draw("chart-trend-counts", {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: "受理诉求", data: data.trend.map(function (b) { return b.received; }), backgroundColor: "#0d6efd" },
          { label: "派发工单", data: data.trend.map(function (b) { return b.dispatched; }), backgroundColor: "#6f42c1" },
          { label: "首次办结", data: data.trend.map(function (b) { return b.first_closed; }), backgroundColor: "#198754" }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    // A rate is a share: never drawn below 0 % or above 100 % (a bucket without a denominator is a gap, not 0).
    var clamp = function (v) { return v === null || v === undefined ? null : Math.min(1, Math.max(0, v)); };
    var rate = function (name) { return data.trend.map(function (b) { return clamp(b[name]); }); };
    draw("chart-trend-rates", {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { label: "按时签收率", data: rate("sign_on_time_rate"), borderColor: "#0d6efd", backgroundColor: "#0d6efd", spanGaps: true },
          { label: "按时办结率", data: rate("close_on_time_rate"), borderColor: "#fd7e14", spanGaps: true },
          { label: "解决率", data: rate("resolution_rate"), borderColor: "#198754", spanGaps: true },
          { label: "满意率", data: rate("satisfaction_rate"), borderColor: "#d63384", spanGaps: true }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        // Straight segments between the points: a smoothed curve overshoots past 0 % and 100 % between them.
        elements: { point: { radius: 3 }, line: { tension: 0, cubicInterpolationMode: "monotone" } },
        clip: 4,
        scales: { y: { min: 0, max: 1, grace: 0, ticks: { callback: percent } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + "：" + percent(c.parsed.y); } } } }
      }
    });
  }
  if (data.channels) {
    draw("chart-channels", {
      type: "bar",
      data: {
        labels: data.channels.map(function (r) { return r[0]; }),
        datasets: [{ label: "受理诉求", data: data.channels.map(function (r) { return r[1]; }), backgroundColor: "#0d6efd" }]
      },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  if (data.departments) {
    draw("chart-departments", {
      type: "bar",
      data: {
        labels: data.departments.map(function (r) { return r[0]; }),
        datasets: [{ label: "综合得分", data: data.departments.map(function (r) { return r[1]; }), backgroundColor: "#198754" }]
      },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
                 scales: { x: { min: 0, max: 1, ticks: { callback: percent } } } }
    });
  }
})();
