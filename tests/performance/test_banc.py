"""The load bench's professeur journey against the real grid: if the grid's markup changes so
that the bench can no longer find or post its forms, this fails instead of the bench silently
measuring a journey without saves (docs/performance.md)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from bench.charge import FETCH, GRILLE, _Formulaires
from orientation.campagnes.models import Phase
from orientation.dialogue.models import Avis, Voeu
from tests.factories import classe_du_conseil, famille

pytestmark = pytest.mark.django_db


def test_le_professeur_du_banc_trouve_sa_grille_et_enregistre_un_eleve(client):
    division, pp, (dossier,) = classe_du_conseil()
    voeux = list(Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE))
    assert voeux
    client.force_login(pp)

    accueil = client.get("/").content.decode()
    grille = reverse("dialogue:conseil", args=[division.pk, "provisoire"])
    assert grille in GRILLE.findall(accueil)

    formulaires = _Formulaires.lire(client.get(grille).content, "/eleve/")
    assert len(formulaires) == 1
    action, donnees = formulaires[0]
    champs = dict(donnees)
    for voeu in voeux:  # the first answer of each voeu, none being chosen yet
        assert champs[f"avis-{voeu.pk}"] == "favorable"
        assert f"commentaire-{voeu.pk}" in champs
    assert {"csrfmiddlewaretoken", "version"} <= champs.keys()

    # As the bench's client sends it: (name, value) pairs, a name repeating for ticked boxes.
    reponse = client.post(
        action,
        urlencode(donnees),
        content_type="application/x-www-form-urlencoded",
        headers=FETCH,
    )
    assert reponse.status_code == 200
    assert [a.valeur for a in Avis.objects.filter(voeu__in=voeux)] == ["favorable"] * len(voeux)


def test_le_generateur_s_arrete_aux_eleves_qu_il_enregistre(client):
    """The bench's professeur reads only the pupils' forms it saves (three per visit): the same
    forms, in the same order, as a reading of the whole grid."""
    division, pp, _dossiers = classe_du_conseil(eleves=4)
    client.force_login(pp)
    page = client.get(reverse("dialogue:conseil", args=[division.pk, "provisoire"])).content
    tous = _Formulaires.lire(page, "/eleve/")
    assert len(tous) == 4
    assert _Formulaires.lire(page, "/eleve/", 3) == tous[:3]
    assert _Formulaires.lire(page, "/eleve/", 9) == tous
    # Read from the first pupil's form on: the header's logout form is not among them, and a
    # page without any pupil's form gives none (read-only grid).
    assert all("/eleve/" in action for action, _donnees in tous)
    assert _Formulaires.lire(page, "/sans-cible/") == []
    sans_formulaire = client.get(reverse("dialogue:conseil", args=[division.pk, "definitive"]))
    assert b"/eleve/" not in sans_formulaire.content
    assert _Formulaires.lire(sans_formulaire.content, "/eleve/") == []


def test_les_deux_listes_de_la_famille_du_banc_sont_validees(client):
    """The lists the bench's families validate in turn pass the rules (R8–R11): otherwise the
    bench would measure refusals (400) instead of validations."""
    from bench.charge import listes_a_valider

    dossier, (responsable,) = famille(representants=1)
    offertes = list(dossier.campagne.specialites_offertes.values_list("code", flat=True)[:4])
    assert len(offertes) == 4
    client.force_login(responsable.user)
    url = reverse("dialogue:famille_intentions", args=[dossier.pk])
    attendus = (["GENERALE", "STMG"], ["STI2D"])
    for liste, voies in zip(listes_a_valider(offertes), attendus, strict=True):
        reponse = client.post(url, liste | {"action": "valider"})
        assert reponse.status_code == 302, reponse.content.decode()[:2000]
        lus = Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE).order_by("rang")
        assert [v.voie.code for v in lus] == voies
        cochees = Voeu.specialites.through.objects.filter(voeu__dossier=dossier)
        assert sorted(cochees.values_list("specialite__code", flat=True)) == (
            sorted(offertes) if "GENERALE" in voies else []
        )


def test_le_rejeu_du_banc_joue_une_session_de_famille_sans_statut_inattendu(client):
    """bench.rejeu, which compares two versions of the code by their function calls, replays the
    load bench's family session: every page answers as the bench expects, and the list is saved."""
    from bench.charge import famille as session_de_famille
    from bench.rejeu import rejouer
    from tests.factories import MOT_DE_PASSE

    dossier, (responsable,) = famille(representants=1)
    offertes = list(dossier.campagne.specialites_offertes.values_list("code", flat=True)[:4])
    f = {"username": responsable.user.username, "dossier": dossier.pk, "stade": "intentions"}
    session = session_de_famille(f, MOT_DE_PASSE, 2, None, offertes)
    _cpu, nombre, inattendus = rejouer(client, [session])
    assert nombre["POST dialogue:famille_intentions"] == 2
    assert nombre["POST accounts:login"] == nombre["POST accounts:logout"] == 1
    assert sum(inattendus.values()) == 0, inattendus
    assert [v.voie.code for v in Voeu.objects.filter(dossier=dossier, phase=Phase.PROVISOIRE)] == [
        "STI2D"
    ]


def test_le_banc_refait_une_empreinte_qui_n_a_pas_les_parametres_du_service(settings):
    """A bench base built before the hashing parameters changed (docs/adr/0007): its shared hash is
    remade once, or every login of a run would pay Django's rehash; the service's own is kept."""
    from bench.generateur import MOT_DE_PASSE
    from bench.run import empreinte_a_refaire
    from orientation.accounts.hachage import Argon2idOWASP

    class Avant(Argon2idOWASP):  # the service's hasher before ADR 0007
        time_cost, memory_cost = 2, 19 * 1024

    settings.PASSWORD_HASHERS = ["orientation.accounts.hachage.Argon2idOWASP"]
    a_19_mio = Avant().encode(MOT_DE_PASSE, Avant().salt())  # as the service wrote it then
    nouvelle = empreinte_a_refaire(a_19_mio, MOT_DE_PASSE)
    assert nouvelle.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert empreinte_a_refaire(nouvelle, MOT_DE_PASSE) is None
    assert empreinte_a_refaire("", MOT_DE_PASSE) is None


@pytest.mark.parametrize(
    ("config_args", "attendu"),
    [
        (
            "'--prefix=/opt/py' '--enable-optimizations' '--with-lto'",
            "configuré avec --enable-optimizations --with-lto",
        ),
        (
            "'--prefix=/root/.pyenv/versions/3.12.1' '--enable-shared'",
            "configuré avec --enable-shared",
        ),
        ("", "configuré sans --enable-optimizations, --with-lto ni --enable-shared"),
    ],
)
def test_le_banc_nomme_l_interpreteur_et_ses_options_de_compilation(config_args, attendu):
    """The bench's results name the interpreter that served them and how it was built: an
    unoptimised build is markedly slower (docs/performance.md, « L'interpréteur »)."""
    import sys

    from bench.run import interpreteur

    ligne = interpreteur(config_args, cartes="")
    assert ligne.startswith(f"interpréteur : cpython {sys.version.split()[0]} ({sys.executable})")
    assert ligne.endswith(attendu)


_CARTES = """\
5581e000-5581f000 r--p 00000000 08:01 131 {executable}
7f33a000-7f33b000 r-xp 00001000 08:01 262 /lib/x86_64-linux-gnu/libc.so.6
"""
_LIBPYTHON = "7f33c000-7f33d000 r-xp 00001000 08:01 977 /opt/py/lib/libpython3.12.so.1.0\n"


@pytest.mark.parametrize(
    ("cartes", "attendu"),
    [
        (
            _CARTES.format(executable="/opt/py/bin/python3.12") + _LIBPYTHON,
            ", libpython3.12.so.1.0 chargée comme bibliothèque partagée",
        ),
        (_CARTES.format(executable="/usr/bin/python3.13"), ", libpython liée à l'exécutable"),
    ],
)
def test_le_banc_dit_si_libpython_est_partagee(cartes, attendu):
    """An executable that loads libpython as a shared library pays a call to __tls_get_addr at
    each access to the thread's state (docs/adr/0008): what the process has mapped tells it,
    not the configure options (Debian configures with --enable-shared and links statically)."""
    from bench.run import interpreteur

    assert interpreteur("'--enable-shared'", cartes).endswith(attendu)


def test_le_pic_de_memoire_de_l_import_est_le_sien():
    """bench/siecle.py reports the import's own peak RSS: the peak of building the fictitious
    files before it is forgotten."""
    from bench.siecle import _rss_mo, pic_remis_a_zero

    tampon = bytearray(80 * 1024 * 1024)  # 80 MB touched, then given back to the system
    tampon[::4096] = b"x" * len(tampon[::4096])
    del tampon
    avant = _rss_mo("VmHWM")
    apres = pic_remis_a_zero()
    assert apres < avant - 60
    assert apres == pytest.approx(_rss_mo("VmRSS"), abs=5)
