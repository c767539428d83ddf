"""The guide's two examples after the council (R17–R23), as journeys, each ending with an axe
scan: (1) a council oui on choice 1, accepted and agreed → the decision; (2) a council non on
choice 1 with a proposed voie, accepted by one parent and refused by the other → interview →
decision → appeal."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orientation.dialogue.models import Etat, Proposition
from orientation.notifications.models import Notification
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.browser.outils import connecter
from tests.factories import CampagneFactory, PersonnelFactory, famille

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _famille():
    return famille(CampagneFactory(definitive_ouverte=True), propositions_publiees=True)


def cocher(ecran, texte, exact=True):
    """DSFR radios and checkboxes: the label is what a person clicks."""
    ecran.locator("label", has_text=texte).first.click()


def _changer_de_compte(ecran, user):
    ecran.context.clear_cookies()
    connecter(ecran, user)


def test_exemple_1_oui_accepte_et_accord_donne_la_decision(page, phone, request):
    dossier, (r1, r2) = _famille()
    url = f"/dossier/{dossier.pk}/reponse/"

    connecter(phone, r1.user)
    phone.goto(url)
    no_horizontal_scroll(phone)
    screenshot(phone, "decision-reponse-telephone", request)
    cocher(phone, "J'accepte la ou les propositions cochées ci-dessous")
    # R18: leaving without responding opens the browser's warning.
    dialogues = []
    phone.on("dialog", lambda d: (dialogues.append(d.type), d.dismiss()))
    phone.get_by_role("link", name="Accueil").first.click()
    phone.wait_for_timeout(300)
    assert dialogues == ["beforeunload"]
    cocher(phone, "1re technologique STMG", exact=False)
    phone.get_by_role("button", name="Enregistrer ma réponse").click()
    phone.wait_for_url(f"**{url}")
    expect(
        phone.get_by_text("En attente de la réponse de l'autre représentant légal")
    ).to_be_visible()
    axe_check(phone, "dialogue:reponse")

    connecter(page, r2.user)
    page.goto(url)
    cocher(page, "Oui, je suis d'accord")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    page.wait_for_url(f"**{url}")
    expect(page.locator("#decision")).to_be_visible()
    screenshot(page, "decision-prise-ordinateur", request)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE
    assert Notification.objects.filter(dossier=dossier, evenement="decision").count() == 2
    axe_check(page, "dialogue:reponse")


def test_exemple_2_desaccord_entretien_decision_recours(page, phone, request):
    dossier, (r1, r2) = _famille()
    Proposition.objects.filter(dossier=dossier, voie__code="STMG").update(reponse="non")
    chef = PersonnelFactory(etablissement=dossier.campagne.etablissement).user
    url = f"/dossier/{dossier.pk}/reponse/"

    connecter(page, r1.user)
    page.goto(url)
    cocher(page, "J'accepte la ou les propositions cochées ci-dessous")
    cocher(page, "(proposée par le conseil)")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    page.wait_for_url(f"**{url}")

    connecter(phone, r2.user)
    phone.goto(url)
    cocher(phone, "Non, je ne suis pas d'accord")
    phone.get_by_role("button", name="Enregistrer ma réponse").click()
    phone.wait_for_url(f"**{url}")
    expect(
        phone.get_by_text("Un entretien avec le chef d'établissement est nécessaire")
    ).to_be_visible()
    no_horizontal_scroll(phone)
    assert Notification.objects.filter(dossier=dossier, evenement="entretien_requis").count() == 2

    _changer_de_compte(page, chef)
    page.goto(f"/dossier/direction/{dossier.campagne.etablissement.uai}/decisions/")
    axe_check(page, "dialogue:direction_liste")
    page.get_by_role("link", name=dossier.eleve.nom, exact=False).first.click()
    tenu = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_tenu_le").fill(tenu)
    page.get_by_label("Participants").fill("Les deux parents, l'élève")
    page.get_by_label("Issue de l'entretien").fill("Le désaccord persiste.")
    page.get_by_role("button", name="Enregistrer l'entretien").click()
    cocher(page, "1re générale", exact=False)
    page.get_by_role("button", name="Enregistrer et notifier la décision").click()
    expect(page.get_by_role("alert")).to_contain_text("motivation écrite est obligatoire")
    page.get_by_label("Motivation écrite").fill("Le projet de l'élève relève de la voie générale.")
    page.get_by_role("button", name="Enregistrer et notifier la décision").click()
    expect(page.get_by_text("au plus tard le", exact=False).first).to_be_visible()
    assert Notification.objects.filter(evenement="decision_apres_entretien").count() == 2
    cocher(page, "un recours devant la commission d'appel")
    page.get_by_role("button", name="Enregistrer la demande").click()
    screenshot(page, "decision-recours-ordinateur", request)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.RECOURS
    axe_check(page, "dialogue:direction_dossier")
    page.get_by_role("link", name="Imprimer la décision et le formulaire de recours").count()
    page.goto(f"/dossier/direction/dossier/{dossier.pk}/imprimer/")
    expect(page.get_by_text("Formulaire de recours ou de demande de maintien")).to_be_visible()
    axe_check(page, "dialogue:direction_imprimer")
