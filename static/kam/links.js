// The personal-links page: copy buttons, and a warning before leaving while the links (shown
// once: only their fingerprints are kept) have not been downloaded.
(function () {
  "use strict";
  var page = document.getElementById("links-page");
  if (!page) { return; }
  var saved = page.dataset.count === "0";

  window.addEventListener("beforeunload", function (event) {
    if (saved) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  var csv = document.getElementById("links-csv");
  if (csv) { csv.addEventListener("click", function () { saved = true; }); }

  function fallbackCopy(field) {
    var hidden = field.hidden;
    field.hidden = false;
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    field.hidden = hidden;
    return ok;
  }

  function say(button, text) {
    var cell = button.closest("td, p") || button.parentElement;
    var status = cell.querySelector(".copied");
    if (status) { status.textContent = text; }
  }

  page.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-target]");
    if (!button) { return; }
    var field = document.getElementById(button.dataset.copyTarget);
    if (!field) { return; }
    var text = field.value;
    var done = function () { say(button, page.dataset.copied); };
    var failed = function () {
      if (fallbackCopy(field)) { done(); } else { say(button, page.dataset.copyFailed); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  });
})();
