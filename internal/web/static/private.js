// The private page's copy button: shown only where the browser can copy,
// so without JavaScript the page simply shows the link to select.
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var target = document.getElementById(button.getAttribute("data-copy"));
  if (!target) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(target.textContent.trim()).then(function () {
      button.textContent = button.getAttribute("data-copied");
    });
  });
});
