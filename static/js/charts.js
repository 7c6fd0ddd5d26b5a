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
      var config = { displayModeBar: false, responsive: true, locale: "zh-CN" };
      window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
        el.setAttribute("data-drawn", "1");
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-drawn]").forEach(function (el) { window.Plotly.Plots.resize(el); });
  });
})();
