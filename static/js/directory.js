// Directory: "Use my position" fills the form with the browser's position, when allowed;
// the filters fold away on a phone (the results first), unless one of them is wrong, and
// stay open on a wider screen.
document.addEventListener("DOMContentLoaded", function () {
  var filters = document.querySelector("details.filters-disclosure");
  if (filters) {
    filters.open = window.matchMedia("(min-width: 768px)").matches ||
      filters.hasAttribute("data-problems");
  }
  var button = document.getElementById("use-my-position");
  if (!button || !("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var form = button.form;
        form.elements.lat.value = position.coords.latitude.toFixed(4);
        form.elements.lon.value = position.coords.longitude.toFixed(4);
        form.elements.near.value = "";
        form.submit();
      },
      function () {
        document.getElementById("position-error").hidden = false;
      },
      { timeout: 10000 }
    );
  });
});
