// Draw every server-built Plotly figure: <script id="fig-NAME" type="application/json"> goes
// into <div id="chart-NAME">. The figure carries its own config (locale with month names,
// no mode bar), built by kam/core/charts.py. On a narrow screen long titles are broken into
// lines (plotly never wraps them), so nothing runs past the chart's edge.
(function () {
  function wrap(text, max) {
    if (typeof text !== "string" || text.length <= max || text.indexOf("<br>") >= 0) { return text; }
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.join("<br>");
  }

  function fit(layout, width, height) {
    var across = Math.max(16, Math.floor(width / 10)), down = Math.max(16, Math.floor(height / 10));
    if (layout.title && layout.title.text) {
      layout.title.text = wrap(layout.title.text, across);
      var extra = layout.title.text.split("<br>").length - 1;
      if (extra && layout.margin) { layout.margin.t = (layout.margin.t || 44) + 18 * extra; }
    }
    Object.keys(layout).forEach(function (key) {
      var axis = layout[key];
      if (!/^[xy]axis\d*$/.test(key) || !axis) { return; }
      if (axis.title && axis.title.text) {
        axis.title.text = wrap(axis.title.text, key.charAt(0) === "x" ? across : down);
      }
      // Amount ticks are fixed on the server; a phone keeps every other one, so they fit.
      if (key.charAt(0) === "x" && width < 560 && axis.tickvals && axis.tickvals.length > 4
          && !axis.tickangle) {
        axis.tickvals = axis.tickvals.filter(function (_v, i) { return i % 2 === 0; });
        axis.ticktext = axis.ticktext.filter(function (_v, i) { return i % 2 === 0; });
      }
    });
    return layout;
  }

  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll('script[type="application/json"][id^="fig-"]').forEach(function (node) {
      var target = document.getElementById("chart-" + node.id.slice(4));
      if (!target || target.dataset.drawn) { return; }
      var fig = JSON.parse(node.textContent);
      var config = Object.assign({ displaylogo: false, responsive: true }, fig.config || {});
      var layout = fit(fig.layout || {}, target.clientWidth || 600, (fig.layout || {}).height || 340);
      target.dataset.drawn = "1";
      window.Plotly.newPlot(target, fig.data, layout, config);
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
