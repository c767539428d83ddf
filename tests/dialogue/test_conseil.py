"""The class council's grid (R4, R16): entries, permissions, publication, query counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orientation.accounts.models import Role
from orientation.campagnes.models import Campagne, Phase, Specialite, Voie
from orientation.dialogue import regles, workflow
from orientation.dialogue.models import Avis, Etat, Evenement, Proposition, Voeu
from orientation.notifications.models import Notification
from tests.factories import (
    CampagneFactory,
    ConseilDivisionFactory,
    DivisionFactory,
    PersonnelFactory,
    famille,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campagne():
    return CampagneFactory()


@pytest.fixture
def division(campagne):
    return DivisionFactory(etablissement=campagne.etablissement, code="2DE1")


@pytest.fixture
def pp(division):
    return PersonnelFactory(
        etablissement=division.etablissement, role=Role.PROFESSEUR_PRINCIPAL, divisions=[division]
    ).user


@pytest.fixture
def chef(campagne):
    return PersonnelFactory(etablissement=campagne.etablissement).user


def _dossier(campagne, division, **traits):
    dossier, _ = famille(campagne, representants=1, eleve__division=division, **traits)
    return dossier


def _url(division, phase="provisoire"):
    return reverse("dialogue:conseil", args=[division.pk, phase])


def _url_eleve(division, dossier, phase="provisoire"):
    return reverse("dialogue:conseil_enregistrer", args=[division.pk, phase, dossier.pk])


def _voeu(dossier, phase=Phase.PROVISOIRE, rang=1):
    return Voeu.objects.get(dossier=dossier, phase=phase, rang=rang)


# --- rules ---------------------------------------------------------------------------------------


def test_R4_motif_obligatoire_pour_reserve_et_defavorable():
    assert regles.verifier_avis("favorable", "") is None
    assert regles.verifier_avis("reserve", "  ")
    assert regles.verifier_avis("defavorable", "")
    assert regles.verifier_avis("defavorable", "Résultats en mathématiques") is None


def test_R4_R16_publication_le_lendemain_du_conseil():
    jour = datetime.date(2027, 3, 10)
    assert regles.date_de_publication(jour) == datetime.date(2027, 3, 11)
    assert not regles.publication_possible(jour, jour)
    assert regles.publication_possible(jour, datetime.date(2027, 3, 11))


# --- the grid ------------------------------------------------------------------------------------


def test_R4_grille_et_enregistrement_par_eleve(client, campagne, division, pp):
    d1 = _dossier(campagne, division, intentions_validees=True)
    d2 = _dossier(campagne, division, intentions_validees=True)
    vide = _dossier(campagne, division)
    client.force_login(pp)
    page = client.get(_url(division))
    assert page.status_code == 200
    assert "La famille n&#x27;a rien saisi" in page.content.decode() or "rien saisi" in (
        page.content.decode()
    )
    assert f'id="eleve-{vide.pk}"' in page.content.decode()
    v1 = _voeu(d1)
    reponse = client.post(
        _url_eleve(division, d1),
        {f"avis-{v1.pk}": "favorable", f"commentaire-{v1.pk}": "Bon trimestre"},
    )
    assert reponse.status_code == 302
    assert reponse.url.endswith(f"#eleve-{d1.pk}")
    avis = Avis.objects.get(voeu=v1)
    assert (avis.valeur, avis.commentaire, avis.saisi_par) == ("favorable", "Bon trimestre", pp)
    assert not Avis.objects.filter(voeu__dossier=d2).exists()  # the others untouched
    d1.refresh_from_db()
    assert d1.etat == Etat.INTENTIONS_VALIDEES  # not published yet
    page = client.get(_url(division)).content.decode()
    assert "Saisi par" in page
    # The count agrees with the number of complete pupils, not with the class's size.
    assert (
        "Élèves complets : <span data-nb-completes>1</span> sur 3 ; "
        "sans saisie de la famille : 1." in page
    )
    assert f'href="#eleve-{d1.pk}">' in page and "<span data-marque>&nbsp;✓</span>" in page


def test_R4_reserve_sans_motif_refuse_sans_rien_enregistrer(client, campagne, division, pp):
    d1 = _dossier(campagne, division, intentions_validees=True)
    v1 = _voeu(d1)
    client.force_login(pp)
    reponse = client.post(_url_eleve(division, d1), {f"avis-{v1.pk}": "reserve"})
    assert reponse.status_code == 422
    page = reponse.content.decode()
    assert "Indiquez le motif" in page
    # The error is tied to its field (RGAA 11.10), and only to it.
    assert f'aria-describedby="motif-{v1.pk}-erreur"' in page
    assert f'<p class="fr-error-text" id="motif-{v1.pk}-erreur">' in page
    assert f"choix-{v1.pk}-erreur" not in page
    assert not Avis.objects.exists()
    assert not Evenement.objects.filter(action="saisir_avis").exists()


def test_avis_inconnu_refuse_et_signale_sur_le_choix(client, campagne, division, pp):
    d1 = _dossier(campagne, division, intentions_validees=True)
    v1 = _voeu(d1)
    client.force_login(pp)
    reponse = client.post(_url_eleve(division, d1), {f"avis-{v1.pk}": "peut-etre"})
    assert reponse.status_code == 422
    page = reponse.content.decode()
    assert f'<div class="fr-messages-group" id="choix-{v1.pk}-erreur"' in page
    assert f"motif-{v1.pk}-erreur" not in page
    assert not Avis.objects.exists()


def test_R4_correction_auditee(client, campagne, division, pp):
    d1 = _dossier(campagne, division, intentions_validees=True)
    v1 = _voeu(d1)
    client.force_login(pp)
    client.post(_url_eleve(division, d1), {f"avis-{v1.pk}": "favorable"})
    client.post(
        _url_eleve(division, d1),
        {f"avis-{v1.pk}": "defavorable", f"motif-{v1.pk}": "Travail insuffisant"},
    )
    client.post(  # the same again: nothing changes, nothing audited
        _url_eleve(division, d1),
        {f"avis-{v1.pk}": "defavorable", f"motif-{v1.pk}": "Travail insuffisant"},
    )
    evenements = list(Evenement.objects.filter(dossier=d1, action="saisir_avis"))
    assert len(evenements) == 2
    dernier = evenements[-1]
    assert dernier.acteur == pp
    changement = dernier.details["changements"][0]
    assert changement["avant"]["valeur"] == "favorable"
    assert changement["apres"]["valeur"] == "defavorable"
    assert changement["apres"]["motif"] == "Travail insuffisant"


def test_R4_specialites_recommandees_pour_la_generale(client, campagne, division, pp):
    d1 = _dossier(campagne, division, intentions_validees=True)
    generale = Voie.objects.get(code="GENERALE")
    v2 = Voeu.objects.create(dossier=d1, phase=Phase.PROVISOIRE, rang=2, voie=generale)
    maths, pc = Specialite.objects.filter(code__in=["MATHS", "PC"]).order_by("code")
    client.force_login(pp)
    client.post(
        _url_eleve(division, d1),
        {f"avis-{v2.pk}": "favorable", f"spe-{v2.pk}": [maths.pk, pc.pk]},
    )
    assert set(Avis.objects.get(voeu=v2).specialites_recommandees.all()) == {maths, pc}
    # The grid shows them ticked again (orientation/dialogue/templatetags/grille.py).
    page = client.get(_url(division)).content.decode()
    assert (
        f'id="spe-{v2.pk}-{maths.pk}" name="spe-{v2.pk}" value="{maths.pk}" checked>'
        f'<label class="fr-label" for="spe-{v2.pk}-{maths.pk}">Mathématiques</label>'
    ) in page
    svt = Specialite.objects.get(code="SVT")
    assert f'name="spe-{v2.pk}" value="{svt.pk}">' in page


def test_grille_ecrit_les_identifiants_sans_mise_en_forme_des_nombres(
    client, campagne, division, pp, settings
):
    # With thousands separators on, a pk of 12345 rendered as a number would read "12 345" in
    # the ids and names the form posts and the labels point to; the rows write them as they are.
    settings.USE_THOUSAND_SEPARATOR = True
    d1 = _dossier(campagne, division, intentions_validees=True, pk=67890)
    generale = Voie.objects.get(code="GENERALE")
    Voeu.objects.create(pk=12345, dossier=d1, phase=Phase.PROVISOIRE, rang=2, voie=generale)
    client.force_login(pp)
    page = client.get(_url(division)).content.decode()
    for attribut in ('id="voeu-12345"', 'for="motif-12345"', 'name="commentaire-12345"'):
        assert attribut in page
    for attribut in ('href="#eleve-67890"', 'id="eleve-67890"', 'aria-labelledby="nom-67890"'):
        assert attribut in page
    assert 'name="avis-12345"' in page and 'name="spe-12345"' in page
    for nombre in ("12\xa0345", "12 345", "12,345", "67\xa0890", "67 890"):
        assert nombre not in page


def test_cases_et_radios_de_la_grille_echappent_et_cochent():
    from types import SimpleNamespace

    from orientation.dialogue.templatetags.grille import cases_specialites, radios_en_ligne

    specialites = [
        SimpleNamespace(pk=7, libelle="Arts & <danse>"),
        SimpleNamespace(pk=8, libelle="LLCER"),
    ]
    cases = cases_specialites(specialites, {8}, "spe", 41, 41)
    assert cases == (
        '<div class="fr-fieldset__element"><div class="fr-checkbox-group fr-checkbox-group--sm">'
        '<input type="checkbox" id="spe-41-7" name="spe-41" value="7"><label class="fr-label" '
        'for="spe-41-7">Arts &amp; &lt;danse&gt;</label></div></div>'
        '<div class="fr-fieldset__element"><div class="fr-checkbox-group fr-checkbox-group--sm">'
        '<input type="checkbox" id="spe-41-8" name="spe-41" value="8" checked><label '
        'class="fr-label" for="spe-41-8">LLCER</label></div></div>'
    )
    sans_element = cases_specialites(specialites[:1], set(), "spe-proposee", 3, 9, element=False)
    assert sans_element.startswith('<div class="fr-checkbox-group fr-checkbox-group--sm">')
    assert 'id="spe-proposee-3-7" name="spe-proposee-9"' in sans_element
    radios = radios_en_ligne("avis", 41, [("favorable", "favorable"), ("x", 'a"b')], "x")
    assert 'id="avis-41-favorable" name="avis-41" value="favorable">' in radios
    assert 'for="avis-41-favorable">Favorable</label>' in radios  # capitalised
    assert 'value="x" checked><label class="fr-label" for="avis-41-x">A&quot;b</label>' in radios


def test_R16_oui_non_proposition_et_passerelle(client, division, pp):
    campagne = division.etablissement.campagnes.get()
    d1 = _dossier(campagne, division, voeux_valides=True)
    pro = Voie.objects.get(code="PRO")
    stmg = _voeu(d1, Phase.DEFINITIVE)
    vpro = Voeu.objects.create(
        dossier=d1, phase=Phase.DEFINITIVE, rang=2, voie=pro, option_pro="cap"
    )
    generale = Voie.objects.get(code="GENERALE")
    maths = Specialite.objects.get(code="MATHS")
    client.force_login(pp)
    reponse = client.post(
        _url_eleve(division, d1, "definitive"),
        {
            f"reponse-{stmg.pk}": "oui",
            f"reponse-{vpro.pk}": "non",
            f"commentaire-{vpro.pk}": "Passerelle prématurée",
            "proposer": [generale.pk],
            f"spe-proposee-{generale.pk}": [maths.pk],
        },
    )
    assert reponse.status_code == 302
    p_pro = Proposition.objects.get(voeu=vpro)
    assert p_pro.passerelle and p_pro.reponse == "non" and p_pro.option_pro == "cap"
    proposee = Proposition.objects.get(dossier=d1, voeu__isnull=True)
    assert proposee.voie == generale and proposee.reponse == "oui"
    assert list(proposee.specialites_recommandees.all()) == [maths]
    page = client.get(_url(division, "definitive")).content.decode()
    assert (
        f'id="spe-proposee-{d1.pk}-{maths.pk}" name="spe-proposee-{generale.pk}" '
        f'value="{maths.pk}" checked>'
    ) in page
    # Withdrawing the proposal deletes it, audited.
    client.post(
        _url_eleve(division, d1, "definitive"),
        {
            f"reponse-{stmg.pk}": "oui",
            f"reponse-{vpro.pk}": "non",
            f"commentaire-{vpro.pk}": "Passerelle prématurée",
        },
    )
    assert not Proposition.objects.filter(dossier=d1, voeu__isnull=True).exists()
    assert Evenement.objects.filter(dossier=d1, action="saisir_propositions").count() == 2
    page = client.get(_url(division, "definitive")).content.decode()
    assert "passerelle" in page


def test_grille_nombre_de_requetes_constant(
    client, campagne, division, pp, django_assert_num_queries
):
    """The same number of queries for 5 and for 35 pupils (the middleware's own queries vary with
    the project's settings: the grid's are measured at 5 pupils, then asserted exactly at 35)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def remplir(nombre):
        for _ in range(nombre):
            d = _dossier(campagne, division, intentions_validees=True)
            Avis.objects.create(voeu=_voeu(d), valeur="favorable", saisi_par=pp)

    remplir(5)
    client.force_login(pp)
    client.get(_url(division))  # warm the session and the site configuration cache
    with CaptureQueriesContext(connection) as cinq:
        assert client.get(_url(division)).status_code == 200
    with django_assert_num_queries(len(cinq)):
        assert client.get(_url(division)).status_code == 200
    assert len(cinq) <= NB_REQUETES_GRILLE_MAX
    remplir(30)
    with django_assert_num_queries(len(cinq)):
        page = client.get(_url(division))
    assert page.content.decode().count('class="conseil-eleve') == 35


NB_REQUETES_GRILLE_MAX = 15


def test_enregistrement_d_un_eleve_nombre_de_requetes_constant(client, campagne, division, pp):
    """Saving a pupil's answers costs the same number of queries for two wishes as for four (the
    new avis in one INSERT, their spécialités in another) and whatever the division's size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    maths, pc = Specialite.objects.filter(code__in=["MATHS", "PC"])
    voies = Voie.objects.in_bulk(["GENERALE", "STI2D", "ST2S"], field_name="code")

    def eleve(codes):
        d = _dossier(campagne, division, intentions_validees=True)
        for rang, code in enumerate(codes, start=2):
            Voeu.objects.create(dossier=d, phase=Phase.PROVISOIRE, rang=rang, voie=voies[code])
        return d

    def enregistrer(d):
        donnees = {}
        for v in Voeu.objects.filter(dossier=d, phase=Phase.PROVISOIRE).select_related("voie"):
            donnees[f"avis-{v.pk}"] = "favorable"
            if v.voie.code == "GENERALE":
                donnees[f"spe-{v.pk}"] = [maths.pk, pc.pk]
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.post(_url_eleve(division, d), donnees, headers=FETCH)
        assert reponse.status_code == 200
        return len(requetes)

    client.force_login(pp)
    client.get(_url(division))  # the session and the site configuration read once
    deux = enregistrer(eleve(["GENERALE"]))
    assert Avis.objects.count() == 2
    for _ in range(10):
        eleve(["GENERALE"])
    assert enregistrer(eleve(["GENERALE", "STI2D", "ST2S"])) == deux
    assert Avis.objects.count() == 6
    generales = Avis.objects.filter(voeu__voie__code="GENERALE")
    assert [a.specialites_recommandees.count() for a in generales] == [2, 2]
    assert deux <= NB_REQUETES_ENREGISTREMENT_MAX


NB_REQUETES_ENREGISTREMENT_MAX = 20
FETCH = {"X-Requested-With": "fetch"}


# --- permissions ---------------------------------------------------------------------------------


def test_pp_d_une_autre_division_404(client, campagne, division):
    autre = DivisionFactory(etablissement=campagne.etablissement)
    pp_autre = PersonnelFactory(
        etablissement=campagne.etablissement, role=Role.PROFESSEUR_PRINCIPAL, divisions=[autre]
    ).user
    d1 = _dossier(campagne, division, intentions_validees=True)
    v1 = _voeu(d1)
    client.force_login(pp_autre)
    assert client.get(_url(division)).status_code == 404
    assert client.post(_url_eleve(division, d1), {f"avis-{v1.pk}": "favorable"}).status_code == 404
    assert not Avis.objects.exists()


def test_secretariat_lit_sans_saisir(client, campagne, division):
    secretariat = PersonnelFactory(etablissement=campagne.etablissement, role=Role.SECRETARIAT).user
    d1 = _dossier(campagne, division, intentions_validees=True)
    v1 = _voeu(d1)
    client.force_login(secretariat)
    page = client.get(_url(division))
    assert page.status_code == 200
    assert "data-conseil-eleve" not in page.content.decode()
    assert client.post(_url_eleve(division, d1), {f"avis-{v1.pk}": "favorable"}).status_code == 404
    assert not Avis.objects.exists()


def test_famille_et_autre_ecole_404(client, campagne, division):
    d1, (parent,) = famille(
        campagne, representants=1, eleve__division=division, intentions_validees=True
    )
    v1 = _voeu(d1)
    autre_chef = PersonnelFactory().user
    for user in (parent.user, autre_chef):
        client.force_login(user)
        assert client.get(_url(division)).status_code == 404
        assert (
            client.post(_url_eleve(division, d1), {f"avis-{v1.pk}": "favorable"}).status_code == 404
        )
        assert (
            client.post(
                reverse("dialogue:conseil_publier", args=[division.pk, "provisoire"])
            ).status_code
            == 404
        )
    assert not Avis.objects.exists()


def test_pp_ne_publie_pas(client, campagne, division, pp):
    ConseilDivisionFactory(
        campagne=campagne,
        division=division,
        date_conseil=timezone.localdate() - datetime.timedelta(days=2),
    )
    client.force_login(pp)
    url = reverse("dialogue:conseil_publier", args=[division.pk, "provisoire"])
    assert client.post(url).status_code == 404


def test_R4_famille_ne_voit_pas_les_avis_non_publies(client, campagne, division, pp):
    d1, (parent,) = famille(
        campagne, representants=1, eleve__division=division, intentions_validees=True
    )
    v1 = _voeu(d1)
    workflow.enregistrer_avis(d1, pp, [workflow.SaisieAvis(v1.pk, "defavorable", "Motif secret")])
    assert not Avis.objects.publies().exists()
    client.force_login(parent.user)
    page = client.get(reverse("dialogue:famille_dossier", args=[d1.pk]))
    assert "Motif secret" not in page.content.decode()
    page = client.get(reverse("dialogue:famille_intentions", args=[d1.pk]))
    assert "Motif secret" not in page.content.decode()


def test_R16_famille_ne_voit_pas_les_propositions_non_publiees(campagne, division, pp):
    d1 = _dossier(campagne, division, voeux_valides=True)
    v1 = _voeu(d1, Phase.DEFINITIVE)
    workflow.enregistrer_propositions(
        d1, pp, [workflow.SaisieProposition(v1.pk, v1.voie_id, "oui")]
    )
    assert Proposition.objects.filter(dossier=d1).exists()
    assert not Proposition.objects.publiees().exists()


# --- publication ---------------------------------------------------------------------------------


def _avis_complets(dossier, pp):
    v1 = _voeu(dossier)
    workflow.enregistrer_avis(dossier, pp, [workflow.SaisieAvis(v1.pk, "favorable")])


def test_R4_publication_automatique_le_lendemain(campagne, division, pp):
    conseil = ConseilDivisionFactory(
        campagne=campagne, division=division, date_conseil=timezone.localdate()
    )
    complet = _dossier(campagne, division, intentions_validees=True)
    incomplet = _dossier(campagne, division, intentions_validees=True)
    _avis_complets(complet, pp)
    assert workflow.publier_conseils_echus() == 0  # the council's day itself: nothing
    demain = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(demain, tick=False):
        assert workflow.publier_conseils_echus() == 1
        assert workflow.publier_conseils_echus() == 0  # idempotent
    complet.refresh_from_db()
    incomplet.refresh_from_db()
    conseil.refresh_from_db()
    assert complet.etat == Etat.AVIS_PUBLIE
    assert incomplet.etat == Etat.INTENTIONS_VALIDEES
    assert conseil.publie_le is not None
    assert Avis.objects.publies().count() == 1
    assert Notification.objects.filter(evenement="resultats_disponibles").count() == 1
    # A pupil completed after the publication is published at once.
    _avis_complets(incomplet, pp)
    incomplet.refresh_from_db()
    assert incomplet.etat == Etat.AVIS_PUBLIE
    # After publication, nothing can be changed.
    with pytest.raises(workflow.TransitionRefusee):
        _avis_complets(complet, pp)


def test_R4_publication_manuelle_attend_le_chef(client, campagne, division, pp, chef):
    campagne.publication = Campagne.Publication.MANUELLE
    campagne.save()
    conseil = ConseilDivisionFactory(
        campagne=campagne, division=division, date_conseil=timezone.localdate()
    )
    d1 = _dossier(campagne, division, intentions_validees=True)
    _avis_complets(d1, pp)
    client.force_login(chef)
    url = reverse("dialogue:conseil_publier", args=[division.pk, "provisoire"])
    client.post(url)  # the council's day: refused
    d1.refresh_from_db()
    assert d1.etat == Etat.INTENTIONS_VALIDEES
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        assert workflow.publier_conseils_echus() == 0  # manual campaign: not automatic
        client.force_login(chef)
        reponse = client.post(url)
        assert reponse.status_code == 302
    d1.refresh_from_db()
    conseil.refresh_from_db()
    assert d1.etat == Etat.AVIS_PUBLIE
    assert conseil.publie_le is not None
    assert Evenement.objects.get(dossier=d1, action="publier_avis").acteur == chef


def test_R16_publication_des_propositions(campagne, division, pp, chef):
    ConseilDivisionFactory(
        campagne=campagne,
        division=division,
        phase=Phase.DEFINITIVE,
        date_conseil=timezone.localdate() - datetime.timedelta(days=1),
    )
    d1 = _dossier(campagne, division, voeux_valides=True)
    v1 = _voeu(d1, Phase.DEFINITIVE)
    workflow.enregistrer_propositions(
        d1, pp, [workflow.SaisieProposition(v1.pk, v1.voie_id, "oui")]
    )
    assert workflow.publier_conseils_echus() == 1
    d1.refresh_from_db()
    assert d1.etat == Etat.PROPOSITIONS_PUBLIEES
    assert Proposition.objects.publiees().count() == 1
    assert Notification.objects.filter(evenement="resultats_disponibles").count() == 1


def test_commande_publier_resultats(campagne, division, pp):
    from django.core.management import call_command

    ConseilDivisionFactory(
        campagne=campagne,
        division=division,
        date_conseil=timezone.localdate() - datetime.timedelta(days=3),
    )
    d1 = _dossier(campagne, division, intentions_validees=True)
    _avis_complets(d1, pp)
    call_command("publier_resultats")
    d1.refresh_from_db()
    assert d1.etat == Etat.AVIS_PUBLIE


def test_R4_la_chronologie_de_la_famille_ne_montre_pas_les_saisies(campagne, division, pp):
    from orientation.dialogue import chronologie

    d1 = _dossier(campagne, division, intentions_validees=True)
    _avis_complets(d1, pp)
    assert Evenement.objects.filter(dossier=d1, action="saisir_avis").exists()
    assert "saisir_avis" in chronologie.INTERNES


@pytest.mark.parametrize("phase", ["provisoire", "definitive"])
def test_la_grille_relue_ne_compile_aucune_requete(client, campagne, division, pp, phase):
    """Every read of a grid looks up the division, its school's campaign and council, the pupils,
    the voies that may be proposed and the account's divisions (permissions): compiled once per
    process (orientation/requetes.py) or in memory (the catalogue), not by the ORM at each read
    (≈ 0.3 ms of CPU each)."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    ConseilDivisionFactory(campagne=campagne, division=division, phase=phase)
    _dossier(campagne, division)
    client.force_login(pp)
    assert client.get(_url(division, phase)).status_code == 200
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as sql:
        reponse = client.get(_url(division, phase))
    assert reponse.status_code == 200 and "2DE1" in reponse.content.decode()
    assert [appel.args[0].query.model.__name__ for appel in sql.call_args_list] == []


def test_un_enregistrement_ne_compile_que_ses_ecritures(client, campagne, division, pp):
    """A pupil's save reads the division, the campaign, the council, the pupil's voeux, avis and
    recommended spécialités by queries compiled once per process (dialogue/lectures.py): the ORM
    compiles only its writes (the avis, and the set() of its recommended spécialités, which reads
    the current ones)."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    ConseilDivisionFactory(campagne=campagne, division=division, phase=Phase.PROVISOIRE)
    dossier = _dossier(campagne, division, intentions_validees=True)
    voeu = _voeu(dossier)
    client.force_login(pp)
    client.post(_url_eleve(division, dossier), {f"avis-{voeu.pk}": "favorable"})
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as sql:
        reponse = client.post(
            _url_eleve(division, dossier),
            {f"avis-{voeu.pk}": "reserve", f"motif-{voeu.pk}": "Résultats fragiles"},
        )
    assert reponse.status_code == 302
    assert Avis.objects.get(voeu=voeu).valeur == "reserve"
    lectures = [
        appel.args[0].query.model.__name__
        for appel in sql.call_args_list
        if type(appel.args[0]) is SQLCompiler
    ]
    assert set(lectures) <= {"Specialite", "Avis_specialites_recommandees"}, lectures
