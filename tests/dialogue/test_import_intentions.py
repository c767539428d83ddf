"""The import of intentions (docs/saisie-papier.md): parse → diff → apply, every refused line
explained, never overwriting an online validation without saying so, all or nothing."""

import datetime as dt
import io

import pytest
import tablib
from django.core.management import CommandError, call_command

from orientation.accounts.models import Role
from orientation.campagnes.models import Phase
from orientation.dialogue import import_intentions as imp
from orientation.dialogue import workflow
from orientation.dialogue.models import Etat, Evenement, Saisie, Voeu
from orientation.notifications.models import Notification
from tests.factories import CampagneFactory, DossierFactory, LienFactory, PersonnelFactory, famille

pytestmark = pytest.mark.django_db

ENTETE = "INE;Nom;Prénom;Division;Voie 1;Spécialités 1;Série 1;Option pro 1;Voie 2;Série 2\n"


@pytest.fixture
def ecole():
    campagne = CampagneFactory()
    secretariat = PersonnelFactory(etablissement=campagne.etablissement, role=Role.SECRETARIAT).user
    return campagne, secretariat


def csv(*lignes, entete=ENTETE):
    return (entete + "\n".join(lignes) + "\n").encode()


def diff_de(contenu, campagne, nom="intentions.csv", phase=Phase.PROVISOIRE):
    return imp.calculer(imp.lire(contenu, nom), campagne, phase)


def codes(dossier, phase=Phase.PROVISOIRE):
    return list(
        Voeu.objects.filter(dossier=dossier, phase=phase)
        .order_by("rang")
        .values_list("voie__code", flat=True)
    )


def test_import_nouvelle_liste_par_ine_applique_par_le_workflow(ecole):
    campagne, secretariat = ecole
    dossier, (r1, _r2) = famille(campagne)
    eleve = dossier.eleve
    contenu = csv(
        f"{eleve.ine};;;;1re générale;Mathématiques, PC, SVT, SES;;;Technologique;STMG",
    )
    diff = diff_de(contenu, campagne)
    assert [ligne.statut for ligne in diff.lignes] == [imp.Statut.NOUVEAU]
    assert diff.nouvelles[0].apres[0].startswith("1re générale (")
    resultat = imp.appliquer(diff, secretariat, reference="import intentions.csv")
    assert resultat.appliquees == 1
    dossier.refresh_from_db()
    assert dossier.etat == Etat.INTENTIONS_VALIDEES
    assert codes(dossier) == ["GENERALE", "STMG"]
    saisie = Saisie.objects.get(dossier=dossier)
    assert saisie.canal == Saisie.Canal.ETABLISSEMENT
    assert saisie.valide_par_compte == secretariat
    assert saisie.reference_scan == "import intentions.csv"
    # Nobody signed: the R7 right stays with whoever validates first online.
    assert dossier.titulaire_intentions is None
    evenement = Evenement.objects.get(dossier=dossier)
    assert evenement.acteur == secretariat and evenement.details["canal"] == "etablissement"
    # The same e-mails as online: a confirmation (to both, nobody signed) and the summary (R15).
    assert Notification.objects.filter(dossier=dossier).count() >= 2


def test_import_par_nom_prenom_division_et_xlsx(ecole):
    campagne, secretariat = ecole
    dossier, _ = famille(campagne)
    eleve = dossier.eleve
    data = tablib.Dataset(headers=["Nom", "Prénom", "Division", "Voie 1", "Option pro 1"])
    data.append([eleve.nom.upper(), eleve.prenom, eleve.division.code, "Pro", "CAP"])
    diff = diff_de(data.export("xlsx"), campagne, nom="enquete.xlsx")
    assert diff.nouvelles and not diff.refusees
    imp.appliquer(diff, secretariat)
    assert codes(dossier) == ["PRO"]
    assert Voeu.objects.get(dossier=dossier).option_pro == "cap"


def test_import_lignes_refusees_expliquees(ecole):
    campagne, secretariat = ecole
    d1 = DossierFactory(campagne=campagne)
    d2 = DossierFactory(campagne=campagne)
    d3 = DossierFactory(campagne=campagne)
    d4 = DossierFactory(campagne=campagne)
    contenu = csv(
        "00000000XX;;;;1re générale;MATHS,PC,SVT,SES;;;;",  # unknown pupil
        f"{d1.eleve.ine};;;;Astronomie;;;;;",  # unknown voie
        f"{d2.eleve.ine};;;;1re générale;MATHS,PC;;;;",  # R9: 4 spécialités needed
        f"{d3.eleve.ine};;;;Technologique;;;;;",  # R10: a series is needed
        f"{d4.eleve.ine};;;;Professionnelle;;;;;",  # R11
        f"{d4.eleve.ine};;;;Technologique;STMG;;;;",  # the same pupil twice
        ";Inconnu;Personne;2DE9;Technologique;STL;;;;",
    )
    diff = diff_de(contenu, campagne)
    assert len(diff.refusees) == 7 and not diff.a_appliquer(remplacer=True)
    raisons = {ligne.numero: " ".join(ligne.raisons) for ligne in diff.refusees}
    assert "Élève inconnu" in raisons[2]
    assert "n'est pas au catalogue" in raisons[3]
    assert "enseignements de spécialité" in raisons[4]  # R9
    assert "série" in raisons[5]  # R10
    assert "CAP" in raisons[6]  # R11
    assert "figure déjà ligne 6" in raisons[7]
    assert "aucun élève de ce nom" in raisons[8]
    sortie = imp.texte(diff)
    assert "Lignes refusées : 7" in sortie


def test_import_R8_liste_trop_longue_ou_doublon(ecole):
    campagne, _secretariat = ecole
    dossier = DossierFactory(campagne=campagne)
    entete = "INE;" + ";".join(f"Voie {n}" for n in range(1, 13)) + "\n"
    doublon = csv(f"{dossier.eleve.ine};STMG;STMG" + ";" * 10, entete=entete)
    diff = diff_de(doublon, campagne)
    assert "déjà dans votre liste" in " ".join(diff.refusees[0].raisons)


def test_import_ne_remplace_pas_une_validation_en_ligne_sans_le_dire(ecole, intentions):
    campagne, secretariat = ecole
    dossier, (r1, _r2) = famille(campagne)
    workflow.valider_voeux(dossier, r1.user, Phase.PROVISOIRE, intentions)
    # Validated at 00:30 in Paris on the 7th, still the 6th in UTC: the reason gives the 7th.
    Saisie.objects.filter(dossier=dossier).update(
        valide_le=dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    )
    contenu = csv(f"{dossier.eleve.ine};Technologique;STL", entete="INE;Voie 1;Série 1\n")
    diff = diff_de(contenu, campagne)
    assert [ligne.statut for ligne in diff.lignes] == [imp.Statut.CONFLIT]
    assert "validé sa liste en ligne le 07/12/2026" in diff.conflits[0].raisons[0]
    assert diff.conflits[0].avant[0].startswith("1re générale")
    resultat = imp.appliquer(diff, secretariat)
    assert resultat.appliquees == 0 and codes(dossier) == ["GENERALE", "STMG"]
    # Ticking "remplacer": replaced, the holder of the right (R7) unchanged.
    diff = diff_de(contenu, campagne)
    imp.appliquer(diff, secretariat, remplacer=True)
    dossier.refresh_from_db()
    assert codes(dossier) == ["STL"] and dossier.titulaire_intentions == r1


def test_import_identique_ne_fait_rien_et_modifie_apres_import(ecole):
    campagne, secretariat = ecole
    dossier = DossierFactory(campagne=campagne)
    LienFactory(eleve=dossier.eleve)
    contenu = csv(f"{dossier.eleve.ine};STMG", entete="INE;Voie 1\n")
    imp.appliquer(diff_de(contenu, campagne), secretariat)
    assert diff_de(contenu, campagne).identiques
    autre = csv(f"{dossier.eleve.ine};STL", entete="INE;Voie 1\n")
    assert diff_de(autre, campagne).modifiees


def test_import_atomique_une_ligne_refusee_a_l_application_annule_tout(ecole):
    campagne, secretariat = ecole
    d1 = DossierFactory(campagne=campagne)
    d2 = DossierFactory(campagne=campagne)
    contenu = csv(f"{d1.eleve.ine};STMG", f"{d2.eleve.ine};STL", entete="INE;Voie 1\n")
    diff = diff_de(contenu, campagne)
    assert len(diff.nouvelles) == 2
    # Between the preview and the confirmation the second dossier moved on.
    d2.etat = Etat.AVIS_PUBLIE
    d2.save()
    with pytest.raises(imp.ImportIntentionsError, match="Ligne 3"):
        imp.appliquer(diff, secretariat)
    assert not Voeu.objects.filter(dossier__in=[d1, d2]).exists()


def test_R1_import_refuse_hors_fenetre():
    campagne = CampagneFactory(fermee=True)
    dossier = DossierFactory(campagne=campagne)
    diff = diff_de(csv(f"{dossier.eleve.ine};STMG", entete="INE;Voie 1\n"), campagne)
    assert "fermé" in diff.erreur_globale
    with pytest.raises(imp.ImportIntentionsError):
        imp.appliquer(diff, None)


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"", "vide"),
        (b"Nom;Voie 1\nDupont;STMG\n", "INE"),
        (b"INE;Choix\n123;STMG\n", "Voie 1"),
        (b"PK\x03\x04abime", "XLSX"),
        (b"x" * (imp.TAILLE_MAX + 1), "2 Mo"),
    ],
)
def test_import_fichier_illisible(contenu, message):
    with pytest.raises(imp.ImportIntentionsError, match=message):
        imp.lire(contenu, "f.csv")


def test_import_csv_windows_1252_separateur_virgule(ecole):
    campagne, _ = ecole
    dossier = DossierFactory(campagne=campagne)
    contenu = f"INE,Voie 1,Série 1\n{dossier.eleve.ine},1re technologique,STMG\n".encode("cp1252")
    assert diff_de(contenu, campagne).nouvelles


def test_commande_import_intentions(ecole, tmp_path):
    campagne, secretariat = ecole
    dossier = DossierFactory(campagne=campagne)
    fichier = tmp_path / "intentions.csv"
    fichier.write_bytes(csv(f"{dossier.eleve.ine};STMG", entete="INE;Voie 1\n"))
    sortie = io.StringIO()
    uai = campagne.etablissement.uai
    call_command(
        "import_intentions",
        "--uai",
        uai,
        "--par",
        secretariat.username,
        "--dry-run",
        str(fichier),
        stdout=sortie,
    )
    assert "Nouvelles listes : 1" in sortie.getvalue() and not codes(dossier)
    call_command(
        "import_intentions",
        "--uai",
        uai,
        "--par",
        secretariat.username,
        str(fichier),
        stdout=sortie,
    )
    assert codes(dossier) == ["STMG"]
    famille_d_ailleurs = famille()[1][0].user
    fichier.write_bytes(csv(f"{dossier.eleve.ine};STL", entete="INE;Voie 1\n"))
    with pytest.raises(CommandError):
        call_command(
            "import_intentions",
            "--uai",
            uai,
            "--par",
            famille_d_ailleurs.username,
            "--remplacer",
            str(fichier),
            stdout=io.StringIO(),
        )
