"""Hostile files and oversized uploads (ASVS V5, V12.1, V12.3; docs/securite.md).

The SIECLE importer and the import of intentions receive random and mutated bytes, XML bombs,
external entities, ZIP bombs and broken archives: always a French message (SiecleError,
ImportIntentionsError), never a 500, nothing written, nothing left on disk. Then the limits of
every upload: the request body, the form fields, the number of fields and files, the size, count
and type of the files.
"""

import io
import socket
import zipfile
from pathlib import Path

import pytest
import tablib
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as reglages
from hypothesis import strategies as st

from orientation.accounts.models import Role
from orientation.dialogue import import_intentions as imp
from orientation.etablissements.siecle import annee_scolaire_courante, fabrique, stockage
from orientation.etablissements.siecle.diff import calculer as calculer_siecle
from orientation.etablissements.siecle.parse import SiecleError
from orientation.etablissements.siecle.parse import lire as lire_siecle
from orientation.middleware import taille_max_requete
from tests.etablissements.conftest import UAI, petit_lycee
from tests.factories import CampagneFactory, EtablissementFactory, PersonnelFactory, famille

from .test_saisies_hostiles import _etat_base

pytestmark = pytest.mark.django_db

EXEMPLES = reglages(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
PEU_D_EXEMPLES = reglages(
    max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
FICHIERS_SIECLE = fabrique.fichiers(petit_lycee())
NOMS_SIECLE = list(FICHIERS_SIECLE)
EN_TETE = b'<?xml version="1.0" encoding="ISO-8859-15"?>\n'
PARAMS = (
    b"<PARAMETRES><UAJ>"
    + UAI.encode()
    + b"</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE></PARAMETRES>"
)

# What an attacker splices into an export.
FRAGMENTS = [
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    b"&e;",
    b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
    b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b"<xi:include xmlns:xi='http://www.w3.org/2001/XInclude' href='/etc/passwd'/>",
    b"<?xml-stylesheet href='http://127.0.0.1:9/x.xsl'?>",
    b"\x00",
    b"\xff\xfe",
    b"]]>",
    b"<![CDATA[",
    b"&#0;",
    b"&#x110000;",
    b"<ELEVE ELEVE_ID=''>",
    b"<ELEVE ELEVE_ID='" + b"9" * 300 + b"'>",
    b"<DATE_NAISS>31/02/2020</DATE_NAISS>",
    b"<DATE_SORTIE>99/99/99999</DATE_SORTIE>",
    b"<NIVEAU_RESPONSABILITE>9</NIVEAU_RESPONSABILITE>",
    b"<UAJ>0123456Z</UAJ>",
    b"<ANNEE_SCOLAIRE>99999999999999999999</ANNEE_SCOLAIRE>",
    b"<MEL>" + b"a" * 300 + b"@x.fr</MEL>",
    b"</DONNEES>",
    b"<DONNEES>",
]


def _zip(membres: dict[str, bytes], *, methode=zipfile.ZIP_DEFLATED) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", methode) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)
    return tampon.getvalue()


@st.composite
def export_siecle_abime(draw) -> tuple[str, bytes]:
    """(file name, bytes): one of the four exports, mutated, as XML or inside a ZIP; or noise."""
    nom = draw(st.sampled_from(NOMS_SIECLE))
    contenu = FICHIERS_SIECLE[nom]
    facon = draw(st.sampled_from(["tronquer", "remplacer", "inserer", "bruit", "intact"]))
    if facon == "bruit":
        contenu = draw(st.binary(max_size=400))
    elif facon == "tronquer":
        contenu = contenu[: draw(st.integers(0, len(contenu)))]
    elif facon == "remplacer":
        i = draw(st.integers(0, len(contenu)))
        contenu = (
            contenu[:i] + draw(st.binary(max_size=40)) + contenu[i + draw(st.integers(0, 40)) :]
        )
    elif facon == "inserer":
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(contenu)))
            contenu = contenu[:i] + draw(st.sampled_from(FRAGMENTS)) + contenu[i:]
    emballage = draw(st.sampled_from(["xml", "zip", "zip nommé xml", "xml nommé zip", "zips"]))
    if emballage == "xml":
        return nom, contenu
    if emballage == "xml nommé zip":
        return nom.replace(".xml", ".zip"), contenu
    membre = draw(st.sampled_from([nom, "../../../tmp/evil.xml", "/etc/x.xml", "a/" * 50 + nom]))
    archive = _zip({membre: contenu})
    if emballage == "zips":  # a ZIP inside the ZIP
        archive = _zip({"interne.zip": archive, membre: contenu})
    abime = draw(st.sampled_from(["intacte", "tronquée", "octets changés"]))
    if abime == "tronquée":
        archive = archive[: draw(st.integers(0, len(archive)))]
    elif abime == "octets changés":  # the compressed data, headers kept: a bad CRC, bad deflate
        octets = bytearray(archive)
        for _ in range(draw(st.integers(1, 4))):
            octets[draw(st.integers(30, len(octets) - 1))] ^= draw(st.integers(1, 255))
        archive = bytes(octets)
    return (nom if emballage == "zip nommé xml" else nom.replace(".xml", ".zip")), archive


# --- SIECLE: the parser and the diff -------------------------------------------------------------


def test_siecle_un_fichier_abime_ou_hostile_donne_une_siecle_error():
    etablissement = EtablissementFactory(uai=UAI)

    @EXEMPLES
    @given(export_siecle_abime(), st.booleans())
    def essai(fichier, avec_les_autres):
        nom, contenu = fichier
        autres = [(n, io.BytesIO(c)) for n, c in FICHIERS_SIECLE.items() if n != nom]
        sources = [(nom, io.BytesIO(contenu)), *(autres if avec_les_autres else [])]
        avant = _etat_base()
        try:
            donnees = lire_siecle(sources, uai=UAI, annee=annee_scolaire_courante())
            calculer_siecle(donnees, etablissement)  # the preview, read-only
        except SiecleError as exc:
            assert str(exc).strip()  # a French sentence for the page
        assert _etat_base() == avant

    essai()


def test_siecle_aucune_entite_externe_n_est_chargee():
    """An external DTD or entity pointing at a server we listen on: refused, never fetched."""
    with socket.socket() as guet:
        guet.bind(("127.0.0.1", 0))
        guet.listen()
        guet.settimeout(0.2)
        url = f"http://127.0.0.1:{guet.getsockname()[1]}"
        for prologue in (
            f'<!DOCTYPE BEE_ELEVES SYSTEM "{url}/x.dtd">',
            f'<!DOCTYPE BEE_ELEVES [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>',
            f'<!DOCTYPE BEE_ELEVES [<!ENTITY e SYSTEM "{url}/e">]>',
        ):
            contenu = EN_TETE + prologue.encode() + b"<BEE_ELEVES>" + PARAMS + b"</BEE_ELEVES>"
            with pytest.raises(SiecleError, match="refusées par sécurité"):
                lire_siecle([("e.xml", io.BytesIO(contenu))], uai=UAI)
        with pytest.raises(TimeoutError):
            guet.accept()  # nobody came


# --- SIECLE: the upload page ---------------------------------------------------------------------


def _secretariat(etablissement) -> Client:
    client = Client()
    client.force_login(PersonnelFactory(etablissement=etablissement, role=Role.SECRETARIAT).user)
    return client


def _deposes(racine: str) -> list[Path]:
    dossier = Path(racine)
    return sorted(p for p in dossier.rglob("*") if p.is_file()) if dossier.exists() else []


def test_siecle_page_d_import_fichiers_abimes(settings):
    etablissement = EtablissementFactory(uai=UAI)
    client = _secretariat(etablissement)
    url = reverse("etablissements:import", args=[UAI])

    @PEU_D_EXEMPLES
    @given(st.lists(export_siecle_abime(), min_size=1, max_size=3))
    def essai(fichiers):
        with transaction.atomic():
            avant = _etat_base()
            reponse = client.post(
                url, {"fichiers": [SimpleUploadedFile(n, c) for n, c in fichiers]}
            )
            assert reponse.status_code in (200, 400)
            assert _etat_base() == avant  # the preview writes nothing
            if reponse.status_code == 400:
                assert "fr-error-text" in reponse.content.decode()  # the French message
                assert _deposes(Path(settings.MEDIA_ROOT) / "imports") == []
            jeton = client.session.get("import_siecle", {}).get("token", "")
            transaction.set_rollback(True)
        stockage.supprimer(jeton)  # the deposit a successful preview keeps for confirmation

    essai()


def _laughs(profondeur=9) -> bytes:
    entites = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"lol") * 10)
        for i in range(1, profondeur + 1)
    )
    return EN_TETE + b"<!DOCTYPE BEE_ELEVES [" + entites + b"]><BEE_ELEVES>&lol9;</BEE_ELEVES>"


def _zip_chiffre() -> bytes:
    archive = bytearray(_zip({"ElevesSansAdresses.xml": FICHIERS_SIECLE["ElevesSansAdresses.xml"]}))
    # Set the "encrypted" flag (bit 0) in the local header and the central directory.
    archive[6] |= 1
    archive[archive.rfind(b"PK\x01\x02") + 8] |= 1
    return bytes(archive)


def _zip_endommage() -> bytes:
    """Valid headers, damaged compressed data: the error comes while the member is read."""
    archive = bytearray(_zip({"ElevesSansAdresses.xml": FICHIERS_SIECLE["ElevesSansAdresses.xml"]}))
    archive[len(archive) // 2] ^= 0xFF
    return bytes(archive)


CAS_SIECLE = {
    "billion laughs": ("e.xml", _laughs(), "refusées par sécurité"),
    "entité externe": (
        "e.xml",
        EN_TETE
        + b'<!DOCTYPE BEE_ELEVES [<!ENTITY x SYSTEM "file:///etc/passwd">]><BEE_ELEVES>'
        + PARAMS
        + b"&x;</BEE_ELEVES>",
        "refusées par sécurité",
    ),
    "zip bombe": (
        "e.zip",
        _zip({"ElevesSansAdresses.xml": EN_TETE + b"<BEE_ELEVES>" + b" " * 3_000_000}),
        "taille maximale",
    ),
    "zip chiffré": ("e.zip", _zip_chiffre(), "chiffrées"),
    "zip endommagé": ("e.zip", _zip_endommage(), "archive est endommagée"),
    "zip de 11 fichiers": (
        "e.zip",
        _zip({f"{i}.xml": b"<a/>" for i in range(11)}),
        "trop de fichiers",
    ),
    "zip sans xml": ("e.zip", _zip({"lisez-moi.txt": b"bonjour"}), "aucun fichier XML"),
    "zip vide": ("e.zip", _zip({}), "pas une archive ZIP"),
    "pas un zip": ("e.zip", b"PK\x03\x04 ce n'est pas une archive", "pas une archive ZIP"),
    "html": ("e.xml", b"<html><body>bonjour</body></html>", "pas un export SIECLE"),
    "binaire": ("e.xml", b"\x89PNG\r\n\x1a\n\x00\x00", "pas un fichier XML"),
}


def _import_refuse(client, nom, contenu, message, settings):
    """The staff upload page refuses the file with `message` (400), writes nothing and keeps no
    uploaded file."""
    avant = _etat_base()
    reponse = client.post(
        reverse("etablissements:import", args=[UAI]),
        {"fichiers": [SimpleUploadedFile(nom, contenu)]},
    )
    assert reponse.status_code == 400
    assert message in reponse.content.decode().replace("&#x27;", "'")
    assert _etat_base() == avant
    assert _deposes(Path(settings.MEDIA_ROOT) / "imports") == []


@pytest.mark.parametrize("cas", list(CAS_SIECLE))
def test_siecle_page_d_import_fichiers_hostiles(cas, settings):
    settings.SIECLE_MAX_XML_BYTES = 2_000_000
    etablissement = EtablissementFactory(uai=UAI)
    client = _secretariat(etablissement)
    nom, contenu, message = CAS_SIECLE[cas]
    _import_refuse(client, nom, contenu, message, settings)


def test_siecle_confirmation_avec_un_jeton_hostile():
    etablissement = EtablissementFactory(uai=UAI)
    client = _secretariat(etablissement)
    url = reverse("etablissements:import_confirmer", args=[UAI])

    @EXEMPLES
    @given(st.one_of(st.text(max_size=80), st.sampled_from(["../../etc", "x" * 43, "\x00" * 40])))
    def essai(jeton):
        avant = _etat_base()
        reponse = client.post(url, {"token": jeton})
        assert reponse.status_code == 302
        assert _etat_base() == avant

    essai()


# --- Import of intentions: CSV and XLSX ----------------------------------------------------------

CSV_VALIDE = (
    "INE;Nom;Prénom;Division;Voie 1;Spécialités 1;Série 1;Option pro 1;Voie 2;Série 2\n"
    "123456789AB;Martin;Léa;2DE1;1re générale;Maths, SES, SVT, PC;;;1re technologique;STMG\n"
).encode()


def _xlsx_valide() -> bytes:
    donnees = tablib.Dataset(headers=["INE", "Voie 1", "Série 1"])
    donnees.append(["123456789AB", "1re technologique", "STMG"])
    return donnees.export("xlsx")


XLSX_VALIDE = _xlsx_valide()


@st.composite
def fichier_d_intentions(draw) -> tuple[str, bytes]:
    base = draw(st.sampled_from([CSV_VALIDE, XLSX_VALIDE, CSV_VALIDE.decode().encode("cp1252")]))
    facon = draw(st.sampled_from(["tronquer", "remplacer", "bruit", "texte", "intact"]))
    if facon == "bruit":
        base = draw(st.binary(max_size=400))
    elif facon == "texte":
        base = draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    elif facon == "tronquer":
        base = base[: draw(st.integers(0, len(base)))]
    elif facon == "remplacer":
        i = draw(st.integers(0, len(base)))
        base = base[:i] + draw(st.binary(max_size=30)) + base[i + draw(st.integers(0, 30)) :]
    nom = draw(
        st.sampled_from(
            ["intentions.csv", "enquete.xlsx", "notes.txt", "../../x.csv", "a\x00b.csv", "é.csv"]
        )
    )
    return nom, base


def test_intentions_lecture_d_un_fichier_abime():
    campagne = CampagneFactory()

    @EXEMPLES
    @given(fichier_d_intentions())
    def essai(fichier):
        nom, contenu = fichier
        avant = _etat_base()
        try:
            imp.calculer(imp.lire(contenu, nom), campagne)
        except imp.ImportIntentionsError as exc:
            assert str(exc).strip()
        assert _etat_base() == avant

    essai()


def _gestionnaire(campagne) -> Client:
    return _secretariat(campagne.etablissement)


def test_intentions_page_d_import_fichiers_abimes_et_noms_hostiles():
    campagne = CampagneFactory()
    famille(campagne, eleve__ine="123456789AB")  # the valid rows are this pupil's
    client = _gestionnaire(campagne)
    url = reverse("dialogue:import_intentions", args=[campagne.etablissement.uai])
    confirmer = reverse("dialogue:import_intentions_confirmer", args=[campagne.etablissement.uai])

    @EXEMPLES
    @given(fichier_d_intentions(), st.sampled_from(["provisoire", "definitive", "x", ""]))
    def essai(fichier, phase):
        nom, contenu = fichier
        with transaction.atomic():
            avant = _etat_base()
            reponse = client.post(
                url, {"fichier": SimpleUploadedFile(nom, contenu), "phase": phase}
            )
            assert reponse.status_code in (200, 400)
            assert _etat_base() == avant  # the preview writes nothing
            if reponse.status_code == 200:
                # Confirming applies the rows through the workflow, or refuses with a message.
                jeton = client.session["import_intentions"]["jeton"]
                suite = client.post(confirmer, {"jeton": jeton})
                assert suite.status_code == 302
            transaction.set_rollback(True)

    essai()


def _xlsx_modifie(remplacer) -> bytes:
    """The valid workbook with its members rewritten by `remplacer(nom, octets)`."""
    source = zipfile.ZipFile(io.BytesIO(XLSX_VALIDE))
    return _zip({i.filename: remplacer(i.filename, source.read(i)) for i in source.infolist()})


def _feuille(nom, octets, lignes):
    if not nom.endswith("sheet1.xml"):
        return octets
    texte = octets.decode()
    debut, reste = texte.split("<sheetData>")
    _donnees, fin = reste.split("</sheetData>")
    debut = debut.replace('<dimension ref="A1:C2" />', "")  # read-only openpyxl trusts it
    return (debut + "<sheetData>" + lignes + "</sheetData>" + fin).encode()


def _xlsx_bombe_declaree() -> bytes:
    """Announces 20 Mo of XML in a few kilobytes."""
    return _xlsx_modifie(lambda n, o: o + b" " * 20_000_000 if n.endswith("sheet1.xml") else o)


def _xlsx_trop_de_lignes() -> bytes:
    """3,500 rows in a few kilobytes; 200,000 (66 Ko) took half a minute of CPU to refuse
    before the rows were counted ahead of openpyxl."""
    ligne = '<row><c t="inlineStr"><is><t>1</t></is></c></row>'
    return _xlsx_modifie(lambda n, o: _feuille(n, o, ligne * 3500))


def _xlsx_entites() -> bytes:
    def remplacer(nom, octets):
        if not nom.endswith("sheet1.xml"):
            return octets
        return b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + octets

    return _xlsx_modifie(remplacer)


CAS_INTENTIONS = {
    "bombe annoncée": ("b.xlsx", _xlsx_bombe_declaree(), "trop volumineux une fois décompressé"),
    "trop de lignes": ("b.xlsx", _xlsx_trop_de_lignes(), "plus de 3000 lignes"),
    "entités XML": ("b.xlsx", _xlsx_entites(), "ne peut pas être lu"),
    "classeur chiffré ou abîmé": ("b.xlsx", b"PK\x03\x04" + b"\x00" * 100, "ne peut pas être lu"),
    "csv dans un .xlsx": ("b.xlsx", CSV_VALIDE, "ne peut pas être lu"),
    "trop de membres": (
        "b.xlsx",
        _zip({f"xl/{i}.xml": b"<a/>" for i in range(imp.XLSX_MEMBRES_MAX + 1)}),
        "trop volumineux",
    ),
}


@pytest.mark.parametrize("cas", list(CAS_INTENTIONS))
def test_intentions_classeurs_hostiles(cas):
    campagne = CampagneFactory()
    client = _gestionnaire(campagne)
    nom, contenu, message = CAS_INTENTIONS[cas]
    assert len(contenu) < imp.TAILLE_MAX
    avant = _etat_base()
    reponse = client.post(
        reverse("dialogue:import_intentions", args=[campagne.etablissement.uai]),
        {"fichier": SimpleUploadedFile(nom, contenu), "phase": "provisoire"},
    )
    assert reponse.status_code == 400
    assert message in reponse.content.decode().replace("&#x27;", "'")
    assert _etat_base() == avant


# --- Upload limits -------------------------------------------------------------------------------


def test_un_corps_trop_gros_est_refuse_avant_d_etre_lu(settings, monkeypatch):
    """LimiteCorpsMiddleware: a 413 in French before anything parses the body — even for an
    anonymous visitor, whose POST CsrfViewMiddleware would otherwise parse, files and all."""
    from django.http.multipartparser import MultiPartParser

    settings.SIECLE_MAX_UPLOAD_BYTES = 10_000
    lus = []
    monkeypatch.setattr(
        MultiPartParser, "parse", lambda self: lus.append(self) or pytest.fail("body parsed")
    )
    trop = b"x" * (taille_max_requete() + 1)
    for client, url in (
        (Client(), reverse("accounts:login")),
        (
            _secretariat(EtablissementFactory(uai=UAI)),
            reverse("etablissements:import", args=[UAI]),
        ),
    ):
        reponse = client.generic(
            "POST", url, trop, content_type="multipart/form-data; boundary=limite"
        )
        assert reponse.status_code == 413
        page = reponse.content.decode()
        assert "Envoi trop volumineux" in page and "rien n&#x27;a été enregistré" in page
    assert lus == []


def test_un_corps_juste_sous_la_limite_passe(settings):
    settings.SIECLE_MAX_UPLOAD_BYTES = 10_000
    client = _secretariat(EtablissementFactory(uai=UAI))
    fichier = SimpleUploadedFile("e.xml", b"<a/>" + b" " * (taille_max_requete() - 2_000))
    reponse = client.post(reverse("etablissements:import", args=[UAI]), {"fichiers": [fichier]})
    # Through the middleware; then the form's own limit speaks.
    assert reponse.status_code == 400
    assert "taille maximale acceptée" in reponse.content.decode()


def test_champs_de_formulaire_trop_gros_ou_trop_nombreux_refuses(settings):
    dossier, (r1, _r2) = famille()
    client = Client()
    client.force_login(r1.user)
    url = reverse("dialogue:famille_intentions", args=[dossier.pk])
    avant = _etat_base()
    # DATA_UPLOAD_MAX_MEMORY_SIZE: the fields of a form, 5 Mo.
    gros = client.post(url, {"action": "valider", "v1-famille": "x" * (5 * 1024 * 1024 + 1)})
    # DATA_UPLOAD_MAX_NUMBER_FIELDS: 1,000 fields.
    nombreux = client.post(url, {f"champ{i}": "x" for i in range(1001)})
    assert gros.status_code == nombreux.status_code == 400
    assert "Requête incorrecte" in gros.content.decode()
    assert _etat_base() == avant
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_trop_de_fichiers_refuses(settings):
    """DATA_UPLOAD_MAX_NUMBER_FILES (Django: 100), then the form's own limit (8)."""
    client = _secretariat(EtablissementFactory(uai=UAI))
    url = reverse("etablissements:import", args=[UAI])
    cent_un = [SimpleUploadedFile(f"{i}.xml", b"<a/>") for i in range(101)]
    assert client.post(url, {"fichiers": cent_un}).status_code == 400
    neuf = [SimpleUploadedFile(f"{i}.xml", b"<a/>") for i in range(9)]
    reponse = client.post(url, {"fichiers": neuf})
    assert reponse.status_code == 400
    assert "Déposez au plus 8 fichiers" in reponse.content.decode()
    assert _deposes(Path(settings.MEDIA_ROOT) / "imports") == []


def test_un_gros_fichier_va_sur_disque_pas_en_memoire(settings, monkeypatch):
    """FILE_UPLOAD_MAX_MEMORY_SIZE (5 Mo): beyond, the upload is streamed to a temporary file."""
    recus = []
    deposer = stockage.deposer
    monkeypatch.setattr(stockage, "deposer", lambda f: recus.extend(f) or deposer(f))
    client = _secretariat(EtablissementFactory(uai=UAI))
    url = reverse("etablissements:import", args=[UAI])
    taille = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    # Django decides on the whole request's size.
    client.post(url, {"fichiers": [SimpleUploadedFile("a.xml", b"<a/>")]})
    client.post(url, {"fichiers": [SimpleUploadedFile("b.xml", b"<a/>" + b" " * taille)]})
    assert [type(f) for f in recus] == [InMemoryUploadedFile, TemporaryUploadedFile]
    assert taille <= 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("eleves.exe", b"MZ", "ni un fichier ZIP ni un fichier XML"),
        ("eleves.xml.exe", b"MZ", "ni un fichier ZIP ni un fichier XML"),
        ("eleves", b"<a/>", "ni un fichier ZIP ni un fichier XML"),
        # The extension says ZIP, the bytes do not: the content decides.
        ("eleves.zip", b"<BEE_ELEVES/>", "pas une archive ZIP"),
    ],
)
def test_siecle_type_de_fichier_refuse(nom, contenu, message, settings):
    _import_refuse(_secretariat(EtablissementFactory(uai=UAI)), nom, contenu, message, settings)


def test_siecle_taille_totale_limitee(settings):
    settings.SIECLE_MAX_UPLOAD_BYTES = 10_000
    client = _secretariat(EtablissementFactory(uai=UAI))
    deux = [SimpleUploadedFile(f"{i}.xml", b" " * 6_000) for i in range(2)]
    reponse = client.post(reverse("etablissements:import", args=[UAI]), {"fichiers": deux})
    assert reponse.status_code == 400
    assert "dépassent la taille maximale acceptée" in reponse.content.decode()
    assert _deposes(Path(settings.MEDIA_ROOT) / "imports") == []


@pytest.mark.parametrize(
    ("nom", "taille", "message"),
    [
        ("enquete.xls", 10, "Déposez un fichier CSV ou XLSX."),
        ("enquete.ods", 10, "Déposez un fichier CSV ou XLSX."),
        ("enquete.csv.exe", 10, "Déposez un fichier CSV ou XLSX."),
        ("enquete.csv", imp.TAILLE_MAX + 1, "Le fichier dépasse 2 Mo"),
    ],
)
def test_intentions_type_et_taille_du_fichier(nom, taille, message):
    campagne = CampagneFactory()
    client = _gestionnaire(campagne)
    avant = _etat_base()
    reponse = client.post(
        reverse("dialogue:import_intentions", args=[campagne.etablissement.uai]),
        {"fichier": SimpleUploadedFile(nom, b"x" * taille), "phase": "provisoire"},
    )
    assert reponse.status_code == 400
    assert message in reponse.content.decode()
    assert _etat_base() == avant


@pytest.mark.parametrize("nom", ["a\x00b.csv", "../../../etc/intentions.csv", "\u202etxt.csv"])
def test_intentions_un_nom_de_fichier_hostile_n_arrive_pas_tel_quel_en_base(nom):
    """The file's name becomes the Saisie's reference ("import <nom>"): never a NUL (PostgreSQL
    refuses it: a 500), never a path."""
    from orientation.dialogue.models import Saisie

    campagne = CampagneFactory()
    dossier, _ = famille(campagne, eleve__ine="123456789AB")
    client = _gestionnaire(campagne)
    uai = campagne.etablissement.uai
    apercu = client.post(
        reverse("dialogue:import_intentions", args=[uai]),
        {"fichier": SimpleUploadedFile(nom, CSV_VALIDE), "phase": "provisoire"},
    )
    assert apercu.status_code == 200
    jeton = client.session["import_intentions"]["jeton"]
    reponse = client.post(
        reverse("dialogue:import_intentions_confirmer", args=[uai]), {"jeton": jeton}
    )
    assert reponse.status_code == 302
    reference = Saisie.objects.get(dossier=dossier).reference_scan
    assert reference.startswith("import ")
    assert "\x00" not in reference and "/" not in reference
