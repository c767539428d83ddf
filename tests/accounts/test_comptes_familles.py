from orientation.accounts.models import ActivationCode
from tests.factories import DivisionFactory, EleveFactory, LienFactory


def test_liste_par_division_avec_etats(
    client, chef, ecole, division, django_assert_max_num_queries
):
    autre_division = DivisionFactory(etablissement=ecole)
    active = LienFactory(eleve=EleveFactory(division=division)).responsable
    sans = LienFactory(
        eleve=EleveFactory(division=division),
        responsable__email="",
        responsable__user__activated_at=None,
        responsable__user__email="",
    ).responsable
    lettre = LienFactory(
        eleve=EleveFactory(division=autre_division),
        responsable__email="",
        responsable__user__activated_at=None,
        responsable__user__email="",
    ).responsable
    ActivationCode.issue(lettre.user)
    # Another school's representative, with a name no generated one can contain.
    ailleurs = LienFactory(responsable__nom="Horsétablissement")
    client.force_login(chef)
    with django_assert_max_num_queries(12):
        response = client.get(f"/compte/etablissement/{ecole.uai}/familles/")
    html = response.content.decode()
    etats = {
        c.personne.pk: c.etat for _d, lignes in response.context["groupes"] for _e, c in lignes
    }
    assert etats == {active.pk: "active", sans.pk: "sans_adresse", lettre.pk: "lettre_a_remettre"}
    assert ailleurs.responsable.nom not in html
    response = client.get(f"/compte/etablissement/{ecole.uai}/familles/?division={division.pk}")
    assert [d for d, _l in response.context["groupes"]] == [division]


def test_personne_d_une_autre_ecole_ignoree(client, chef, ecole):
    ailleurs = LienFactory(responsable__user__activated_at=None)
    client.force_login(chef)
    response = client.post(
        f"/compte/etablissement/{ecole.uai}/familles/lettres/",
        {"responsable": [ailleurs.responsable.pk], "format": "html"},
    )
    assert response.status_code == 302  # nothing to print
    assert not ActivationCode.objects.exists()
