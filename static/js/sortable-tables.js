/*
 * Sortable tables (classic script, deferred). Every <table data-sortable> gets a button in each
 * column header; pressing it sorts the rows by that column (numbers by data-sort-value) and sets
 * aria-sort, so screen readers announce the order. Without JavaScript the table stays as served.
 * Runs on DOMContentLoaded and after every htmx swap. CSP-safe: no inline code.
 */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) {
      return "";
    }
    var raw = cell.getAttribute("data-sort-value");
    if (raw !== null && raw !== "" && isFinite(Number(raw))) {
      return Number(raw);
    }
    return cell.textContent.trim();
  }

  function compare(a, b) {
    var aNumber = typeof a === "number";
    var bNumber = typeof b === "number";
    if (aNumber && bNumber) {
      return a - b;
    }
    if (aNumber !== bNumber) {
      return aNumber ? -1 : 1;
    }
    return String(a).localeCompare(String(b), "en-GB", { numeric: true });
  }

  function sortBy(table, headers, index) {
    var header = headers[index];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = cellValue(x, index);
      var b = cellValue(y, index);
      if ((typeof a === "number") !== (typeof b === "number")) {
        // A suppressed "c" or a blank goes after the numbers whichever way the column is sorted.
        return typeof a === "number" ? -1 : 1;
      }
      var result = compare(a, b);
      return ascending ? result : -result;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    headers.forEach(function (other) {
      other.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function enhance(table) {
    // A JS property, not an attribute: htmx's history snapshot keeps attributes and buttons
    // but not listeners, so a restored table is bound again.
    if (table.appSortableBound || !table.tHead) {
      return;
    }
    table.appSortableBound = true;
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (header, index) {
      var button = header.querySelector("button.app-sort-button");
      if (!button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "app-sort-button";
        button.textContent = header.textContent;
        header.textContent = "";
        header.appendChild(button);
      }
      button.addEventListener("click", function () {
        sortBy(table, headers, index);
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:afterSettle", init);
})();
