/* Labels every cell of a data table with its column's header (data-label), so that on a
   phone kam.css shows each row as a block of "header: value" lines instead of a table wider
   than the screen. Runs on load and after every htmx swap. */
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("table.data").forEach(function (table) {
      var heads = [];
      table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan") || "1", 10);
        for (var i = 0; i < span; i++) heads.push(th.textContent.replace(/[▲▼]/g, "").trim());
      });
      // A table without a header row stacks too, each cell on its own line.
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label")) {
            var span = parseInt(cell.getAttribute("colspan") || "1", 10);
            cell.setAttribute("data-label", span > 1 ? "" : heads[col] || "");
          }
          col += parseInt(cell.getAttribute("colspan") || "1", 10);
        });
      });
      table.classList.add("stackable");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSettle", function () { label(document); });
}());
