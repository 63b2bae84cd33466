// Sortable tables: each header of a table.sortable holds a button that sorts its rows by
// that column (its cells' data-value, read as the button's data-kind says: a number, a
// name, an ISO month), and says so with aria-sort on that column and in words. On a phone,
// where the rows are cards and the headers are hidden, a "Sort by" select above the cards
// offers the same orders, and the order as the page came. The words, in the page's
// language, are the page's #sort-words.
(function () {
  "use strict";
  var words = JSON.parse(document.getElementById("sort-words").textContent);
  var lang = document.documentElement.lang || "en";

  document.querySelectorAll("table.sortable").forEach(function (table, index) {
    var heads = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    var asCame = Array.prototype.slice.call(body.rows);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    table.insertAdjacentElement("afterend", status);
    var select = document.createElement("select");

    function columnName(column) {
      return heads[column].querySelector("button.sort-button").textContent.trim();
    }

    function show(rows) {
      rows.forEach(function (row) { body.appendChild(row); });
    }

    function sort(column, ascending) {
      var kind = heads[column].querySelector("button.sort-button").dataset.kind;
      var rows = asCame.slice();
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        var order = kind === "number" ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, lang);
        return ascending ? order : -order;
      });
      show(rows);
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      heads[column].setAttribute("aria-sort", ascending ? "ascending" : "descending");
      // Said aloud too: a screen reader does not tell a change of aria-sort.
      status.textContent = words.sorted[kind][ascending ? 0 : 1].replace("{column}", columnName(column));
      select.value = column + (ascending ? ":up" : ":down");
    }

    heads.forEach(function (th, column) {
      var button = th.querySelector("button.sort-button");
      if (button) {
        button.addEventListener("click", function () {
          sort(column, th.getAttribute("aria-sort") !== "ascending");
        });
      }
    });

    // The cards' select: each column's two orders, the one a reader wants first first
    // (the most at the top, A to Z, the latest month).
    var box = document.createElement("div");
    box.className = "sort-cards";
    if (asCame.length < 2) { return; }  // nothing to put in order
    var label = document.createElement("label");
    label.className = "form-label mb-0";
    label.textContent = words.sortBy;
    if (table.caption) {  // which table it sorts, said where several are on one page
      var which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ", " + table.caption.textContent.trim();
      label.append(which);
    }
    select.className = "form-select form-select-sm";
    select.id = (table.id || "sortable-" + index) + "-order";
    label.htmlFor = select.id;
    select.add(new Option(words.asCame, ""));
    heads.forEach(function (th, column) {
      var button = th.querySelector("button.sort-button");
      if (!button) { return; }
      var kind = button.dataset.kind, name = button.textContent.trim();
      var first = kind === "text" ? [true, false] : [false, true];
      first.forEach(function (ascending) {
        var text = words.option[kind][ascending ? 0 : 1].replace("{column}", name);
        select.add(new Option(text, column + (ascending ? ":up" : ":down")));
      });
    });
    select.addEventListener("change", function () {
      if (!select.value) {
        show(asCame);
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        status.textContent = words.asCame;
        return;
      }
      var parts = select.value.split(":");
      sort(parseInt(parts[0], 10), parts[1] === "up");
    });
    box.append(label, select);
    (table.closest(".table-responsive") || table).insertAdjacentElement("beforebegin", box);
  });
})();
