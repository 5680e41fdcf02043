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
