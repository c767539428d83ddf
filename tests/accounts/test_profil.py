from orientation.etablissements.models import Responsable
from tests.factories import MOT_DE_PASSE, EleveFactory, LienFactory, ResponsableFactory, UserFactory


def test_profil_affiche_identite_et_enfants(client, db):
    lien = LienFactory()
    autre = LienFactory()  # another family
    client.force_login(lien.responsable.user)
    html = client.get("/compte/profil/").content.decode()
    assert lien.responsable.user.username in html
    assert lien.eleve.nom_complet in html
    assert autre.eleve.nom_complet not in html  # R2


def test_changement_d_adresse_met_a_jour_les_responsables(client, db):
    lien = LienFactory()
    user = lien.responsable.user
    # The same person in a second school: another Responsable row, same account (R13).
    ailleurs = ResponsableFactory(user=user)
    LienFactory(responsable=ailleurs, eleve=EleveFactory(etablissement=ailleurs.etablissement))
    voisin = ResponsableFactory()
    client.force_login(user)
    response = client.post(
        "/compte/profil/adresse/", {"email": "nouvelle@exemple.fr", "password": MOT_DE_PASSE}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "nouvelle@exemple.fr"
    assert set(Responsable.objects.filter(user=user).values_list("email", flat=True)) == {
        "nouvelle@exemple.fr"
    }
    voisin.refresh_from_db()
    assert voisin.email != "nouvelle@exemple.fr"


def test_changement_d_adresse_refuse_sans_mot_de_passe_ou_adresse_invalide(client, db):
    lien = LienFactory()
    user = lien.responsable.user
    ancienne = user.email
    client.force_login(user)
    r1 = client.post("/compte/profil/adresse/", {"email": "x@exemple.fr", "password": "faux"})
    r2 = client.post(
        "/compte/profil/adresse/", {"email": "pas-une-adresse", "password": MOT_DE_PASSE}
    )
    assert r1.status_code == r2.status_code == 400
    assert "Le mot de passe saisi est incorrect." in r1.content.decode()
    user.refresh_from_db()
    lien.responsable.refresh_from_db()
    assert user.email == lien.responsable.email == ancienne


def test_changement_de_mot_de_passe_garde_la_session(client, db):
    user = UserFactory()
    client.force_login(user)
    nouveau = "Tout-nouveau-mot-de-passe-5"
    response = client.post(
        "/compte/profil/mot-de-passe/",
        {"old_password": MOT_DE_PASSE, "new_password1": nouveau, "new_password2": nouveau},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(nouveau)
    assert client.get("/compte/profil/").status_code == 200


def test_profil_reserve_aux_connectes(client, db):
    assert client.get("/compte/profil/").status_code == 302
