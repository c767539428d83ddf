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
  // The end of the session (RGAA 13.1, WCAG 2.2.1): SESSION_PREAVIS seconds before the idle
  // timeout, a user who typed or clicked since the server last heard of the session keeps it
  // without being asked; anyone else gets the dialog and its « Rester connecté ». Then, once
  // the time has run out, the dialog says that a form sent now is kept for the next login.
  var modale = document.getElementById("fin-de-session");
  if (modale) {
    var preavis = Number(modale.getAttribute("data-preavis")) * 1000;
    var inactivite = Number(modale.getAttribute("data-inactivite")) * 1000;
    // The server counts in whole seconds and ends the session once its time is strictly past:
    // two seconds more here, so that the page never says "ended" before the server does.
    var marge = 2000;
    var echeance = Date.now() + Number(modale.getAttribute("data-restant")) * 1000 + marge;
    var dernierContact = Date.now();
    var derniereAction = 0;
    var minuteur = null;
    var plafond = false;  // the absolute lifetime is reached: « Rester connecté » can do no more
    var prolongation = modale.querySelector("form");
    // Several tabs share one session: each tells the others when the session now ends (a page
    // loaded, « Rester connecté », a grid save), so that an idle tab does not announce an end
    // that another tab has pushed back. Only a time is stored, nothing about the person.
    var CLE_ONGLETS = "orientation-fin-de-session";
    var partager = function () {
      try { window.localStorage.setItem(CLE_ONGLETS, String(echeance)); } catch (e) { /* off */ }
    };
    var etat = function (nom) {
      modale.querySelectorAll("[data-etat]").forEach(function (element) {
        element.hidden = element.getAttribute("data-etat") !== nom;
      });
    };
    var montrer = function (ouverte) {
      if (!window.dsfr) { return; }
      var fenetre = window.dsfr(modale).modal;
      if (ouverte) { fenetre.disclose(); } else { fenetre.conceal(); }
    };
    var terminer = function () {
      clearTimeout(minuteur);
      var reconnexion = modale.querySelector("[data-reconnexion]");
      reconnexion.href = reconnexion.getAttribute("href").split("?")[0] + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
      etat("terminee");
      montrer(true);
    };
    var avertir = function () {
      var heure = new Date(echeance);
      modale.querySelector("[data-heure]").textContent = heure.toLocaleTimeString("fr-FR", {
        hour: "numeric", minute: "2-digit",
      }).replace(":", " h ");
      etat("bientot");
      modale.querySelector("[data-plafond]").hidden = !plafond;
      modale.querySelector("[data-prolongeable]").hidden = plafond;
      montrer(true);
      minuteur = setTimeout(terminer, Math.max(echeance - Date.now(), 0));
    };
    var prolonger = function () {
      dernierContact = Date.now();
      // The page's CSRF token (the header's logout form has one on every signed-in page): the
      // dialog's own text is the same for every page and holds none.
      var jeton = new FormData();
      var champ = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (champ) { jeton.append("csrfmiddlewaretoken", champ.value); }
      fetch(prolongation.action, {
        method: "POST",
        body: jeton,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      }).then(function (reponse) {
        if (!reponse.ok) { throw new Error(String(reponse.status)); }
        return reponse.json();
      }).then(function (donnees) {
        echeance = Date.now() + donnees.restant * 1000 + marge;
        plafond = donnees.restant * 1000 <= preavis;
        if (!plafond) { montrer(false); }
        partager();
        programmer();
      }).catch(terminer);
    };
    var bientot = function () {
      if (Date.now() >= echeance) { terminer(); return; }
      if (derniereAction > dernierContact && !plafond) { prolonger(); return; }
      avertir();
    };
    var programmer = function () {
      clearTimeout(minuteur);
      minuteur = setTimeout(bientot, Math.max(echeance - preavis - Date.now(), 0));
    };
    prolongation.addEventListener("submit", function (event) {
      event.preventDefault();
      prolonger();
    });
    ["keydown", "pointerdown", "input"].forEach(function (type) {
      document.addEventListener(type, function () { derniereAction = Date.now(); }, true);
    });
    // A request the page made itself (the council grid's saves): the server heard of the
    // session, and writes it down at most once a minute (SessionLimitsMiddleware).
    document.addEventListener("orientation:activite", function () {
      dernierContact = Date.now();
      echeance = Math.max(echeance, Date.now() + inactivite - 60000);
      partager();
      programmer();
    });
    window.addEventListener("storage", function (event) {
      var ailleurs = Number(event.newValue);
      if (event.key !== CLE_ONGLETS || !(ailleurs > echeance)) { return; }
      echeance = ailleurs;
      dernierContact = Date.now();
      plafond = false;
      montrer(false);
      programmer();
    });
    // A computer put to sleep delays the timers: the page checks again when it is shown.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && Date.now() >= echeance - preavis) { bientot(); }
    });
    partager();
    programmer();
  }
  // An entry sent once the session had ended, given back after the login (accounts/reprise.py):
  // put into the form it was sent from, the notice shown above that form and focused.
  function remplir(form, donnees) {
    var valeurs = {};
    var rang = {};
    donnees.forEach(function (paire) { valeurs[paire[0]] = paire[1]; });
    Array.prototype.forEach.call(form.elements, function (champ) {
      var nom = champ.name;
      var type = champ.type;
      if (!nom || champ.tagName === "BUTTON" || type === "submit" || type === "button" ||
          type === "file") {
        return;
      }
      var liste = valeurs[nom];
      if (!liste) {
        if (type === "checkbox") { champ.checked = false; }  // an unticked box is not sent
        return;
      }
      if (type === "checkbox" || type === "radio") {
        champ.checked = liste.indexOf(champ.value) !== -1;
      } else if (champ.tagName === "SELECT" && champ.multiple) {
        Array.prototype.forEach.call(champ.options, function (option) {
          option.selected = liste.indexOf(option.value) !== -1;
        });
      } else {
        var i = rang[nom] || 0;
        rang[nom] = i + 1;
        if (i < liste.length) { champ.value = liste[i]; }
      }
      champ.dispatchEvent(new Event("change", { bubbles: true }));
    });
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }
  var avis = document.getElementById("saisie-reprise");
  var gardee = document.getElementById("saisie-reprise-donnees");
  if (avis) {
    var cibleReprise = null;
    Array.prototype.forEach.call(document.forms, function (form) {
      var adresse = new URL(form.getAttribute("action") || "", window.location.href);
      if (!cibleReprise && form.method === "post" &&
          adresse.pathname === avis.getAttribute("data-action")) {
        cibleReprise = form;
      }
    });
    if (cibleReprise) {
      if (gardee) { remplir(cibleReprise, JSON.parse(gardee.textContent)); }
      cibleReprise.parentNode.insertBefore(avis, cibleReprise);
      avis.hidden = false;
    }
  }
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
  if (avis && !avis.hidden) { cible = avis; }
  if (cible) { cible.focus(); }
})();
