"""Seeing the e-mails: the demo outbox, the staff pages; families and other schools get 404."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from orientation.accounts.models import Role
from orientation.dialogue.courriels import DecisionPrise
from orientation.notifications.models import Notification
from tests.factories import PersonnelFactory, famille

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier_et_courriels():
    dossier, responsables = famille()
    rows = DecisionPrise.envoyer(dossier=dossier)
    rows[0].statut = Notification.Statut.ECHEC
    rows[0].tentatives = 8
    rows[0].derniere_erreur = "SMTPRecipientsRefused: 550 inconnu"
    rows[0].save()
    rows[1].statut = Notification.Statut.SANS_ADRESSE
    rows[1].save()
    return dossier, responsables, rows


def chef(dossier, role=Role.CHEF_ETABLISSEMENT):
    return PersonnelFactory(etablissement=dossier.campagne.etablissement, role=role).user


# --- Demo outbox ---


def test_boite_de_demo_introuvable_hors_demo(client, settings, dossier_et_courriels):
    settings.ORIENTATION_DEMO = False
    row = dossier_et_courriels[2][0]
    for url in (
        reverse("notifications:demo_courriels"),
        reverse("notifications:demo_courriel", args=[row.pk]),
        reverse("notifications:demo_courriel_html", args=[row.pk]),
    ):
        assert client.get(url).status_code == 404


def test_boite_de_demo_liste_et_detail(client, settings, dossier_et_courriels):
    settings.ORIENTATION_DEMO = True
    row = dossier_et_courriels[2][0]
    html = client.get(reverse("notifications:demo_courriels")).content.decode()
    assert row.sujet.replace("'", "&#x27;") in html
    assert '<th scope="col">' in html
    detail = client.get(reverse("notifications:demo_courriel", args=[row.pk])).content.decode()
    assert "Version texte" in detail
    assert '<iframe class="courriel-apercu" sandbox=""' in detail


def test_html_du_courriel_servi_sous_une_csp_stricte(client, settings, dossier_et_courriels):
    settings.ORIENTATION_DEMO = True
    row = dossier_et_courriels[2][0]
    response = client.get(reverse("notifications:demo_courriel_html", args=[row.pk]))
    assert response.status_code == 200
    assert response.content.decode() == row.corps_html
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "sandbox" in csp
    assert "script-src" not in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


# --- Staff ---


def test_le_personnel_voit_les_courriels_du_dossier(client, dossier_et_courriels):
    dossier, (mere, pere), rows = dossier_et_courriels
    client.force_login(chef(dossier))
    response = client.get(reverse("notifications:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert mere.email in html and pere.email in html
    assert "échec définitif" in html
    assert "pas d&#x27;adresse valide" in html
    assert "550 inconnu" in html
    assert "Réessayer" in html  # on the failed row only
    assert html.count("Réessayer<span") == 1


@pytest.mark.parametrize("qui", ["mere", "eleve", "autre_ecole", "anonyme"])
def test_les_familles_et_les_autres_ne_voient_pas_ces_pages(client, dossier_et_courriels, qui):
    dossier, (mere, _pere), rows = dossier_et_courriels
    from tests.factories import EtablissementFactory, UserFactory

    if qui == "mere":
        client.force_login(mere.user)
    elif qui == "eleve":
        eleve_user = UserFactory()
        dossier.eleve.user = eleve_user
        dossier.eleve.save()
        client.force_login(eleve_user)
    elif qui == "autre_ecole":
        client.force_login(PersonnelFactory(etablissement=EtablissementFactory()).user)
    urls = [
        ("get", reverse("notifications:dossier", args=[dossier.pk])),
        ("get", reverse("notifications:echecs")),
        ("post", reverse("notifications:reessayer", args=[rows[0].pk])),
    ]
    for methode, url in urls:
        response = getattr(client, methode)(url)
        if qui == "anonyme":
            assert response.status_code == 302 and response.url.startswith(
                reverse("accounts:login")
            )
        elif qui == "autre_ecole" and url == reverse("notifications:echecs"):
            # Staff of another school: the page exists but shows nothing of this school.
            assert response.status_code == 200
            assert mere.email not in response.content.decode()
        else:
            assert response.status_code == 404, (qui, url)
    rows[0].refresh_from_db()
    assert rows[0].statut == Notification.Statut.ECHEC  # nothing changed


def test_page_des_courriels_non_remis_de_l_etablissement(
    client, dossier_et_courriels, django_assert_max_num_queries
):
    dossier, (mere, pere), rows = dossier_et_courriels
    autre_dossier, _r = famille(campagne=dossier.campagne)
    DecisionPrise.envoyer(dossier=autre_dossier)  # pending: not listed
    for _ in range(5):
        d, _r = famille(campagne=dossier.campagne)
        Notification.objects.filter(pk__in=[r.pk for r in DecisionPrise.envoyer(dossier=d)]).update(
            statut=Notification.Statut.ECHEC
        )
    user = chef(dossier, Role.SECRETARIAT)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notifications:echecs"))
    html = response.content.decode()
    assert mere.email in html and pere.email in html
    assert dossier.eleve.nom_complet in html
    assert html.count("<tr>") == 1 + 2 + 10


def test_reessayer_un_courriel_en_echec(client, dossier_et_courriels):
    dossier, _resp, rows = dossier_et_courriels
    client.force_login(chef(dossier))
    url = reverse("notifications:reessayer", args=[rows[0].pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": reverse("notifications:dossier", args=[dossier.pk])})
    assert response.status_code == 302
    assert response.url == reverse("notifications:dossier", args=[dossier.pk])
    rows[0].refresh_from_db()
    assert rows[0].statut == Notification.Statut.EN_ATTENTE
    assert rows[0].tentatives == 0
    assert rows[0].tache_id


def test_reessayer_sans_objet_ne_change_rien(client, dossier_et_courriels):
    dossier, _resp, rows = dossier_et_courriels
    client.force_login(chef(dossier))
    response = client.post(
        reverse("notifications:reessayer", args=[rows[1].pk]), {"next": "https://ailleurs.example/"}
    )
    assert response.url == reverse("notifications:echecs")  # no open redirect
    rows[1].refresh_from_db()
    assert rows[1].statut == Notification.Statut.SANS_ADRESSE
    page = client.get(response.url).content.decode()
    assert "rien à renvoyer" in page


def test_fragment_incluable_dans_une_page_de_dossier(rf, dossier_et_courriels):
    dossier, (mere, _pere), _rows = dossier_et_courriels
    request = rf.get("/")
    html = Template("{% load notifications %}{% courriels_du_dossier dossier %}").render(
        Context({"dossier": dossier, "request": request, "csrf_token": "x"})
    )
    assert "<h2" in html and "Courriels envoyés" in html
    assert mere.email in html
    assert '<th scope="row">Décision d&#x27;orientation (R21)' in html
