import re

from orientation.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import lien_du_courriel

URL = "/compte/mot-de-passe-oublie/"
NOUVEAU = "Nouveau-mot-de-passe-88"


def test_meme_reponse_que_le_compte_existe_ou_non(client, db):
    UserFactory(username="connu", email="connu@exemple.fr")
    UserFactory(username="sansadresse", email="")
    reponses = [
        client.post(URL, {"identifiant": saisie}, follow=True)
        for saisie in ("connu", "inconnu", "sansadresse", "personne@exemple.fr")
    ]
    assert {r.redirect_chain[-1][0] for r in reponses} == {"/compte/mot-de-passe-oublie/envoye/"}
    # The page is the same but for its per-response CSP nonce.
    textes = {re.sub(r'nonce="[^"]+"', "", r.content.decode()) for r in reponses}
    assert len(textes) == 1
    assert Notification.objects.filter(evenement="reinitialisation").count() == 1


def test_reinitialisation_par_adresse_et_lien_a_usage_unique(client, db):
    user = UserFactory(email="parent@exemple.fr")
    client.post(URL, {"identifiant": "PARENT@exemple.fr"})
    row = Notification.objects.get(evenement="reinitialisation")
    assert row.destinataire_id == user.pk
    chemin = lien_du_courriel(row)
    response = client.post(chemin, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)
    assert (
        client.post(
            chemin, {"new_password1": "x-Autre-99-y", "new_password2": "x-Autre-99-y"}
        ).status_code
        == 400
    )
    user.refresh_from_db()
    assert user.check_password(NOUVEAU)


def test_un_lien_d_activation_ne_sert_pas_de_lien_de_reinitialisation(client, db):
    from orientation.accounts.jetons import jeton_activation, lien

    user = UserFactory()
    chemin = "/" + lien("accounts:activer_lien", jeton_activation, user).split("/", 3)[3]
    chemin = chemin.replace("/activer/", "/mot-de-passe-oublie/")
    assert client.get(chemin).status_code == 400
