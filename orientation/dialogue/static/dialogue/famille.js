/* The family's wish form, enhanced (the page works without it, docs/parcours-famille.md):
   - only the fields of the chosen voie are shown;
   - rows can be dragged to reorder them (the "Monter"/"Descendre" buttons stay). */
(function () {
  "use strict";
  var form = document.querySelector("form.famille-voeux");
  if (!form) {
    return;
  }

  function renumeroter() {
    var rangees = form.querySelectorAll(".famille-rangee");
    rangees.forEach(function (rangee, i) {
      var n = i + 1;
      rangee.querySelectorAll("[name]").forEach(function (champ) {
        champ.name = champ.name.replace(/^v\d+-/, "v" + n + "-");
      });
      rangee.querySelectorAll("button[name='action']").forEach(function (bouton) {
        bouton.value = bouton.value.replace(/-\d+$/, "-" + n);
      });
      var legende = rangee.querySelector("legend");
      if (legende) {
        legende.textContent = legende.textContent.replace(/\d+/, String(n));
      }
    });
  }

  function afficherSelonVoie(rangee) {
    var select = rangee.querySelector("select[name$='-famille']");
    if (!select) {
      return;
    }
    rangee.querySelectorAll("[data-pour]").forEach(function (bloc) {
      var montre = bloc.getAttribute("data-pour") === select.value;
      bloc.classList.toggle("famille-masque", !montre);
    });
  }

  form.querySelectorAll(".famille-rangee").forEach(function (rangee) {
    afficherSelonVoie(rangee);
    rangee.addEventListener("change", function () {
      afficherSelonVoie(rangee);
    });
  });

  // Drag and drop: an enhancement for a mouse; the buttons remain the accessible way.
  var glisse = null;
  form.querySelectorAll(".famille-rangee").forEach(function (rangee) {
    rangee.setAttribute("draggable", "true");
    rangee.addEventListener("dragstart", function (event) {
      glisse = rangee;
      rangee.classList.add("famille-rangee--glisse");
      event.dataTransfer.effectAllowed = "move";
    });
    rangee.addEventListener("dragend", function () {
      rangee.classList.remove("famille-rangee--glisse");
      glisse = null;
    });
    rangee.addEventListener("dragover", function (event) {
      if (glisse && glisse !== rangee) {
        event.preventDefault();
      }
    });
    rangee.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!glisse || glisse === rangee) {
        return;
      }
      var liste = rangee.parentNode;
      var avant = Array.prototype.indexOf.call(liste.children, glisse) >
        Array.prototype.indexOf.call(liste.children, rangee);
      liste.insertBefore(glisse, avant ? rangee : rangee.nextSibling);
      renumeroter();
      // The order changed: orientation.js warns before leaving, as for any other change.
      form.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
