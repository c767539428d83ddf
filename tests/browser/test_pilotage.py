"""The chef d'établissement's journey in the pilotage pages: the dashboard, the calendar
settings, a reminder; at desktop and phone widths, each page ending with an axe scan."""

import pytest
from playwright.sync_api import expect

from orientation.accounts.models import Role
from orientation.dialogue.models import Evenement
from orientation.notifications.models import Notification
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.browser.outils import connecter
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    DossierFactory,
    PersonnelFactory,
    famille,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ecole():
    campagne = CampagneFactory()
    division = DivisionFactory(etablissement=campagne.etablissement, code="2C", est_seconde_gt=True)
    for etat in ["intentions_validees", "voeux_valides", "propositions_publiees"]:
        DossierFactory(campagne=campagne, eleve__division=division, **{etat: True})
    dossier, _r = famille(campagne, eleve__division=division)
    chef = PersonnelFactory(etablissement=campagne.etablissement, role=Role.CHEF_ETABLISSEMENT)
    return campagne, dossier, chef.user


def test_parcours_du_chef_d_etablissement(page, request):
    campagne, dossier, chef = _ecole()
    connecter(page, chef)
    page.goto("/")
    page.get_by_role("link", name="Pilotage de la campagne").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage de la campagne")
    expect(page.get_by_role("table").first).to_contain_text("Intentions validées")
    screenshot(page, "pilotage-tableau", request)
    axe_check(page, "pilotage:etablissement")

    page.get_by_role("button", name="Envoyer un rappel aux familles cochées").click()
    expect(page.locator(".fr-alert--success, .fr-alert--info").first).to_contain_text(
        "Rappel envoyé"
    )
    assert Notification.objects.filter(dossier=dossier, evenement="rappel").exists()

    page.get_by_role("link", name="Calendrier et paramètres de la campagne").click()
    page.locator("label", has_text="Fermer maintenant").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("body")).to_contain_text("Les paramètres de la campagne sont enregistrés")
    assert Evenement.objects.filter(action="campagne_modifiee").exists()
    screenshot(page, "pilotage-parametres", request)
    axe_check(page, "pilotage:parametres")


def test_tableau_sur_telephone(phone, request):
    campagne, _dossier, chef = _ecole()
    connecter(phone, chef)
    phone.goto(f"/pilotage/{campagne.etablissement.uai}/")
    no_horizontal_scroll(phone)
    screenshot(phone, "pilotage-tableau-telephone", request)
    axe_check(phone, "pilotage:etablissement")
    phone.goto(f"/pilotage/{campagne.etablissement.uai}/parametres/")
    no_horizontal_scroll(phone)
    screenshot(phone, "pilotage-parametres-telephone", request)
    axe_check(phone, "pilotage:parametres")
