// Small behaviours any page may use, kept out of the templates so that the
// Content-Security-Policy can forbid inline scripts and handlers:
// <select data-autosubmit> submits its form on change; <button data-print> prints the page;
// <span data-todo-count-url> shows the menu's 待办 count, fetched after the page so that no
// page pays for it in queries. A form sent by POST is sent once: a second click while the first
// is on its way (a slow intranet) is ignored, so a visit or a count is not saved twice.
(function () {
  "use strict";
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("form").forEach(function (form) {
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sending")) { event.preventDefault(); return; }
      form.setAttribute("data-sending", "");
    });
  });
  // back to a page kept by the browser: its forms may be sent again
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) { form.removeAttribute("data-sending"); });
  });
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-todo-count-url]").forEach(function (el) {
    fetch(el.getAttribute("data-todo-count-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.count > 0) {
          el.textContent = String(data.count);
          el.hidden = false;
        }
      })
      .catch(function () { /* the count is a convenience; the 待办 page itself always works */ });
  });
})();
