// Menus built on <details> (header, "More actions"): they work without JavaScript; with it,
// one open at a time, closed by Escape (focus back on its button) or a click elsewhere.
// Escape folds the header's menu on a phone too.
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
        event.preventDefault();  // this Escape is spent: the phone's menu around it stays open
      }
    });
  });
  // The header's menu on a phone (Bootstrap's collapse) folds on Escape as the menus do,
  // the focus back on its button.
  var nav = document.getElementById("nav");
  var toggler = document.querySelector('.navbar-toggler[aria-controls="nav"]');
  document.addEventListener("keydown", function (event) {
    // A field with text in it takes the first Escape (the search field empties itself).
    var field = event.target.closest && event.target.closest("input, textarea, select");
    if (event.isComposing || (field && field.value)) {
      return;
    }
    if (event.key === "Escape" && !event.defaultPrevented && nav && toggler &&
        nav.classList.contains("show") && window.bootstrap) {
      window.bootstrap.Collapse.getOrCreateInstance(nav, { toggle: false }).hide();
      toggler.focus();
    }
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
});
