// Draw every server-built Plotly figure: <script id="fig-NAME" type="application/json"> goes
// into <div id="chart-NAME">. The figure carries its own config (locale with month names,
// no mode bar), built by kam/core/charts.py.
(function () {
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll('script[type="application/json"][id^="fig-"]').forEach(function (node) {
      var target = document.getElementById("chart-" + node.id.slice(4));
      if (!target || target.dataset.drawn) { return; }
      var fig = JSON.parse(node.textContent);
      var config = Object.assign({ displaylogo: false, responsive: true }, fig.config || {});
      target.dataset.drawn = "1";
      window.Plotly.newPlot(target, fig.data, fig.layout, config);
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
