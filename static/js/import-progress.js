// A background import's page: poll its status once a second, move the bars, reload when done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;

  function show(status) {
    Object.keys(status).forEach(function (key) {
      var field = box.querySelector('[data-field="' + key + '"]');
      if (field) field.textContent = typeof status[key] === "number" ? status[key].toLocaleString("zh-CN") : status[key];
    });
    // A bar whose end is not known yet (rows still being read, rows being written in one
    // transaction) is shown indeterminate: moving, without a made-up fraction.
    var total = status.rows_total;
    [
      ["rows_read", total, status.step === "reading" && !total],
      ["rows_validated", total, false],
      ["rows_written", total, status.step === "writing"]
    ].forEach(function (spec) {
      var bar = box.querySelector('[data-bar="' + spec[0] + '"]');
      if (!bar) return;
      if (spec[2]) { bar.removeAttribute("value"); return; }
      bar.max = spec[1] || 1;
      bar.value = status[spec[0]];
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status) {
          show(status);
          if (status.finished) { window.location.reload(); return; }
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
