// A form sent back with errors: its summary takes the focus (the browser scrolls to it and a
// screen reader reads it, wherever the form sits on the page), and the page's title says
// there is an error, as the first thing a screen reader announces.
// Otherwise what an action says when its page comes back ("Request taken.") takes the
// focus: a screen reader reads a message that was there when the page loaded only if asked.
// Neither takes it from where a person got first (a menu opened while the page was still
// loading): moving their focus would close that menu under their pointer.
document.addEventListener("DOMContentLoaded", function () {
  var problems = document.querySelector("[data-form-problems]");
  var untouched = !document.activeElement || document.activeElement === document.body;
  if (!problems) {
    var message = document.querySelector("[data-page-message]");
    if (message && untouched) {
      message.focus({ preventScroll: true });
    }
    return;
  }
  document.title = problems.dataset.titlePrefix + document.title;
  if (untouched) {
    problems.focus({ preventScroll: true });
    problems.scrollIntoView({ block: "center" }); // the fields after it in view too
  }
});
