// Sortable tables: each header of a table.sortable holds a button that sorts its rows by
// that column (numbers by their data-value), and says so with aria-sort on that column and
// in words (the table's data-sorted-ascending / -descending, "{column}" its name).
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    table.insertAdjacentElement("afterend", status);
    heads.forEach(function (th, column) {
      var button = th.querySelector("button.sort-button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = button.dataset.numeric === "1";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
          var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        // Said aloud too: a screen reader does not tell a change of aria-sort.
        var said = table.dataset[ascending ? "sortedAscending" : "sortedDescending"];
        status.textContent = said.replace("{column}", button.textContent.trim());
      });
    });
  });
})();
