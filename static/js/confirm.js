// A confirmation step is a page that a POST made. Once the action is confirmed, Back would
// return to it and Chromium would ask to send the form again ("Confirm form resubmission").
// Its history entry is made a plain address instead - the request's page with the action's
// panel open, where the person came from - so Back (or reloading) gets a page, not a prompt.
// This script runs in the page's head, before the body exists, so no click can come first.
(function () {
  var step = document.querySelector('meta[name="history-url"]');
  if (step && window.history.replaceState) {
    window.history.replaceState(null, "", step.content);
  }
})();
