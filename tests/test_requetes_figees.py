"""orientation.requetes.RequeteFigee, and the per-request reads built on it (session, account,
family links): same answers as the ORM, counted like any query, shape-dependent queries refused."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orientation.accounts.models import Session, User
from orientation.etablissements.models import Personnel
from orientation.requetes import RequeteFigee
from tests.factories import DivisionFactory, PersonnelFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_objets_egaux_a_ceux_de_l_orm_avec_les_convertisseurs():
    a, b = UserFactory(), UserFactory()
    a.last_login = timezone.now() - datetime.timedelta(days=1)
    a.save()
    requete = RequeteFigee(lambda pk: User.objects.filter(pk=pk))
    for compte in (a, b, a):
        (lu,) = requete.objets(compte.pk)
        attendu = User.objects.get(pk=compte.pk)
        assert lu == attendu and not lu._state.adding
        for champ in User._meta.concrete_fields:
            assert getattr(lu, champ.attname) == getattr(attendu, champ.attname), champ.name
    assert isinstance(requete.objets(a.pk)[0].last_login, datetime.datetime)
    assert requete.objets(0) == []
    assert requete.premier(b.pk) == b and requete.premier(0) is None


def test_lignes_d_un_values_list_et_parametre_date():
    comptes = [UserFactory() for _ in range(3)]
    requete = RequeteFigee(
        lambda debut, pk: (
            User.objects.filter(date_joined__gte=debut)
            .filter(pk__gte=pk)
            .order_by("pk")
            .values_list("pk", "username")
        )
    )
    hier = timezone.now() - datetime.timedelta(days=1)
    assert requete.lignes(hier, comptes[1].pk) == [(c.pk, c.username) for c in comptes[1:]]
    assert requete.lignes(timezone.now() + datetime.timedelta(days=1), 0) == []


def test_comptee_comme_toute_requete():
    compte = UserFactory()
    requete = RequeteFigee(lambda pk: User.objects.filter(pk=pk))
    requete.objets(compte.pk)
    with CaptureQueriesContext(connection) as requetes:
        requete.objets(compte.pk)
    assert len(requetes) == 1 and "accounts_user" in requetes[0]["sql"]


@pytest.mark.parametrize(
    "fabrique, en_liste",
    [
        (lambda ids: User.objects.filter(pk__in=ids), True),  # an IN list: a shape per length
        (lambda pk: User.objects.filter(pk=pk).exclude(first_name="x"), False),  # a constant
        (lambda pk: User.objects.filter(pk=pk).exclude(pk=pk + 1), False),  # a derived parameter
    ],
)
def test_forme_qui_depend_des_valeurs_refusee(fabrique, en_liste):
    compte = UserFactory()
    with pytest.raises(ValueError, match="forme"):
        RequeteFigee(fabrique).objets([compte.pk] if en_liste else compte.pk)


def test_deux_parametres_egaux_ne_cachent_pas_un_ordre_inverse():
    # Given in the other order than the SQL's, the parameters are refused, even when the first
    # call gives them equal (a pupil and an account with the same id): the order is then checked
    # on stand-ins, all different. A parameter meant twice (the account, twice) is accepted.
    a = UserFactory()
    inverse = RequeteFigee(
        lambda debut, pk: (
            User.objects.filter(pk__gte=pk)
            .filter(id__lte=debut)
            .order_by("pk")
            .values_list("pk", flat=False)
        )
    )
    with pytest.raises(ValueError, match="forme"):
        inverse.lignes(a.pk, a.pk)
    deux_fois = RequeteFigee(
        lambda pk, soi: User.objects.filter(pk=pk).filter(id=soi).values_list("username")
    )
    assert deux_fois.lignes(a.pk, a.pk) == [(a.username,)]
    assert deux_fois.lignes(a.pk, a.pk) == [(a.username,)]


def test_objets_avec_select_related_sans_requete_de_plus():
    postes = [PersonnelFactory(), PersonnelFactory()]
    requete = RequeteFigee(
        lambda user_id: Personnel.objects.filter(user=user_id).select_related(
            "etablissement", "user"
        )
    )
    for poste in postes + postes:
        with CaptureQueriesContext(connection) as requetes:
            (lu,) = requete.objets(poste.user_id)
            assert lu.etablissement.uai == poste.etablissement.uai
            assert lu.user.username == poste.user.username
        assert len(requetes) == 1
        assert lu == poste and lu.etablissement == poste.etablissement and lu.role == poste.role


def test_prefetch_related_de_la_requete_quand_il_y_a_des_objets():
    poste = PersonnelFactory(divisions=[DivisionFactory(), DivisionFactory()])
    sans_poste = UserFactory()
    requete = RequeteFigee(
        lambda user_id: Personnel.objects.filter(user=user_id).prefetch_related("divisions")
    )
    attendues = {d.pk for d in poste.divisions.all()}
    with CaptureQueriesContext(connection) as requetes:
        (lu,) = requete.objets(poste.user_id)
        assert {d.pk for d in lu.divisions.all()} == attendues
    assert len(requetes) == 2
    with CaptureQueriesContext(connection) as requetes:
        assert requete.objets(sans_poste.pk) == []
    assert len(requetes) == 1


def test_annotations_posees_sur_les_objets_comme_par_l_orm():
    avec, sans = PersonnelFactory(), UserFactory()
    PersonnelFactory(user=avec.user)
    annotee = RequeteFigee(lambda pk: User.objects.filter(pk=pk).annotate(n=Count("postes")))
    for compte in (avec.user, sans, avec.user):
        (lu,) = annotee.objets(compte.pk)
        assert lu.n == User.objects.annotate(n=Count("postes")).get(pk=compte.pk).n
    assert (annotee.objets(avec.user.pk)[0].n, annotee.objets(sans.pk)[0].n) == (2, 0)


def test_mauvais_usage_refuse():
    with pytest.raises(TypeError):
        RequeteFigee(lambda pk: User.objects.filter(pk=pk).values_list("pk")).objets(1)
    with pytest.raises(TypeError):
        RequeteFigee(lambda pk: User.objects.filter(pk=pk)).lignes(1)
    with pytest.raises(TypeError):
        RequeteFigee(lambda pk: User.objects.filter(pk=pk)).supprimer(1)  # not a suppression
    for lecture in ("objets", "lignes", "premier"):
        with pytest.raises(TypeError):
            getattr(RequeteFigee(lambda pk: User.objects.filter(pk=pk), suppression=True), lecture)(
                1
            )


def test_suppression_comme_raw_delete_compilee_une_fois():
    from unittest import mock

    from django.db.models.sql.compiler import SQLDeleteCompiler

    gardes = [UserFactory(first_name="garde") for _ in range(2)]
    ailleurs = UserFactory(first_name="autre")
    supprimer = RequeteFigee(
        lambda prenom, pk: User.objects.filter(first_name=prenom).filter(pk__gte=pk),
        suppression=True,
    )
    assert supprimer.supprimer("garde", gardes[1].pk) == 1  # the rows deleted, counted
    assert list(User.objects.filter(first_name="garde")) == [gardes[0]]
    with (
        mock.patch.object(SQLDeleteCompiler, "as_sql") as compile_,
        CaptureQueriesContext(connection) as requetes,
    ):
        assert supprimer.supprimer("garde", 0) == 1
        assert supprimer.supprimer("personne", 0) == 0
    assert not compile_.called  # written once, run again with new parameters
    assert [q["sql"].split()[0] for q in requetes] == ["DELETE", "DELETE"]
    assert User.objects.filter(pk=ailleurs.pk).exists()
    with pytest.raises(ValueError, match="forme"):  # a constant in the DELETE: refused
        RequeteFigee(
            lambda pk: User.objects.filter(pk=pk).exclude(first_name="x"), suppression=True
        ).supprimer(ailleurs.pk)
    assert User.objects.filter(pk=ailleurs.pk).exists()  # refused before anything ran


def test_session_expiree_non_relue(client):
    compte = UserFactory()
    client.force_login(compte)
    assert client.get(reverse("accounts:profil")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]


def test_compte_desactive_deconnecte_a_la_requete_suivante(client):
    compte = UserFactory()
    client.force_login(compte)
    assert client.get(reverse("accounts:profil")).status_code == 200
    User.objects.filter(pk=compte.pk).update(is_active=False)
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]


def test_le_compte_de_la_session_dit_s_il_a_des_postes(client):
    """A family's request reads no staff positions: the account's own query says it has none.
    A position given during the session counts from the next request."""
    compte = UserFactory()
    client.force_login(compte)

    def postes_lus(requetes):
        debut = f'SELECT "{Personnel._meta.db_table}".'
        return [q for q in requetes.captured_queries if q["sql"].startswith(debut)]

    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse("accounts:profil")).status_code == 200
    assert postes_lus(requetes) == []
    poste = PersonnelFactory(user=compte)
    with CaptureQueriesContext(connection) as requetes:
        html = client.get(reverse("accounts:profil")).content.decode()
    assert len(postes_lus(requetes)) == 1
    assert poste.etablissement.nom in html


def test_dossier_visible_donne_les_dossiers_de_dossiers_visibles():
    """R2 written twice in accounts/permissions.py (the children's ids for lists, a subquery for
    one family dossier): both answer the same for every role of the security tests' world, a
    family of two children and a mere contact (niveau 3) included."""
    from orientation.accounts import permissions
    from orientation.dialogue.models import Dossier
    from orientation.etablissements.models import Lien
    from tests.factories import LienFactory, famille
    from tests.securite.monde import construire_monde

    assert permissions.LEGAL == Lien.Niveau.LEGAL
    monde = construire_monde(propositions_publiees=True)
    representant = monde.utilisateurs["representant"]
    frere, _ = famille(monde.dossier.campagne)
    LienFactory(eleve=frere.eleve, responsable=representant.responsables.first(), niveau=1)
    contact = LienFactory(eleve=monde.dossier.eleve, niveau=3).responsable.user
    comptes = [u for u in monde.utilisateurs.values() if u is not None] + [contact]
    for compte in comptes:
        compte = User.objects.get(pk=compte.pk)  # no per-request cache carried over
        attendus = set(
            permissions.dossiers_visibles(Dossier.objects.all(), compte).values_list(
                "pk", flat=True
            )
        )
        lus = {
            d.pk
            for d in Dossier.objects.all()
            if permissions.dossier_visible(compte, d.pk, "eleve") is not None
        }
        assert lus == attendus, compte
    representant = User.objects.get(pk=representant.pk)
    assert len(permissions.dossiers_visibles(Dossier.objects.all(), representant)) == 2
    assert permissions.dossier_visible(representant, frere.pk, "eleve").eleve == frere.eleve
    assert permissions.dossier_visible(User.objects.get(pk=contact.pk), monde.dossier.pk) is None


def test_voeux_de_la_famille_comme_prefetch_related_sans_requete_de_plus():
    """The family pages' wishes: their spécialités and those of the council's avis, read by
    fixed queries keyed on the dossier, are those prefetch_related() gives, in the same order."""
    from orientation.campagnes import catalogue
    from orientation.campagnes.models import Phase, Specialite, Voie
    from orientation.dialogue.lectures import voeux_du_dossier
    from orientation.dialogue.models import Avis, Voeu
    from tests.factories import famille

    dossier, _responsables = famille()
    autre, _ = famille()
    generale = Voie.objects.get(code="GENERALE")
    specialites = list(Specialite.objects.order_by("-code")[:4])
    for d in (dossier, autre):
        for phase in (Phase.PROVISOIRE, Phase.DEFINITIVE):
            voeu = Voeu.objects.create(dossier=d, phase=phase, rang=1, voie=generale)
            voeu.specialites.set(specialites[:3] if d == dossier else specialites[1:])
            avis = Avis.objects.create(voeu=voeu, valeur="favorable")
            avis.specialites_recommandees.set(specialites[2:])
    Voeu.objects.create(
        dossier=dossier, phase=Phase.PROVISOIRE, rang=2, voie=Voie.objects.get(code="STMG")
    )

    def lu(voeux):
        return [
            (
                v.pk,
                [s.code for s in v.specialites.all()],
                [s.code for s in v.avis.specialites_recommandees.all()]
                if getattr(v, "avis", None)
                else None,
            )
            for v in voeux
        ]

    attendus = (
        Voeu.objects.filter(dossier=dossier)
        .select_related("voie", "avis")
        .prefetch_related("specialites", "avis__specialites_recommandees")
        .order_by("phase", "rang")
    )
    catalogue.actif()  # kept in memory by the process (campagnes/catalogue.py)
    with CaptureQueriesContext(connection) as requetes:
        voeux = voeux_du_dossier(dossier.pk)
        obtenu = lu(voeux)
    assert obtenu == lu(attendus)
    assert [len(s) for _pk, s, _r in obtenu] == [3, 3, 0]
    assert len(requetes) == 2  # the wishes with their spécialités' ids, those of the avis
    with CaptureQueriesContext(connection) as requetes:
        assert lu(voeux_du_dossier(dossier.pk, Phase.DEFINITIVE)) == [
            t for t in lu(attendus) if t[0] in {v.pk for v in voeux if v.phase == "definitive"}
        ]
    assert len(requetes) == 2

    # A spécialité created since the process read the catalogue: the links are read instead.
    nouvelle = Specialite.objects.bulk_create([Specialite(code="NOUVELLE", libelle="Nouvelle")])
    Voeu.objects.get(dossier=dossier, phase=Phase.PROVISOIRE, rang=1).specialites.add(*nouvelle)
    assert "NOUVELLE" not in {s.code for s in catalogue.actif().specialites_par_pk.values()}
    with CaptureQueriesContext(connection) as requetes:
        obtenu = lu(voeux_du_dossier(dossier.pk))
    assert obtenu == lu(attendus.all())  # read again
    assert ["NOUVELLE" in codes for _pk, codes, _r in obtenu] == [False, True, False]
    assert len(requetes) == 3


def _grille_par_l_orm(division, campagne, phase):
    """The council grid's reading with prefetch_related(), as the ORM writes it: the reference
    of lectures.dossiers_du_conseil()."""
    from django.db.models import Prefetch

    from orientation.dialogue.models import Dossier, Proposition, Voeu

    voeux = Voeu.objects.filter(phase=phase).select_related("voie").prefetch_related("specialites")
    reponse = "avis" if phase == "provisoire" else "proposition"
    voeux = voeux.select_related(f"{reponse}__saisi_par").prefetch_related(
        f"{reponse}__specialites_recommandees"
    )
    qs = (
        Dossier.objects.filter(
            campagne=campagne, eleve__division=division, eleve__date_sortie__isnull=True
        )
        .select_related("eleve")
        .prefetch_related(Prefetch("voeux", queryset=voeux.order_by("rang"), to_attr="voeux_lus"))
        .order_by("eleve__nom", "eleve__prenom", "pk")
    )
    if phase == "definitive":
        qs = qs.prefetch_related(
            Prefetch(
                "propositions",
                queryset=Proposition.objects.filter(voeu__isnull=True).prefetch_related(
                    "specialites_recommandees"
                ),
                to_attr="proposees_lues",
            )
        )
    return list(qs)


@pytest.mark.parametrize("phase", ["provisoire", "definitive"])
def test_grille_du_conseil_lue_comme_par_prefetch_related(phase):
    """The council grid, and its pupil block read again after a save, come from
    lectures.dossiers_du_conseil(): the same pupils in the same order, the same wishes, answers
    (with who entered them), spécialités, recommendations and proposed voies as the ORM's
    prefetch_related() reading, by the same number of queries whatever the division's size."""
    from orientation.campagnes.models import Specialite, Voie
    from orientation.dialogue.models import Proposition
    from orientation.dialogue.views.conseil import _dossier, _dossiers
    from tests.factories import famille
    from tests.performance.test_budgets_pages import _voeux_en_plus

    dossier, _responsables = famille()
    division, campagne = dossier.eleve.division, dossier.campagne
    pp = UserFactory()
    _voeux_en_plus(dossier, 3, pp)
    proposee = Proposition.objects.create(
        dossier=dossier,
        voeu=None,
        voie=Voie.objects.exclude(pk__in=dossier.voeux.values("voie_id")).first(),
        reponse="oui",
    )
    proposee.specialites_recommandees.set(Specialite.objects.order_by("code")[:2])
    famille(campagne)  # another division's pupil: not in the grid
    parti, _ = famille(campagne, eleve__division=division)
    type(parti.eleve).objects.filter(pk=parti.eleve_id).update(
        date_sortie=datetime.date(2025, 1, 6)
    )

    def lu(d):
        champ = "avis" if phase == "provisoire" else "proposition"
        reponses = [getattr(v, champ, None) for v in d.voeux_lus]
        reponses += getattr(d, "proposees_lues", [])
        return (
            d.pk,
            d.eleve.nom,
            [(v.pk, v.voie.code, [s.code for s in v.specialites.all()]) for v in d.voeux_lus],
            [
                (
                    r.pk,
                    getattr(r.saisi_par, "pk", None),
                    [s.code for s in r.specialites_recommandees.all()],
                )
                if r
                else None
                for r in reponses
            ],
        )

    comptes = []
    for n in (1, 4):
        for _ in range(n):
            voisin, _ = famille(campagne, eleve__division=division)
            _voeux_en_plus(voisin, 2, pp)
        attendus = [lu(d) for d in _grille_par_l_orm(division, campagne, phase)]
        with CaptureQueriesContext(connection) as requetes:
            obtenus = [lu(d) for d in _dossiers(division, campagne, phase)]
        comptes.append(len(requetes))
        assert obtenus == attendus
        assert parti.pk not in {d[0] for d in obtenus} and dossier.pk in {d[0] for d in obtenus}
    assert comptes[0] == comptes[1] == (4 if phase == "provisoire" else 5)
    (attendu,) = [d for d in attendus if d[0] == dossier.pk]
    assert any(r and r[2] for r in attendu[3]) and any(s for _pk, _v, s in attendu[2])
    with CaptureQueriesContext(connection) as requetes:
        assert lu(_dossier(division, campagne, phase, dossier.pk)) == attendu
    assert len(requetes) == comptes[0]
    autre_division = DivisionFactory(etablissement=division.etablissement)
    assert _dossier(autre_division, campagne, phase, dossier.pk) is None
    assert _dossier(division, campagne, phase, parti.pk) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_verrou_du_dossier_seulement_dans_une_transaction():
    """The dossier's row lock of every transition, compiled once, still refuses to run outside a
    transaction, as select_for_update() does (it would lock nothing)."""
    from django.db import transaction

    from orientation.dialogue import workflow
    from tests.factories import famille

    dossier, _ = famille()
    with pytest.raises(transaction.TransactionManagementError):
        workflow._verrouiller(dossier)
    with transaction.atomic():
        assert workflow._verrouiller(dossier.pk) == dossier
        with pytest.raises(type(dossier).DoesNotExist):
            workflow._verrouiller(0)
