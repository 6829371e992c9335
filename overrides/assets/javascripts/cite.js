// "Cite this article": a Copy button beside each citation. The buttons are in the
// page, hidden, and shown only where the Clipboard API exists, so a reader without
// JavaScript never sees a button that does nothing.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        },
        function () {
          button.textContent = "Select the text to copy";
        }
      );
    });
  });
})();
