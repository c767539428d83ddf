"""The school's entry of a paper fiche (docs/saisie-papier.md): the same rules and transitions as
online, recorded as "saisi par l'établissement"; who may use it; the hand-over of the entry right
(R7); the printable fiche."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orientation.accounts.models import Role
from orientation.campagnes.models import Phase
from orientation.dates import date_format
from orientation.dialogue import regles, workflow
from orientation.dialogue.models import Etat, Evenement, Saisie, Voeu
from orientation.dialogue.workflow import Interdit, TransitionRefusee, valider_voeux
from orientation.notifications.models import Notification
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    DossierFactory,
    PersonnelFactory,
    famille,
)

from .test_regles import voeu_plausible, voeu_quelconque

pytestmark = pytest.mark.django_db

ETABLISSEMENT = Saisie.Canal.ETABLISSEMENT
HIER = timezone.localdate() - datetime.timedelta(days=1)


def personnel(dossier, role=Role.SECRETARIAT, divisions=()):
    return PersonnelFactory(
        etablissement=dossier.campagne.etablissement, role=role, divisions=list(divisions)
    ).user


def papier(pour=None, **kwargs):
    return {"canal": ETABLISSEMENT, "pour": pour, "date_papier": HIER, **kwargs}


def codes(dossier, phase=Phase.PROVISOIRE):
    return list(
        Voeu.objects.filter(dossier=dossier, phase=phase)
        .order_by("rang")
        .values_list("voie__code", flat=True)
    )


# --- the workflow: same transitions, recorded as entered by the school --------------------------


def test_saisie_papier_des_intentions_enregistree_comme_saisie_par_l_etablissement(intentions):
    dossier, (r1, r2) = famille()
    secretariat = personnel(dossier)
    v = valider_voeux(
        dossier,
        secretariat,
        Phase.PROVISOIRE,
        intentions,
        **papier(r1, reference_scan="scan-042.pdf"),
    )
    assert v.modifie and v.premiere
    dossier.refresh_from_db()
    assert dossier.etat == Etat.INTENTIONS_VALIDEES
    # R3/R7: the signing representative holds the right, exactly as if they had validated online.
    assert dossier.titulaire_intentions == r1
    saisie = Saisie.objects.get(dossier=dossier)
    assert (saisie.canal, saisie.valide_par, saisie.valide_par_compte) == (
        ETABLISSEMENT,
        r1,
        secretariat,
    )
    assert saisie.date_papier == HIER and saisie.reference_scan == "scan-042.pdf"
    assert saisie.mention_canal.startswith("Saisi par l'établissement le ")
    assert "fiche papier du" in saisie.mention_canal
    evenement = Evenement.objects.get(dossier=dossier)
    assert evenement.acteur == secretariat
    assert evenement.details["canal"] == "etablissement" and evenement.details["pour"] == r1.pk
    # The same e-mails: R13's confirmation to the signer, and R15's summary to both at once.
    codes_envoyes = sorted(
        Notification.objects.filter(dossier=dossier).values_list("evenement", flat=True)
    )
    assert codes_envoyes.count("confirmation") == 1
    assert codes_envoyes.count("recapitulatif") == 2


def test_R7_saisie_papier_respecte_le_titulaire(intentions):
    dossier, (r1, r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    secretariat = personnel(dossier)
    with pytest.raises(Interdit, match="autre représentant"):
        valider_voeux(dossier, secretariat, Phase.PROVISOIRE, intentions[:1], **papier(r2))
    # For the holder, the school may enter the change written on paper (R14).
    valider_voeux(dossier, secretariat, Phase.PROVISOIRE, intentions[:1], **papier(r1))
    assert codes(dossier) == ["GENERALE"]


def test_R1_saisie_papier_hors_fenetre_refusee(intentions):
    dossier, (r1, _r2) = famille(CampagneFactory(fermee=True))
    with pytest.raises(TransitionRefusee, match="fermé"):
        valider_voeux(dossier, personnel(dossier), Phase.PROVISOIRE, intentions, **papier(r1))
    assert not Saisie.objects.exists()


def test_saisie_papier_refuse_un_signataire_etranger_ou_une_date_future(intentions):
    dossier, (r1, _r2) = famille()
    _autre, (etranger, _x) = famille()
    secretariat = personnel(dossier)
    with pytest.raises(TransitionRefusee, match="représentant légal"):
        valider_voeux(dossier, secretariat, Phase.PROVISOIRE, intentions, **papier(etranger))
    demain = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(TransitionRefusee, match="futur"):
        valider_voeux(
            dossier, secretariat, Phase.PROVISOIRE, intentions, **papier(r1, date_papier=demain)
        )
    assert not Saisie.objects.exists()


def test_R5_accuse_de_reception_papier(intentions):
    dossier, (r1, _r2) = famille(avis_publie=True)
    secretariat = personnel(dossier)
    workflow.accuser_reception(dossier, secretariat, **papier(r1))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_ACCUSE
    evenement = Evenement.objects.get(dossier=dossier, action="accuser_reception")
    assert evenement.details["canal"] == "etablissement" and evenement.details["pour"] == r1.pk


def test_la_famille_ne_peut_pas_passer_par_le_canal_etablissement(intentions):
    dossier, (r1, _r2) = famille()
    with pytest.raises(Interdit):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions, **papier(r1))


def test_professeur_principal_seulement_pour_ses_divisions(intentions):
    dossier, (r1, _r2) = famille()
    autre_division = DivisionFactory(etablissement=dossier.campagne.etablissement)
    pp_ailleurs = personnel(dossier, Role.PROFESSEUR_PRINCIPAL, [autre_division])
    with pytest.raises(Interdit):
        valider_voeux(dossier, pp_ailleurs, Phase.PROVISOIRE, intentions, **papier(r1))
    pp = personnel(dossier, Role.PROFESSEUR_PRINCIPAL, [dossier.eleve.division])
    assert valider_voeux(dossier, pp, Phase.PROVISOIRE, intentions, **papier(r1)).modifie


# Property: any list is accepted through the school's path iff regles accepts it ----------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    voeux=st.one_of(
        st.lists(voeu_plausible(), min_size=1, max_size=4),
        st.lists(voeu_quelconque, min_size=0, max_size=3),
    ),
    phase=st.sampled_from([Phase.PROVISOIRE, Phase.DEFINITIVE]),
)
def test_R8_R11_propriete_le_chemin_papier_accepte_ssi_regles_accepte(voeux, phase):
    campagne = CampagneFactory(definitive_ouverte=phase == Phase.DEFINITIVE)
    etat = {"avis_accuse": True} if phase == Phase.DEFINITIVE else {}
    dossier, (r1, _r2) = famille(campagne, **etat)
    secretariat = personnel(dossier)
    attendu = not regles.verifier(voeux, workflow.contexte_pour(campagne, phase))
    try:
        with transaction.atomic():
            valider_voeux(dossier, secretariat, phase, voeux, **papier(r1))
            accepte = True
    except workflow.VoeuxInvalides:
        accepte = False
    assert accepte == attendu
    assert Saisie.objects.filter(dossier=dossier, phase=phase).exists() == attendu


# --- R7 (X): the head hands the entry right to the other representative --------------------------


def test_R7_transmission_par_le_chef_journalisee(intentions):
    dossier, (r1, r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    chef = personnel(dossier, Role.CHEF_ETABLISSEMENT)
    workflow.transmettre_saisie(dossier, chef, Phase.PROVISOIRE, r2, "Parent 1 injoignable")
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions == r2 and dossier.etat == Etat.INTENTIONS_VALIDEES
    evenement = Evenement.objects.get(dossier=dossier, action="transmettre_saisie")
    assert evenement.acteur == chef
    assert evenement.details == {
        "phase": "provisoire",
        "de": r1.pk,
        "vers": r2.pk,
        "motif": "Parent 1 injoignable",
    }
    # Now only r2 may change the list (R7, R14).
    with pytest.raises(Interdit):
        valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions[:1])
    assert valider_voeux(dossier, r2.user, Phase.PROVISOIRE, intentions[:1]).modifie


def test_R7_transmission_refusee_au_secretariat_et_hors_etape(intentions):
    dossier, (r1, r2) = famille()
    with pytest.raises(TransitionRefusee):  # nothing validated yet: intentions_ouvertes
        workflow.transmettre_saisie(
            dossier, personnel(dossier, Role.CHEF_ETABLISSEMENT), Phase.PROVISOIRE, r2, "motif"
        )
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    with pytest.raises(Interdit):
        workflow.transmettre_saisie(dossier, personnel(dossier), Phase.PROVISOIRE, r2, "motif")
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions == r1


# --- the pages ---------------------------------------------------------------------------------


def donnees_voeux(r, nb_lignes=2, action="valider", **lignes):
    """The family's wish form (forms.VoeuxForm: v1-famille…) and the paper's signature."""
    data = {
        "action": action,
        "nb_lignes": str(nb_lignes),
        "voeux-pour": str(r.pk),
        "voeux-date_papier": HIER.strftime("%d/%m/%Y"),
        "voeux-reference_scan": "classeur 2DE1 p. 4",
    }
    data.update({k.replace("_", "-", 1): v for k, v in lignes.items()})
    return data


def test_page_saisie_papier_enregistre_et_montre_la_mention(client):
    dossier, (r1, _r2) = famille()
    client.force_login(personnel(dossier))
    url = reverse("dialogue:papier_fiche", args=[dossier.pk])
    assert client.get(url).status_code == 200
    reponse = client.post(
        reverse("dialogue:papier_voeux", args=[dossier.pk, "provisoire"]),
        donnees_voeux(
            r1,
            v1_famille="generale",
            v1_spe_etab=["MATHS", "PC", "SVT", "SES"],
            v2_famille="technologique",
            v2_serie="STMG",
        ),
    )
    assert reponse.status_code == 302
    assert codes(dossier) == ["GENERALE", "STMG"]
    page = client.get(url).content.decode()
    assert "Saisi par l&#x27;établissement le" in page
    # The dossier's history (the same one as on the head's page) names the paper form.
    signee = date_format(HIER, "j F Y")
    assert f"Intentions validées</strong> — sur fiche papier signée le {signee}" in page


def test_deux_personnels_sur_la_meme_fiche_papier_pas_de_perte_de_mise_a_jour(client):
    """The secrétariat opens the fiche; meanwhile the head validates a list; the secrétariat's
    validation, built on the page without it, must not replace it silently (a lost update)."""
    dossier, (r1, _r2) = famille()
    url = reverse("dialogue:papier_voeux", args=[dossier.pk, "provisoire"])
    secretariat, chef = personnel(dossier), personnel(dossier, Role.CHEF_ETABLISSEMENT)
    client.force_login(secretariat)
    ouverte = client.get(reverse("dialogue:papier_fiche", args=[dossier.pk]))
    version = ouverte.context["version_liste"]
    assert version == "" and 'name="version" value=""' in ouverte.content.decode()
    # An action (add a row) keeps the version the page was built from.
    ajout = client.post(
        url,
        donnees_voeux(r1, nb_lignes=1, action="ajouter", v1_famille="technologique", version=""),
    )
    assert ajout.context["version_liste"] == ""

    client.force_login(chef)
    premiere = client.post(
        url, donnees_voeux(r1, 1, v1_famille="technologique", v1_serie="STL", version=version)
    )
    assert premiere.status_code == 302 and codes(dossier) == ["STL"]

    client.force_login(secretariat)
    perimee = client.post(
        url, donnees_voeux(r1, 1, v1_famille="technologique", v1_serie="STMG", version=version)
    )
    assert perimee.status_code == 409
    assert codes(dossier) == ["STL"]  # the head's list stands
    texte = perimee.content.decode()
    assert "a validé une autre liste pour cet élève" in texte
    assert chef.get_full_name() in texte
    # The page now carries the saved list's version: validating again is possible, knowingly.
    nouvelle = perimee.context["version_liste"]
    assert nouvelle == workflow.version_de_la_liste(dossier, Phase.PROVISOIRE) != ""
    assert (
        client.post(
            url, donnees_voeux(r1, 1, v1_famille="technologique", v1_serie="STMG", version=nouvelle)
        ).status_code
        == 302
    )
    assert codes(dossier) == ["STMG"]
    assert Saisie.objects.get(dossier=dossier).nb_validations == 2


def test_page_saisie_papier_erreurs_des_regles_a_cote_du_champ(client):
    dossier, (r1, _r2) = famille()
    client.force_login(personnel(dossier))
    reponse = client.post(
        reverse("dialogue:papier_voeux", args=[dossier.pk, "provisoire"]),
        donnees_voeux(r1, v1_famille="generale", v1_spe_etab=["MATHS"], v2_famille="technologique"),
    )
    assert reponse.status_code == 400
    form = reponse.context["voeux_form"]
    assert "v1-spe_etab" in form.errors  # R9
    assert "v2-serie" in form.errors  # R10
    assert not Saisie.objects.exists()


def test_page_ajouter_un_choix_garde_la_saisie_sans_rien_enregistrer(client):
    dossier, (r1, _r2) = famille()
    client.force_login(personnel(dossier))
    data = donnees_voeux(
        r1, nb_lignes=1, action="ajouter", v1_famille="technologique", v1_serie="STL"
    )
    reponse = client.post(reverse("dialogue:papier_voeux", args=[dossier.pk, "provisoire"]), data)
    assert reponse.status_code == 200
    assert len(reponse.context["voeux_form"].lignes_saisies) == 2
    assert 'value="STL" selected' in reponse.content.decode()
    assert not Saisie.objects.exists()


def test_page_accuse_et_transmission(client, intentions):
    dossier, (r1, r2) = famille(avis_publie=True)
    chef = personnel(dossier, Role.CHEF_ETABLISSEMENT)
    client.force_login(chef)
    reponse = client.post(
        reverse("dialogue:papier_accuse", args=[dossier.pk]),
        {"accuse-pour": r2.pk, "accuse-date_papier": HIER.strftime("%d/%m/%Y")},
    )
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.etat == Etat.AVIS_ACCUSE


def test_page_transmission(client, intentions):
    dossier, (r1, r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    chef = personnel(dossier, Role.CHEF_ETABLISSEMENT)
    client.force_login(chef)
    url = reverse("dialogue:papier_transmettre", args=[dossier.pk])
    sans_motif = client.post(url, {"transmettre-phase": "provisoire", "transmettre-vers": r2.pk})
    assert sans_motif.status_code == 400
    reponse = client.post(
        url,
        {"transmettre-phase": "provisoire", "transmettre-vers": r2.pk, "transmettre-motif": "x"},
    )
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.titulaire_intentions == r2
    # The secrétariat cannot.
    client.force_login(personnel(dossier))
    assert client.post(url, {"transmettre-motif": "x"}).status_code == 404


@pytest.mark.parametrize(
    "nom", ["papier_fiche", "papier_imprimer", "papier_voeux", "papier_accuse"]
)
def test_permissions_famille_autre_ecole_autre_division_404(client, nom):
    dossier, (r1, _r2) = famille()
    args = [dossier.pk, "provisoire"] if nom == "papier_voeux" else [dossier.pk]
    url = reverse(f"dialogue:{nom}", args=args)
    methode = client.post if nom in ("papier_voeux", "papier_accuse") else client.get
    autre = DossierFactory()
    intrus = [
        r1.user,  # the family itself
        PersonnelFactory(etablissement=autre.campagne.etablissement, role=Role.SECRETARIAT).user,
        personnel(
            dossier,
            Role.PROFESSEUR_PRINCIPAL,
            [DivisionFactory(etablissement=dossier.campagne.etablissement)],
        ),
    ]
    for user in intrus:
        client.force_login(user)
        assert methode(url).status_code == 404
    client.logout()
    assert methode(url).status_code == 302  # to the login page
    pp = personnel(dossier, Role.PROFESSEUR_PRINCIPAL, [dossier.eleve.division])
    client.force_login(pp)
    if methode is client.get:
        assert client.get(url).status_code == 200


def test_liste_des_fiches_requetes_constantes(client, django_assert_max_num_queries):
    campagne = CampagneFactory()
    for _ in range(3):
        famille(campagne, intentions_validees=True)
    secretariat = PersonnelFactory(etablissement=campagne.etablissement, role=Role.SECRETARIAT)
    client.force_login(secretariat.user)
    url = reverse("dialogue:papier_liste", args=[campagne.etablissement.uai])
    with django_assert_max_num_queries(12) as petit:
        assert client.get(url).status_code == 200
    for _ in range(12):
        famille(campagne, intentions_validees=True)
    with django_assert_max_num_queries(len(petit.captured_queries)):
        reponse = client.get(url)
    assert len(reponse.context["dossiers"]) == 15
    # Family and other schools: 404.
    dossier, (r1, _r2) = famille(campagne)
    client.force_login(r1.user)
    assert client.get(url).status_code == 404


def test_fiche_imprimable_vierge_et_pre_remplie(client, intentions):
    dossier, (r1, _r2) = famille()
    valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    client.force_login(personnel(dossier))
    pre = client.get(reverse("dialogue:papier_imprimer", args=[dossier.pk])).content.decode()
    assert dossier.eleve.nom_complet in pre and "1re générale" in pre
    vierge = client.get(
        reverse("dialogue:papier_imprimer", args=[dossier.pk]) + "?vierge=1"
    ).content.decode()
    assert "déjà enregistrées" not in vierge
    ecole = client.get(reverse("dialogue:papier_vierge", args=[dossier.campagne.etablissement.uai]))
    assert ecole.status_code == 200 and dossier.eleve.nom_complet not in ecole.content.decode()


def test_import_par_les_pages(client):
    dossier, (r1, _r2) = famille()
    secretariat = personnel(dossier)
    uai = dossier.campagne.etablissement.uai
    client.force_login(secretariat)
    url = reverse("dialogue:import_intentions", args=[uai])
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    fichier = SimpleUploadedFile(
        "enquete.csv", f"INE;Voie 1;Série 1\n{dossier.eleve.ine};Technologique;STMG\n".encode()
    )
    apercu = client.post(url, {"fichier": fichier, "phase": "provisoire"})
    assert apercu.status_code == 200 and "Nouvelles listes" in apercu.content.decode()
    jeton = apercu.context["jeton"]
    confirme = client.post(
        reverse("dialogue:import_intentions_confirmer", args=[uai]), {"jeton": jeton}
    )
    assert confirme.status_code == 302
    assert codes(dossier) == ["STMG"]
    # A professeur principal and a family cannot import.
    for user in (personnel(dossier, Role.PROFESSEUR_PRINCIPAL, [dossier.eleve.division]), r1.user):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_import_fichier_illisible_message_a_cote_du_champ(client):
    dossier = DossierFactory()
    client.force_login(personnel(dossier))
    from django.core.files.uploadedfile import SimpleUploadedFile

    reponse = client.post(
        reverse("dialogue:import_intentions", args=[dossier.campagne.etablissement.uai]),
        {"fichier": SimpleUploadedFile("x.csv", b"Nom;Autre\nA;B\n"), "phase": "provisoire"},
    )
    assert reponse.status_code == 400
    assert "Colonnes introuvables" in str(reponse.context["form"].errors["fichier"])


# --- R17, R19–R22 on paper: the response and the other representative's agreement -------------


def test_R17_R21_reponse_et_accord_papier_jusqu_a_la_decision(client):
    dossier, (r1, r2) = famille(propositions_publiees=True)
    client.force_login(personnel(dossier))
    fiche = reverse("dialogue:papier_fiche", args=[dossier.pk])
    assert "Réponse de la famille aux propositions" in client.get(fiche).content.decode()
    stmg = next(p for p in workflow.propositions_acceptables(dossier) if p.voie.code == "STMG")
    date = HIER.strftime("%d/%m/%Y")
    reponse = client.post(
        reverse("dialogue:papier_reponse", args=[dossier.pk]),
        {
            "reponse-pour": r1.pk,
            "reponse-date_papier": date,
            "reponse-choix": "accepte",
            "reponse-propositions": [stmg.pk],
        },
    )
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REPONSE_FAMILLE
    evenement = Evenement.objects.get(dossier=dossier, action="repondre")
    assert evenement.details["canal"] == "etablissement" and evenement.details["pour"] == r1.pk
    # R19: the other representative's paper agreement; the signer of the response cannot.
    assert "Accord ou désaccord" in client.get(fiche).content.decode()
    mauvais = client.post(
        reverse("dialogue:papier_accord", args=[dossier.pk]),
        {"accord-pour": r1.pk, "accord-date_papier": date, "accord-d_accord": "oui"},
    )
    assert mauvais.status_code == 400  # r1 is not offered: only the other representative
    accord = client.post(
        reverse("dialogue:papier_accord", args=[dossier.pk]),
        {"accord-pour": r2.pk, "accord-date_papier": date, "accord-d_accord": "oui"},
    )
    assert accord.status_code == 302
    dossier.refresh_from_db()
    assert dossier.etat == Etat.DECIDE  # R21
    assert Notification.objects.filter(dossier=dossier, evenement="decision").exists()


def test_R17_reponse_papier_suit_les_regles_et_exige_un_signataire():
    dossier, (r1, _r2) = famille(propositions_publiees=True)
    secretariat = personnel(dossier)
    with pytest.raises(TransitionRefusee, match="Cochez au moins une proposition"):
        workflow.repondre(dossier, secretariat, accepte=True, **papier(r1))
    with pytest.raises(TransitionRefusee, match="signé"):
        workflow.repondre(dossier, secretariat, accepte=False, **papier(None))
    non = dossier.propositions.get(voie__code="STI2D")
    with pytest.raises(TransitionRefusee, match="oui"):
        workflow.repondre(dossier, secretariat, accepte=True, propositions=[non.pk], **papier(r1))
    # R22: a refusal on paper requires the interview, as online.
    workflow.repondre(dossier, secretariat, accepte=False, **papier(r1))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS


def test_R22_desaccord_papier_exige_l_entretien():
    dossier, (r1, r2) = famille(propositions_publiees=True)
    secretariat = personnel(dossier)
    stmg = next(p for p in workflow.propositions_acceptables(dossier) if p.voie.code == "STMG")
    workflow.repondre(dossier, r1.user, accepte=True, propositions=[stmg.pk])
    with pytest.raises(Interdit):
        workflow.conclure_accord(dossier, secretariat, d_accord=False, **papier(r1))
    workflow.conclure_accord(dossier, secretariat, d_accord=False, **papier(r2))
    dossier.refresh_from_db()
    assert dossier.etat == Etat.ENTRETIEN_REQUIS


def test_liens_depuis_l_accueil_des_personnels(client):
    dossier, (r1, _r2) = famille()
    uai = dossier.campagne.etablissement.uai
    liste = reverse("dialogue:papier_liste", args=[uai])
    importer = reverse("dialogue:import_intentions", args=[uai])
    client.force_login(personnel(dossier))
    page = client.get("/").content.decode()
    assert liste in page and importer in page
    client.force_login(personnel(dossier, Role.PROFESSEUR_PRINCIPAL, [dossier.eleve.division]))
    page = client.get("/").content.decode()
    assert liste in page and importer not in page
    client.force_login(r1.user)
    page = client.get("/").content.decode()
    assert liste not in page
