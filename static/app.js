// Progressive enhancement only: every page works without this file.
(function () {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // The error summary takes focus so that screen readers announce the problems first.
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();

// A staff import's progress bar follows the job without reloading; when the job is done, the
// page is reloaded to show the result. Without JavaScript the "Opdatér status" link does the same.
(function () {
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) return;
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var pct = s.total > 0 ? Math.min(100, Math.floor((s.done * 100) / s.total)) : 0;
        bar.value = pct;
        bar.textContent = pct + " %";
        text.textContent = pct + " % færdig.";
        if (s.status === "kontrolleres" || s.status === "importeres") {
          setTimeout(poll, 400);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();

// A copy button beside a read-only field marked data-copy (the invitation link). Without
// JavaScript there is no button, and the link in the field can be selected and copied by hand.
(function () {
  var fields = document.querySelectorAll("input[data-copy]");
  Array.prototype.forEach.call(fields, function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary udsyn-copy";
    button.textContent = field.getAttribute("data-copy");
    var said = document.createElement("span");
    said.className = "udsyn-copy-status";
    said.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", said);
    function byHand() {
      field.focus();
      field.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      said.textContent = ok ? "Linket er kopieret." : "Linket er markeret: tryk Ctrl+C for at kopiere det.";
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () {
          said.textContent = "Linket er kopieret.";
        }, byHand);
      } else {
        byHand();
      }
    });
  });
})();
