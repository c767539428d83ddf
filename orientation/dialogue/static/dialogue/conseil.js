// The class council's grid: save one pupil without reloading the page, so that what is being
// typed for the other pupils stays on screen. Without JavaScript each form posts and the page
// comes back at the pupil's anchor.
(function () {
  "use strict";

  function brancher(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var bouton = form.querySelector("button[type=submit]");
      if (bouton) { bouton.disabled = true; }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      }).then(function (reponse) {
        // 422: nothing saved, fix the fields; 409: a colleague saved this pupil meanwhile.
        if (reponse.status !== 200 && reponse.status !== 422 && reponse.status !== 409) {
          throw new Error(String(reponse.status));
        }
        return reponse.text();
      }).then(function (html) {
        var section = form.closest("section.conseil-eleve");
        var modele = document.createElement("template");
        modele.innerHTML = html.trim();
        var nouvelle = modele.content.firstElementChild;
        section.replaceWith(nouvelle);
        var suivant = nouvelle.querySelector("form[data-conseil-eleve]");
        if (suivant) { brancher(suivant); }
        var erreur = nouvelle.querySelector(".fr-alert--error, .fr-input--error");
        var cible = erreur || nouvelle.querySelector("h2");
        if (cible) {
          if (!cible.hasAttribute("tabindex")) { cible.setAttribute("tabindex", "-1"); }
          cible.focus();
        }
      }).catch(function () {
        // The network failed: fall back on the ordinary form submission.
        form.submit();
      });
    });
  }

  document.querySelectorAll("form[data-conseil-eleve]").forEach(brancher);
})();
