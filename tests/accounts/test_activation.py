import datetime

import pytest
from django.utils import timezone

from orientation.accounts.jetons import jeton_activation
from orientation.accounts.models import ActivationCode, User
from orientation.notifications.models import Notification
from tests.factories import EleveFactory, LienFactory, PersonnelFactory, UserFactory

from .conftest import lien_du_courriel

NOUVEAU = "Un-mot-de-passe-solide-42"


def _famille_non_activee(division, email="parent@exemple.fr"):
    lien = LienFactory(
        eleve=EleveFactory(division=division),
        responsable__email=email,
        responsable__user__activated_at=None,
    )
    user = lien.responsable.user
    user.set_unusable_password()
    user.save()
    return lien.responsable


def test_envoi_des_courriels_d_activation_par_le_chef(client, chef, ecole, division):
    avec = _famille_non_activee(division)
    sans = _famille_non_activee(division, email="")
    deja = LienFactory(eleve=EleveFactory(division=division)).responsable  # already activated
    client.force_login(chef)
    response = client.post(f"/compte/etablissement/{ecole.uai}/familles/activation/")
    assert response.status_code == 302
    rows = list(Notification.objects.filter(evenement="activation"))
    assert [r.destinataire_id for r in rows] == [avec.user_id]
    assert avec.user.username in rows[0].corps_texte
    avec.user.refresh_from_db()
    assert avec.user.activation_envoyee_le is not None
    assert not Notification.objects.filter(destinataire__in=[sans.user, deja.user]).exists()


def test_activation_par_lien_une_seule_fois(client, chef, ecole, division):
    responsable = _famille_non_activee(division)
    client.force_login(chef)
    client.post(f"/compte/etablissement/{ecole.uai}/familles/activation/")
    client.logout()
    chemin = lien_du_courriel(Notification.objects.get(evenement="activation"))
    assert client.get(chemin).status_code == 200
    response = client.post(chemin, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert response.status_code == 302
    user = User.objects.get(pk=responsable.user_id)
    assert user.activated_at is not None
    assert user.check_password(NOUVEAU)
    client.logout()
    again = client.get(chemin)
    assert again.status_code == 400
    assert "il a déjà servi ou il a expiré" in again.content.decode()
    response = client.post(
        chemin, {"new_password1": "Autre-mot-de-passe-9", "new_password2": "Autre-mot-de-passe-9"}
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)


def test_lien_d_activation_expire(client, db, settings, monkeypatch):
    user = UserFactory(activated_at=None)
    passe = datetime.datetime.now() - datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    monkeypatch.setattr(jeton_activation, "_now", lambda: passe)
    from orientation.accounts.jetons import lien

    chemin = "/" + lien("accounts:activer_lien", jeton_activation, user).split("/", 3)[3]
    monkeypatch.undo()
    response = client.get(chemin)
    assert response.status_code == 400
    assert "expiré" in response.content.decode()


def test_mot_de_passe_faible_refuse_au_lien(client, db):
    user = UserFactory(activated_at=None)
    from orientation.accounts.jetons import lien

    chemin = "/" + lien("accounts:activer_lien", jeton_activation, user).split("/", 3)[3]
    response = client.post(chemin, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.activated_at is None


@pytest.fixture
def code(db):
    user = UserFactory(username="m.martin", activated_at=None)
    user.set_unusable_password()
    user.save()
    return user, ActivationCode.issue(user)


def _activer(client, identifiant, code, mdp=NOUVEAU):
    return client.post(
        "/compte/activer/",
        {"identifiant": identifiant, "code": code, "password1": mdp, "password2": mdp},
    )


def test_activation_par_code_une_seule_fois(client, code):
    user, valeur = code
    response = _activer(client, "M.Martin", valeur.lower())
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.activated_at is not None and user.check_password(NOUVEAU)
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    again = _activer(client, "m.martin", valeur, "Encore-un-autre-77")
    assert again.status_code == 400
    assert "déjà été utilisé" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)


def test_code_faux_ou_d_un_autre_refuse(client, code):
    user, valeur = code
    autre = UserFactory(username="x.autre")
    response = _activer(client, "m.martin", "AAAA-BBBB-CCCC")
    assert "Identifiant ou code d&#x27;activation incorrect." in response.content.decode()
    response = _activer(client, autre.username, valeur)  # a valid code, somebody else's
    assert response.status_code == 400
    assert "incorrect" in response.content.decode()
    user.refresh_from_db()
    assert user.activated_at is None


def test_code_expire_refuse(client, code):
    user, valeur = code
    ActivationCode.objects.filter(user=user).update(expires_at=timezone.now())
    response = _activer(client, "m.martin", valeur)
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()
    user.refresh_from_db()
    assert user.activated_at is None


def test_mot_de_passe_faible_ne_consomme_pas_le_code(client, code):
    user, valeur = code
    response = _activer(client, "m.martin", valeur, "motdepasse")
    assert response.status_code == 400
    assert ActivationCode.objects.get(user=user).used_at is None
    assert _activer(client, "m.martin", valeur).status_code == 302


def _lettres(client, ecole, **data):
    return client.post(f"/compte/etablissement/{ecole.uai}/familles/lettres/", data)


def test_page_des_lettres(client, chef, ecole, division):
    sans = _famille_non_activee(division, email="")
    avec = _famille_non_activee(division)
    client.force_login(chef)
    response = _lettres(client, ecole, format="html", sans_adresse_seulement="on")
    assert response.status_code == 200
    html = response.content.decode()
    assert sans.user.username in html
    assert avec.user.username not in html  # it gets the e-mail
    assert response.headers["Cache-Control"] == "no-store"
    code = response.context["lettres"][0].code
    assert code in html
    assert ActivationCode.find_valid(code).user_id == sans.user_id
    # On demand: the letter of one representative, even one with an address.
    response = _lettres(client, ecole, format="html", responsable=[avec.pk])
    assert [lettre.identifiant for lettre in response.context["lettres"]] == [avec.user.username]


def test_lettre_reimprimee_revoque_l_ancien_code(client, chef, ecole, division):
    sans = _famille_non_activee(division, email="")
    client.force_login(chef)
    premier = _lettres(client, ecole, format="html").context["lettres"][0].code
    second = _lettres(client, ecole, format="html").context["lettres"][0].code
    assert ActivationCode.find_valid(premier) is None
    assert ActivationCode.find_valid(second).user_id == sans.user_id


def test_lettres_en_pdf(client, chef, ecole, division):
    _famille_non_activee(division, email="")
    _famille_non_activee(division, email="")
    client.force_login(chef)
    response = _lettres(client, ecole, format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(response.content)).pages) == 2  # one letter per page


def test_lettres_d_un_compte_sans_compte_creent_le_compte(client, chef, ecole, division):
    lien = LienFactory(
        eleve=EleveFactory(division=division), responsable__user=None, responsable__email=""
    )
    client.force_login(chef)
    response = _lettres(client, ecole, format="html")
    lien.responsable.refresh_from_db()
    assert lien.responsable.user is not None
    assert response.context["lettres"][0].identifiant == lien.responsable.user.username


def test_comptes_eleves(client, chef, ecole, division):
    eleve = EleveFactory(division=division, email="eleve@exemple.fr")
    client.force_login(chef)
    client.post(f"/compte/etablissement/{ecole.uai}/familles/activation/", {"public": "eleves"})
    eleve.refresh_from_db()
    assert eleve.user is not None
    assert Notification.objects.get(evenement="activation").destinataire_id == eleve.user_id


@pytest.mark.parametrize("role", ["professeur_principal", None, "autre_ecole"])
def test_actions_des_familles_reservees(client, ecole, division, role):
    _famille_non_activee(division, email="")
    if role == "professeur_principal":
        user = PersonnelFactory(etablissement=ecole, role=role, divisions=[division]).user
        attendu = 403
    elif role == "autre_ecole":
        user = PersonnelFactory().user
        attendu = 404
    else:
        user = LienFactory(eleve=EleveFactory(division=division)).responsable.user
        attendu = 404
    client.force_login(user)
    assert client.get(f"/compte/etablissement/{ecole.uai}/familles/").status_code == attendu
    assert _lettres(client, ecole, format="html").status_code == attendu
    assert (
        client.post(f"/compte/etablissement/{ecole.uai}/familles/activation/").status_code
        == attendu
    )
    assert not ActivationCode.objects.exists()
    assert not Notification.objects.exists()
