// Menus built on <details> (header, "More actions"): they work without JavaScript; with it,
// one open at a time, closed by Escape (focus back on its button) or a click elsewhere.
document.addEventListener("DOMContentLoaded", function () {
  var menus = document.querySelectorAll("details.header-menu, details.action-menu");
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        closeAll(menu);
      }
    });
    // Tabbing out of an open menu closes it: left open, it covers what now has the focus.
    menu.addEventListener("focusout", function (event) {
      // Only when the focus went somewhere (a click that focuses nothing is the click
      // handler's below: closing here would hide the item before its click lands).
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
        menu.open = false;
      }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
});
