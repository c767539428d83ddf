from django.contrib.auth.signals import user_logged_out

from tests.factories import MOT_DE_PASSE, UserFactory

URL = "/compte/connexion/"


def test_connexion_par_identifiant(client, db):
    user = UserFactory(username="j.dupont")
    response = client.post(URL, {"username": "J.Dupont", "password": MOT_DE_PASSE})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_connexion_par_adresse(client, db):
    user = UserFactory(email="parent@exemple.fr")
    response = client.post(URL, {"username": "parent@exemple.fr", "password": MOT_DE_PASSE})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_nouvelle_session_a_la_connexion(client, db):
    UserFactory(username="a.b")
    client.get(URL)
    client.session.save()
    avant = client.session.session_key
    client.post(URL, {"username": "a.b", "password": MOT_DE_PASSE})
    assert client.session.session_key != avant


def _erreur(client, username, password):
    response = client.post(URL, {"username": username, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    return response.context["form"].non_field_errors()


def test_message_identique_compte_inconnu_ou_mauvais_mot_de_passe(client, db):
    UserFactory(username="connu")
    inactif = UserFactory(username="inactif")
    inactif.set_unusable_password()  # not activated yet
    inactif.save()
    mauvais = _erreur(client, "connu", "pas-le-bon")
    inconnu = _erreur(client, "inconnu", "pas-le-bon")
    non_active = _erreur(client, "inactif", "pas-le-bon")
    assert mauvais == inconnu == non_active
    assert "incorrect" in mauvais[0]


def test_page_de_connexion_en_francais(client, db):
    html = client.get(URL).content.decode()
    assert "Identifiant ou adresse électronique" in html
    assert 'autocomplete="current-password"' in html


def test_deconnexion_par_get_refusee(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/compte/deconnexion/").status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)


def test_deconnexion_par_post_termine_la_session(client, db):
    user = UserFactory()
    client.force_login(user)
    recus = []

    def recepteur(sender, user, **kwargs):
        recus.append(user)

    user_logged_out.connect(recepteur)
    try:
        response = client.post("/compte/deconnexion/")
    finally:
        user_logged_out.disconnect(recepteur)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert recus == [user]  # R15: the summary hooks this signal
    assert client.get("/compte/profil/").status_code == 302  # back to the login page


def test_verrouillage_apres_echecs(client, db, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="cible")
    for _ in range(2):
        client.post(URL, {"username": "cible", "password": "faux"})
    response = client.post(URL, {"username": "cible", "password": MOT_DE_PASSE})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
