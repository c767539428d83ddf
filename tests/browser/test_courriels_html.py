"""The HTML bodies of every e-mail of the service, as a mail client shows them: rendered in
Chromium (page.set_content) and scanned by axe-core. An e-mail type added to the outbox's registry
is scanned too; if it needs context to render, add an example below."""

import datetime

import pytest
from django.utils import timezone

from orientation.dialogue.courriels import destinataire_responsable
from orientation.notifications.outbox import REGISTRE
from tests.browser.conftest import axe_check, screenshot
from tests.browser.pages import Monde

LIEN = "https://orientation.exemple.fr/compte/activer/MQ/jeton/"
EXEMPLES = {
    "activation": {"lien": LIEN, "identifiant": "camille.martin", "expire_le": timezone.now()},
    "reinitialisation": {
        "lien": LIEN,
        "identifiant": "camille.martin",
        "expire_le": timezone.now(),
    },
    "confirmation": {"phase": "definitive", "voeux": ["1re générale", "1re technologique STMG"]},
    "recapitulatif": {"phase": "definitive", "voeux": ["1re générale"]},
    "resultats_disponibles": {"phase": "definitive"},
    "decision_apres_entretien": {"date_limite_recours": datetime.date(2026, 6, 19)},
    "rappel": {"phase": "definitive", "date_fermeture": timezone.now()},
}


@pytest.mark.parametrize("code", sorted(REGISTRE))
def test_corps_html_du_courriel_sans_violation(page, phone, code, request):
    dossier, (mere, _pere) = Monde().famille("voeux_valides")
    contexte = {
        "dossier": dossier,
        "destinataire": destinataire_responsable(mere),
        "etablissement": dossier.campagne.etablissement,
        **EXEMPLES.get(code, {}),
    }
    _sujet, _texte, html = REGISTRE[code].rendre(contexte)
    for ecran in (page, phone):
        ecran.set_content(html)
        assert ecran.locator("html").get_attribute("lang") == "fr"
        assert ecran.title().strip()
        contenu, largeur = ecran.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert contenu <= largeur, f"défilement horizontal : {contenu}px pour {largeur}px"
        axe_check(ecran, f"courriel:{code}")
    screenshot(phone, f"courriel-{code}--telephone", request)
