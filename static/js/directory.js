// Directory: "Use my position" fills the form with the browser's position, when allowed.
document.addEventListener("DOMContentLoaded", function () {
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
