// Polls a matching run's status JSON and updates the progress bar until it finishes.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || box.dataset.finished === "true") return;
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[data-run-bar]");

  function update(data) {
    bar.style.width = data.percent + "%";
    bar.textContent = data.percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", data.percent);
    box.querySelectorAll("[data-run-field]").forEach(function (el) {
      var value = data[el.dataset.runField];
      if (value !== undefined) el.textContent = value;
    });
    if (data.error) box.querySelector("[data-run-error-label]").classList.remove("d-none");
    if (data.finished) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
      bar.classList.add({ done: "bg-success", cancelled: "bg-secondary" }[data.status] || "bg-danger");
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        update(data);
        if (!data.finished) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 1000);
})();
