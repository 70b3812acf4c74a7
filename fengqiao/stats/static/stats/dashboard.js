// Draws the dashboard's charts with the vendored Apache ECharts; every bar and point opens its matters.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("stats-charts");
    if (!source || !window.echarts) { return; }
    var charts = JSON.parse(source.textContent);
    var open = function (url) { if (url) { window.location.href = url; } };
    var make = function (name, option, linkOf) {
      var node = document.querySelector('[data-chart="' + name + '"]');
      if (!node) { return; }
      var chart = window.echarts.init(node);
      chart.setOption(option);
      chart.on("click", function (params) { open(linkOf(params)); });
      window.addEventListener("resize", function () { chart.resize(); });
    };
    var trend = charts.trend;
    make("trend", {
      tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: trend.categories }, yAxis: { type: "value" },
      series: trend.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    }, function (p) { return p.seriesIndex === 0 ? trend.links[p.dataIndex] : null; });
    var grids = charts.grids.rows;
    make("grids", {
      tooltip: {}, xAxis: { type: "category", data: grids.map(function (r) { return r.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" }, series: [{ type: "bar", data: grids.map(function (r) { return r.value; }) }]
    }, function (p) { return grids[p.dataIndex].link; });
    var categories = charts.categories.rows;
    make("categories", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: "65%", data: categories.map(function (r) { return { name: r.name, value: r.value }; }) }]
    }, function (p) { return categories[p.dataIndex].link; });
    var quality = charts.quality;
    make("quality", {
      tooltip: { trigger: "axis" }, legend: {},
      xAxis: { type: "category", data: quality.categories }, yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: quality.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    }, function (p) { return quality.series[p.seriesIndex].links[p.dataIndex]; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
