/* Behaviour shared by every page, kept out of the HTML so the
   Content-Security-Policy can forbid inline scripts and event handlers. */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (a
  // <noscript> button does the same without JavaScript).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // <button data-print>: the browser's print dialog.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
