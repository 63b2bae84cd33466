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
