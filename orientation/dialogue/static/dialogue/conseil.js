// The class council's grid: save one pupil without reloading the page, so that what is being
// typed for the other pupils stays on screen. Without JavaScript each form posts and the page
// comes back at the pupil's anchor.
(function () {
  "use strict";

  function refuser(form, bouton, texte) {
    var section = form.closest("section.conseil-eleve");
    var statut = section && section.querySelector(".conseil-statut");
    if (bouton) { bouton.disabled = false; }
    if (!statut) { return; }
    var alerte = document.createElement("p");
    alerte.className = "fr-alert fr-alert--warning fr-alert--sm fr-mb-2w";
    alerte.setAttribute("tabindex", "-1");
    alerte.textContent = texte;  // text, never markup
    statut.replaceChildren(alerte);
    alerte.focus();
  }

  // The counter and the pupil's tag at the top of the grid follow each save; otherwise they
  // would keep what the page said when it was loaded ("0 complete" once the class is entered).
  function recompter(section) {
    var nombre = document.querySelector("[data-nb-completes]");
    if (nombre) {
      nombre.textContent = String(
        document.querySelectorAll("section.conseil-eleve [data-complet]").length
      );
    }
    var marque = document.querySelector('a[href="#' + section.id + '"] [data-marque]');
    if (marque) { marque.textContent = section.querySelector("[data-complet]") ? "\u00a0✓" : ""; }
  }

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
        // Sent to the login page: the session had ended, nothing was saved and what was typed
        // is kept for the login (accounts/reprise.py), which brings back to the grid with it.
        if (reponse.redirected) {
          window.location.assign(reponse.url);
          return null;
        }
        // 503 in text: the service is read-only for now (LectureSeuleMiddleware). Nothing was
        // saved; the pupil's block keeps what was typed, and says why, to be sent again later.
        var type = reponse.headers.get("Content-Type") || "";
        if (reponse.status === 503 && type.indexOf("text/plain") === 0) {
          return reponse.text().then(function (texte) {
            refuser(form, bouton, texte);
            return null;
          });
        }
        // 422: nothing saved, fix the fields; 409: a colleague saved this pupil meanwhile.
        if (reponse.status !== 200 && reponse.status !== 422 && reponse.status !== 409) {
          throw new Error(String(reponse.status));
        }
        return reponse.text();
      }).then(function (html) {
        if (html === null) { return; }
        document.dispatchEvent(new Event("orientation:activite"));
        var section = form.closest("section.conseil-eleve");
        var modele = document.createElement("template");
        modele.innerHTML = html.trim();
        var nouvelle = modele.content.firstElementChild;
        section.replaceWith(nouvelle);
        recompter(nouvelle);
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
