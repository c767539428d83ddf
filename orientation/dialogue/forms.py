"""The family's wish form (R8–R12), built to work without JavaScript.

The whole working list travels in the form: one numbered row per choice (`v1-…`, `v2-…`), in order
of preference. The buttons "Ajouter un choix", "Monter", "Descendre" and "Retirer" are submit
buttons with a name and a value: the view applies them to the list and shows the form again,
saving nothing (R12). Only "Valider" calls `workflow.valider_voeux`, which checks the rules
(regles.verifier) and returns its errors tied to a rank and a field; `erreurs_des_regles` puts them
next to that field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from orientation.campagnes import catalogue

from . import regles

FAMILLES = [
    ("", _("— choisir une voie —")),
    (regles.GENERALE, _("1re générale")),
    (regles.TECHNOLOGIQUE, _("1re technologique")),
    (regles.BT, _("1re préparant au BT « métiers de la musique »")),
    (regles.PROFESSIONNELLE, _("Accès à la voie professionnelle")),
]
OPTIONS_PRO = [
    ("", _("— préciser —")),
    (regles.PREMIERE_PRO, _("1re professionnelle")),
    (regles.SECONDE_PRO, _("2de professionnelle")),
    (regles.CAP, _("CAP")),
]
CHAMPS_LIGNE = ("famille", "serie", "spe_etab", "spe_hors", "option")
# regles.Erreur.champ → the row's field that shows it.
CHAMPS_ERREUR = {
    "voie": "famille",
    "serie": "serie",
    "specialites": "spe_etab",
    "option_pro": "option",
}


@dataclass
class Ligne:
    """One choice of the working list, as typed (strings, not yet checked)."""

    famille: str = ""
    serie: str = ""
    specialites: list[str] = field(default_factory=list)
    option: str = ""


def lignes_depuis_post(data) -> list[Ligne]:
    """The working list carried by the form; rows beyond R8's maximum are dropped."""
    try:
        nb = int(data.get("nb_lignes", 0))
    except (TypeError, ValueError):
        nb = 0
    nb = max(0, min(nb, regles.MAX_VOEUX))
    return [
        Ligne(
            famille=data.get(f"v{n}-famille", ""),
            serie=data.get(f"v{n}-serie", ""),
            specialites=data.getlist(f"v{n}-spe_etab") + data.getlist(f"v{n}-spe_hors"),
            option=data.get(f"v{n}-option", ""),
        )
        for n in range(1, nb + 1)
    ]


def lignes_depuis_voeux(voeux) -> list[Ligne]:
    """The saved voeux (with voie and specialites prefetched) as rows of the form."""
    return [
        Ligne(
            famille=v.voie.famille,
            serie=v.voie.code if v.voie.famille == regles.TECHNOLOGIQUE else "",
            specialites=[s.code for s in v.specialites.all()],
            option=v.option_pro,
        )
        for v in voeux
    ]


def appliquer_action(lignes: list[Ligne], action: str) -> list[Ligne]:
    """'ajouter', 'haut-N', 'bas-N', 'retirer-N' (N from 1): the changed list (a copy)."""
    lignes = list(lignes)
    if action == "ajouter":
        if len(lignes) < regles.MAX_VOEUX:
            lignes.append(Ligne())
        return lignes
    quoi, _sep, numero = action.partition("-")
    try:
        i = int(numero) - 1
    except ValueError:
        return lignes
    if not 0 <= i < len(lignes):
        return lignes
    if quoi == "haut" and i > 0:
        lignes[i - 1], lignes[i] = lignes[i], lignes[i - 1]
    elif quoi == "bas" and i < len(lignes) - 1:
        lignes[i + 1], lignes[i] = lignes[i], lignes[i + 1]
    elif quoi == "retirer":
        del lignes[i]
    return lignes


def liste_postee(data) -> tuple[list[Ligne], bool]:
    """The working list a wish form posted, and whether it asks to validate it. Any other button
    ("Ajouter", "Monter", "Descendre", "Retirer") is applied to the list, which nothing saves
    (R12): the page shows it again."""
    lignes = lignes_depuis_post(data)
    action = data.get("action", "")
    if action == "valider":
        return lignes, True
    return appliquer_action(lignes, action), False


def voeux_saisis(lignes: list[Ligne]) -> list[regles.VoeuSaisi]:
    """The rows as regles.VoeuSaisi, in order (rank = position), for the workflow to check: no
    form is needed for that, only to show the list again. The fields a voie does not use are
    ignored (a hidden field keeps the family's ticks if it switches back)."""
    codes_famille = {
        v.famille: v.code for v in catalogue.actif().voies if v.famille != regles.TECHNOLOGIQUE
    }
    resultat = []
    for ligne in lignes:
        famille = ligne.famille
        code = ligne.serie if famille == regles.TECHNOLOGIQUE else codes_famille.get(famille, "")
        resultat.append(
            regles.VoeuSaisi(
                famille=famille,
                voie_code=code,
                specialites=tuple(ligne.specialites) if famille == regles.GENERALE else (),
                option_pro=ligne.option if famille == regles.PROFESSIONNELLE else "",
            )
        )
    return resultat


class VoeuxForm(DsfrBaseForm):
    """The rows of the working list. Always bound (to the rows), so that what was typed stays on
    screen; `sans_erreurs()` hides the checks when a button only changed the list."""

    def __init__(self, lignes: list[Ligne], *, campagne, phase: str, **kwargs):
        self.lignes_saisies = lignes
        self.phase = phase
        data = {"nb_lignes": str(len(lignes))}
        for n, ligne in enumerate(lignes, start=1):
            data[f"v{n}-famille"] = ligne.famille
            data[f"v{n}-serie"] = ligne.serie
            data[f"v{n}-option"] = ligne.option
        offre = catalogue.offre(campagne)
        super().__init__(data=_Donnees(data, lignes, offre), **kwargs)
        ref = catalogue.actif()
        etab = [(s.code, s.libelle) for s in ref.specialites if s.code in offre]
        hors = [(s.code, s.libelle) for s in ref.specialites if s.code not in offre]
        series = [("", _("— choisir une série —"))] + [
            (v.code, v.libelle) for v in ref.voies if v.famille == regles.TECHNOLOGIQUE
        ]
        self.fields["nb_lignes"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        for n in range(1, len(lignes) + 1):
            self.fields[f"v{n}-famille"] = forms.ChoiceField(
                label=_("Voie d'orientation"), choices=FAMILLES, required=False
            )
            self.fields[f"v{n}-serie"] = forms.ChoiceField(
                label=_("Série (1re technologique)"), choices=series, required=False
            )
            self.fields[f"v{n}-spe_etab"] = forms.MultipleChoiceField(
                label=_("Spécialités proposées dans l'établissement"),
                choices=etab,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"v{n}-spe_hors"] = forms.MultipleChoiceField(
                label=_("Spécialités proposées dans un autre établissement"),
                choices=hors,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"v{n}-option"] = forms.ChoiceField(
                label=_("Formation (voie professionnelle)"), choices=OPTIONS_PRO, required=False
            )

    def sans_erreurs(self) -> VoeuxForm:
        self.full_clean()
        self._errors = ErrorDict()
        return self

    def rangees(self):
        """For the template: one dict per row (number, famille, its bound fields)."""
        return [
            {
                "numero": n,
                "famille": ligne.famille,
                "premier": n == 1,
                "dernier": n == len(self.lignes_saisies),
                **{c: self[f"v{n}-{c}"] for c in CHAMPS_LIGNE},
            }
            for n, ligne in enumerate(self.lignes_saisies, start=1)
        ]

    def erreurs_des_regles(self, erreurs: list[regles.Erreur]) -> None:
        """R8–R11 errors next to their field (rank = row number), the others on top."""
        for erreur in erreurs:
            champ = CHAMPS_ERREUR.get(erreur.champ)
            nom = f"v{erreur.rang}-{champ}" if erreur.rang and champ else None
            if nom in self.fields:
                self.add_error(nom, erreur.message)
            else:
                self.add_error(None, str(erreur))


class _Donnees(dict):
    """A QueryDict-like mapping (getlist for the check boxes) built from the rows."""

    def __init__(self, data, lignes, offre):
        super().__init__(data)
        self._listes = {}
        for n, ligne in enumerate(lignes, start=1):
            self._listes[f"v{n}-spe_etab"] = [c for c in ligne.specialites if c in offre]
            self._listes[f"v{n}-spe_hors"] = [c for c in ligne.specialites if c not in offre]

    def getlist(self, key, default=None):
        return self._listes.get(key, default if default is not None else [])
