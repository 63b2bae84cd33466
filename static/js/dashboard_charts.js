// Our dashboards' charts, drawn with Chart.js (installed from npm, served at /vendor/chart.js/)
// from the JSON block named by each canvas's data-source (no inline script). The numbers
// are also in the table under each chart.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "en";
  var palette = ["#0b4f8a", "#0f7c80", "#e0a100", "#b5475c", "#6b4fa0", "#4f8a0b",
                 "#8a4f0b", "#2171b5", "#6baed6", "#999999"];
  var percent = new Intl.NumberFormat(lang, {style: "percent", maximumFractionDigits: 0});
  var decimal = new Intl.NumberFormat(lang, {maximumFractionDigits: 1});

  function colour(i) { return palette[i % palette.length]; }

  // An axis of counts: whole numbers only (Chart.js would tick 0.2, 0.4… under 5).
  var counts = {stacked: true, beginAtZero: true, ticks: {precision: 0}};

  // Long names are cut on narrow screens (the table under the chart has them whole).
  function shortLabels(canvas) {
    var room = canvas.parentNode.clientWidth < 576 ? 16 : 40;
    return function (value) {
      var label = String(this.getLabelForValue(value));
      return label.length > room ? label.slice(0, room - 1) + "…" : label;
    };
  }

  // One horizontal bar per label, its value shown in the tooltip with ``format``.
  function oneBarEach(data, colourIndex, format, axis) {
    return {
      type: "bar",
      data: {labels: data.labels, datasets: [{data: data.values, backgroundColor: colour(colourIndex)}]},
      options: {indexAxis: "y", plugins: {legend: {display: false}, tooltip: {callbacks: {
        label: function (item) { return format.format(item.raw || 0); }}}},
        scales: {x: axis}}
    };
  }

  var builders = {
    stacked: function (data) {
      return {
        type: "bar",
        data: {labels: data.labels, datasets: data.series.map(function (s, i) {
          return {label: s.label, data: s.values, backgroundColor: colour(i)};
        })},
        options: {scales: {x: {stacked: true}, y: counts}}
      };
    },
    rate: function (data) {
      return oneBarEach(data, 1, percent,
                        {min: 0, max: 1, ticks: {callback: function (v) { return percent.format(v); }}});
    },
    rating: function (data) { return oneBarEach(data, 2, decimal, {min: 0, max: 5}); },
    bands: function (data) {
      return {
        type: "bar",
        data: {labels: data.labels, datasets: data.bands.map(function (band, b) {
          return {label: band, backgroundColor: colour(b),
                  data: data.values.map(function (row) { return row[b]; })};
        })},
        options: {indexAxis: "y", scales: {x: counts, y: {stacked: true}}}
      };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    var build = builders[canvas.dataset.chart];
    if (!source || !build) { return; }
    var config = build(JSON.parse(source.textContent));
    if (config.options.indexAxis === "y") {
      config.options.scales.y = Object.assign({ticks: {callback: shortLabels(canvas)}},
                                              config.options.scales.y);
    }
    config.options.locale = lang;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    config.options.plugins = Object.assign({legend: {position: "bottom"}}, config.options.plugins);
    canvas.chart = new Chart(canvas, config);
  });
})();
