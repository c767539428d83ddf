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
    pdf_etablissement_pret,
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

    # The family expected to respond has no representative known: marked, no e-mail reaches it.
    expect(page.locator(".fr-badge--warning")).to_have_count(1)
    page.get_by_role("button", name="Envoyer un rappel aux familles cochées").click()
    expect(page.locator(".fr-alert--success, .fr-alert--info").first).to_contain_text(
        "Rappel envoyé à 1 famille(s)"
    )
    expect(page.locator(".fr-alert--warning")).to_contain_text(
        "Aucune adresse électronique connue pour"
    )
    assert Notification.objects.filter(dossier=dossier, evenement="rappel").exists()
    screenshot(page, "pilotage-rappel-envoye", request)
    axe_check(page, "pilotage:etablissement")

    page.get_by_role("link", name="Calendrier et paramètres de la campagne").click()
    page.locator("label", has_text="Fermer maintenant").click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("body")).to_contain_text("Les paramètres de la campagne sont enregistrés")
    assert Evenement.objects.filter(action="campagne_modifiee").exists()
    screenshot(page, "pilotage-parametres", request)
    axe_check(page, "pilotage:parametres")


def test_tableau_sur_telephone(phone, request):

    campagne, _dossier, chef = _ecole()
    # Two pages of families and a whole-school PDF ready: the pagination and the download link
    # fit on a phone too.
    for _i in range(52):
        DossierFactory(campagne=campagne, eleve__division=campagne.etablissement.divisions.get())
    pdf_etablissement_pret(campagne, fiches=2000, pages=2000, taille=13_000_000)
    connecter(phone, chef)
    phone.goto(f"/pilotage/{campagne.etablissement.uai}/")
    no_horizontal_scroll(phone)
    screenshot(phone, "pilotage-tableau-telephone", request)
    axe_check(phone, "pilotage:etablissement")
    phone.goto(f"/pilotage/{campagne.etablissement.uai}/parametres/")
    no_horizontal_scroll(phone)
    screenshot(phone, "pilotage-parametres-telephone", request)
    axe_check(phone, "pilotage:parametres")


def test_pdf_de_tout_l_etablissement_et_liste_paginee(page, request):
    """The head asks for the whole school's PDF, reloads once it is built (what the worker does
    is run here), downloads it; then walks to page 2 of the families to chase."""
    from orientation.pilotage import tasks
    from orientation.pilotage.models import PdfEtablissement

    campagne, _dossier, chef = _ecole()
    division = campagne.etablissement.divisions.get()
    for _i in range(52):
        DossierFactory(campagne=campagne, eleve__division=division)
    connecter(page, chef)
    page.goto(f"/pilotage/{campagne.etablissement.uai}/")
    page.get_by_role("button", name="Préparer les fiches de tout l'établissement").click()
    expect(page.locator(".fr-alert--success").first).to_contain_text("en préparation")
    expect(page.locator("#fiches-etablissement")).to_contain_text("En attente de préparation")
    axe_check(page, "pilotage:etablissement[pdf_en_attente]")
    demande = PdfEtablissement.objects.get()
    assert tasks.preparer(demande.pk) == "pret"
    page.get_by_role("link", name="Recharger la page").click()
    lien = page.get_by_role("link", name="Télécharger les fiches dialogue de tout l'établissement")
    expect(lien).to_contain_text("56 fiches")
    screenshot(page, "pilotage-pdf-etablissement", request)
    axe_check(page, "pilotage:etablissement[pdf_pret]")
    with page.expect_download() as telechargement:
        lien.click()
    assert telechargement.value.suggested_filename.startswith("fiches-")
    assert Evenement.objects.filter(action="pdf_etablissement_telecharge").count() == 1

    # 54 families to chase: two pages, the second one reached by the pagination.
    expect(page.locator("#familles-a-relancer-page")).to_have_text(
        "Page 1 sur 2 : familles 1 à 50 sur 54."
    )
    page.get_by_role("navigation", name="Pages de la liste des familles à relancer").get_by_role(
        "link", name="Page suivante"
    ).click()
    expect(page.locator("#familles-a-relancer-page")).to_have_text(
        "Page 2 sur 2 : familles 51 à 54 sur 54."
    )
    expect(page.locator("input[name=dossiers]")).to_have_count(4)
    axe_check(page, "pilotage:etablissement[familles_page_2]")
    page.get_by_role("button", name="Envoyer un rappel aux 54 familles de la liste").click()
    # The 52 dossiers made without representatives: nobody an e-mail can reach, and it says so.
    expect(page.locator(".fr-alert--success").first).to_contain_text(
        "Rappel en cours d'envoi aux 1 famille(s) de la liste qu'un courriel peut joindre"
    )
    expect(page.locator(".fr-alert--warning").first).to_contain_text(
        "53 famille(s) de la liste n'ont aucune adresse électronique connue"
    )
    assert "page=2" in page.url
