"""Database constraints of the dialogue models, the factory traits, and the family predicate."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from orientation.accounts.permissions import agit_pour_la_famille
from orientation.campagnes.models import Phase, Voie
from orientation.dialogue.models import Decision, Etat, Proposition, Saisie, Voeu
from tests.factories import DossierFactory, UserFactory, famille

pytestmark = pytest.mark.django_db


def voie(code):
    return Voie.objects.get(code=code)


def test_R8_une_voie_une_fois_et_un_voeu_par_rang_en_base():
    dossier = DossierFactory()
    Voeu.objects.create(dossier=dossier, phase=Phase.PROVISOIRE, rang=1, voie=voie("STMG"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Voeu.objects.create(dossier=dossier, phase=Phase.PROVISOIRE, rang=2, voie=voie("STMG"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Voeu.objects.create(dossier=dossier, phase=Phase.PROVISOIRE, rang=1, voie=voie("STL"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Voeu.objects.create(dossier=dossier, phase=Phase.PROVISOIRE, rang=12, voie=voie("STL"))
    # The other phase has its own list.
    Voeu.objects.create(dossier=dossier, phase=Phase.DEFINITIVE, rang=1, voie=voie("STMG"))


def test_R16_une_voie_non_demandee_est_toujours_proposee():
    dossier = DossierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposition.objects.create(dossier=dossier, voie=voie("STL"), reponse="non")
    Proposition.objects.create(dossier=dossier, voie=voie("STL"), reponse="oui")


def test_X_decision_non_conforme_motivee():
    dossier = DossierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            dossier=dossier, conforme_a_la_demande=False, prise_le=timezone.now()
        )
    Decision.objects.create(
        dossier=dossier,
        conforme_a_la_demande=False,
        motivation="Résultats",
        prise_le=timezone.now(),
    )


@pytest.mark.parametrize(
    ("trait", "etat", "phases"),
    [
        ("intentions_validees", Etat.INTENTIONS_VALIDEES, {"provisoire"}),
        ("avis_publie", Etat.AVIS_PUBLIE, {"provisoire"}),
        ("avis_accuse", Etat.AVIS_ACCUSE, {"provisoire"}),
        ("voeux_valides", Etat.VOEUX_VALIDES, {"provisoire", "definitive"}),
    ],
)
def test_traits_de_la_fabrique(trait, etat, phases):
    dossier = DossierFactory(**{trait: True})
    assert dossier.etat == etat
    assert set(Saisie.objects.filter(dossier=dossier).values_list("phase", flat=True)) == phases
    assert set(Voeu.objects.filter(dossier=dossier).values_list("phase", flat=True)) == phases
    assert (dossier.avis_accuse_le is not None) == (trait in ("avis_accuse", "voeux_valides"))


def test_X_agit_pour_la_famille():
    dossier, (r1, r2) = famille()
    eleve = dossier.eleve
    eleve.user = UserFactory()
    eleve.save()
    assert agit_pour_la_famille(r1.user, eleve) and agit_pour_la_famille(r2.user, eleve)
    assert not agit_pour_la_famille(eleve.user, eleve)
    assert not agit_pour_la_famille(UserFactory(), eleve)
    # Adult: the pupil acts, the representatives no longer do.
    eleve.date_naissance = timezone.localdate() - datetime.timedelta(days=18 * 366)
    eleve.save()
    assert agit_pour_la_famille(eleve.user, eleve)
    assert not agit_pour_la_famille(r1.user, eleve)
