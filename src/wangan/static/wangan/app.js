// Page behaviour without inline scripts (the CSP forbids them): charts read their data from
// <script type="application/json"> blocks rendered by Django's json_script filter.
(function () {
  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var chart = window.echarts.init(el);
      var option;
      if (spec.kind === "pie") {
        option = { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["40%", "70%"], data: spec.data }] };
      } else {
        option = {
          tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 16, bottom: 32 },
          xAxis: { type: "category", data: spec.labels }, yAxis: { type: "value", minInterval: 1 },
          series: [{ type: spec.kind || "bar", data: spec.values, itemStyle: { color: "#1769c2" } }],
        };
      }
      chart.setOption(option);
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });
})();
