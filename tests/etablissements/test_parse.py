"""Reading SIECLE files: formats, and every malformed or hostile file refused, nothing written."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.management import CommandError, call_command

from orientation.etablissements.models import Division, Eleve, Etablissement, Responsable
from orientation.etablissements.siecle import fabrique
from orientation.etablissements.siecle.parse import (
    SiecleError,
    est_mef_seconde_gt,
    iter_records,
    lire,
)

from .conftest import UAI

EN_TETE = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n'
PARAMS = (
    b"<PARAMETRES><UAJ>"
    + UAI.encode()
    + b"</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE></PARAMETRES>"
)


def _ecrire(tmp_path, nom, contenu: bytes):
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    return chemin


@pytest.mark.parametrize(
    "formation, libelle, attendu",
    [
        ("2NDE GT", "2NDE GENERALE ET TECHNOLOGIQUE", True),
        ("2NDE GT BACHIBAC", "", True),
        ("", "2NDE GENERALE ET TECHNO. SECTION EURO", True),
        ("2NDE PRO", "2NDE PRO METIERS DE LA RELATION CLIENT", False),
        ("1ERE G", "1ERE GENERALE", False),
        ("TLE G", "TERMINALE GENERALE", False),
        ("CAP1", "1CAP2 CUISINE", False),
    ],
)
def test_seconde_gt_par_les_libelles(formation, libelle, attendu):
    assert est_mef_seconde_gt(formation, libelle) is attendu


def test_nom_de_famille_nom_usage_et_nom(lycee, ecrire):
    lycee.eleve("E1").nom_usage = "Dupré"
    nouveau = lire(ecrire(lycee), uai=UAI)
    ancien = lire(ecrire(lycee, ancien_nom=True), uai=UAI)
    assert nouveau.eleves["E1"].nom == ancien.eleves["E1"].nom == "Dupré"
    assert nouveau.eleves["E2"].nom == ancien.eleves["E2"].nom == "Cœurdevey"


def test_resp_legal_1_et_2_sont_legaux(lycee, ecrire):
    donnees = lire(ecrire(lycee, resp_legal=True), uai=UAI)
    assert donnees.liens[("E1", "P1")].niveau == 1
    assert donnees.liens[("E1", "P2")].niveau == 1
    assert donnees.liens[("E3", "P4")].niveau == 3  # RESP_LEGAL 0


def test_eleves_avec_adresses_accepte(lycee, ecrire):
    chemins = ecrire(lycee, avec_adresses=True)
    assert chemins[0].name == "ExportXML_ElevesAvecAdresses.zip"
    assert len(lire(chemins, uai=UAI).eleves) == 7


def test_annee_differente_avertit_sans_refuser(lycee, ecrire):
    donnees = lire(ecrire(lycee), uai=UAI, annee=lycee.annee + 1)
    assert any("pas l'année en cours" in a for a in donnees.avertissements)


def test_fichier_eleves_obligatoire(lycee, ecrire):
    with pytest.raises(SiecleError, match="fichier des élèves"):
        lire(ecrire(lycee)[1:], uai=UAI)


def test_deux_fichiers_eleves_refuses(lycee, ecrire):
    chemins = ecrire(lycee)
    with pytest.raises(SiecleError, match="Deux fichiers Élèves"):
        lire([chemins[0], ecrire(lycee)[0]], uai=UAI)


def _nb_octets_pics(n_eleves: int) -> int:
    lycee = fabrique.Lycee(uai=UAI, annee=2025, mefs=[fabrique.MEF_2GT])
    lycee.eleves = [
        fabrique.Eleve(str(i), "Lefèvre", "Éloïse", fabrique.MEF_2GT.code, "2DE1")
        for i in range(n_eleves)
    ]
    contenu = fabrique.xml_eleves(lycee)
    tracemalloc.start()
    try:
        for _tag, _elem in iter_records("ElevesSansAdresses.xml", io.BytesIO(contenu)):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memoire_constante_quand_le_fichier_grandit():
    petit, grand = _nb_octets_pics(500), _nb_octets_pics(10_000)
    assert grand < petit * 1.5 + 200_000  # 20× the records, about the same peak


# --- Malformed and hostile files: a French error, nothing written --------------------------------

XXE = EN_TETE.replace(b"ISO-8859-15", b"UTF-8") + (
    b'<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<BEE_ELEVES>" + PARAMS + b"<DONNEES><ELEVES><ELEVE ELEVE_ID='1'><NOM>&xxe;</NOM>"
    b"</ELEVE></ELEVES></DONNEES></BEE_ELEVES>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]><BEE_ELEVES>&lol9;</BEE_ELEVES>"
)


def _zip_bombe(tmp_path):
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", EN_TETE + b"<BEE_ELEVES>" + b" " * 3_000_000)
    return _ecrire(tmp_path, "ExportXML_ElevesSansAdresses.zip", tampon.getvalue())


def _cas_hostiles(tmp_path, lycee):
    eleves = fabrique.xml_eleves(lycee)
    autre = fabrique.Lycee(**{**lycee.__dict__, "uai": "0123456Z"})
    return {
        "tronqué": (_ecrire(tmp_path, "a.xml", eleves[: len(eleves) // 2]), "tronqué"),
        "billion laughs": (_ecrire(tmp_path, "b.xml", LAUGHS), "refusées par sécurité"),
        "entité externe": (_ecrire(tmp_path, "c.xml", XXE), "refusées par sécurité"),
        "mauvaise racine": (
            _ecrire(tmp_path, "d.xml", EN_TETE + b"<html><body/></html>"),
            "n'est pas un export SIECLE reconnu",
        ),
        "autre établissement": (
            _ecrire(tmp_path, "e.xml", fabrique.xml_eleves(autre)),
            "autre établissement \\(UAJ 0123456Z\\)",
        ),
        "pas un zip": (
            _ecrire(tmp_path, "f.zip", b"ceci n'est pas une archive"),
            "pas une archive",
        ),
        "zip bombe": (_zip_bombe(tmp_path), "taille maximale"),
        "encodage faux": (
            _ecrire(tmp_path, "g.xml", eleves.replace(b"ISO-8859-15", b"UTF-8")),
            "mal formé|encodage",
        ),
        "encodage inconnu": (
            _ecrire(tmp_path, "h.xml", eleves.replace(b"ISO-8859-15", b"KLINGON-1")),
            "encodage de caractères inconnu",
        ),
        "pas du XML": (
            _ecrire(tmp_path, "i.xml", b"\x89PNG\r\n\x1a\n\x00\x00"),
            "pas un fichier XML",
        ),
        "vide": (_ecrire(tmp_path, "j.xml", b""), "vide"),
        "sans paramètres": (
            _ecrire(
                tmp_path,
                "k.xml",
                EN_TETE + b"<BEE_ELEVES><DONNEES><ELEVES><ELEVE ELEVE_ID='1'/>"
                b"</ELEVES></DONNEES></BEE_ELEVES>",
            ),
            "PARAMETRES",
        ),
        "date invalide": (
            _ecrire(tmp_path, "l.xml", eleves.replace(b"<DATE_NAISS>", b"<DATE_NAISS>31/02/20", 1)),
            "date invalide",
        ),
    }


CAS = [
    "tronqué",
    "billion laughs",
    "entité externe",
    "mauvaise racine",
    "autre établissement",
    "pas un zip",
    "zip bombe",
    "encodage faux",
    "encodage inconnu",
    "pas du XML",
    "vide",
    "sans paramètres",
    "date invalide",
]


@pytest.mark.django_db
@pytest.mark.parametrize("cas", CAS)
def test_fichier_hostile_ou_mal_forme_refuse_et_rien_ecrit(cas, lycee, ecrire, tmp_path, settings):
    settings.SIECLE_MAX_XML_BYTES = 2_000_000
    fichier, message = _cas_hostiles(tmp_path, lycee)[cas]
    bons = ecrire(lycee)[1:]  # the other three files are fine
    with pytest.raises(CommandError, match=message):
        call_command("import_siecle", "--uai", UAI, str(fichier), *map(str, bons))
    assert not Etablissement.objects.exists()
    assert not Eleve.objects.exists() and not Responsable.objects.exists()
    assert not Division.objects.exists()
