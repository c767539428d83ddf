"""Reading SIECLE "BEE" exports safely (ARCHITECTURE.md rule 5, SIECLE.md).

Streaming: records are handed over and dropped one by one, so memory stays flat however long the
file. Safe: no DTD at all (so no entity expansion, no external entity), no network, bounded size,
ZIP members checked on the bytes really inflated (a zip bomb lies in its headers). Every failure is
a `SiecleError` carrying a French message; nothing is written by this module.
"""

import contextlib
import datetime
import lzma
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

KINDS = {
    "BEE_ELEVES": "eleves",
    "BEE_RESPONSABLES": "responsables",
    "BEE_NOMENCLATURES": "nomenclatures",
    "BEE_STRUCTURES": "structures",
}
KIND_LABELS = {
    "eleves": "Élèves",
    "responsables": "Responsables",
    "nomenclatures": "Nomenclature",
    "structures": "Structures",
}
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 10
MAX_RECORDS = 200_000  # ten times the largest lycée: beyond, the file is not a school's export


def max_xml_bytes() -> int:
    # An uncompressed export: ~2 kB per pupil; 100 MB covers any school many times over.
    return getattr(settings, "SIECLE_MAX_XML_BYTES", 100 * 1024 * 1024)


class SiecleError(Exception):
    """A SIECLE file cannot be imported; the message is French and meant for the user."""


@dataclass
class EleveSiecle:
    eleve_id: str
    elenoet: str = ""
    ine: str = ""
    nom: str = ""
    prenom: str = ""
    date_naissance: datetime.date | None = None
    sexe: str = ""
    email: str = ""
    code_mef: str = ""
    date_sortie: datetime.date | None = None
    division: str | None = None  # from STRUCTURES_ELEVE, TYPE_STRUCTURE D


@dataclass
class PersonneSiecle:
    personne_id: str
    civilite: str = ""
    nom: str = ""
    prenom: str = ""
    email: str = ""
    tel_personnel: str = ""
    tel_portable: str = ""
    tel_professionnel: str = ""


@dataclass
class LienSiecle:
    eleve_id: str
    personne_id: str
    niveau: int
    code_parente: str = ""


@dataclass
class MefSiecle:
    code: str
    formation: str = ""
    libelle_long: str = ""

    @property
    def est_seconde_gt(self) -> bool:
        return est_mef_seconde_gt(self.formation, self.libelle_long)


@dataclass
class DivisionSiecle:
    code: str
    libelle: str = ""
    mefs: list[str] = field(default_factory=list)


@dataclass
class DonneesSiecle:
    """Everything read from one set of files, before any comparison with the database."""

    uai: str = ""
    annee: int | None = None
    date_export: datetime.date | None = None
    kinds: dict[str, str] = field(default_factory=dict)  # kind → file name
    eleves: dict[str, EleveSiecle] = field(default_factory=dict)
    personnes: dict[str, PersonneSiecle] = field(default_factory=dict)
    liens: dict[tuple[str, str], LienSiecle] = field(default_factory=dict)
    mefs: dict[str, MefSiecle] = field(default_factory=dict)
    divisions: dict[str, DivisionSiecle] = field(default_factory=dict)
    avertissements: list[str] = field(default_factory=list)


def _normalise(texte: str) -> str:
    texte = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", texte.upper()).strip()


def est_mef_seconde_gt(formation: str, libelle_long: str) -> bool:
    """A 2de GT MEF, recognised by its labels (SIECLE.md: never by a hard-coded code).

    FORMATION reads "2NDE GT" (sometimes "2NDE GT BACHIBAC", "2NDE GENERALE ET TECHNO…");
    professional secondes read "2NDE PRO" and are excluded.
    """
    formation, libelle = _normalise(formation), _normalise(libelle_long)
    if re.match(r"^(2NDE|SECONDE) ?G(T|EN)", formation):
        return True
    return bool(re.search(r"\b(2NDE|SECONDE) GENERALE ET TECHNO", libelle))


# --- Sources: plain XML or ZIP, bounded ---------------------------------------------------------


class _Bounded:
    """A read-only stream that refuses to yield more than `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int, name: str):
        self.raw, self.limit, self.name, self.count = raw, limit, name, 0

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        try:
            chunk = self.raw.read(size)
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError) as exc:
            # A ZIP member is inflated here, while the caller parses it, not where it was opened:
            # damaged data (a bad CRC, a broken deflate stream) surfaces on this read.
            raise SiecleError(
                _("%(nom)s : l'archive est endommagée ou d'un format non pris en charge.")
                % {"nom": self.name}
            ) from exc
        self.count += len(chunk)
        if self.count > self.limit:
            raise SiecleError(
                _("%(nom)s : le fichier dépasse la taille maximale acceptée (%(taille)s).")
                % {"nom": self.name, "taille": filesizeformat(self.limit)}
            )
        return chunk


def _open_source(source) -> tuple[str, IO[bytes], bool]:
    """(name, binary stream, close_after) for a path or an uploaded/opened file."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.name, path.open("rb"), True
        except OSError as exc:
            raise SiecleError(_("%(nom)s : fichier illisible.") % {"nom": path.name}) from exc
    if isinstance(source, tuple):  # (name to show, path or stream)
        name, stream = source
        if isinstance(stream, (str, Path)):
            try:
                return str(name), Path(stream).open("rb"), True
            except OSError as exc:
                raise SiecleError(_("%(nom)s : fichier illisible.") % {"nom": name}) from exc
        return str(name), stream, False
    return Path(getattr(source, "name", "fichier")).name, source, False


def _xml_streams(source) -> Iterator[tuple[str, IO[bytes]]]:
    """Each XML document a source holds: itself, or the members of its ZIP."""
    name, stream, close = _open_source(source)
    try:
        head = stream.read(4)
        stream.seek(0)
        if head == ZIP_MAGIC:
            yield from _zip_members(name, stream)
        elif name.lower().endswith(".zip"):
            raise SiecleError(_("%(nom)s n'est pas une archive ZIP valide.") % {"nom": name})
        else:
            yield name, _Bounded(stream, max_xml_bytes(), name)
    finally:
        if close:
            stream.close()


def _zip_members(name: str, stream: IO[bytes]) -> Iterator[tuple[str, IO[bytes]]]:
    try:
        archive = zipfile.ZipFile(stream)
        members = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise SiecleError(_("%(nom)s n'est pas une archive ZIP valide.") % {"nom": name}) from exc
    xmls = [i for i in members if i.filename.lower().endswith(".xml")]
    if not xmls:
        raise SiecleError(_("L'archive %(nom)s ne contient aucun fichier XML.") % {"nom": name})
    if len(members) > MAX_ZIP_MEMBERS:
        raise SiecleError(_("L'archive %(nom)s contient trop de fichiers.") % {"nom": name})
    limit = max_xml_bytes()
    for info in xmls:
        label = f"{name} › {Path(info.filename).name}"
        if info.file_size > limit:  # announced size; the real one is counted while reading
            raise SiecleError(
                _("%(nom)s : le fichier dépasse la taille maximale acceptée (%(taille)s).")
                % {"nom": label, "taille": filesizeformat(limit)}
            )
        if info.flag_bits & 0x1:
            raise SiecleError(_("%(nom)s : les archives chiffrées sont refusées.") % {"nom": label})
        try:
            with archive.open(info) as member:
                yield label, _Bounded(member, limit, label)
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
            raise SiecleError(
                _("%(nom)s : l'archive est endommagée ou d'un format non pris en charge.")
                % {"nom": label}
            ) from exc


# --- Streaming records --------------------------------------------------------------------------


def iter_records(name: str, stream: IO[bytes]) -> Iterator[tuple[str, ET.Element]]:
    """Yield ("ROOT", root) first, then ("PARAMETRES", el) and each record element at depth 4
    (e.g. BEE_ELEVES/DONNEES/ELEVES/ELEVE). Each element is detached once the caller is done with
    it, so the tree never grows."""
    stack: list[ET.Element] = []
    records = 0
    try:
        for event, elem in iterparse(
            stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            if event == "start":
                stack.append(elem)
                if len(stack) == 1:
                    if elem.tag not in KINDS:
                        raise SiecleError(
                            _(
                                "%(nom)s n'est pas un export SIECLE reconnu (élément racine "
                                "« %(racine)s »). Attendu : ElevesSansAdresses, "
                                "ResponsablesAvecAdresses, Nomenclature ou Structures."
                            )
                            % {"nom": name, "racine": elem.tag[:60]}
                        )
                    yield "ROOT", elem
                continue
            stack.pop()
            depth = len(stack) + 1
            if depth == 2 and elem.tag == "PARAMETRES":
                yield "PARAMETRES", elem
                stack[-1].remove(elem)
            elif depth == 4:
                records += 1
                if records > MAX_RECORDS:
                    raise SiecleError(_("%(nom)s : trop d'enregistrements.") % {"nom": name})
                yield elem.tag, elem
                stack[-1].remove(elem)
            elif depth == 3 and stack[-1].tag == "DONNEES":
                stack[-1].remove(elem)
    except SiecleError:
        raise
    except DefusedXmlException as exc:
        raise SiecleError(
            _(
                "%(nom)s contient une déclaration de type de document ou des entités XML, "
                "refusées par sécurité : ce n'est pas un export SIECLE."
            )
            % {"nom": name}
        ) from exc
    except LookupError as exc:
        raise SiecleError(
            _("%(nom)s : encodage de caractères inconnu (SIECLE exporte en ISO-8859-15).")
            % {"nom": name}
        ) from exc
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        message = str(exc)
        if "no element found" in message and (line, column) == (1, 0):
            cause = _("le fichier est vide")
        elif "no element found" in message or "unclosed token" in message:
            cause = _("le fichier est tronqué (incomplet)")
        elif "encoding" in message:
            cause = _("l'encodage déclaré ne correspond pas au contenu")
        elif "invalid token" in message and line <= 1:
            cause = _("ce n'est pas un fichier XML")
        elif "invalid token" in message:
            cause = _(
                "caractère invalide : le XML est mal formé ou n'est pas dans l'encodage déclaré"
            )
        else:
            cause = _("le XML est mal formé")
        raise SiecleError(
            _("%(nom)s : %(cause)s (ligne %(ligne)s, colonne %(colonne)s).")
            % {"nom": name, "cause": cause, "ligne": line, "colonne": column}
        ) from exc
    except UnicodeError as exc:
        raise SiecleError(
            _("%(nom)s : l'encodage déclaré ne correspond pas au contenu.") % {"nom": name}
        ) from exc
    if stack:
        raise SiecleError(_("%(nom)s : le fichier est tronqué (incomplet).") % {"nom": name})


# --- Field helpers ------------------------------------------------------------------------------


def _text(elem: ET.Element, tag: str, max_length: int = 200) -> str:
    child = elem.find(tag)
    if child is None or child.text is None:
        return ""
    return " ".join(child.text.split())[:max_length]


def _date(value: str, name: str, what: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError as exc:
        raise SiecleError(
            _("%(nom)s : date invalide « %(valeur)s » (%(champ)s), attendu jj/mm/aaaa.")
            % {"nom": name, "valeur": value[:20], "champ": what}
        ) from exc


def _id(elem: ET.Element, attr: str, name: str, child: bool = False) -> str:
    value = (_text(elem, attr, 40) if child else (elem.get(attr) or "").strip())[:20]
    if not value:
        raise SiecleError(
            _("%(nom)s : un enregistrement %(element)s n'a pas d'identifiant %(attribut)s.")
            % {"nom": name, "element": elem.tag, "attribut": attr}
        )
    return value


def _email(value: str, who: str, warnings: list[str]) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        warnings.append(
            _("Adresse électronique invalide ignorée pour %(qui)s : « %(adresse)s ».")
            % {"qui": who, "adresse": value[:80]}
        )
        return ""
    return value[:254]


def _nom(elem: ET.Element) -> str:
    # NOM_USAGE is the name people go by; files before 2016 only have NOM.
    return _text(elem, "NOM_USAGE") or _text(elem, "NOM_DE_FAMILLE") or _text(elem, "NOM")


# --- One document -------------------------------------------------------------------------------


def _read_document(name: str, stream: IO[bytes], data: DonneesSiecle, uai: str, year: int | None):
    kind = None
    parametres = False
    divisions_eleves: dict[str, str | None] = {}
    for tag, elem in iter_records(name, stream):
        if tag not in ("ROOT", "PARAMETRES") and not parametres:
            # The school is checked before any record is read.
            raise SiecleError(
                _("%(nom)s : la partie PARAMETRES (UAJ, année) manque.") % {"nom": name}
            )
        if tag == "ROOT":
            kind = KINDS[elem.tag]
            if kind in data.kinds:
                raise SiecleError(
                    _("Deux fichiers %(type)s ont été fournis (%(a)s et %(b)s) : gardez-en un.")
                    % {"type": KIND_LABELS[kind], "a": data.kinds[kind], "b": name}
                )
            data.kinds[kind] = name
        elif tag == "PARAMETRES":
            _check_parameters(elem, name, data, uai, year)
            parametres = True
        elif kind == "eleves" and tag == "ELEVE":
            _read_eleve(elem, name, data)
        elif kind == "eleves" and tag == "STRUCTURES_ELEVE":
            eleve_id = _id(elem, "ELEVE_ID", name)
            for structure in elem.iterfind("STRUCTURE"):
                if _text(structure, "TYPE_STRUCTURE").upper() == "D":
                    divisions_eleves[eleve_id] = _text(structure, "CODE_STRUCTURE", 40) or None
        elif kind == "responsables" and tag == "PERSONNE":
            _read_personne(elem, name, data)
        elif kind == "responsables" and tag == "RESPONSABLE_ELEVE":
            _read_lien(elem, name, data)
        elif kind == "nomenclatures" and tag == "MEF":
            code = _id(elem, "CODE_MEF", name)
            data.mefs[code] = MefSiecle(code, _text(elem, "FORMATION"), _text(elem, "LIBELLE_LONG"))
        elif kind == "structures" and tag == "DIVISION":
            code = _id(elem, "CODE_STRUCTURE", name)[:40]
            mefs = [
                (m.text or "").strip()
                for m in elem.iterfind("MEFS_APPARTENANCE/MEF_APPARTENANCE/CODE_MEF")
                if (m.text or "").strip()
            ]
            data.divisions[code] = DivisionSiecle(code, _text(elem, "LIBELLE_LONG"), mefs)
    if kind is None:
        raise SiecleError(_("%(nom)s est vide.") % {"nom": name})
    if not parametres:
        raise SiecleError(_("%(nom)s : la partie PARAMETRES (UAJ, année) manque.") % {"nom": name})
    if kind == "eleves":
        for eleve_id, code in divisions_eleves.items():
            if eleve_id in data.eleves:
                data.eleves[eleve_id].division = code


def _check_parameters(elem, name, data: DonneesSiecle, uai: str, year: int | None):
    uaj = _text(elem, "UAJ", 20).upper()
    if not uaj:
        raise SiecleError(_("%(nom)s : l'UAJ de l'établissement manque.") % {"nom": name})
    if uai and uaj != uai.upper():
        raise SiecleError(
            _(
                "%(nom)s est l'export d'un autre établissement (UAJ %(uaj)s) : "
                "cet import concerne l'établissement %(uai)s. Rien n'a été importé."
            )
            % {"nom": name, "uaj": uaj, "uai": uai.upper()}
        )
    if data.uai and uaj != data.uai:
        raise SiecleError(_("Les fichiers fournis viennent d'établissements différents."))
    data.uai = uaj
    annee_txt = _text(elem, "ANNEE_SCOLAIRE", 10)
    annee = int(annee_txt) if annee_txt.isdigit() else None
    if year and annee and annee != year:
        data.avertissements.append(
            _(
                "%(nom)s concerne l'année scolaire %(a)s-%(b)s, pas l'année en cours "
                "%(c)s-%(d)s : vérifiez qu'il s'agit du bon export."
            )
            % {"nom": name, "a": annee, "b": annee + 1, "c": year, "d": year + 1}
        )
    if data.annee and annee and annee != data.annee:
        data.avertissements.append(
            _("Les fichiers fournis ne sont pas tous de la même année scolaire.")
        )
    data.annee = data.annee or annee
    export = _text(elem, "DATE_EXPORT", 10)
    with contextlib.suppress(SiecleError):  # an informative field only
        data.date_export = data.date_export or _date(export, name, "DATE_EXPORT")


def _read_eleve(elem, name, data: DonneesSiecle):
    eleve_id = _id(elem, "ELEVE_ID", name)
    nom, prenom = _nom(elem), _text(elem, "PRENOM")
    who = f"{prenom} {nom} ({eleve_id})"
    data.eleves[eleve_id] = EleveSiecle(
        eleve_id=eleve_id,
        elenoet=(elem.get("ELENOET") or "").strip()[:20],
        ine=_text(elem, "ID_NATIONAL", 11),
        nom=nom or eleve_id,
        prenom=prenom,
        date_naissance=_date(_text(elem, "DATE_NAISS", 20), name, "DATE_NAISS"),
        sexe={"1": "M", "2": "F"}.get(_text(elem, "CODE_SEXE", 2), ""),
        email=_email(_text(elem, "MEL", 254), who, data.avertissements),
        code_mef=_text(elem, "CODE_MEF", 11),
        date_sortie=_date(_text(elem, "DATE_SORTIE", 20), name, "DATE_SORTIE"),
    )


def _read_personne(elem, name, data: DonneesSiecle):
    personne_id = _id(elem, "PERSONNE_ID", name)
    nom, prenom = _nom(elem), _text(elem, "PRENOM")
    data.personnes[personne_id] = PersonneSiecle(
        personne_id=personne_id,
        civilite=_text(elem, "LC_CIVILITE", 10),
        nom=nom or personne_id,
        prenom=prenom,
        email=_email(_text(elem, "MEL", 254), f"{prenom} {nom}", data.avertissements),
        tel_personnel=_text(elem, "TEL_PERSONNEL", 30),
        tel_portable=_text(elem, "TEL_PORTABLE", 30),
        tel_professionnel=_text(elem, "TEL_PROFESSIONNEL", 30),
    )


def _read_lien(elem, name, data: DonneesSiecle):
    eleve_id = _id(elem, "ELEVE_ID", name, child=True)
    personne_id = _id(elem, "PERSONNE_ID", name, child=True)
    niveau_txt = _text(elem, "NIVEAU_RESPONSABILITE", 2)
    if niveau_txt:
        niveau = int(niveau_txt) if niveau_txt in {"1", "2", "3"} else 3
    else:
        # Files before 30/03/2018: RESP_LEGAL 1 or 2 is a legal representative, 0 is not; we
        # cannot tell "en charge" from "contact" there, so the safe reading is "contact".
        niveau = 1 if _text(elem, "RESP_LEGAL", 2) in {"1", "2"} else 3
    data.liens[(eleve_id, personne_id)] = LienSiecle(
        eleve_id, personne_id, niveau, _text(elem, "CODE_PARENTE", 2)
    )


def lire(sources: Iterable, uai: str, annee: int | None = None) -> DonneesSiecle:
    """Read every file (XML or ZIP) of one import for school `uai`.

    `annee` is the expected school year (first year); a file of another year only warns.
    """
    data = DonneesSiecle()
    sources = list(sources)
    if not sources:
        raise SiecleError(_("Aucun fichier fourni."))
    for source in sources:
        for name, stream in _xml_streams(source):
            _read_document(name, stream, data, uai, annee)
    if "eleves" not in data.kinds:
        raise SiecleError(
            _(
                "Le fichier des élèves (ElevesSansAdresses ou ElevesAvecAdresses) est "
                "nécessaire à tout import."
            )
        )
    for kind in ("responsables", "nomenclatures", "structures"):
        if kind not in data.kinds:
            data.avertissements.append(_manque(kind))
    for lien in data.liens.values():
        if lien.eleve_id not in data.eleves or lien.personne_id not in data.personnes:
            data.avertissements.append(
                _("Un lien élève–responsable (%(e)s–%(p)s) renvoie à une fiche absente : ignoré.")
                % {"e": lien.eleve_id, "p": lien.personne_id}
            )
    data.liens = {
        k: v
        for k, v in data.liens.items()
        if v.eleve_id in data.eleves and v.personne_id in data.personnes
    }
    return data


def _manque(kind: str) -> str:
    return {
        "responsables": _(
            "Pas de fichier des responsables : les représentants légaux ne sont pas mis à jour."
        ),
        "nomenclatures": _(
            "Pas de fichier Nomenclature : les nouvelles divisions ne peuvent pas être "
            "reconnues comme des secondes générales et technologiques."
        ),
        "structures": _("Pas de fichier Structures : les libellés des divisions manquent."),
    }[kind]
