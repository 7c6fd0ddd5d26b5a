// The monthly count grid: paste a block copied from Excel/WPS, and show the change beside each cell.
(function () {
  "use strict";
  var form = document.getElementById("count-grid");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("td.input input[type=text]"));
  var COLS = 2;

  function showDelta(input) {
    var cell = input.closest("td").nextElementSibling;
    var prev = input.dataset.prev, raw = input.value.trim().replace(/[,，]/g, "");
    cell.className = "num delta";
    if (prev === "" || raw === "" || !/^\d+$/.test(raw)) { cell.textContent = ""; return; }
    var diff = parseInt(raw, 10) - parseInt(prev, 10), p = parseInt(prev, 10);
    cell.textContent = diff > 0 ? "+" + diff : String(diff);
    if (diff < 0) cell.className += " drop";
    else if (diff > 0 && (p === 0 || diff / p > 0.2)) cell.className += " rise";
  }

  inputs.forEach(function (input, index) {
    showDelta(input);
    input.addEventListener("input", function () { showDelta(input); });
    input.addEventListener("paste", function (event) {
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!text || (text.indexOf("\t") < 0 && text.indexOf("\n") < 0)) return;
      event.preventDefault();
      var lines = text.replace(/\r/g, "").replace(/\n+$/, "").split("\n");
      var startRow = Math.floor(index / COLS), startCol = index % COLS;
      lines.forEach(function (line, r) {
        var cells = line.split("\t");
        // A block that starts with the sub-district's name: skip the text columns.
        while (cells.length > COLS && !/^\s*[\d,，]*\s*$/.test(cells[0])) cells.shift();
        cells.forEach(function (value, c) {
          var row = startRow + r, col = startCol + c;
          if (col >= COLS) return;
          var target = inputs[row * COLS + col];
          if (!target) return;
          target.value = value.trim();
          showDelta(target);
        });
      });
    });
  });
})();
