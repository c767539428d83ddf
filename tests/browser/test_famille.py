"""The family's journeys (docs/parcours-famille.md), on a desktop and on a phone: the intentions
with a reordering and a validation error, then the avis, its acknowledgement and the demandes; the
e-mails are read in the outbox. Each journey ends with an axe-core scan."""

import pytest

from orientation.campagnes.models import Phase
from orientation.dialogue.models import Avis, Voeu
from orientation.notifications.models import Notification
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.browser.outils import connecter
from tests.factories import CampagneFactory, famille

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rangee(page, n):
    return page.locator(".famille-rangee").nth(n - 1)


def test_la_famille_saisit_ses_intentions(ecran, request):
    dossier, (r1, r2) = famille()
    connecter(ecran, r1.user)
    ecran.goto("/")
    ecran.get_by_role("link", name="Ouvrir la fiche dialogue").click()
    ecran.wait_for_url(f"**/dossier/{dossier.pk}/")
    no_horizontal_scroll(ecran)
    axe_check(ecran, "dialogue:famille_dossier")
    ecran.get_by_role("link", name="Saisir les choix").first.click()
    ecran.wait_for_url(f"**/dossier/{dossier.pk}/intentions/")

    _rangee(ecran, 1).get_by_label("Voie d'orientation").select_option("technologique")
    _rangee(ecran, 1).get_by_label("Série (1re technologique)").select_option("STMG")
    ecran.get_by_role("button", name="Ajouter un choix").click()
    _rangee(ecran, 2).get_by_label("Voie d'orientation").select_option("generale")
    # Reordering without drag and drop: the 1re générale becomes the first choice.
    ecran.get_by_role("button", name="Monter le choix n° 2").click()
    assert _rangee(ecran, 1).get_by_label("Voie d'orientation").input_value() == "generale"
    # A validation error: no spécialité ticked; the entry stays on screen, nothing is saved.
    ecran.get_by_role("button", name="Valider mes choix").click()
    assert ecran.get_by_text("Rien n'a été enregistré").is_visible()
    assert ecran.get_by_text("Choisissez 4 enseignements de spécialité").is_visible()
    assert _rangee(ecran, 2).get_by_label("Série (1re technologique)").input_value() == "STMG"
    assert not Voeu.objects.filter(dossier=dossier).exists()
    # R12: leaving the page with the unvalidated entry opens the browser's warning.
    dialogues = []

    def rester(dialogue):
        dialogues.append(dialogue.type)
        dialogue.dismiss()

    ecran.on("dialog", rester)
    ecran.get_by_role("link", name="Accueil").first.click()
    ecran.wait_for_timeout(300)
    ecran.remove_listener("dialog", rester)
    assert dialogues == ["beforeunload"]
    assert ecran.url.endswith(f"/dossier/{dossier.pk}/intentions/")
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"famille-intentions-erreur-{ecran.viewport_size['width']}", request)
    axe_check(ecran, "dialogue:famille_intentions")
    for libelle in (
        "Mathématiques",
        "Physique-chimie",
        "Sciences de la vie et de la Terre",
        "Sciences économiques et sociales",
    ):
        _rangee(ecran, 1).get_by_label(libelle, exact=True).check(force=True)
    ecran.get_by_role("button", name="Valider mes choix").click()
    ecran.wait_for_url(f"**/dossier/{dossier.pk}/recapitulatif/intentions/")
    assert ecran.get_by_text("Vos choix sont validés").is_visible()
    assert list(
        Voeu.objects.filter(dossier=dossier).order_by("rang").values_list("voie__code", flat=True)
    ) == ["GENERALE", "STMG"]
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"famille-recapitulatif-{ecran.viewport_size['width']}", request)
    axe_check(ecran, "dialogue:famille_recapitulatif")

    # R13: the confirmation, and R15: the summary to both representatives at logout.
    confirmation = Notification.objects.get(dossier=dossier, evenement="confirmation")
    assert confirmation.destinataire_email == r1.user.email
    if ecran.viewport_size["width"] < 992:
        ecran.get_by_role("button", name="Menu").click()
    ecran.locator("button:visible", has_text="Se déconnecter").first.click()
    ecran.wait_for_url("**/connexion/**")
    recaps = Notification.objects.filter(dossier=dossier, evenement="recapitulatif")
    assert {n.destinataire_email for n in recaps} == {r1.user.email, r2.user.email}


def test_la_famille_accuse_reception_puis_saisit_ses_demandes(ecran, request):
    dossier, (r1, _r2) = famille(CampagneFactory(definitive_ouverte=True), avis_publie=True)
    Avis.objects.create(voeu=dossier.voeux.get(), valeur="favorable", motif="Bon travail")
    connecter(ecran, r1.user)
    ecran.goto(f"/dossier/{dossier.pk}/")
    assert ecran.get_by_text("Bon travail").is_visible()
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"famille-avis-{ecran.viewport_size['width']}", request)
    ecran.get_by_role("button", name="J'ai pris connaissance de l'avis").click()
    assert ecran.get_by_text("Réception accusée le").is_visible()
    ecran.get_by_role("link", name="Saisir les choix").click()
    ecran.wait_for_url(f"**/dossier/{dossier.pk}/demandes/")
    # The demandes start from the intentions (1re STMG).
    assert _rangee(ecran, 1).get_by_label("Série (1re technologique)").input_value() == "STMG"
    ecran.get_by_role("button", name="Ajouter un choix").click()
    _rangee(ecran, 2).get_by_label("Voie d'orientation").select_option("professionnelle")
    _rangee(ecran, 2).get_by_label("Formation (voie professionnelle)").select_option("cap")
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"famille-demandes-{ecran.viewport_size['width']}", request)
    axe_check(ecran, "dialogue:famille_demandes")
    ecran.get_by_role("button", name="Valider mes choix").click()
    ecran.wait_for_url(f"**/dossier/{dossier.pk}/recapitulatif/demandes/")
    assert Voeu.objects.filter(dossier=dossier, phase=Phase.DEFINITIVE).count() == 2
    # The e-mails as the demo viewer shows them.
    ecran.goto(f"/dossier/{dossier.pk}/")
    no_horizontal_scroll(ecran)
    axe_check(ecran, "dialogue:famille_dossier")
    assert Notification.objects.filter(dossier=dossier, evenement="confirmation").exists()
