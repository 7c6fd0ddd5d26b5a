// Draw every server-built Plotly figure on the page from its JSON, with the local plotly.js.
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var fig = JSON.parse(source.textContent);
      // A resize (the window, or printing) sizes the plot to its box: give the box the
      // figure's own height, or a tall chart would be squeezed into the box's minimum.
      if (fig.layout && fig.layout.height) el.style.height = fig.layout.height + "px";
      narrow(el, fig);
      var config = { displayModeBar: false, responsive: true, locale: "zh-CN" };
      window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
        el.setAttribute("data-drawn", "1");
      });
    });
  }
  // On a phone a figure may carry its own narrow form (layout.meta.narrow: what its traces and
  // layout change to, e.g. shorter bar labels): applied when its box is narrower than 560 px.
  function narrow(el, fig) {
    var layout = fig.layout || {};
    var alt = layout.meta && layout.meta.narrow;
    if (!alt || el.clientWidth >= 560) return;
    (alt.data || []).forEach(function (change, i) { if (fig.data[i]) Object.assign(fig.data[i], change); });
    Object.keys(alt.layout || {}).forEach(function (key) {
      var value = alt.layout[key];
      layout[key] = value && typeof value === "object" && !Array.isArray(value) ? Object.assign({}, layout[key], value) : value;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-drawn]").forEach(function (el) { window.Plotly.Plots.resize(el); });
  });
})();
