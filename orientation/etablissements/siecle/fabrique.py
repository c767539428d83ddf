"""A generator of SIECLE "BEE" exports, for the tests and the demo (SIECLE.md).

A school is described with plain dataclasses; `ecrire` writes the four files in ISO-8859-15, each
optionally inside its ZIP, as SIECLE delivers them. Switches reproduce the older formats (`NOM`
before 2016, `RESP_LEGAL` before 30/03/2018). Nothing here touches the database.
"""

import datetime
import io
import random
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ENCODAGE = "ISO-8859-15"


@dataclass
class Mef:
    code: str
    formation: str
    libelle_long: str


@dataclass
class Division:
    code: str
    libelle: str
    code_mef: str


@dataclass
class Eleve:
    eleve_id: str
    nom: str
    prenom: str
    code_mef: str
    division: str | None  # CODE_STRUCTURE of type D; None: the pupil is in no class
    elenoet: str = ""
    ine: str = ""
    nom_usage: str = ""
    date_naissance: datetime.date | None = None
    sexe: str = "1"  # 1 male, 2 female (CODE_SEXE)
    email: str = ""
    groupes: list[str] = field(default_factory=list)
    date_sortie: datetime.date | None = None
    code_motif_sortie: str = ""


@dataclass
class Personne:
    personne_id: str
    nom: str
    prenom: str
    civilite: str = "MME"
    nom_usage: str = ""
    email: str = ""
    tel_portable: str = ""


@dataclass
class Lien:
    eleve_id: str
    personne_id: str
    niveau: int = 1  # NIVEAU_RESPONSABILITE: 1 légal, 2 en charge, 3 contact
    code_parente: str = "10"


@dataclass
class Lycee:
    uai: str
    annee: int
    nom: str = ""
    date_export: datetime.date | None = None
    mefs: list[Mef] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    eleves: list[Eleve] = field(default_factory=list)
    personnes: list[Personne] = field(default_factory=list)
    liens: list[Lien] = field(default_factory=list)

    def eleve(self, eleve_id: str) -> Eleve:
        return next(e for e in self.eleves if e.eleve_id == eleve_id)

    def personne(self, personne_id: str) -> Personne:
        return next(p for p in self.personnes if p.personne_id == personne_id)


# --- XML ---------------------------------------------------------------------------------------


def _date(d: datetime.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = str(text)
    return el


def _racine(kind: str, version: str, lycee: Lycee):
    root = ET.Element(f"BEE_{kind}", {"VERSION": version})
    params = _sub(root, "PARAMETRES")
    export = lycee.date_export or datetime.date(lycee.annee, 9, 20)
    _sub(params, "UAJ", lycee.uai)
    _sub(params, "ANNEE_SCOLAIRE", lycee.annee)
    _sub(params, "DATE_EXPORT", _date(export))
    _sub(params, "HORODATAGE", export.strftime("%d/%m/%Y 08:00:00"))
    return root, _sub(root, "DONNEES")


def _octets(root) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding=ENCODAGE, xml_declaration=True)


def _noms(parent, nom: str, nom_usage: str, ancien_nom: bool):
    if ancien_nom:
        _sub(parent, "NOM", nom_usage or nom)
    else:
        _sub(parent, "NOM_DE_FAMILLE", nom)
        if nom_usage:
            _sub(parent, "NOM_USAGE", nom_usage)


def xml_eleves(lycee: Lycee, *, ancien_nom: bool = False, avec_adresses: bool = False) -> bytes:
    root, donnees = _racine("ELEVES", "3.0", lycee)
    eleves = _sub(donnees, "ELEVES")
    for e in lycee.eleves:
        el = _sub(eleves, "ELEVE", ELEVE_ID=e.eleve_id, ELENOET=e.elenoet or e.eleve_id)
        if e.ine:
            _sub(el, "ID_NATIONAL", e.ine)
        _noms(el, e.nom, e.nom_usage, ancien_nom)
        _sub(el, "PRENOM", e.prenom)
        _sub(el, "PRENOM2")
        _sub(el, "DATE_NAISS", _date(e.date_naissance))
        _sub(el, "CODE_SEXE", e.sexe)
        _sub(el, "CODE_MEF", e.code_mef)
        _sub(el, "CODE_STATUT", "ST")
        _sub(el, "DOUBLEMENT", "0")
        _sub(el, "DATE_ENTREE", _date(datetime.date(lycee.annee, 9, 1)))
        if e.date_sortie:
            _sub(el, "DATE_SORTIE", _date(e.date_sortie))
            _sub(el, "CODE_MOTIF_SORTIE", e.code_motif_sortie or "01")
        if e.email:
            _sub(el, "MEL", e.email)
        if avec_adresses:
            _sub(el, "ADRESSE_ID", f"9{e.eleve_id}")
    _sub(donnees, "OPTIONS")
    structures = _sub(donnees, "STRUCTURES")
    for e in lycee.eleves:
        if not e.division and not e.groupes:
            continue
        se = _sub(structures, "STRUCTURES_ELEVE", ELEVE_ID=e.eleve_id, ELENOET=e.elenoet or "")
        if e.division:
            s = _sub(se, "STRUCTURE")
            _sub(s, "CODE_STRUCTURE", e.division)
            _sub(s, "TYPE_STRUCTURE", "D")
        for g in e.groupes:
            s = _sub(se, "STRUCTURE")
            _sub(s, "CODE_STRUCTURE", g)
            _sub(s, "TYPE_STRUCTURE", "G")
    _sub(donnees, "BOURSES")
    adresses = _sub(donnees, "ADRESSES")
    if avec_adresses:
        for e in lycee.eleves:
            a = _sub(adresses, "ADRESSE", ADRESSE_ID=f"9{e.eleve_id}")
            _sub(a, "LIGNE1_ADRESSE", "12 rue des Écoles")
            _sub(a, "CODE_POSTAL", "58000")
            _sub(a, "LIBELLE_POSTAL", "NEVERS")
    return _octets(root)


def xml_responsables(lycee: Lycee, *, ancien_nom: bool = False, resp_legal: bool = False) -> bytes:
    root, donnees = _racine("RESPONSABLES", "2.1", lycee)
    personnes = _sub(donnees, "PERSONNES")
    for p in lycee.personnes:
        el = _sub(personnes, "PERSONNE", PERSONNE_ID=p.personne_id)
        _sub(el, "LC_CIVILITE", p.civilite)
        _noms(el, p.nom, p.nom_usage, ancien_nom)
        _sub(el, "PRENOM", p.prenom)
        _sub(el, "TEL_PERSONNEL")
        _sub(el, "TEL_PORTABLE", p.tel_portable)
        if p.email:
            _sub(el, "MEL", p.email)
        _sub(el, "ACCEPTE_SMS", "1")
        _sub(el, "ADRESSE_ID", f"8{p.personne_id}")
        _sub(el, "CODE_PROFESSION", "56")
    responsables = _sub(donnees, "RESPONSABLES")
    rangs: dict[str, int] = {}
    for lien in lycee.liens:
        el = _sub(responsables, "RESPONSABLE_ELEVE")
        _sub(el, "ELEVE_ID", lien.eleve_id)
        _sub(el, "PERSONNE_ID", lien.personne_id)
        if resp_legal:
            # Before 2018 the two legal representatives were numbered 1 and 2, the others 0.
            if lien.niveau == 1:
                rangs[lien.eleve_id] = rangs.get(lien.eleve_id, 0) + 1
                _sub(el, "RESP_LEGAL", rangs[lien.eleve_id])
            else:
                _sub(el, "RESP_LEGAL", "0")
        else:
            _sub(el, "NIVEAU_RESPONSABILITE", lien.niveau)
        _sub(el, "CODE_PARENTE", lien.code_parente)
        _sub(el, "PAIE_FRAIS_SCOLAIRES", "1" if lien.niveau == 1 else "0")
        _sub(el, "PERCOIT_LES_AIDES", "0")
        _sub(el, "HEBERGE_ELEVE", "1")
        _sub(el, "A_CONTACTER_EN_PRIORITE", "0")
    adresses = _sub(donnees, "ADRESSES")
    for p in lycee.personnes:
        a = _sub(adresses, "ADRESSE", ADRESSE_ID=f"8{p.personne_id}")
        _sub(a, "LIGNE1_ADRESSE", "3 place de la Mairie")
        _sub(a, "CODE_POSTAL", "58000")
        _sub(a, "LIBELLE_POSTAL", "NEVERS")
    return _octets(root)


def xml_nomenclature(lycee: Lycee) -> bytes:
    root, donnees = _racine("NOMENCLATURES", "3.1", lycee)
    mefs = _sub(donnees, "MEFS")
    for m in lycee.mefs:
        el = _sub(mefs, "MEF", CODE_MEF=m.code)
        _sub(el, "FORMATION", m.formation)
        _sub(el, "LIBELLE_LONG", m.libelle_long)
        _sub(el, "LIBELLE_EDITION", m.libelle_long.capitalize())
        _sub(el, "MEF_RATTACHEMENT", m.code)
    matieres = _sub(donnees, "MATIERES")
    el = _sub(matieres, "MATIERE", CODE_MATIERE="061300")
    _sub(el, "CODE_GESTION", "MATHS")
    _sub(el, "LIBELLE_COURT", "MATHS")
    _sub(el, "LIBELLE_LONG", "MATHEMATIQUES")
    _sub(el, "LIBELLE_EDITION", "Mathématiques")
    _sub(donnees, "PROGRAMMES")
    return _octets(root)


def xml_structures(lycee: Lycee) -> bytes:
    root, donnees = _racine("STRUCTURES", "2.0", lycee)
    divisions = _sub(donnees, "DIVISIONS")
    for d in lycee.divisions:
        el = _sub(divisions, "DIVISION", CODE_STRUCTURE=d.code)
        _sub(el, "LIBELLE_LONG", d.libelle)
        mefs = _sub(el, "MEFS_APPARTENANCE")
        _sub(_sub(mefs, "MEF_APPARTENANCE"), "CODE_MEF", d.code_mef)
    groupes = _sub(donnees, "GROUPES")
    for code in sorted({g for e in lycee.eleves for g in e.groupes}):
        el = _sub(groupes, "GROUPE", CODE_STRUCTURE=code)
        _sub(el, "LIBELLE_LONG", f"Groupe {code}")
    return _octets(root)


def fichiers(
    lycee: Lycee,
    *,
    ancien_nom: bool = False,
    resp_legal: bool = False,
    avec_adresses: bool = False,
) -> dict[str, bytes]:
    """The four exports, by SIECLE's file name."""
    nom_eleves = "ElevesAvecAdresses.xml" if avec_adresses else "ElevesSansAdresses.xml"
    return {
        nom_eleves: xml_eleves(lycee, ancien_nom=ancien_nom, avec_adresses=avec_adresses),
        "ResponsablesAvecAdresses.xml": xml_responsables(
            lycee, ancien_nom=ancien_nom, resp_legal=resp_legal
        ),
        "Nomenclature.xml": xml_nomenclature(lycee),
        "Structures.xml": xml_structures(lycee),
    }


def en_zip(nom_xml: str, contenu: bytes) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(nom_xml, contenu)
    return tampon.getvalue()


def ecrire(lycee: Lycee, dossier, zip: bool = True, **formats) -> list[Path]:
    """Write the files into `dossier`, each in `ExportXML_<nom>.zip` when `zip`; return paths."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = []
    for nom, contenu in fichiers(lycee, **formats).items():
        if zip:
            chemin = dossier / f"ExportXML_{nom.removesuffix('.xml')}.zip"
            chemin.write_bytes(en_zip(nom, contenu))
        else:
            chemin = dossier / nom
            chemin.write_bytes(contenu)
        chemins.append(chemin)
    return chemins


# --- The demo's fictitious lycée ----------------------------------------------------------------

MEF_2GT = Mef("20010018110", "2NDE GT", "2NDE GENERALE ET TECHNOLOGIQUE")
MEF_1G = Mef("20111010110", "1ERE G", "1ERE GENERALE")
MEF_1STMG = Mef("21131019110", "1ERE STMG", "1ERE STMG SCIENCES ET TECHNO. MANAGEMENT GESTION")
MEF_TG = Mef("20212010110", "TLE G", "TERMINALE GENERALE")

NOMS = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefébure", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martínez", "Légaré", "Benoît", "Ménard", "Barbé", "Chevalier",
    "Gauthier", "Perrin", "Clément", "Hervé", "Noël", "Cœurdevey", "Bœuf", "N'Diaye", "Nguyen",
    "Haddad", "Da Silva", "Le Gall", "Brière", "Jérôme", "Aubé",
]  # fmt: skip
PRENOMS_F = [
    "Léa", "Chloé", "Inès", "Zoé", "Manon", "Camille", "Éloïse", "Anaïs", "Maëlle", "Océane",
    "Clémence", "Jade", "Louise", "Agathe", "Noémie", "Héloïse", "Capucine", "Maïa", "Salomé",
    "Yasmine", "Aïcha", "Gaëlle", "Lætitia", "Béatrice", "Françoise", "Hélène", "Céline", "Sophie",
]  # fmt: skip
PRENOMS_M = [
    "Lucas", "Noé", "Théo", "Hugo", "Jérémy", "Raphaël", "Gaël", "Anaël", "Loïc", "Mathéo",
    "Clément", "Aurélien", "Benoît", "Timothée", "Élie", "Joël", "Adrien", "Mehdi", "Yanis",
    "Rémi", "Stéphane", "Frédéric", "Jérôme", "Hervé", "Sébastien", "Grégoire", "Loïs", "Côme",
]  # fmt: skip


LETTRES = "ABCDEFGHJK"


def lycee_fictif(uai: str, annee: int, seed: int = 0, divisions_2de: int = 8) -> Lycee:
    """A lycée with `divisions_2de` classes of 2de GT × 30 pupils, three other classes, and the
    awkward cases of SIECLE.md: siblings sharing a representative, a single representative, a pupil
    whose only adults are niveau 2/3, a pupil who left, a pupil with no class, no e-mail, accents.
    Deterministic for a given seed."""
    rng = random.Random(seed)
    lycee = Lycee(
        uai=uai,
        annee=annee,
        nom="Lycée Marie Curie",
        mefs=[MEF_2GT, MEF_1G, MEF_1STMG, MEF_TG],
        date_export=datetime.date(annee, 9, 20),
    )
    classes = [(f"2DE{i}", f"Seconde {i}", MEF_2GT, 30) for i in range(1, divisions_2de + 1)]
    classes += [
        ("1G1", "Première générale 1", MEF_1G, 24),
        ("1STMG", "Première STMG", MEF_1STMG, 20),
        ("TG1", "Terminale générale 1", MEF_TG, 24),
    ]
    lycee.divisions = [Division(code, libelle, mef.code) for code, libelle, mef, _n in classes]
    compteur = {"eleve": 0, "personne": 0}

    def nouvel_id(genre: str) -> str:
        compteur[genre] += 1
        base = 1_000_000 if genre == "eleve" else 2_000_000
        return str(base + compteur[genre])

    def adresse(prenom: str, nom: str) -> str:
        ascii_ = unicodedata.normalize("NFKD", f"{prenom}.{nom}".lower().replace("œ", "oe"))
        local = "".join(c for c in ascii_ if c.isascii() and (c.isalnum() or c == "."))
        return f"{local}{rng.randint(1, 99)}@exemple.fr"

    for code, _libelle, mef, effectif in classes:
        niveau_age = {"2": 15, "1": 16, "T": 17}[code[0]]
        for _ in range(effectif):
            sexe = rng.choice("12")
            prenom = rng.choice(PRENOMS_F if sexe == "2" else PRENOMS_M)
            nom = rng.choice(NOMS)
            eleve_id = nouvel_id("eleve")
            eleve = Eleve(
                eleve_id=eleve_id,
                elenoet=str(int(eleve_id) - 990_000),
                ine=f"{rng.randint(10**8, 10**9 - 1)}{rng.choice(LETTRES)}{rng.choice(LETTRES)}",
                nom=nom,
                prenom=prenom,
                code_mef=mef.code,
                division=code,
                date_naissance=datetime.date(
                    annee - niveau_age, rng.randint(1, 12), rng.randint(1, 28)
                ),
                sexe=sexe,
                email=adresse(prenom, nom) if rng.random() < 0.5 else "",
                groupes=[f"{code}_LV2"] if rng.random() < 0.3 else [],
            )
            lycee.eleves.append(eleve)
            # Most pupils have two legal representatives; about one in eight has only one.
            nb = 1 if rng.random() < 0.125 else 2
            for rang in range(nb):
                civilite, code_parente = (("MME", "10"), ("M.", "20"))[rang]
                prenom_p = rng.choice(PRENOMS_F if civilite == "MME" else PRENOMS_M)
                nom_p = nom if rang == 0 or rng.random() < 0.7 else rng.choice(NOMS)
                personne = Personne(
                    personne_id=nouvel_id("personne"),
                    nom=nom_p,
                    prenom=prenom_p,
                    civilite=civilite,
                    # About one representative in ten has no e-mail address: letter with a code.
                    email=adresse(prenom_p, nom_p) if rng.random() < 0.9 else "",
                    tel_portable=f"06{rng.randint(10**7, 10**8 - 1)}",
                )
                lycee.personnes.append(personne)
                lycee.liens.append(Lien(eleve_id, personne.personne_id, 1, code_parente))

    secondes = [e for e in lycee.eleves if e.code_mef == MEF_2GT.code]
    premieres = [e for e in lycee.eleves if e.code_mef == MEF_1G.code]
    _cas_particuliers(lycee, rng, secondes, premieres, nouvel_id)
    return lycee


def _cas_particuliers(lycee, rng, secondes, premieres, nouvel_id):
    def legaux(eleve):
        return [
            lien for lien in lycee.liens if lien.eleve_id == eleve.eleve_id and lien.niveau == 1
        ]

    # Siblings: a 2de pupil and a 1re pupil share their mother (one Responsable, one account).
    ainee, cadet = premieres[0], secondes[3]
    mere = legaux(ainee)[0].personne_id
    for lien in legaux(cadet):
        if lien.code_parente == "10":
            lycee.liens.remove(lien)
    lycee.liens.append(Lien(cadet.eleve_id, mere, 1, "10"))
    cadet.nom = ainee.nom
    # Twins in 2de sharing both parents.
    jumeau, jumelle = secondes[10], secondes[45]
    for lien in legaux(jumelle):
        lycee.liens.remove(lien)
    for lien in legaux(jumeau):
        lycee.liens.append(Lien(jumelle.eleve_id, lien.personne_id, 1, lien.code_parente))
    jumelle.nom, jumelle.date_naissance = jumeau.nom, jumeau.date_naissance
    # A pupil placed by the ASE: only a niveau 2 éducateur and a niveau 3 contact.
    place = secondes[20]
    for lien in legaux(place):
        lycee.liens.remove(lien)
    for niveau, code_parente, civilite, prenom, nom in (
        (2, "41", "M.", "Karim", "Benhamou"),
        (3, "39", "MME", "Josiane", "Thévenin"),
    ):
        pid = nouvel_id("personne")
        lycee.personnes.append(Personne(pid, nom, prenom, civilite, email=""))
        lycee.liens.append(Lien(place.eleve_id, pid, niveau, code_parente))
    # A pupil who left in October, still in the export with a DATE_SORTIE.
    secondes[30].date_sortie = datetime.date(lycee.annee, 10, 15)
    secondes[30].code_motif_sortie = "06"
    # A pupil enrolled in 2de GT but not yet in a class.
    secondes[-1].division = None
    secondes[-1].groupes = []
    # A married name (NOM_USAGE) different from the birth name.
    mere_usage = lycee.personne(legaux(secondes[5])[0].personne_id)
    mere_usage.nom_usage = mere_usage.nom
    mere_usage.nom = rng.choice(["Lefèvre-Dubois", "Ménard", "Brière"])
