import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orientation.accounts.accueil import ETATS_CONNUS, ce_qui_est_attendu
from orientation.dialogue.models import Etat
from orientation.etablissements.models import Division
from tests.factories import (
    CampagneFactory,
    ConseilDivisionFactory,
    DivisionFactory,
    DossierFactory,
    EleveFactory,
    LienFactory,
    PersonnelFactory,
    ResponsableFactory,
    UserFactory,
)


def test_chaque_etat_a_sa_phrase():
    # accueil.py writes the Etat values out (accounts imports no dialogue): keep them in step.
    assert set(ETATS_CONNUS) == set(Etat.values)


def _enfant(user, campagne, **kwargs):
    dossier = DossierFactory(campagne=campagne, **kwargs)
    responsable = ResponsableFactory(etablissement=campagne.etablissement, user=user)
    LienFactory(eleve=dossier.eleve, responsable=responsable)
    return dossier


def test_famille_voit_ses_deux_enfants_dans_deux_ecoles_et_pas_ceux_des_autres(client, db):
    parent = UserFactory()
    c1, c2 = CampagneFactory(), CampagneFactory(definitive_ouverte=True)
    d1 = _enfant(parent, c1)
    d2 = _enfant(parent, c2, etat=Etat.AVIS_ACCUSE)
    conseil = ConseilDivisionFactory(campagne=c1, division=d1.eleve.division)
    autre = LienFactory(eleve__nom="Zéphyrinet")  # another family's child; a name no one else has
    LienFactory(eleve=d1.eleve, niveau=3, responsable__user=UserFactory())  # a mere contact
    client.force_login(parent)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    for d in (d1, d2):
        assert d.eleve.prenom in html and d.campagne.etablissement.nom in html
        assert d.eleve.division.libelle in html
    assert autre.eleve.nom not in html  # R2
    assert conseil.date_conseil.strftime("%Y") in html
    assert "Vous pouvez saisir les intentions d" in html
    assert "Vous pouvez saisir les demandes d" in html


def test_contact_niveau_3_ne_voit_pas_l_enfant(client, db):
    lien = LienFactory(niveau=3, eleve__nom="Zéphyrinet")  # not the contact's own surname
    client.force_login(lien.responsable.user)
    assert lien.eleve.nom not in client.get("/").content.decode()  # R2


def test_eleve_voit_sa_propre_fiche(client, db):
    dossier = DossierFactory(eleve__user=UserFactory())
    client.force_login(dossier.eleve.user)
    html = client.get("/").content.decode()
    assert "Votre orientation" in html
    assert "Vos représentants légaux saisissent" in html


def test_nombre_de_requetes_constant_pour_une_famille(client, db, django_assert_max_num_queries):
    parent = UserFactory()
    campagne = CampagneFactory()
    _enfant(parent, campagne)
    client.force_login(parent)
    with CaptureQueriesContext(connection) as une:
        client.get("/")
    for _ in range(3):
        d = _enfant(parent, CampagneFactory())
        ConseilDivisionFactory(campagne=d.campagne, division=d.eleve.division)
    with django_assert_max_num_queries(len(une)):
        response = client.get("/")
    assert len(response.context["enfants"]) == 4


def test_personnel_voit_ses_divisions_avec_effectifs(client, db, django_assert_max_num_queries):
    campagne = CampagneFactory()
    ecole = campagne.etablissement
    chef = PersonnelFactory(etablissement=ecole, role="chef_etablissement").user
    client.force_login(chef)
    DivisionFactory(etablissement=ecole)
    with CaptureQueriesContext(connection) as une:
        client.get("/")
    Division.objects.all().delete()
    divisions = [DivisionFactory(etablissement=ecole) for _ in range(3)]
    DivisionFactory(etablissement=ecole, est_seconde_gt=False, code="1G1")
    for d in divisions:
        EleveFactory.create_batch(2, division=d)
    EleveFactory(division=divisions[0], date_sortie=datetime.date(2026, 1, 1))
    pp = PersonnelFactory(
        etablissement=ecole, role="professeur_principal", divisions=[divisions[1]]
    ).user
    with django_assert_max_num_queries(len(une)):
        response = client.get("/")
    ecoles = response.context["ecoles"]
    assert [(d.code, d.nb_eleves) for d in ecoles[0].divisions] == sorted(
        (d.code, 2) for d in divisions
    )
    html = response.content.decode()
    assert "Comptes des familles" in html and "1G1" not in html
    client.force_login(pp)
    response = client.get("/")
    assert [d.code for d in response.context["ecoles"][0].divisions] == [divisions[1].code]
    assert "Comptes des familles" not in response.content.decode()


def test_accueil_anonyme_renvoie_a_la_connexion(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/compte/connexion/")


def _campagne(**decalages):
    maintenant = timezone.now()
    jours = {
        "provisoire_debut": -60,
        "provisoire_fin": -50,
        "definitive_debut": -5,
        "definitive_fin": 5,
        "reponse_limite": 30,
    }
    jours.update(decalages)
    return CampagneFactory.build(
        **{k: maintenant + datetime.timedelta(days=v) for k, v in jours.items()}
    )


@pytest.mark.parametrize(
    "etat,campagne,attendu",
    [
        (None, None, "pas encore publié le calendrier"),
        ("intentions_ouvertes", {"provisoire_debut": 3, "provisoire_fin": 10}, "ouvrira le"),
        ("intentions_ouvertes", {}, "close sans intention"),
        ("avis_publie", {}, "accusez-en réception"),
        ("avis_accuse", {}, "saisir les demandes"),
        ("avis_accuse", {"definitive_debut": 3, "definitive_fin": 10}, "ouvrira le"),
        ("voeux_valides", {}, "restent modifiables"),
        ("propositions_publiees", {}, "Répondez aux propositions"),
        ("reponse_famille", {}, "accord ou son désaccord"),
        ("entretien_requis", {}, "prenez rendez-vous"),
        ("decide", {}, "décision d'orientation est prise"),
    ],
)
def test_ce_qui_est_attendu(db, etat, campagne, attendu):
    c = None if campagne is None else _campagne(**campagne)
    assert attendu in ce_qui_est_attendu(etat, c)


def test_fermeture_anticipee_respectee(db):
    c = _campagne()
    c.forcage = "ferme"  # R1: the school closed the service early
    assert "close sans demande" in ce_qui_est_attendu("avis_accuse", c)


def _enfants_par_l_orm(user):
    """The family home's reading with prefetch_related(), as the ORM writes it: the reference of
    accueil.enfants()'s fixed queries. (pupil, dossiers, campaigns of the school, councils of
    the division) as primary keys."""
    from django.db.models import Prefetch

    from orientation.accounts.permissions import eleves_de_la_famille

    eleves = (
        eleves_de_la_famille(user)
        .filter(date_sortie__isnull=True)
        .select_related("etablissement", "division")
        .prefetch_related(
            Prefetch("dossiers", to_attr="dossiers_lus"),
            Prefetch("etablissement__campagnes", to_attr="campagnes_lues"),
            Prefetch("division__conseils", to_attr="conseils_lus"),
        )
    )
    return {
        e.pk: (
            sorted(d.pk for d in e.dossiers_lus),
            sorted(c.pk for c in e.etablissement.campagnes_lues),
            sorted(c.pk for c in e.division.conseils_lus) if e.division else [],
        )
        for e in eleves
    }


def test_accueil_famille_lu_comme_par_prefetch_related(db):
    """Two children in two schools, one with last year's campaign and dossier too, one child who
    left, another family's child in the same division, and a pupil's own account: the home page
    gives each child the dossier, campaign and councils the ORM's prefetch_related() reading
    gives, and no one else's."""
    from orientation.accounts.accueil import enfants

    parent = UserFactory()
    c1 = CampagneFactory()
    ancienne = CampagneFactory(etablissement=c1.etablissement, annee=c1.annee - 1)
    c2 = CampagneFactory(definitive_ouverte=True)
    d1 = _enfant(parent, c1)
    DossierFactory(campagne=ancienne, eleve=d1.eleve)
    d2 = _enfant(parent, c2, etat=Etat.AVIS_ACCUSE)
    parti = _enfant(parent, c2)
    parti.eleve.date_sortie = timezone.localdate()
    parti.eleve.save()
    conseils = [
        ConseilDivisionFactory(campagne=c1, division=d1.eleve.division),
        ConseilDivisionFactory(campagne=ancienne, division=d1.eleve.division, phase="definitive"),
        ConseilDivisionFactory(campagne=c2, division=d2.eleve.division),
    ]
    _enfant(UserFactory(), c1, eleve__division=d1.eleve.division)  # another family's child
    ConseilDivisionFactory(campagne=CampagneFactory(), division=DivisionFactory())  # elsewhere

    obtenus = enfants(parent)
    reference = _enfants_par_l_orm(parent)
    assert {e.eleve.pk for e in obtenus} == set(reference) == {d1.eleve_id, d2.eleve_id}
    for e in obtenus:
        dossiers, campagnes, conseils_de_la_division = reference[e.eleve.pk]
        assert e.dossier.pk in dossiers and e.campagne.pk in campagnes
        assert {c.pk for c in e.conseils} <= set(conseils_de_la_division)
    un = next(e for e in obtenus if e.eleve.pk == d1.eleve_id)
    assert (un.dossier, un.campagne) == (d1, c1)  # this year's, not last year's
    assert [c.pk for c in un.conseils] == [conseils[0].pk]
    assert [c.pk for c in next(e for e in obtenus if e.eleve.pk == d2.eleve_id).conseils] == [
        conseils[2].pk
    ]

    eleve = DossierFactory(eleve__user=UserFactory())  # a pupil's own account
    assert [(e.eleve.pk, e.dossier.pk) for e in enfants(eleve.eleve.user)] == [
        (eleve.eleve_id, eleve.pk)
    ]
    assert set(_enfants_par_l_orm(eleve.eleve.user)) == {eleve.eleve_id}
    assert enfants(UserFactory()) == []
