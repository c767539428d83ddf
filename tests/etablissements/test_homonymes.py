"""Two pupils of one class with the same name: the staff's lists write their birth dates so that
the council's answer, the paper fiche or the head's decision goes to the right one; the pages
about one pupil always write it (etablissements.models.homonymes, the `ne_le` filter)."""

import datetime as dt

import pytest
from django.urls import reverse

from orientation.accounts.models import Role
from orientation.etablissements.models import Eleve, homonymes
from orientation.etablissements.templatetags.eleves import ne_le
from orientation.notifications.models import Notification
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    EleveFactory,
    PersonnelFactory,
    courriel_non_remis,
    famille,
)

pytestmark = pytest.mark.django_db

PREMIERE, SECONDE, AUTRE = "né(e) le 12/03/2010", "né(e) le 01/07/2010", "né(e) le 05/01/2010"


def test_homonymes_d_une_meme_classe_quelle_que_soit_la_casse():
    division, autre_classe = DivisionFactory(), DivisionFactory()
    a = EleveFactory(nom="Durand", prenom="Françoise", division=division)
    b = EleveFactory(nom="DURAND", prenom="françoise", division=division)
    c = EleveFactory(nom="Durand", prenom="Françoise", division=autre_classe)
    d = EleveFactory(nom="Durand", prenom="Léa", division=division)
    assert homonymes([a, b, c, d]) == {a.pk, b.pk}
    # The same pupil twice (once per representative) is not their own homonym.
    assert homonymes([a, a, c, d]) == set()


def test_la_date_de_naissance_toujours_ou_pour_les_seuls_homonymes():
    eleve = Eleve(pk=1, nom="Durand", prenom="Françoise", date_naissance=dt.date(2010, 3, 12))
    assert ne_le(eleve) == f" ({PREMIERE})"
    assert ne_le(eleve, {1, 2}) == f" ({PREMIERE})"
    assert ne_le(eleve, {2}) == ""
    eleve.date_naissance = None
    assert ne_le(eleve) == ""


@pytest.fixture
def classe():
    """Two Françoise Durand and a Léa Martin in 2A, after the council (each list shows them);
    a Françoise Durand in 2B, told apart by her class."""
    campagne = CampagneFactory()
    etab = campagne.etablissement
    division = DivisionFactory(etablissement=etab, code="2A", est_seconde_gt=True)
    autre = DivisionFactory(etablissement=etab, code="2B", est_seconde_gt=True)
    dossiers = [
        famille(
            campagne,
            propositions_publiees=True,
            eleve__division=de_la_classe,
            eleve__nom=nom,
            eleve__prenom=prenom,
            eleve__date_naissance=naissance,
        )[0]
        for de_la_classe, nom, prenom, naissance in [
            (division, "Durand", "Françoise", dt.date(2010, 3, 12)),
            (division, "Durand", "Françoise", dt.date(2010, 7, 1)),
            (division, "Martin", "Léa", dt.date(2010, 1, 5)),
            (autre, "Durand", "Françoise", dt.date(2010, 9, 9)),
        ]
    ]
    chef = PersonnelFactory(etablissement=etab, role=Role.CHEF_ETABLISSEMENT).user
    return campagne, division, dossiers, chef


@pytest.mark.parametrize(
    "page",
    [
        "pilotage:etablissement",
        "dialogue:direction_liste",
        "dialogue:papier_liste",
        "accounts:comptes_familles",
        "notifications:echecs",
    ],
)
def test_une_liste_date_les_seuls_homonymes(client, classe, page):
    campagne, division, dossiers, chef = classe
    client.force_login(chef)
    uai = campagne.etablissement.uai
    if page == "notifications:echecs":
        for dossier in dossiers:  # an e-mail each, not delivered
            courriel_non_remis(dossier, Notification.Statut.SANS_ADRESSE)
        url = reverse(page)
    else:
        url = reverse(page, args=[uai])
    texte = client.get(url).content.decode()
    assert PREMIERE in texte and SECONDE in texte
    assert AUTRE not in texte and "né(e) le 09/09/2010" not in texte


def test_la_grille_du_conseil_date_chaque_eleve_et_ses_homonymes_dans_le_sommaire(client, classe):
    campagne, division, dossiers, chef = classe
    client.force_login(chef)
    r = client.get(reverse("dialogue:conseil", args=[division.pk, "definitive"]))
    assert r.context["homonymes"] == {dossiers[0].eleve_id, dossiers[1].eleve_id}
    texte = r.content.decode()
    # Each pupil's card (its heading names the section, so that no two sections bear the same
    # name) and, in the list of pupils at the top, the homonyms only.
    assert (texte.count(PREMIERE), texte.count(SECONDE), texte.count(AUTRE)) == (2, 2, 1)


@pytest.mark.parametrize("page", ["dialogue:direction_dossier", "dialogue:papier_fiche"])
def test_la_page_d_un_eleve_donne_sa_date_de_naissance(client, classe, page):
    _campagne, _division, dossiers, chef = classe
    client.force_login(chef)
    texte = client.get(reverse(page, args=[dossiers[2].pk])).content.decode()
    assert AUTRE in texte


def test_la_fiche_dialogue_pdf_donne_la_date_de_naissance(classe):
    """The fiche the school prints (pilotage/pdf.py) names the pupil with the same words."""
    from django.template.loader import render_to_string

    from orientation.pilotage.pdf import dossiers_pour_pdf, fiche

    _campagne, _division, dossiers, _chef = classe
    (lue,) = dossiers_pour_pdf(type(dossiers[2]).objects.filter(pk=dossiers[2].pk))
    html = render_to_string("pilotage/fiches_pdf.html", {"fiches": [fiche(lue)]})
    assert f"— {AUTRE}" in html
