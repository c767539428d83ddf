"""Import of intentions gathered outside the service (a survey of the school's software, a
spreadsheet typed from paper fiches): parse → diff → apply (ARCHITECTURE.md rule 5).

- `lire()` reads a CSV or XLSX file with tablib (size and line limits), one `LigneBrute` per row;
- `calculer()` compares each row with the database and classifies it: new, changed, identical,
  in conflict with a list the family validated online (skipped unless the user asks to replace
  it), or refused with a French reason (unknown pupil, unknown voie, a list breaking R8–R11…);
- `appliquer()` calls `workflow.valider_voeux(canal="etablissement")` for every row to apply, in
  one transaction: the same rules and the same transition as an online entry, all or nothing.

The columns are documented in docs/saisie-papier.md.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import tablib
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orientation.campagnes.models import Campagne, Phase, Specialite, Voie
from orientation.etablissements.models import Eleve

from . import regles, workflow
from .models import Dossier, Saisie, Voeu

TAILLE_MAX = 2 * 1024 * 1024  # 2 Mio: a school's survey is a few dozen kilobytes
LIGNES_MAX = 3000
# An XLSX once inflated: 3,000 rows of a few dozen cells are a few megabytes of XML.
XLSX_DECOMPRESSE_MAX = 10 * 1024 * 1024
XLSX_MEMBRES_MAX = 100
CELLULES_MAX = LIGNES_MAX * 100
_LIGNE_XLSX = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELLULE_XLSX = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


class ImportIntentionsError(Exception):
    """The file cannot be read at all; the message is French, for the page."""


def normaliser(texte) -> str:
    """Lower case, no accents, single spaces: what a header or a typed label is compared by."""
    texte = unicodedata.normalize("NFKD", str(texte or ""))
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    texte = texte.replace("’", "'").replace("«", "").replace("»", "")
    return re.sub(r"\s+", " ", texte).strip().lower()


# --- parse ---------------------------------------------------------------------------------------


@dataclass
class LigneBrute:
    numero: int  # the spreadsheet's line number (the header is line 1)
    valeurs: dict[str, str]  # normalised header → cell text


def _entetes(entetes) -> list[str]:
    return [normaliser(e).replace("_", " ") for e in entetes]


def _verifier_classeur(contenu: bytes) -> None:
    """An XLSX is a ZIP: its 2 Mo may inflate a thousandfold (a zip bomb), and openpyxl then
    tablib parse every row before LIGNES_MAX is checked — a 66 Ko file of 200,000 rows took half
    a minute of CPU. Python's zipfile never inflates a member past the size its header announces
    (the CRC check fails instead), so the announced sizes bound the reading; the rows and cells
    are then counted on the inflated XML, cheaply, before openpyxl parses anything."""
    illisible = _("Le classeur XLSX ne peut pas être lu : enregistrez-le de nouveau ou en CSV.")
    trop_gros = _(
        "Le classeur XLSX est trop volumineux une fois décompressé : enregistrez-le en CSV ou "
        "découpez-le par division."
    )
    try:
        classeur = zipfile.ZipFile(io.BytesIO(contenu))
        membres = classeur.infolist()
        if (
            len(membres) > XLSX_MEMBRES_MAX
            or sum(m.file_size for m in membres) > XLSX_DECOMPRESSE_MAX
        ):
            raise ImportIntentionsError(trop_gros)
        lignes = cellules = 0
        for membre in membres:
            # Every member, not only xl/worksheets/: the workbook may point a sheet anywhere.
            xml = classeur.read(membre)
            lignes += len(_LIGNE_XLSX.findall(xml))
            cellules += len(_CELLULE_XLSX.findall(xml))
    except ImportIntentionsError:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError, OSError):
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise ImportIntentionsError(illisible) from None
    if lignes > LIGNES_MAX + 1 or cellules > CELLULES_MAX:
        raise ImportIntentionsError(
            _("Le fichier compte plus de %(n)s lignes.") % {"n": LIGNES_MAX}
        )


def lire(contenu: bytes, nom: str = "") -> list[LigneBrute]:
    if len(contenu) > TAILLE_MAX:
        raise ImportIntentionsError(_("Le fichier dépasse 2 Mo : découpez-le par division."))
    if not contenu.strip():
        raise ImportIntentionsError(_("Le fichier est vide."))
    if contenu[:2] == b"PK" or nom.lower().endswith(".xlsx"):
        _verifier_classeur(contenu)
        try:
            dataset = tablib.Dataset().load(io.BytesIO(contenu), format="xlsx")
        except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
            raise ImportIntentionsError(
                _("Le classeur XLSX ne peut pas être lu : enregistrez-le de nouveau ou en CSV.")
            ) from exc
    else:
        texte = None
        for encodage in ("utf-8-sig", "cp1252"):
            try:
                texte = contenu.decode(encodage)
                break
            except UnicodeDecodeError:
                continue
        if texte is None:
            raise ImportIntentionsError(_("Le fichier CSV n'est ni en UTF-8 ni en Windows-1252."))
        premiere = texte.splitlines()[0] if texte.splitlines() else ""
        separateur = max(";,\t", key=premiere.count)
        try:
            dataset = tablib.Dataset().load(texte, format="csv", delimiter=separateur)
        except (csv.Error, tablib.InvalidDimensions) as exc:
            raise ImportIntentionsError(
                _("Le fichier CSV est mal formé (nombre de colonnes variable ?).")
            ) from exc
    entetes = _entetes(dataset.headers or [])
    if "ine" not in entetes and not {"nom", "prenom", "division"} <= set(entetes):
        raise ImportIntentionsError(
            _(
                "Colonnes introuvables : la première ligne doit contenir « INE » ou "
                "« Nom », « Prénom » et « Division », puis « Voie 1 », « Voie 2 »…"
            )
        )
    if "voie 1" not in entetes:
        raise ImportIntentionsError(_("Colonne « Voie 1 » introuvable sur la première ligne."))
    if dataset.height > LIGNES_MAX:
        raise ImportIntentionsError(
            _("Le fichier compte plus de %(n)s lignes.") % {"n": LIGNES_MAX}
        )
    lignes = []
    for i, row in enumerate(dataset, start=2):
        valeurs = {
            e: str(v).strip() if v is not None else "" for e, v in zip(entetes, row, strict=False)
        }
        if any(valeurs.values()):
            lignes.append(LigneBrute(numero=i, valeurs=valeurs))
    return lignes


# --- the catalogue, read once ---------------------------------------------------------------


@dataclass
class Catalogue:
    voies: dict[str, Voie]  # normalised code or label → voie
    specialites: dict[str, str]  # normalised code or label → code
    options: dict[str, str]

    @classmethod
    def charger(cls) -> Catalogue:
        voies: dict[str, Voie] = {}
        for voie in Voie.objects.filter(actif=True):
            for cle in (voie.code, voie.libelle, voie.code.replace("_", " ")):
                voies[normaliser(cle)] = voie
            if voie.famille == regles.TECHNOLOGIQUE:
                voies[normaliser(f"1re {voie.code}")] = voie
                voies[normaliser(f"1re technologique {voie.code}")] = voie
        for voie in voies.copy().values():
            alias = {
                regles.GENERALE: ["generale", "1re generale", "voie generale", "1ere generale"],
                regles.BT: ["bt", "bt musique", "bt metiers de la musique"],
                regles.PROFESSIONNELLE: [
                    "pro",
                    "professionnelle",
                    "voie professionnelle",
                    "acces a la voie professionnelle",
                ],
            }.get(voie.famille, [])
            for a in alias:
                voies.setdefault(a, voie)
        specialites = {}
        for code, libelle in Specialite.objects.filter(actif=True).values_list("code", "libelle"):
            specialites[normaliser(code)] = code
            specialites[normaliser(libelle)] = code
        options = {
            "1re pro": regles.PREMIERE_PRO,
            "1re professionnelle": regles.PREMIERE_PRO,
            "1ere pro": regles.PREMIERE_PRO,
            "2de pro": regles.SECONDE_PRO,
            "2nde pro": regles.SECONDE_PRO,
            "2de professionnelle": regles.SECONDE_PRO,
            "cap": regles.CAP,
        }
        options.update({normaliser(o): o for o in regles.OPTIONS_PRO})
        return cls(voies=voies, specialites=specialites, options=options)


TECHNO = {"technologique", "1re technologique", "voie technologique", "1ere technologique"}


def _colonne(valeurs: dict[str, str], *noms: str) -> str:
    for nom in noms:
        if valeurs.get(nom):
            return valeurs[nom]
    return ""


def voeux_de_la_ligne(
    ligne: LigneBrute, cat: Catalogue
) -> tuple[list[regles.VoeuSaisi], list[str]]:
    """The row's Voie 1..11 columns as VoeuSaisi rows, and what could not be understood."""
    voeux, erreurs = [], []
    v = ligne.valeurs
    for n in range(1, regles.MAX_VOEUX + 2):
        texte = v.get(f"voie {n}", "")
        serie = _colonne(v, f"serie {n}")
        specialites = _colonne(v, f"specialites {n}", f"specialite {n}")
        option = _colonne(v, f"option pro {n}", f"formation pro {n}", f"formation {n}")
        if not texte:
            if serie or specialites or option:
                erreurs.append(
                    _("Voie %(n)s vide alors que ses précisions sont remplies.") % {"n": n}
                )
            continue
        cle = normaliser(texte)
        if cle in TECHNO:
            voie = cat.voies.get(normaliser(serie)) if serie else None
            if serie and (voie is None or voie.famille != regles.TECHNOLOGIQUE):
                erreurs.append(
                    _("Voie %(n)s : série « %(serie)s » inconnue.") % {"n": n, "serie": serie}
                )
                continue
            famille, code = regles.TECHNOLOGIQUE, voie.code if voie else ""
        else:
            voie = cat.voies.get(cle)
            if voie is None:
                erreurs.append(
                    _("Voie %(n)s : « %(voie)s » n'est pas au catalogue de l'année.")
                    % {"n": n, "voie": texte[:80]}
                )
                continue
            famille, code = voie.famille, voie.code
        codes = []
        for morceau in re.split(r"[,;/+|]", specialites):
            if not morceau.strip():
                continue
            spe = cat.specialites.get(normaliser(morceau))
            if spe is None:
                erreurs.append(
                    _("Voie %(n)s : enseignement de spécialité « %(spe)s » inconnu.")
                    % {"n": n, "spe": morceau.strip()[:80]}
                )
            else:
                codes.append(spe)
        option_code = ""
        if option:
            option_code = cat.options.get(normaliser(option), "")
            if not option_code:
                erreurs.append(
                    _("Voie %(n)s : formation « %(option)s » inconnue (1re pro, 2de pro ou CAP).")
                    % {"n": n, "option": option[:40]}
                )
                continue
        voeux.append(
            regles.VoeuSaisi(
                famille=famille, voie_code=code, specialites=tuple(codes), option_pro=option_code
            )
        )
    return voeux, erreurs


# --- diff ----------------------------------------------------------------------------------------


class Statut:
    NOUVEAU = "nouveau"
    MODIFIE = "modifie"
    IDENTIQUE = "identique"
    CONFLIT = "conflit"  # the family validated online: skipped unless "remplacer"
    REFUSE = "refuse"


@dataclass
class Ligne:
    numero: int
    eleve: str
    statut: str
    dossier_id: int | None = None
    voeux: list[regles.VoeuSaisi] = field(default_factory=list)
    avant: list[str] = field(default_factory=list)
    apres: list[str] = field(default_factory=list)
    raisons: list[str] = field(default_factory=list)


@dataclass
class DiffIntentions:
    etablissement_id: int
    phase: str
    lignes: list[Ligne] = field(default_factory=list)
    erreur_globale: str = ""

    def par_statut(self, statut: str) -> list[Ligne]:
        return [ligne for ligne in self.lignes if ligne.statut == statut]

    @property
    def nouvelles(self):
        return self.par_statut(Statut.NOUVEAU)

    @property
    def modifiees(self):
        return self.par_statut(Statut.MODIFIE)

    @property
    def identiques(self):
        return self.par_statut(Statut.IDENTIQUE)

    @property
    def conflits(self):
        return self.par_statut(Statut.CONFLIT)

    @property
    def refusees(self):
        return self.par_statut(Statut.REFUSE)

    def a_appliquer(self, remplacer: bool = False) -> list[Ligne]:
        statuts = {Statut.NOUVEAU, Statut.MODIFIE} | ({Statut.CONFLIT} if remplacer else set())
        return [ligne for ligne in self.lignes if ligne.statut in statuts]


def _libelle_saisi(voeu: regles.VoeuSaisi, voies: dict[str, Voie], spes: dict[str, str]) -> str:
    voie = voies.get(voeu.voie_code)
    libelle = voie.libelle if voie else _("1re technologique (série manquante)")
    if voeu.option_pro:
        libelle = f"{libelle} — {dict(Voeu._meta.get_field('option_pro').choices)[voeu.option_pro]}"
    if voeu.specialites:
        libelle = f"{libelle} ({', '.join(spes.get(c, c) for c in voeu.specialites)})"
    return libelle


def _trouver_eleves(etablissement_id: int):
    eleves = list(
        Eleve.objects.filter(etablissement_id=etablissement_id, date_sortie__isnull=True)
        .select_related("division")
        .order_by("pk")
    )
    par_ine = {e.ine.upper(): e for e in eleves if e.ine}
    par_nom: dict[tuple[str, str, str], list[Eleve]] = {}
    for e in eleves:
        cle = (
            normaliser(e.nom),
            normaliser(e.prenom),
            normaliser(e.division.code if e.division else ""),
        )
        par_nom.setdefault(cle, []).append(e)
    return par_ine, par_nom


def calculer(lignes: list[LigneBrute], campagne: Campagne, phase: str = Phase.PROVISOIRE):
    """The readable diff, and the plan `appliquer` carries out. A constant number of queries."""
    diff = DiffIntentions(etablissement_id=campagne.etablissement_id, phase=phase)
    if not campagne.saisie_ouverte(phase):
        # R1: the import goes through the same transition, closed outside the window.
        diff.erreur_globale = _(
            "Le service de saisie est fermé pour cette phase : rien ne peut être importé. "
            "La direction peut rouvrir la saisie dans les réglages de la campagne."
        )
    cat = Catalogue.charger()
    contexte = workflow.contexte_pour(campagne, phase)
    transition = "valider_intentions" if phase == Phase.PROVISOIRE else "valider_demandes"
    sources, cible = workflow.TRANSITIONS[transition]
    par_ine, par_nom = _trouver_eleves(campagne.etablissement_id)
    dossiers = {
        d.eleve_id: d
        for d in Dossier.objects.filter(campagne=campagne).select_related("eleve__division")
    }
    saisies = {
        s.dossier_id: s for s in Saisie.objects.filter(dossier__campagne=campagne, phase=phase)
    }
    existants: dict[int, list[Voeu]] = {}
    for voeu in (
        Voeu.objects.filter(dossier__campagne=campagne, phase=phase)
        .select_related("voie")
        .prefetch_related("specialites")
        .order_by("rang")
    ):
        existants.setdefault(voeu.dossier_id, []).append(voeu)
    voies = {v.code: v for v in Voie.objects.all()}
    spes = dict(Specialite.objects.values_list("code", "libelle"))
    vus: dict[int, int] = {}

    for brute in lignes:
        v = brute.valeurs
        ine = v.get("ine", "").upper()
        nom = " ".join(p for p in (v.get("nom", ""), v.get("prenom", "")) if p)
        qui = nom or ine or _("ligne sans nom")
        if v.get("division"):
            qui = f"{qui} ({v['division']})"
        ligne = Ligne(numero=brute.numero, eleve=qui, statut=Statut.REFUSE)
        diff.lignes.append(ligne)
        eleve = par_ine.get(ine) if ine else None
        if eleve is None and not ine:
            candidats = par_nom.get(
                (
                    normaliser(v.get("nom")),
                    normaliser(v.get("prenom")),
                    normaliser(v.get("division")),
                ),
                [],
            )
            if len(candidats) > 1:
                ligne.raisons.append(
                    _("Plusieurs élèves portent ce nom dans cette division : indiquez l'INE.")
                )
                continue
            eleve = candidats[0] if candidats else None
        if eleve is None:
            ligne.raisons.append(
                _("Élève inconnu dans l'établissement (INE %(ine)s).") % {"ine": ine}
                if ine
                else _("Élève inconnu : aucun élève de ce nom dans cette division.")
            )
            continue
        ligne.eleve = f"{eleve.nom_complet} ({eleve.division.code if eleve.division else '—'})"
        dossier = dossiers.get(eleve.pk)
        if dossier is None:
            ligne.raisons.append(_("Cet élève n'a pas de fiche dialogue dans cette campagne."))
            continue
        ligne.dossier_id = dossier.pk
        if dossier.pk in vus:
            ligne.raisons.append(
                _("Cet élève figure déjà ligne %(n)s : une seule liste par élève.")
                % {"n": vus[dossier.pk]}
            )
            continue
        vus[dossier.pk] = brute.numero
        ligne.avant = [voeu.libelle for voeu in existants.get(dossier.pk, [])]
        voeux, erreurs = voeux_de_la_ligne(brute, cat)
        ligne.raisons += erreurs
        if erreurs:
            continue
        erreurs_regles = regles.verifier(voeux, contexte)  # R8–R11, exactly as online
        if erreurs_regles:
            ligne.raisons += [str(e) for e in erreurs_regles]
            continue
        if dossier.etat not in sources:
            ligne.raisons.append(
                _("La fiche est à l'étape « %(etat)s » : la liste ne peut plus être saisie.")
                % {"etat": dossier.get_etat_display()}
            )
            continue
        ligne.voeux = regles.dans_l_ordre(voeux)
        ligne.apres = [_libelle_saisi(x, voies, spes) for x in ligne.voeux]
        saisie = saisies.get(dossier.pk)
        if (
            saisie is not None
            and saisie.empreinte == workflow._empreinte(ligne.voeux)
            and (dossier.etat == cible)
        ):
            ligne.statut = Statut.IDENTIQUE
        elif saisie is None:
            ligne.statut = Statut.NOUVEAU
        elif saisie.canal == Saisie.Canal.EN_LIGNE:
            ligne.statut = Statut.CONFLIT
            ligne.raisons.append(
                _("La famille a validé sa liste en ligne le %(date)s.")
                % {"date": timezone.localdate(saisie.valide_le).strftime("%d/%m/%Y")}
            )
        else:
            ligne.statut = Statut.MODIFIE
    return diff


# --- apply ---------------------------------------------------------------------------------------


@dataclass
class Resultat:
    appliquees: int
    conflits_remplaces: int
    ignorees: int


def appliquer(
    diff: DiffIntentions, user, *, remplacer: bool = False, reference: str = "", ip=None
) -> Resultat:
    """Every row to apply, through the workflow, in one transaction: one refusal undoes all."""
    if diff.erreur_globale:
        raise ImportIntentionsError(diff.erreur_globale)
    lignes = diff.a_appliquer(remplacer)
    with transaction.atomic():
        dossiers = Dossier.objects.in_bulk([ligne.dossier_id for ligne in lignes])
        for ligne in lignes:
            try:
                workflow.valider_voeux(
                    dossiers[ligne.dossier_id],
                    user,
                    diff.phase,
                    ligne.voeux,
                    ip=ip,
                    canal=Saisie.Canal.ETABLISSEMENT,
                    reference_scan=reference[:200],
                )
            except workflow.TransitionRefusee as exc:
                raise ImportIntentionsError(
                    _("Ligne %(n)s (%(eleve)s) : %(message)s — rien n'a été importé.")
                    % {"n": ligne.numero, "eleve": ligne.eleve, "message": exc.message}
                ) from exc
    return Resultat(
        appliquees=len(lignes),
        conflits_remplaces=len(diff.conflits) if remplacer else 0,
        ignorees=len(diff.lignes) - len(lignes),
    )


def texte(diff: DiffIntentions) -> str:
    """The diff as plain text (the command's output)."""
    sortie = []
    if diff.erreur_globale:
        sortie.append(diff.erreur_globale)
    sections = [
        (_("Nouvelles listes"), diff.nouvelles),
        (_("Listes modifiées"), diff.modifiees),
        (_("Déjà validées en ligne par la famille (ignorées sans --remplacer)"), diff.conflits),
        (_("Lignes refusées"), diff.refusees),
    ]
    for titre, lignes in sections:
        sortie.append(f"{titre} : {len(lignes)}")
        for ligne in lignes:
            sortie.append(f"  ligne {ligne.numero} — {ligne.eleve}")
            if ligne.avant and ligne.statut != Statut.NOUVEAU:
                sortie.append("    " + _("avant : ") + " ; ".join(ligne.avant))
            if ligne.apres:
                sortie.append("    " + _("après : ") + " ; ".join(ligne.apres))
            for raison in ligne.raisons:
                sortie.append(f"    ! {raison}")
    sortie.append(_("Listes identiques, rien à faire : %(n)s") % {"n": len(diff.identiques)})
    return "\n".join(sortie)


# --- the uploaded file, kept between the preview and the confirmation -----------------------------
# Under MEDIA_ROOT/imports-intentions/<random token>, never under a name the browser chose; removed
# once applied or cancelled, and after a day (as the SIECLE uploads).

DUREE_DEPOT = 24 * 3600
JETON_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def _depots():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports-intentions"


def deposer(contenu: bytes) -> str:
    import secrets
    import time

    racine = _depots()
    racine.mkdir(parents=True, exist_ok=True, mode=0o700)
    limite = time.time() - DUREE_DEPOT
    for ancien in racine.iterdir():
        if ancien.stat().st_mtime < limite:
            ancien.unlink(missing_ok=True)
    jeton = secrets.token_urlsafe(32)
    (racine / jeton).write_bytes(contenu)
    return jeton


def relire(jeton: str) -> bytes | None:
    if not JETON_RE.match(jeton or ""):
        return None
    chemin = _depots() / jeton
    return chemin.read_bytes() if chemin.is_file() else None


def supprimer(jeton: str) -> None:
    if JETON_RE.match(jeton or ""):
        (_depots() / jeton).unlink(missing_ok=True)
