// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Warn before leaving a page with unvalidated changes (R12, R18): forms marked data-warn-leave.
  document.querySelectorAll("form[data-warn-leave]").forEach(function (form) {
    var dirty = form.hasAttribute("data-dirty");
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
