// Saved replies: "Insert reply" puts the chosen reply (already filled in for this request)
// into the form's text at the cursor, without reloading. Without JavaScript the same button
// reloads the page with the reply in the text.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.saved-reply-picker").forEach(function (picker) {
    picker.addEventListener("submit", function (event) {
      var target = document.getElementById(picker.dataset.target);
      var option = picker.elements.reply.selectedOptions[0];
      if (!target || !option) {
        return;
      }
      event.preventDefault();
      var text = option.dataset.text;
      var start = target.value ? target.selectionStart : 0;
      var end = target.value ? target.selectionEnd : 0;
      target.value = target.value.slice(0, start) + text + target.value.slice(end);
      target.selectionStart = target.selectionEnd = start + text.length;
      target.focus();
    });
  });
});
