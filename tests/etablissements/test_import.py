"""Applying SIECLE files: one test per case of SIECLE.md, on files the fabrique generates."""

import datetime

import pytest
from django.utils import timezone

from orientation.accounts.models import User
from orientation.dialogue.models import Dossier
from orientation.etablissements.models import (
    Division,
    Eleve,
    Etablissement,
    ImportSiecle,
    Lien,
    Responsable,
)
from orientation.etablissements.siecle import fabrique
from orientation.etablissements.siecle.apply import appliquer
from orientation.etablissements.siecle.diff import calculer
from orientation.etablissements.siecle.parse import lire
from orientation.etablissements.signals import import_siecle_applique
from tests.factories import CampagneFactory, DossierFactory, EtablissementFactory

from .conftest import UAI

pytestmark = pytest.mark.django_db


def importer(chemins, **kwargs):
    return appliquer(lire(chemins, uai=UAI), creer_etablissement=True, **kwargs)


def comptes():
    return (
        Etablissement.objects.count(),
        Division.objects.count(),
        Eleve.objects.count(),
        Responsable.objects.count(),
        Lien.objects.count(),
        User.objects.count(),
        Dossier.objects.count(),
    )


def eleve(siecle_id):
    return Eleve.objects.select_related("division", "user").get(siecle_id=siecle_id)


def responsable(siecle_id):
    return Responsable.objects.select_related("user").get(siecle_id=siecle_id)


def test_premier_import_cree_l_etablissement_et_tout(lycee, ecrire):
    diff = importer(ecrire(lycee))
    etab = Etablissement.objects.get(uai=UAI)
    assert diff.etablissement_a_creer
    assert etab.divisions.count() == 4
    assert etab.eleves.count() == 7
    assert etab.responsables.count() == 8
    assert Lien.objects.count() == 9
    assert ImportSiecle.objects.get().resume["eleves_nouveaux"] == 7


def test_accents_iso_8859_15(lycee, ecrire):
    chemins = ecrire(lycee, zip=False)
    brut = chemins[0].read_bytes()
    assert b"encoding='ISO-8859-15'" in brut[:60]
    assert "Cœurdevey".encode("iso-8859-15") in brut  # œ is 0xBD: not in ISO-8859-1
    importer(chemins)
    assert eleve("E2").nom == "Cœurdevey" and eleve("E2").prenom == "Noël"
    assert responsable("P3").prenom == "Françoise"


def test_xml_et_zip_donnent_le_meme_resultat(lycee, ecrire):
    importer(ecrire(lycee, zip=True))
    avant = comptes()
    diff = calculer(lire(ecrire(lycee, zip=False), uai=UAI), Etablissement.objects.get())
    assert diff.vide
    assert comptes() == avant


def test_seconde_gt_reconnue_par_le_libelle_du_mef_jamais_par_son_code(lycee, ecrire):
    importer(ecrire(lycee))
    gt = set(Division.objects.filter(est_seconde_gt=True).values_list("code", flat=True))
    assert gt == {"2DEA", "2DEB"}  # not 1G1, not the seconde professionnelle
    assert Division.objects.get(code="2DEA").code_mef == "20010099990"
    assert Division.objects.get(code="2DEA").libelle_mef == "2NDE GT"


def test_deux_un_ou_aucun_representant_legal(lycee, ecrire):
    importer(ecrire(lycee))
    legaux = {
        e.siecle_id: sorted(lien.responsable.siecle_id for lien in e.liens.filter(niveau=1))
        for e in Eleve.objects.prefetch_related("liens__responsable")
    }
    assert legaux["E1"] == ["P1", "P2"]
    assert legaux["E2"] == ["P3"]
    assert legaux["E3"] == []
    assert sorted(eleve("E3").liens.values_list("niveau", flat=True)) == [2, 3]


def test_comptes_pour_les_legaux_des_eleves_de_2de_gt_seulement(lycee, ecrire):
    importer(ecrire(lycee))
    # The éducateur (niveau 2) and the contact (niveau 3) get no account.
    assert responsable("P4").user is None and responsable("P5").user is None
    for pid in ("P1", "P2", "P3"):
        assert responsable(pid).user is not None
        assert not responsable(pid).user.has_usable_password()
    # The representative of a pupil who left, in no class, or in seconde pro: no account.
    assert responsable("P6").user is None and responsable("P8").user is None
    assert responsable("P7").user is None
    assert eleve("E1").user is not None and eleve("E1").user.email == "eloise@exemple.fr"
    assert eleve("E4").user is None  # left
    assert eleve("E5").user is None  # in no class
    assert eleve("E6").user is None  # 1re
    assert responsable("P1").user.username == "h.lefevre"


def test_eleve_sorti_a_sa_date_de_sortie(lycee, ecrire):
    importer(ecrire(lycee))
    assert eleve("E4").date_sortie == datetime.date(lycee.annee, 10, 2)
    assert eleve("E4").a_quitte
    assert eleve("E1").date_sortie is None


def test_eleve_sans_structure_d_n_a_pas_de_division(lycee, ecrire):
    importer(ecrire(lycee))
    assert eleve("E5").division is None
    assert eleve("E1").division.code == "2DEA"  # the G group is not a class


def test_ancien_format_nom_et_resp_legal(lycee, ecrire):
    lycee.personne("P1").nom_usage = "Lefèvre-Martin"
    importer(ecrire(lycee, ancien_nom=True, resp_legal=True))
    brut = (lycee, ecrire(lycee, zip=False, ancien_nom=True, resp_legal=True))[1]
    assert b"<NOM>" in brut[1].read_bytes() and b"RESP_LEGAL" in brut[1].read_bytes()
    assert b"NIVEAU_RESPONSABILITE" not in brut[1].read_bytes()
    assert responsable("P1").nom == "Lefèvre-Martin"
    assert sorted(eleve("E1").liens.values_list("niveau", flat=True)) == [1, 1]
    # RESP_LEGAL 0 is not a legal representative.
    assert list(eleve("E3").liens.values_list("niveau", flat=True)) == [3, 3]
    # The same school in the current format afterwards: only the niveaux 2 becomes precise.
    diff = calculer(lire(ecrire(lycee), uai=UAI), Etablissement.objects.get())
    assert [lien.responsable.siecle_id for lien, _c in diff.liens_modifies] == ["P4"]


def test_nom_d_usage_prefere_au_nom_de_famille(lycee, ecrire):
    lycee.personne("P2").nom_usage = "Lefèvre-Duval"
    importer(ecrire(lycee))
    assert responsable("P2").nom == "Lefèvre-Duval"


def test_responsable_de_deux_enfants_un_seul_compte(lycee, ecrire):
    importer(ecrire(lycee))
    p1 = responsable("P1")
    assert Responsable.objects.filter(siecle_id="P1").count() == 1
    assert sorted(p1.eleves.values_list("siecle_id", flat=True)) == ["E1", "E6"]
    assert User.objects.filter(responsables=p1).count() == 1


def test_representant_sans_adresse_a_un_compte_sans_adresse(lycee, ecrire):
    importer(ecrire(lycee))
    p3 = responsable("P3")
    assert p3.email == "" and p3.user is not None and p3.user.email == ""


def test_reimport_identique_ne_duplique_rien(lycee, ecrire):
    chemins = ecrire(lycee)
    CampagneFactory(etablissement=EtablissementFactory(uai=UAI), definitive_ouverte=True)
    importer(chemins)
    avant = comptes()
    diff = importer(chemins)
    assert comptes() == avant
    assert diff.vide
    assert ImportSiecle.objects.count() == 2


def test_reimport_apres_changements(lycee, ecrire):
    campagne = CampagneFactory(etablissement=EtablissementFactory(uai=UAI))
    importer(ecrire(lycee))
    p1_user, p2_user = responsable("P1").user, responsable("P2").user
    p2_user.activated_at = timezone.now()
    p2_user.save()
    dossier_e2 = Dossier.objects.get(eleve__siecle_id="E2")
    nb_dossiers = Dossier.objects.count()

    lycee.eleve("E1").division = "2DEB"  # changes class
    lycee.personne("P1").email = "helene.nouvelle@exemple.fr"  # account not activated yet
    lycee.personne("P2").email = "jerome.nouveau@exemple.fr"  # account already activated
    lycee.eleves.remove(lycee.eleve("E2"))  # left between the two exports
    lycee.liens = [lien for lien in lycee.liens if lien.eleve_id != "E2"]
    diff = importer(ecrire(lycee))

    assert eleve("E1").division.code == "2DEB"
    assert responsable("P1").email == "helene.nouvelle@exemple.fr"
    p1_user.refresh_from_db()
    p2_user.refresh_from_db()
    assert p1_user.email == "helene.nouvelle@exemple.fr"
    assert p2_user.email == "jerome@exemple.fr"  # the activated account keeps its address
    assert responsable("P2").email == "jerome.nouveau@exemple.fr"
    e2 = eleve("E2")
    assert e2.date_sortie == lycee.date_export  # marked as left, never deleted
    assert Dossier.objects.filter(pk=dossier_e2.pk).exists()  # his dossier stays
    assert e2.liens.count() == 1  # and his links, for the history
    assert Dossier.objects.count() == nb_dossiers
    assert Eleve.objects.count() == 7 and Responsable.objects.count() == 8
    texte = diff.texte()
    assert "Éloïse Lefèvre : 2DEA → 2DEB" in texte
    assert "helene@exemple.fr → helene.nouvelle@exemple.fr" in texte
    assert "Noël Cœurdevey (2DEA) : absent de l'export, marqué comme sorti" in texte
    assert campagne.dossiers.count() == nb_dossiers


def test_lien_retire_quand_siecle_ne_le_liste_plus(lycee, ecrire):
    importer(ecrire(lycee))
    lycee.liens.remove(next(lien for lien in lycee.liens if lien.personne_id == "P2"))
    importer(ecrire(lycee))
    assert list(eleve("E1").liens.values_list("responsable__siecle_id", flat=True)) == ["P1"]
    assert Responsable.objects.filter(siecle_id="P2").exists()


def test_eleve_revenu_n_est_plus_sorti(lycee, ecrire):
    importer(ecrire(lycee))
    lycee.eleve("E4").date_sortie = None
    importer(ecrire(lycee))
    assert eleve("E4").date_sortie is None
    assert eleve("E4").user is not None  # back in 2de GT: now has an account


def test_dossiers_crees_pour_les_eleves_de_2de_gt_presents_seulement(lycee, ecrire):
    etab = EtablissementFactory(uai=UAI)
    en_cours = CampagneFactory(etablissement=etab)
    passee = CampagneFactory(
        etablissement=etab,
        annee=en_cours.annee - 1,
        provisoire_debut=timezone.now() - datetime.timedelta(days=400),
        provisoire_fin=timezone.now() - datetime.timedelta(days=390),
        definitive_debut=timezone.now() - datetime.timedelta(days=350),
        definitive_fin=timezone.now() - datetime.timedelta(days=340),
        reponse_limite=timezone.now() - datetime.timedelta(days=330),
    )
    autre_ecole = CampagneFactory()
    importer(ecrire(lycee))
    assert sorted(en_cours.dossiers.values_list("eleve__siecle_id", flat=True)) == [
        "E1",
        "E2",
        "E3",
    ]
    assert passee.dossiers.count() == 0
    assert autre_ecole.dossiers.count() == 0


def test_creer_dossiers_a_la_creation_d_une_campagne(lycee, ecrire):
    from orientation.dialogue.receivers import creer_dossiers

    importer(ecrire(lycee))
    campagne = CampagneFactory(etablissement=Etablissement.objects.get(uai=UAI))
    assert creer_dossiers(campagne) == 3
    assert creer_dossiers(campagne) == 0  # idempotent
    assert campagne.dossiers.count() == 3


def test_import_ne_supprime_jamais_un_dossier(lycee, ecrire):
    importer(ecrire(lycee))
    campagne = CampagneFactory(etablissement=Etablissement.objects.get(uai=UAI))
    dossier = DossierFactory(campagne=campagne, eleve=eleve("E1"))
    lycee.eleves = [e for e in lycee.eleves if e.eleve_id != "E1"]
    lycee.liens = [lien for lien in lycee.liens if lien.eleve_id != "E1"]
    importer(ecrire(lycee))
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert eleve("E1").a_quitte


def test_le_signal_est_dans_la_transaction(lycee, ecrire):
    def echoue(**kwargs):
        raise RuntimeError("récepteur en échec")

    import_siecle_applique.connect(echoue, dispatch_uid="test-echec")
    try:
        with pytest.raises(RuntimeError):
            importer(ecrire(lycee))
    finally:
        import_siecle_applique.disconnect(dispatch_uid="test-echec")
    assert comptes() == (0, 0, 0, 0, 0, 0, 0)


def test_lycee_fictif_de_la_demo(tmp_path):
    from orientation.etablissements.siecle import annee_scolaire_courante

    annee = annee_scolaire_courante()
    description = fabrique.lycee_fictif("0999001A", annee, seed=2026)
    assert description == fabrique.lycee_fictif("0999001A", annee, seed=2026)  # deterministic
    campagne = CampagneFactory(etablissement=EtablissementFactory(uai="0999001A"))
    chemins = fabrique.ecrire(description, tmp_path, zip=True)
    appliquer(lire(chemins, uai="0999001A", annee=annee), creer_etablissement=True)
    etab = campagne.etablissement
    assert etab.divisions.filter(est_seconde_gt=True).count() >= 8
    assert etab.divisions.filter(est_seconde_gt=False).count() >= 2
    secondes = Eleve.objects.filter(etablissement=etab, division__est_seconde_gt=True)
    assert secondes.count() >= 8 * 30 - 1
    assert secondes.filter(date_sortie__isnull=False).exists()
    assert Eleve.objects.filter(etablissement=etab, division__isnull=True).exists()
    assert campagne.dossiers.count() == secondes.filter(date_sortie__isnull=True).count()
    # The siblings' shared mother: one Responsable linked to two pupils.
    assert any(r.liens.count() == 2 for r in Responsable.objects.filter(etablissement=etab))


def _homonymes(lycee):
    # E8 has E1's name, in 2de GT; her legal representative P9 has P1's initial and name.
    lycee.eleves.append(
        fabrique.Eleve("E8", "Lefèvre", "Éloïse", lycee.eleve("E1").code_mef, "2DEB")
    )
    lycee.personnes.append(
        fabrique.Personne("P9", "Lefèvre", "Henri", "M.", email="henri@exemple.fr")
    )
    lycee.liens.append(fabrique.Lien("E8", "P9", 1, "20"))


def identifiants():
    return {
        **{
            e.siecle_id: e.user.username
            for e in Eleve.objects.exclude(user=None).select_related("user")
        },
        **{
            r.siecle_id: r.user.username
            for r in Responsable.objects.exclude(user=None).select_related("user")
        },
    }


ATTENDUS = {
    "E1": "e.lefevre",
    "E2": "n.curdevey",
    "E3": "z.menard",
    "E8": "e.lefevre2",
    "P1": "h.lefevre",
    "P2": "j.lefevre",
    "P3": "f.curdevey",
    "P9": "h.lefevre2",
}


def test_deux_homonymes_d_un_meme_import_ont_des_identifiants_distincts(lycee, ecrire):
    _homonymes(lycee)
    importer(ecrire(lycee))
    assert identifiants() == ATTENDUS
    e8 = eleve("E8")
    assert (e8.user.first_name, e8.user.last_name, e8.user.email) == ("Éloïse", "Lefèvre", "")
    assert responsable("P9").user.email == "henri@exemple.fr"


def test_import_en_plusieurs_lots(lycee, ecrire, monkeypatch):
    # Batches of 2 rows: every batch boundary is crossed, homonyms fall in different batches.
    from orientation.etablissements.siecle import apply

    monkeypatch.setattr(apply, "LOT", 2)
    _homonymes(lycee)
    importer(ecrire(lycee))
    assert identifiants() == ATTENDUS
    for pid in ("P1", "P2", "P3", "P9"):
        r = responsable(pid)
        assert (r.user.first_name, r.user.last_name) == (r.prenom, r.nom)
    assert Eleve.objects.count() == 8 and Lien.objects.count() == 10


def test_l_ecriture_ne_construit_qu_un_lot_d_instances_a_la_fois(lycee, ecrire, monkeypatch):
    """The memory of an import follows the parsed files, not the rows written: each bulk insert
    gets a batch of apply.LOT instances built from the plan (docs/performance.md, Import SIECLE)."""
    from django.db.models.query import QuerySet

    from orientation.etablissements.siecle import apply

    monkeypatch.setattr(apply, "LOT", 2)
    tailles = []
    bulk_create = QuerySet.bulk_create

    def espion(self, objs, *args, **kwargs):
        objs = list(objs)
        tailles.append((self.model.__name__, len(objs)))
        return bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", espion)
    importer(ecrire(lycee))
    ecrits = {modele for modele, _n in tailles}
    assert {"Eleve", "Responsable", "Lien", "User"} <= ecrits
    # A school's few divisions are written at once; pupils, representatives, links, accounts
    # (and the dossiers the import's signal opens) by batches.
    assert max(n for m, n in tailles if m != "Division") <= 2, tailles
    assert Eleve.objects.count() == 7 and Lien.objects.count() == 9


def test_identifiant_deja_pris_avant_l_import(lycee, ecrire):
    User.objects.create(username="e.lefevre")
    User.objects.create(username="H.Lefevre")  # made by hand, other case: taken for logins
    importer(ecrire(lycee))
    assert eleve("E1").user.username == "e.lefevre2"
    assert responsable("P1").user.username == "h.lefevre2"
    assert responsable("P2").user.username == "j.lefevre"


def test_les_requetes_d_un_import_ne_croissent_pas_avec_l_etablissement(tmp_path):
    # Rows are written by batches of apply.LOT: one query a batch, never one a pupil.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    annee = timezone.localdate().year
    requetes = []
    for divisions in (2, 4):
        uai = f"099900{divisions}C"
        description = fabrique.lycee_fictif(uai, annee, seed=divisions, divisions_2de=divisions)
        chemins = fabrique.ecrire(description, tmp_path / uai)
        with CaptureQueriesContext(connection) as ctx:
            appliquer(lire(chemins, uai=uai), creer_etablissement=True)
        requetes.append(len(ctx.captured_queries))
    assert User.objects.count() > 6 * 30
    assert requetes[0] == requetes[1]


def test_reimport_apres_changements_en_plusieurs_lots(lycee, ecrire, monkeypatch):
    from orientation.etablissements.siecle import apply

    monkeypatch.setattr(apply, "LOT", 2)
    importer(ecrire(lycee))
    User.objects.filter(responsables__siecle_id="P2").update(activated_at=timezone.now())
    for code in ("2DEA", "2DEB", "1G1"):
        next(d for d in lycee.divisions if d.code == code).libelle += " (euro)"
    lycee.eleve("E1").email = "eloise.nouvelle@exemple.fr"
    for pid in ("P1", "P2", "P3"):
        lycee.personne(pid).email = f"{pid.lower()}.nouveau@exemple.fr"
    for lien in lycee.liens:
        if lien.personne_id in ("P1", "P2", "P3"):
            lien.code_parente = "50"
    diff = importer(ecrire(lycee))

    assert len(diff.divisions_modifiees) == 3 and len(diff.liens_modifies) == 4
    assert sorted(
        Division.objects.filter(libelle__endswith="(euro)").values_list("code", flat=True)
    ) == ["1G1", "2DEA", "2DEB"]
    assert Lien.objects.filter(code_parente="50").count() == 4
    assert eleve("E1").user.email == "eloise.nouvelle@exemple.fr"
    for pid, adresse in (
        ("P1", "p1.nouveau@exemple.fr"),
        ("P2", "jerome@exemple.fr"),
        ("P3", "p3.nouveau@exemple.fr"),
    ):
        assert responsable(pid).email == f"{pid.lower()}.nouveau@exemple.fr"
        assert responsable(pid).user.email == adresse  # P2 activated his account: his address
    assert importer(ecrire(lycee)).vide
