// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Warn before leaving a page with something not sent, on forms marked data-avertir-depart:
  // "toujours" until the form is sent (R18: the response page), "modifie" when the page already
  // holds unvalidated changes (R12), any other value once the user changes a field (R12).
  var avertir = false;
  var envoye = false;
  document.querySelectorAll("form[data-avertir-depart]").forEach(function (form) {
    var quand = form.getAttribute("data-avertir-depart");
    if (quand === "toujours" || quand === "modifie") { avertir = true; }
    form.addEventListener("input", function () { avertir = true; });
    form.addEventListener("change", function () { avertir = true; });
    form.addEventListener("submit", function () { envoye = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (avertir && !envoye) { event.preventDefault(); event.returnValue = ""; }
  });
  // A form sent back with errors: the focus goes to the first field in error, or else to the
  // error message, so that a keyboard or screen reader user lands on it (RGAA 11.10, 11.11).
  var groupe = document.querySelector(
    ".fr-input-group--error, .fr-select-group--error, .fr-fieldset--error"
  );
  var cible = groupe && groupe.querySelector("input:not([type=hidden]), select, textarea");
  if (!cible) {
    cible = document.querySelector("#content .fr-alert--error");
    if (cible && !cible.hasAttribute("tabindex")) { cible.setAttribute("tabindex", "-1"); }
  }
  if (cible) { cible.focus(); }
})();
