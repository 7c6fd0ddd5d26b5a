// Small behaviours any page may use, kept out of the templates so that the
// Content-Security-Policy can forbid inline scripts and handlers:
// <select data-autosubmit> submits its form on change; <button data-print> prints the page.
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
})();
