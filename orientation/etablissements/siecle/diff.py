"""What an import would change, computed against the database (ARCHITECTURE.md rule 5).

The `Diff` is both what staff read before confirming and the plan `apply.appliquer` carries out,
so the preview and the import cannot disagree.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Division, Eleve, Etablissement, Lien, Responsable
from .parse import DivisionSiecle, DonneesSiecle, EleveSiecle, LienSiecle, PersonneSiecle

ELEVE_FIELDS = (
    "elenoet",
    "ine",
    "nom",
    "prenom",
    "date_naissance",
    "sexe",
    "email",
    "code_mef",
    "date_sortie",
)
RESPONSABLE_FIELDS = (
    "civilite",
    "nom",
    "prenom",
    "email",
    "tel_personnel",
    "tel_portable",
    "tel_professionnel",
)
MAX_LIGNES = 200  # per section in the preview; the counts are always complete


@dataclass
class Section:
    titre: str
    lignes: list[str] = field(default_factory=list)
    total: int = 0

    def ajouter(self, ligne: str):
        self.total += 1
        if len(self.lignes) < MAX_LIGNES:
            self.lignes.append(ligne)

    @property
    def restantes(self) -> int:
        return self.total - len(self.lignes)


@dataclass
class Diff:
    uai: str
    annee: int | None
    etablissement_a_creer: bool = False
    # The plan. New records are parsed records; changed ones are (model instance, {field: new}).
    divisions_nouvelles: list[tuple[DivisionSiecle, dict]] = field(default_factory=list)
    divisions_modifiees: list[tuple[Division, dict]] = field(default_factory=list)
    divisions_absentes: list[Division] = field(default_factory=list)
    eleves_nouveaux: list[EleveSiecle] = field(default_factory=list)
    eleves_modifies: list[tuple[Eleve, dict]] = field(default_factory=list)
    eleves_sortis: list[tuple[Eleve, datetime.date]] = field(default_factory=list)
    responsables_nouveaux: list[PersonneSiecle] = field(default_factory=list)
    responsables_modifies: list[tuple[Responsable, dict]] = field(default_factory=list)
    liens_nouveaux: list[LienSiecle] = field(default_factory=list)
    liens_modifies: list[tuple[Lien, dict]] = field(default_factory=list)
    liens_supprimes: list[Lien] = field(default_factory=list)
    comptes_eleves: list[str] = field(default_factory=list)  # ELEVE_ID
    comptes_responsables: list[str] = field(default_factory=list)  # PERSONNE_ID
    courriels_comptes: list[tuple[int, str]] = field(default_factory=list)  # (user id, address)
    avertissements: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def vide(self) -> bool:
        return not any(s.total for s in self.sections) and not self.etablissement_a_creer

    def resume(self) -> dict[str, int]:
        return {
            "divisions_nouvelles": len(self.divisions_nouvelles),
            "divisions_modifiees": len(self.divisions_modifiees),
            "eleves_nouveaux": len(self.eleves_nouveaux),
            "eleves_modifies": len(self.eleves_modifies),
            "eleves_sortis": len(self.eleves_sortis),
            "responsables_nouveaux": len(self.responsables_nouveaux),
            "responsables_modifies": len(self.responsables_modifies),
            "liens_nouveaux": len(self.liens_nouveaux),
            "liens_modifies": len(self.liens_modifies),
            "liens_supprimes": len(self.liens_supprimes),
            "comptes_crees": len(self.comptes_eleves) + len(self.comptes_responsables),
        }

    def compteurs(self) -> list[tuple[str, int]]:
        """The counts, labelled in French, for the preview's summary table."""
        r = self.resume()
        return [
            (_("Divisions nouvelles"), r["divisions_nouvelles"]),
            (_("Divisions modifiées"), r["divisions_modifiees"]),
            (_("Élèves nouveaux"), r["eleves_nouveaux"]),
            (_("Élèves modifiés (dont changements de division)"), r["eleves_modifies"]),
            (_("Élèves sortis de l'établissement"), r["eleves_sortis"]),
            (_("Responsables nouveaux"), r["responsables_nouveaux"]),
            (_("Responsables modifiés"), r["responsables_modifies"]),
            (_("Liens élève–responsable créés"), r["liens_nouveaux"]),
            (_("Liens élève–responsable modifiés"), r["liens_modifies"]),
            (_("Liens élève–responsable retirés"), r["liens_supprimes"]),
            (_("Comptes à créer"), r["comptes_crees"]),
        ]

    def texte(self, detail: bool = True) -> str:
        """The diff as plain text (the command prints it); without `detail`, the summary only."""
        out = []
        if self.etablissement_a_creer:
            out.append(_("L'établissement %(uai)s sera créé.") % {"uai": self.uai})
        out.append(_("Résumé :"))
        out += [f"  {label} : {n}" for label, n in self.compteurs()]
        for section in self.sections if detail else ():
            if not section.total:
                continue
            out.append(f"{section.titre} ({section.total}) :")
            out += [f"  - {ligne}" for ligne in section.lignes]
            if section.restantes:
                out.append(
                    "  "
                    + ngettext("… et %(n)s autre.", "… et %(n)s autres.", section.restantes)
                    % {"n": section.restantes}
                )
        if self.avertissements:
            out.append(_("Avertissements :"))
            out += [f"  ! {a}" for a in self.avertissements]
        if self.vide:
            out.append(_("Aucun changement : la base est déjà à jour."))
        return "\n".join(out)


def _fmt(value) -> str:
    if value in (None, ""):
        return _("(vide)")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _nom(obj) -> str:
    return " ".join(p for p in (obj.prenom, obj.nom) if p)


def _division_fields(
    code: str,
    structure: DivisionSiecle | None,
    mefs_eleves: Counter,
    donnees: DonneesSiecle,
    existante: Division | None,
) -> dict:
    mefs = list(structure.mefs) if structure and structure.mefs else []
    if not mefs:
        mefs = [mef for mef, _n in mefs_eleves.most_common()]
    code_mef = mefs[0] if mefs else (existante.code_mef if existante else "")
    libelle = structure.libelle if structure and structure.libelle else None
    if libelle is None:
        libelle = existante.libelle if existante else code
    if "nomenclatures" in donnees.kinds:
        # The 2de GT classes are found through their MEF's labels, never a hard-coded code.
        est_2gt = any(m in donnees.mefs and donnees.mefs[m].est_seconde_gt for m in mefs)
        libelle_mef = donnees.mefs[code_mef].formation if code_mef in donnees.mefs else ""
    else:
        est_2gt = existante.est_seconde_gt if existante else False
        libelle_mef = existante.libelle_mef if existante else ""
    return {
        "libelle": libelle[:200],
        "code_mef": code_mef[:11],
        "libelle_mef": libelle_mef[:200],
        "est_seconde_gt": est_2gt,
    }


def calculer(donnees: DonneesSiecle, etablissement: Etablissement | None) -> Diff:
    diff = Diff(uai=donnees.uai, annee=donnees.annee, avertissements=list(donnees.avertissements))
    diff.etablissement_a_creer = etablissement is None
    s_div = Section(_("Divisions"))
    s_nouveaux = Section(_("Élèves nouveaux"))
    s_classe = Section(_("Changements de division"))
    s_sortis = Section(_("Élèves sortis de l'établissement"))
    s_eleves = Section(_("Autres modifications d'élèves"))
    s_resp = Section(_("Responsables nouveaux"))
    s_resp_mod = Section(_("Responsables modifiés"))
    s_courriels = Section(_("Adresses électroniques modifiées"))
    s_liens = Section(_("Liens élève–responsable"))
    s_comptes = Section(_("Comptes à créer"))
    diff.sections = [
        s_div,
        s_nouveaux,
        s_classe,
        s_sortis,
        s_eleves,
        s_resp,
        s_resp_mod,
        s_courriels,
        s_liens,
        s_comptes,
    ]

    if etablissement is None:
        divisions, eleves, responsables, liens = {}, {}, {}, {}
    else:
        divisions = {d.code: d for d in Division.objects.filter(etablissement=etablissement)}
        eleves = {
            e.siecle_id: e
            for e in Eleve.objects.filter(etablissement=etablissement).select_related(
                "division", "user"
            )
        }
        responsables = {
            r.siecle_id: r
            for r in Responsable.objects.filter(etablissement=etablissement).select_related("user")
        }
        liens = {
            (lien.eleve.siecle_id, lien.responsable.siecle_id): lien
            for lien in Lien.objects.filter(eleve__etablissement=etablissement).select_related(
                "eleve", "responsable"
            )
        }

    # --- Divisions ---
    mefs_par_division: dict[str, Counter] = {}
    for e in donnees.eleves.values():
        if e.division:
            mefs_par_division.setdefault(e.division, Counter())[e.code_mef] += 1
    codes = sorted(set(donnees.divisions) | set(mefs_par_division))
    division_2gt: dict[str, bool] = {code: d.est_seconde_gt for code, d in divisions.items()}
    for code in codes:
        existante = divisions.get(code)
        valeurs = _division_fields(
            code,
            donnees.divisions.get(code),
            mefs_par_division.get(code, Counter()),
            donnees,
            existante,
        )
        division_2gt[code] = valeurs["est_seconde_gt"]
        if existante is None:
            diff.divisions_nouvelles.append(
                (donnees.divisions.get(code) or DivisionSiecle(code), valeurs)
            )
            s_div.ajouter(
                _("Nouvelle division %(code)s (%(libelle)s)%(gt)s")
                % {
                    "code": code,
                    "libelle": valeurs["libelle"],
                    "gt": _(", seconde générale et technologique")
                    if valeurs["est_seconde_gt"]
                    else "",
                }
            )
        else:
            changes = {k: v for k, v in valeurs.items() if getattr(existante, k) != v}
            if changes:
                diff.divisions_modifiees.append((existante, changes))
                s_div.ajouter(
                    _("Division %(code)s modifiée : %(champs)s")
                    % {
                        "code": code,
                        "champs": ", ".join(
                            f"{Division._meta.get_field(k).verbose_name} "
                            f"{_fmt(getattr(existante, k))} → {_fmt(v)}"
                            for k, v in changes.items()
                        ),
                    }
                )
    if "structures" in donnees.kinds:
        for code, existante in sorted(divisions.items()):
            if code not in donnees.divisions and code not in mefs_par_division:
                diff.divisions_absentes.append(existante)
        if diff.divisions_absentes:
            diff.avertissements.append(
                _("Divisions absentes des fichiers, conservées : %(codes)s.")
                % {"codes": ", ".join(d.code for d in diff.divisions_absentes)}
            )

    # --- Élèves ---
    date_sortie_absents = donnees.date_export or timezone.localdate()
    etat_final: dict[str, tuple[str | None, bool]] = {}  # ELEVE_ID → (division code, left)
    for eleve_id, e in donnees.eleves.items():
        existant = eleves.get(eleve_id)
        etat_final[eleve_id] = (e.division, e.date_sortie is not None)
        if existant is None:
            diff.eleves_nouveaux.append(e)
            details = e.division or _("sans division")
            if e.date_sortie:
                details += ", " + _("sorti le %(date)s") % {"date": _fmt(e.date_sortie)}
            s_nouveaux.ajouter(f"{_nom(e)} ({details})")
            continue
        changes = {k: getattr(e, k) for k in ELEVE_FIELDS if getattr(existant, k) != getattr(e, k)}
        ancienne_division = existant.division.code if existant.division else None
        if ancienne_division != e.division:
            changes["division"] = e.division
            s_classe.ajouter(
                _("%(nom)s : %(avant)s → %(apres)s")
                % {
                    "nom": _nom(existant),
                    "avant": ancienne_division or _("sans division"),
                    "apres": e.division or _("sans division"),
                }
            )
        if not changes:
            continue
        diff.eleves_modifies.append((existant, changes))
        if "date_sortie" in changes:
            if e.date_sortie:
                s_sortis.ajouter(
                    _("%(nom)s : sortie le %(date)s")
                    % {"nom": _nom(existant), "date": _fmt(e.date_sortie)}
                )
            else:
                s_eleves.ajouter(
                    _("%(nom)s : de nouveau inscrit dans l'établissement") % {"nom": _nom(existant)}
                )
        if "email" in changes:
            s_courriels.ajouter(
                _("Élève %(nom)s : %(avant)s → %(apres)s")
                % {"nom": _nom(existant), "avant": _fmt(existant.email), "apres": _fmt(e.email)}
            )
            _courriel_compte(diff, existant.user, e.email)
        autres = [k for k in changes if k not in ("division", "date_sortie", "email")]
        if autres:
            s_eleves.ajouter(
                _("%(nom)s : %(champs)s")
                % {
                    "nom": _nom(existant),
                    "champs": ", ".join(
                        f"{Eleve._meta.get_field(k).verbose_name} "
                        f"{_fmt(getattr(existant, k))} → {_fmt(changes[k])}"
                        for k in autres
                    ),
                }
            )
    for eleve_id, existant in eleves.items():
        if eleve_id in donnees.eleves:
            continue
        division = existant.division.code if existant.division else None
        if existant.date_sortie is None:
            # Absent from the export: the pupil has left. Never deleted, nor his dossier.
            diff.eleves_sortis.append((existant, date_sortie_absents))
            s_sortis.ajouter(
                _("%(nom)s (%(division)s) : absent de l'export, marqué comme sorti")
                % {"nom": _nom(existant), "division": division or _("sans division")}
            )
        etat_final[eleve_id] = (division, True)

    # --- Responsables ---
    avec_responsables = "responsables" in donnees.kinds
    if avec_responsables:
        for personne_id, p in donnees.personnes.items():
            existant = responsables.get(personne_id)
            if existant is None:
                diff.responsables_nouveaux.append(p)
                s_resp.ajouter(
                    f"{_nom(p)}"
                    + (f" ({p.email})" if p.email else " — " + _("sans adresse électronique"))
                )
                continue
            changes = {
                k: getattr(p, k)
                for k in RESPONSABLE_FIELDS
                if getattr(existant, k) != getattr(p, k)
            }
            if not changes:
                continue
            diff.responsables_modifies.append((existant, changes))
            if "email" in changes:
                s_courriels.ajouter(
                    _("%(nom)s : %(avant)s → %(apres)s")
                    % {"nom": _nom(existant), "avant": _fmt(existant.email), "apres": _fmt(p.email)}
                )
                _courriel_compte(diff, existant.user, p.email)
            autres = [k for k in changes if k != "email"]
            if autres:
                s_resp_mod.ajouter(
                    _("%(nom)s : %(champs)s")
                    % {
                        "nom": _nom(existant),
                        "champs": ", ".join(
                            str(Responsable._meta.get_field(k).verbose_name) for k in autres
                        ),
                    }
                )
        noms_eleves = {k: _nom(v) for k, v in donnees.eleves.items()}
        noms_personnes = {k: _nom(v) for k, v in donnees.personnes.items()}
        niveaux = dict(Lien.Niveau.choices)
        for cle, lien in donnees.liens.items():
            existant = liens.get(cle)
            texte = {
                "eleve": noms_eleves[lien.eleve_id],
                "personne": noms_personnes[lien.personne_id],
                "niveau": niveaux.get(lien.niveau, lien.niveau),
            }
            if existant is None:
                diff.liens_nouveaux.append(lien)
                s_liens.ajouter(_("%(personne)s devient %(niveau)s de %(eleve)s") % texte)
            else:
                changes = {
                    k: getattr(lien, k)
                    for k in ("niveau", "code_parente")
                    if getattr(existant, k) != getattr(lien, k)
                }
                if changes:
                    diff.liens_modifies.append((existant, changes))
                    s_liens.ajouter(_("%(personne)s est désormais %(niveau)s de %(eleve)s") % texte)
        for cle, existant in liens.items():
            # Only the links of pupils in this export: those who left keep theirs, for history.
            if cle[0] in donnees.eleves and cle not in donnees.liens:
                diff.liens_supprimes.append(existant)
                s_liens.ajouter(
                    _("%(personne)s n'est plus lié(e) à %(eleve)s")
                    % {"personne": _nom(existant.responsable), "eleve": _nom(existant.eleve)}
                )

    # --- Comptes: pupils in 2de GT still here, and their legal representatives ---
    concernes = {
        eleve_id
        for eleve_id, (code, parti) in etat_final.items()
        if code and not parti and division_2gt.get(code)
    }
    for eleve_id in sorted(concernes):
        existant = eleves.get(eleve_id)
        if existant is None or existant.user_id is None:
            diff.comptes_eleves.append(eleve_id)
            e = donnees.eleves.get(eleve_id) or existant
            s_comptes.ajouter(_("Élève %(nom)s") % {"nom": _nom(e)})
    if avec_responsables:
        legaux = {
            lien.personne_id
            for lien in donnees.liens.values()
            if lien.niveau == Lien.Niveau.LEGAL and lien.eleve_id in concernes
        }
    else:
        legaux = {cle[1] for cle, lien in liens.items() if lien.est_legal and cle[0] in concernes}
    for personne_id in sorted(legaux):
        existant = responsables.get(personne_id)
        if existant is None or existant.user_id is None:
            diff.comptes_responsables.append(personne_id)
            p = donnees.personnes.get(personne_id) or existant
            s_comptes.ajouter(
                _("Représentant légal %(nom)s%(courriel)s")
                % {
                    "nom": _nom(p),
                    "courriel": "" if p.email else " — " + _("sans adresse : lettre avec un code"),
                }
            )
    return diff


def _courriel_compte(diff: Diff, user, adresse: str):
    # The account's address follows SIECLE only until its owner activates it: afterwards it is
    # theirs (R13: a representative corrects their address in their profile).
    if user is not None and user.activated_at is None and user.email != adresse:
        diff.courriels_comptes.append((user.id, adresse))
