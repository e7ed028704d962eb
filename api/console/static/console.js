// The console's few scripts (a file, so that a strict Content-Security-Policy holds).
(function () {
  "use strict";
  // A report being produced: reload its page every two seconds until it is done or failed.
  var progress = document.getElementById("report-progress");
  if (progress && /^(queued|running)$/.test(progress.dataset.status || "")) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }
  // The as-of form: choosing a date or a clock shows the record at once.
  var asOf = document.getElementById("as-of");
  if (asOf) {
    asOf.querySelectorAll("input[type=radio]").forEach(function (input) {
      input.addEventListener("change", function () {
        if (document.getElementById("as-of-date").value) { asOf.submit(); }
      });
    });
  }
})();
