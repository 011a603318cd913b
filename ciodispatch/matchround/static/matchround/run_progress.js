// Polls a match run's status and updates the progress bar; reloads the page when it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var bar = document.getElementById("run-progress");
  var text = document.getElementById("run-progress-text");
  var status = document.getElementById("run-status");
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        text.textContent = data.progress + "%";
        status.textContent = data.label;
        if (data.done) { window.location.assign(data.url); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
