"""The CSRF tokens' random characters drawn in one read of the system's random source
(orientation/aleatoire.py): uniform by construction, the same contract as Django's
get_random_string(), and what Django's CSRF protection now uses."""

import string

import pytest
from django.middleware import csrf
from django.test import Client

from orientation.aleatoire import chaine_aleatoire

ALPHANUMERIQUES = string.ascii_letters + string.digits  # Django's CSRF_ALLOWED_CHARS


def _source(*morceaux: bytes):
    """A random source giving `morceaux` in turn, whatever is asked."""
    suite = iter(morceaux)
    return lambda _n: next(suite)


def test_chaque_caractere_a_autant_d_octets_que_les_autres():
    """Every byte value once: each of the 62 characters comes exactly 4 times (248 = 4 × 62), the
    8 bytes above 247 are dropped. With bytes drawn uniformly, characters are then uniform."""
    tires = chaine_aleatoire(248, ALPHANUMERIQUES, octets=_source(bytes(range(256))))
    assert {tires.count(c) for c in ALPHANUMERIQUES} == {4}
    assert tires == ALPHANUMERIQUES * 4


def test_les_octets_ecartes_sont_remplaces_par_un_nouveau_tirage():
    ecartes = bytes(range(248, 256)) * 5  # none stands for a character
    tires = chaine_aleatoire(3, ALPHANUMERIQUES, octets=_source(ecartes, b"\x00\x01", b"\x3e"))
    assert tires == "aba"  # 0, 1, then 62 % 62 = 0


def test_un_alphabet_de_deux_caracteres_ne_perd_aucun_octet():
    assert chaine_aleatoire(4, "01", octets=_source(bytes([0, 1, 255, 254]))) == "0110"


@pytest.mark.parametrize("alphabet", ["abcé", "x" * 257])
def test_un_alphabet_hors_ascii_ou_trop_long_va_a_django(alphabet, monkeypatch):
    appels = []
    monkeypatch.setattr(
        "orientation.aleatoire.get_random_string",
        lambda n, chars: appels.append((n, chars)) or "z" * n,
    )
    assert chaine_aleatoire(5, alphabet) == "zzzzz"
    assert appels == [(5, alphabet)]


def test_le_tirage_reel():
    tires = {chaine_aleatoire(32, ALPHANUMERIQUES) for _ in range(50)}
    assert len(tires) == 50
    assert all(len(t) == 32 and set(t) <= set(ALPHANUMERIQUES) for t in tires)


def test_la_protection_csrf_de_django_tire_ainsi_ses_masques(monkeypatch):
    """Django's masking draws nothing character by character any more, and a masked token
    still unmasks to its secret."""
    monkeypatch.setattr(
        "secrets.choice", lambda _chars: pytest.fail("tirage caractère par caractère")
    )
    secret = csrf._get_new_csrf_string()
    jetons = {csrf._mask_cipher_secret(secret) for _ in range(20)}
    assert len(jetons) == 20  # a new mask each time
    assert all(csrf._unmask_cipher_token(j) == secret for j in jetons)


@pytest.mark.django_db
def test_un_formulaire_protege_s_envoie_avec_son_jeton():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/compte/connexion/")
    jeton = page.context["csrf_token"]
    refuse = client.post("/compte/connexion/", {"username": "x", "password": "y"})
    assert refuse.status_code == 403
    accepte = client.post(
        "/compte/connexion/", {"username": "x", "password": "y", "csrfmiddlewaretoken": str(jeton)}
    )
    assert accepte.status_code == 200  # the form again, with its error: the token was accepted
