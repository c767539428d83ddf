"""Sessions (ASVS V3), login throttling and hashing (V2), the security log (V7)."""

import json
import logging
import re
import time

import pytest
from django.conf import settings as reglages
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.urls import reverse

from orientation.accounts.hachage import Argon2idOWASP
from orientation.accounts.models import Role
from orientation.accounts.personnels import creer_personnel
from orientation.dialogue.models import Evenement
from tests.factories import MOT_DE_PASSE, EtablissementFactory, PersonnelFactory, UserFactory

pytestmark = pytest.mark.django_db


def _lignes(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "orientation.audit"]


def _connecter(client, username, mot_de_passe=MOT_DE_PASSE):
    return client.post(reverse("accounts:login"), {"username": username, "password": mot_de_passe})


def test_la_connexion_donne_une_nouvelle_session(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    client.session["avant"] = 1
    avant = client.session.session_key
    _connecter(client, user.username)
    assert client.session.session_key != avant
    assert int(client.session["_auth_user_id"]) == user.pk


def test_la_connexion_ecrit_la_nouvelle_session_une_fois_et_supprime_l_ancienne(client):
    """login() cycles the session key: the visitor's session row is deleted, its data kept, and
    the new session is written once, with the login's data, by one INSERT (Django's cycle_key
    inserted an empty row, then the response updated it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orientation.accounts.models import Session

    user = UserFactory()
    visiteur = client.session
    visiteur["langue_choisie"] = "fr"
    visiteur.save()
    client.cookies[reglages.SESSION_COOKIE_NAME] = avant = visiteur.session_key
    with CaptureQueriesContext(connection) as requetes:
        assert _connecter(client, user.username).status_code == 302
    ecritures = [
        q["sql"].split()[0]
        for q in requetes
        if "accounts_session" in q["sql"] and q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert ecritures == ["DELETE", "INSERT"]
    apres = client.session
    assert apres.session_key != avant
    assert not Session.objects.filter(session_key=avant).exists()
    assert apres["langue_choisie"] == "fr" and int(apres["_auth_user_id"]) == user.pk
    assert Session.objects.get(session_key=apres.session_key).compte_id == user.pk


def test_la_deconnexion_est_un_post_et_vide_la_session(client):
    """The session's row goes by one DELETE (Django's engine read it first, then deleted it
    through the ORM's collector), which is only right while nothing refers to a session row and
    nothing listens to its deletion: checked here too."""
    from django.db import connection
    from django.db.models.signals import post_delete, pre_delete
    from django.test.utils import CaptureQueriesContext

    from orientation.accounts.models import Session

    assert Session._meta.related_objects == ()
    assert not pre_delete.has_listeners(Session) and not post_delete.has_listeners(Session)
    user = UserFactory()
    client.force_login(user)
    autre = Client()
    autre.force_login(user)  # another device's session stays
    cle = client.session.session_key
    assert client.get(reverse("accounts:logout")).status_code == 405
    with CaptureQueriesContext(connection) as requetes:
        client.post(reverse("accounts:logout"))
    assert [q["sql"].split()[0] for q in requetes if "accounts_session" in q["sql"]] == [
        "SELECT",  # the request's session, with its account
        "DELETE",
    ]
    assert Session.objects.filter(session_key=cle).exists() is False
    assert Session.objects.filter(session_key=autre.session.session_key).exists()
    assert client.get(reverse("accounts:profil")).status_code == 302


def test_la_duree_de_la_session_part_de_la_connexion_sans_ecriture_a_la_page_suivante(client):
    """The session's start and last activity are written at login, with the new session: the
    first page after it reads the session and writes nothing (no UPDATE of the session table)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    avant = int(time.time())
    _connecter(client, user.username)
    session = client.session
    assert avant <= session["_debut"] == session["_derniere_activite"] <= int(time.time())
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(reverse("accueil")).status_code == 200
    ecritures = [q["sql"] for q in requetes if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert ecritures == []  # the session's table is accounts_session


def test_une_session_ouverte_avant_l_ecriture_du_debut_a_la_connexion_en_recoit_un(client):
    """A session opened by an earlier version (no start written at login) stays valid: its first
    page writes its start and last activity, and the limits count from there."""
    client.force_login(UserFactory())
    session = client.session
    del session["_debut"], session["_derniere_activite"]
    session.save()
    avant = int(time.time())
    assert client.get(reverse("accounts:profil")).status_code == 200
    session = client.session
    assert avant <= session["_debut"] == session["_derniere_activite"] <= int(time.time())


@pytest.mark.parametrize("cle,duree", [("_derniere_activite", 30 * 60), ("_debut", 12 * 3600)])
def test_inactivite_30_min_et_duree_absolue_12_h(client, cle, duree):
    assert reglages.SESSION_IDLE_TIMEOUT == 30 * 60
    assert reglages.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:profil")).status_code == 200
    session = client.session
    session[cle] = int(time.time()) - duree - 1
    if cle == "_debut":
        session["_derniere_activite"] = int(time.time())
    session.save()
    reponse = client.get(reverse("accounts:profil"))
    assert reponse.status_code == 302 and "/compte/connexion/" in reponse["Location"]


def test_mots_de_passe_en_argon2():
    # The tests swap in MD5 for speed: read the settings module itself.
    from orientation import settings as module

    assert module.PASSWORD_HASHERS[0] == "orientation.accounts.hachage.Argon2idOWASP"

    hacheur = Argon2idOWASP()
    empreinte = hacheur.encode("x", hacheur.salt())
    # Argon2id with one of OWASP's configurations: 7 MiB, 5 passes, 1 lane (docs/adr/0007).
    assert empreinte.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert hacheur.verify("x", empreinte) and not hacheur.verify("y", empreinte)


def test_libsodium_verifie_les_empreintes_d_argon2_cffi(monkeypatch):
    """Logins verify with libsodium (docs/adr/0006): the same answers as argon2-cffi on the hashes
    it wrote — the service's, Django's default parameters, any password — and Argon2i hashes,
    which libsodium's Argon2id API does not take, still go to argon2-cffi."""
    import argon2
    from nacl import pwhash

    appels = []
    verifier = pwhash.argon2id.verify
    monkeypatch.setattr(pwhash.argon2id, "verify", lambda *a: appels.append(1) or verifier(*a))
    hacheur = Argon2idOWASP()
    for auteur in (hacheur, Argon2PasswordHasher()):  # 7 MiB, 1 lane; 100 MiB, 8 lanes
        for mot in ("Un-mot-de-passe-2026", "élève\x00€ 😀", "x" * 200):
            empreinte = auteur.encode(mot, auteur.salt())
            assert hacheur.verify(mot, empreinte)
            assert not hacheur.verify(mot + "!", empreinte)
            # One character of the hash itself changed (its first: all six bits count; the
            # last one of the base64 carries bits that are ignored).
            debut, _, condense = empreinte.rpartition("$")
            autre = "B" if condense[0] == "A" else "A"
            assert not hacheur.verify(mot, f"{debut}${autre}{condense[1:]}")
    assert len(appels) == 18
    argon2i = "argon2" + argon2.PasswordHasher(
        time_cost=2, memory_cost=1024, parallelism=1, type=argon2.Type.I
    ).hash("secret")
    assert hacheur.verify("secret", argon2i) and not hacheur.verify("autre", argon2i)
    assert len(appels) == 18
    assert not hacheur.verify("x", "argon2$argon2id$v=19$m=19456,t=2,p=1$abîmé$")


def test_un_compte_inconnu_coute_une_verification_comme_un_autre(client, settings, monkeypatch):
    """Unknown identifier, account without a password yet, wrong password: one Argon2 verification
    each and no encoding, so that the time taken does not tell which accounts exist."""
    settings.PASSWORD_HASHERS = ["orientation.accounts.hachage.Argon2idOWASP"]
    user = UserFactory()
    user.set_password(MOT_DE_PASSE)
    user.save()
    sans_mot_de_passe = UserFactory()
    sans_mot_de_passe.set_unusable_password()
    sans_mot_de_passe.save()
    _connecter(client, "personne-inconnue", "x" * 12)  # the process's reference hash, made once
    travail = []
    for nom in ("verify", "encode"):
        original = getattr(Argon2idOWASP, nom)
        monkeypatch.setattr(
            Argon2idOWASP,
            nom,
            lambda self, *a, _o=original, _n=nom: travail.append(_n) or _o(self, *a),
        )
    for identifiant in ("personne-inconnue", sans_mot_de_passe.username, user.username):
        travail.clear()
        assert _connecter(client, identifiant, "x" * 12).status_code == 200
        assert travail == ["verify"], identifiant


class _Argon2DeLADR0005(Argon2idOWASP):
    """The service's parameters before ADR 0007: 19 MiB, 2 passes."""

    time_cost = 2
    memory_cost = 19 * 1024


@pytest.mark.parametrize(
    "ancienne,parametres",
    [
        (_Argon2DeLADR0005(), "m=19456,t=2,p=1"),
        (Argon2PasswordHasher(), "m=102400,t=2,p=8"),  # Django's defaults, before ADR 0005
    ],
    ids=["19-mio", "defaut-django"],
)
def test_une_ancienne_empreinte_argon2_est_refaite_a_la_connexion(
    client, settings, ancienne, parametres
):
    settings.PASSWORD_HASHERS = [
        "orientation.accounts.hachage.Argon2idOWASP",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    user = UserFactory()
    user.password = ancienne.encode("Un-mot-de-passe-2026", ancienne.salt())
    user.save()
    assert parametres in user.password
    assert client.login(username=user.username, password="Un-mot-de-passe-2026")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert client.login(username=user.username, password="Un-mot-de-passe-2026")


def test_axes_verrouille_par_identifiant_et_adresse_en_francais(client, settings, caplog):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    user = UserFactory()
    caplog.set_level(logging.INFO, logger="orientation.audit")
    for _ in range(3):
        reponse = _connecter(client, user.username, "mauvais")
    reponse = _connecter(client, user.username)  # even the right password is refused now
    assert reponse.status_code == 429
    assert "Connexion temporairement bloquée" in reponse.content.decode()
    assert "verrouillage" in {ligne["evenement"] for ligne in _lignes(caplog)}
    # Another username from the same address is not locked.
    assert _connecter(client, UserFactory().username).status_code == 302


def test_axes_purge_les_tentatives_expirees_par_un_index(client, settings):
    """At each successful login and logout django-axes deletes the failed attempts older than the
    cool-off from the whole table; without an index on their time, a wave of failed logins made
    every login and logout read it all (accounts/migrations/0004)."""
    from axes.models import AccessAttempt
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from orientation.accounts.tentatives import GestionnaireTentatives

    settings.AXES_ENABLED = True
    GestionnaireTentatives._prochain_nettoyage = 0.0  # the purge is due (once a minute)
    user = UserFactory()
    with CaptureQueriesContext(connection) as requetes:
        assert _connecter(client, user.username).status_code == 302
    purge = [q["sql"] for q in requetes if "axes_accessattempt" in q["sql"] and "<=" in q["sql"]]
    assert purge and '"attempt_time" <=' in purge[0]  # the query the index is for
    sql, params = (
        AccessAttempt.objects.filter(attempt_time__lte=timezone.now()).values("pk").query
    ).sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(ligne) for ligne in cur.fetchall())
    assert "axes_tentative_heure" in plan, plan


def test_pas_d_enumeration_des_comptes(client):
    user = UserFactory()
    inconnu = _connecter(client, "personne-inconnue", "x" * 12).content.decode()
    connu = _connecter(client, user.username, "x" * 12).content.decode()
    jeton = re.compile(r'value="[A-Za-z0-9]{64}"|nonce="[^"]+"')
    assert jeton.sub("", inconnu.replace("personne-inconnue", "")) == jeton.sub(
        "", connu.replace(user.username, "")
    )
    r1 = client.post(reverse("accounts:reinitialiser"), {"identifiant": "inconnu@exemple.fr"})
    r2 = client.post(reverse("accounts:reinitialiser"), {"identifiant": user.email})
    assert r1.status_code == r2.status_code == 302
    assert r1["Location"] == r2["Location"]


def test_journal_d_authentification_sans_secret(client, caplog):
    user = UserFactory()
    caplog.set_level(logging.INFO, logger="orientation.audit")
    _connecter(client, user.username, "MotDePasseFaux-123")
    _connecter(client, user.username)
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:reinitialiser"), {"identifiant": user.email})
    evenements = [ligne["evenement"] for ligne in _lignes(caplog)]
    assert evenements[:3] == ["connexion_echec", "connexion", "deconnexion"]
    assert "reinitialisation_demandee" in evenements
    tout = "\n".join(r.getMessage() for r in caplog.records)
    assert "MotDePasseFaux-123" not in tout and MOT_DE_PASSE not in tout
    assert user.email not in tout
    assert client.session.session_key is None or client.session.session_key not in tout


def test_connexions_reussies_dans_le_journal_seulement(client, settings, caplog):
    """A login and a logout are in the security log; axes keeps no second copy of them (address,
    browser) in its table, while the failures the lockout counts are still recorded."""
    from axes.models import AccessAttempt, AccessLog

    settings.AXES_ENABLED = True
    user = UserFactory()
    caplog.set_level(logging.INFO, logger="orientation.audit")
    _connecter(client, user.username, "MotDePasseFaux-123")
    assert AccessAttempt.objects.filter(username=user.username).count() == 1
    _connecter(client, user.username)
    client.post(reverse("accounts:logout"))
    assert [x["evenement"] for x in _lignes(caplog)] == [
        "connexion_echec",
        "connexion",
        "deconnexion",
    ]
    assert not AccessLog.objects.exists()


def test_acces_refuse_a_un_dossier_journalise(client, caplog):
    from tests.factories import famille

    dossier, _ = famille()
    client.force_login(UserFactory())
    caplog.set_level(logging.INFO, logger="orientation.audit")
    assert client.get(reverse("dialogue:famille_dossier", args=[dossier.pk])).status_code == 404
    (ligne,) = [x for x in _lignes(caplog) if x["evenement"] == "acces_refuse"]
    assert ligne["statut"] == 404 and ligne["objets"] == {"pk": dossier.pk}


def test_changement_de_personnel_ecrit_un_evenement():
    etab = EtablissementFactory()
    chef = PersonnelFactory(etablissement=etab, role=Role.CHEF_ETABLISSEMENT).user
    creer_personnel(
        etab,
        chef,
        prenom="Anne",
        nom="Martin",
        email="anne.martin@exemple.fr",
        role=Role.SECRETARIAT,
        ip="192.0.2.7",
    )
    evenement = Evenement.objects.get(action="personnel_cree")
    assert evenement.etablissement == etab and evenement.acteur == chef
    assert evenement.adresse_ip == "192.0.2.7" and evenement.details["role"] == Role.SECRETARIAT


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_une_connexion_n_ouvre_aucune_transaction(client):
    """Outside any transaction (a request's, always), the session is written by its one INSERT or
    UPDATE, without Django's BEGIN and COMMIT around it; and axes' reset of the account's
    attempts is one DELETE: a login makes no transaction at all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    with CaptureQueriesContext(connection) as requetes:
        assert _connecter(client, user.username).status_code == 302
    sql = [q["sql"].split()[0] for q in requetes]
    assert "INSERT" in sql and "BEGIN" not in sql and "COMMIT" not in sql
    assert client.get(reverse("accounts:profil")).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hors_transaction_la_session_garde_les_erreurs_de_django(monkeypatch):
    """A key already taken: create() draws another (CreateError inside save); a session whose row
    is gone (logged out on another tab): UpdateError, which Django's middleware answers."""
    from django.contrib.sessions.backends.base import UpdateError

    from orientation.accounts.models import Session
    from orientation.accounts.sessions import SessionStore

    prise = SessionStore()
    prise["a"] = 1
    prise.create()
    cles = iter([prise.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(cles))
    nouvelle = SessionStore()
    nouvelle["b"] = 2
    nouvelle.create()
    assert nouvelle.session_key == "k" * 32
    assert SessionStore(prise.session_key).load() == {"a": 1}  # untouched
    Session.objects.filter(session_key=nouvelle.session_key).delete()
    nouvelle["b"] = 3
    with pytest.raises(UpdateError):
        nouvelle.save()
    assert not Session.objects.filter(session_key=nouvelle.session_key).exists()
