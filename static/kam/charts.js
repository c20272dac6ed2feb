// Draw every server-built Plotly figure: <script id="fig-NAME" type="application/json"> goes
// into <div id="chart-NAME">.
(function () {
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll('script[type="application/json"][id^="fig-"]').forEach(function (node) {
      var target = document.getElementById("chart-" + node.id.slice(4));
      if (!target || target.dataset.drawn) { return; }
      var fig = JSON.parse(node.textContent);
      target.dataset.drawn = "1";
      window.Plotly.newPlot(target, fig.data, fig.layout, { displaylogo: false, responsive: true });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
