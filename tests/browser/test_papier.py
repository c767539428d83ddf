"""The secrétariat enters a family's paper fiche (docs/saisie-papier.md), on a desktop and on a
phone, and the import's preview; each journey ends with an axe-core scan."""

import datetime

import pytest
from django.utils import timezone

from orientation.accounts.models import Role
from orientation.dialogue.models import Saisie, Voeu
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot
from tests.browser.outils import connecter
from tests.factories import PersonnelFactory, famille

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_le_secretariat_saisit_une_fiche_papier(ecran, request):
    dossier, (r1, _r2) = famille()
    secretariat = PersonnelFactory(
        etablissement=dossier.campagne.etablissement, role=Role.SECRETARIAT
    ).user
    connecter(ecran, secretariat)
    ecran.goto("/")
    ecran.get_by_role("link", name="Fiches papier des familles").click()
    ecran.get_by_label("Rechercher un élève (nom, prénom ou INE)").fill(dossier.eleve.nom)
    ecran.get_by_role("button", name="Rechercher").click()
    ecran.get_by_role("link", name=dossier.eleve.nom_complet).click()
    ecran.wait_for_url(f"**/etablissement/{dossier.pk}/saisie-papier/")
    no_horizontal_scroll(ecran)

    ecran.get_by_label(f"{r1.prenom} {r1.nom}").check(force=True)
    hier = timezone.localdate() - datetime.timedelta(days=2)
    ecran.get_by_label("Date portée sur la fiche papier").fill(hier.strftime("%d/%m/%Y"))
    ecran.get_by_label("Référence du scan (facultatif)").fill("scan-2DE-017.pdf")
    choix1 = ecran.locator("fieldset", has_text="Choix n° 1")
    choix1.get_by_label("Voie d'orientation", exact=True).select_option("generale")
    choix1.locator("summary").click()
    for spe in ("Mathématiques", "Physique-chimie", "Sciences de la vie et de la Terre"):
        choix1.get_by_label(spe, exact=True).check(force=True)
    choix1.get_by_label("Sciences économiques et sociales", exact=True).check(force=True)
    ecran.get_by_role("button", name="Ajouter un choix").click()
    choix2 = ecran.locator("fieldset", has_text="Choix n° 2")
    choix2.get_by_label("Voie d'orientation", exact=True).select_option("technologique")
    choix2.get_by_label("Série (1re technologique)").select_option("STMG")
    screenshot(ecran, f"papier-saisie-{request.node.callspec.id}", request)
    ecran.get_by_role("button", name="Enregistrer la fiche papier").click()

    ecran.get_by_text("Les intentions de la fiche papier sont enregistrées.").wait_for()
    assert ecran.get_by_text("Saisi par l'établissement le").is_visible()
    saisie = Saisie.objects.get(dossier=dossier)
    assert saisie.canal == Saisie.Canal.ETABLISSEMENT and saisie.valide_par == r1
    assert list(
        Voeu.objects.filter(dossier=dossier).order_by("rang").values_list("voie__code", flat=True)
    ) == ["GENERALE", "STMG"]
    no_horizontal_scroll(ecran)
    screenshot(ecran, f"papier-enregistre-{request.node.callspec.id}", request)
    axe_check(ecran, "dialogue:papier_fiche")


def test_erreur_de_regle_affichee_a_cote_du_champ_et_fiche_imprimable(page, request):
    dossier, (r1, _r2) = famille()
    secretariat = PersonnelFactory(
        etablissement=dossier.campagne.etablissement, role=Role.SECRETARIAT
    ).user
    connecter(page, secretariat)
    page.goto(f"/dossier/etablissement/{dossier.pk}/saisie-papier/")
    page.get_by_label(f"{r1.prenom} {r1.nom}").check(force=True)
    page.get_by_label("Date portée sur la fiche papier").fill(
        timezone.localdate().strftime("%d/%m/%Y")
    )
    page.locator("fieldset", has_text="Choix n° 1").get_by_label(
        "Voie d'orientation", exact=True
    ).select_option("technologique")
    page.get_by_role("button", name="Enregistrer la fiche papier").click()
    page.get_by_text("Choisissez une série de 1re technologique.").wait_for()  # R10
    assert not Saisie.objects.exists()
    screenshot(page, "papier-erreur", request)
    axe_check(page, "dialogue:papier_voeux")

    page.goto(f"/dossier/etablissement/{dossier.pk}/fiche-papier/")
    page.get_by_role("heading", name="Vos choix, par ordre de préférence").wait_for()
    screenshot(page, "papier-imprimer", request)
    axe_check(page, "dialogue:papier_imprimer")


def test_apercu_de_l_import(page, request, tmp_path):
    dossier, (_r1, _r2) = famille()
    secretariat = PersonnelFactory(
        etablissement=dossier.campagne.etablissement, role=Role.SECRETARIAT
    ).user
    fichier = tmp_path / "enquete.csv"
    fichier.write_text(
        f"INE;Voie 1;Série 1;Voie 2\n{dossier.eleve.ine};Technologique;STMG;Pro\nINCONNU;STL;;\n",
        encoding="utf-8",
    )
    connecter(page, secretariat)
    page.goto(f"/dossier/etablissement/{dossier.campagne.etablissement.uai}/import-intentions/")
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(fichier))
    page.get_by_role("button", name="Voir les changements").click()
    page.get_by_role("heading", name="Lignes refusées").wait_for()
    assert page.get_by_text("Précisez : 1re professionnelle, 2de professionnelle ou CAP.").count()
    screenshot(page, "papier-import-apercu", request)
    axe_check(page, "dialogue:import_intentions")


def test_liste_des_fiches_papier_sur_telephone(phone, request):
    dossier, _ = famille(intentions_validees=True)
    famille(dossier.campagne)
    secretariat = PersonnelFactory(
        etablissement=dossier.campagne.etablissement, role=Role.SECRETARIAT
    ).user
    connecter(phone, secretariat)
    phone.goto(f"/dossier/etablissement/{dossier.campagne.etablissement.uai}/fiches-papier/")
    phone.get_by_role("link", name=dossier.eleve.nom_complet).wait_for()
    no_horizontal_scroll(phone)
    screenshot(phone, "papier-liste-telephone", request)
    axe_check(phone, "dialogue:papier_liste")
    phone.goto(f"/dossier/etablissement/{dossier.pk}/fiche-papier/")
    no_horizontal_scroll(phone)
    axe_check(phone, "dialogue:papier_imprimer")


def test_la_direction_saisit_la_reponse_et_l_accord_papier(page, request):
    dossier, (r1, r2) = famille(propositions_publiees=True)
    chef = PersonnelFactory(
        etablissement=dossier.campagne.etablissement, role=Role.CHEF_ETABLISSEMENT
    ).user
    connecter(page, chef)
    page.goto(f"/dossier/etablissement/{dossier.pk}/saisie-papier/")
    hier = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    reponse = page.locator("form[action$='/saisie-papier/reponse/']")
    reponse.get_by_label(f"{r1.prenom} {r1.nom}").check(force=True)
    reponse.get_by_label("Date portée sur la fiche papier").fill(hier)
    reponse.get_by_label("La famille accepte la ou les propositions cochées").check(force=True)
    reponse.get_by_label("1re technologique STMG", exact=False).check(force=True)
    screenshot(page, "papier-reponse", request)
    reponse.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_text("La réponse de la famille est enregistrée.").wait_for()

    accord = page.locator("form[action$='/saisie-papier/accord/']")
    accord.get_by_label(f"{r2.prenom} {r2.nom}").check(force=True)
    accord.get_by_label("Date portée sur la fiche papier").fill(hier)
    accord.get_by_label("D'accord avec la réponse").check(force=True)
    accord.get_by_role("button", name="Enregistrer la réponse").click()
    page.get_by_text("La réponse de l'autre représentant légal est enregistrée.").wait_for()
    dossier.refresh_from_db()
    assert dossier.etat == "decide"
    axe_check(page, "dialogue:papier_accord")
