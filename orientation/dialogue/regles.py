"""The rules on a list of voeux (R8–R11): pure functions on plain data, no ORM (ARCHITECTURE.md
rule 4).

The form builds `VoeuSaisi` rows from what the family typed and `workflow.contexte_pour()` builds
the `Contexte` from the campaign and the catalogue; `verifier()` returns the errors, each tied to
a rank and a field so that the page shows it next to the field it concerns. An empty list means
the list may be saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# The catalogue's families (campagnes.Voie.Famille values; a test keeps them in step).
GENERALE = "generale"
TECHNOLOGIQUE = "technologique"
BT = "bt"
PROFESSIONNELLE = "professionnelle"
FAMILLES = (GENERALE, TECHNOLOGIQUE, BT, PROFESSIONNELLE)

# R11: what a request for the voie professionnelle must name (dialogue.Voeu.OptionPro values).
PREMIERE_PRO = "1re_pro"
SECONDE_PRO = "2de_pro"
CAP = "cap"
OPTIONS_PRO = (PREMIERE_PRO, SECONDE_PRO, CAP)

PROVISOIRE = "provisoire"
DEFINITIVE = "definitive"

# R8: the 2021 catalogue has 11 voies and each appears at most once.
MAX_VOEUX = 11


@dataclass(frozen=True)
class VoeuSaisi:
    """One row of the form, as typed.

    `famille` is the first choice the family makes ("1re technologique"); `voie_code` the precise
    voie of the catalogue — for 1re technologique, the series (R10). A 1re technologique without a
    series is `VoeuSaisi(famille="technologique", voie_code="")`: representable, and refused.
    `rang` is the rank the family typed (pages work without JavaScript); None means "its position
    in the list".
    """

    famille: str
    voie_code: str = ""
    specialites: tuple[str, ...] = ()
    option_pro: str = ""
    rang: int | None = None

    @property
    def serie(self) -> str:
        return self.voie_code if self.famille == TECHNOLOGIQUE else ""


@dataclass(frozen=True)
class Contexte:
    """What the rules need from the campaign (R9 counts are per campaign, never in code) and from
    the catalogue of the school year (`voies`: code → famille; `specialites`: every code)."""

    phase: str
    nb_specialites_definitif: int
    nb_specialites_provisoire: int
    nb_specialites_provisoire_avec_hors: int
    max_hors: int
    offre: frozenset[str]
    voies: Mapping[str, str] = field(default_factory=dict)
    specialites: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Erreur:
    """An error for the page: `rang` None and `champ` "" concern the whole list."""

    message: str
    rang: int | None = None
    champ: str = ""

    def __str__(self):
        if self.rang is None:
            return self.message
        return _("Choix n° %(rang)s : %(message)s") % {"rang": self.rang, "message": self.message}


def rangs(voeux: list[VoeuSaisi]) -> list[int]:
    """The rank of each row: the typed one, or its position."""
    return [v.rang if v.rang is not None else i for i, v in enumerate(voeux, start=1)]


def dans_l_ordre(voeux: list[VoeuSaisi]) -> list[VoeuSaisi]:
    """The rows sorted by preference (call it once `verifier()` returned no error)."""
    return [v for _r, v in sorted(zip(rangs(voeux), voeux, strict=True), key=lambda p: p[0])]


def verifier(voeux: list[VoeuSaisi], contexte: Contexte) -> list[Erreur]:
    erreurs = _verifier_liste(voeux)
    vus: set[str] = set()
    for rang, voeu in zip(rangs(voeux), voeux, strict=True):
        erreurs += _verifier_voeu(voeu, rang, contexte, vus)
    return erreurs


def _verifier_liste(voeux: list[VoeuSaisi]) -> list[Erreur]:
    # R8: at least 1, at most 11.
    if not voeux:
        return [Erreur(_("Indiquez au moins un choix d'orientation."))]
    erreurs = []
    if len(voeux) > MAX_VOEUX:
        erreurs.append(
            Erreur(_("Vous pouvez indiquer au plus %(max)s choix.") % {"max": MAX_VOEUX})
        )
    # R8: the display order is the preference: ranks are 1..n, each once.
    if sorted(rangs(voeux)) != list(range(1, len(voeux) + 1)):
        erreurs.append(
            Erreur(
                _("Les rangs doivent aller de 1 à %(n)s, chacun une seule fois.")
                % {"n": len(voeux)},
                champ="rang",
            )
        )
    return erreurs


def _verifier_voeu(voeu: VoeuSaisi, rang: int, ctx: Contexte, vus: set[str]) -> list[Erreur]:
    erreurs: list[Erreur] = []

    def erreur(message, champ):
        erreurs.append(Erreur(message, rang=rang, champ=champ))

    if voeu.famille not in FAMILLES:
        erreur(_("Choisissez une voie d'orientation."), "voie")
        return erreurs
    if voeu.famille == TECHNOLOGIQUE and not voeu.voie_code:
        # R10: "1re technologique" alone is not a voie: one series among the 8.
        erreur(_("Choisissez une série de 1re technologique."), "serie")
    elif ctx.voies.get(voeu.voie_code) != voeu.famille:
        champ = "serie" if voeu.famille == TECHNOLOGIQUE else "voie"
        erreur(_("Cette voie n'est pas au catalogue de l'année."), champ)
    elif voeu.voie_code in vus:
        # R8: each voie at most once.
        erreur(_("Cette voie figure déjà dans votre liste."), champ="voie")
    vus.add(voeu.voie_code)

    if voeu.famille == PROFESSIONNELLE:
        # R11: 1re professionnelle, 2de professionnelle or CAP.
        if voeu.option_pro not in OPTIONS_PRO:
            erreur(
                _("Précisez : 1re professionnelle, 2de professionnelle ou CAP."),
                "option_pro",
            )
    elif voeu.option_pro:
        erreur(_("Cette précision ne concerne que la voie professionnelle."), "option_pro")

    if voeu.famille == GENERALE:
        erreurs += [
            Erreur(message, rang=rang, champ="specialites")
            for message in _verifier_specialites(voeu.specialites, ctx)
        ]
    elif voeu.specialites:
        # R9: spécialités belong to the 1re générale only.
        erreur(
            _("Les enseignements de spécialité ne concernent que la 1re générale."), "specialites"
        )
    return erreurs


def _verifier_specialites(codes: tuple[str, ...], ctx: Contexte) -> list[str]:
    if len(set(codes)) != len(codes):
        return [_("Chaque enseignement de spécialité ne peut être choisi qu'une fois.")]
    inconnus = [c for c in codes if c not in ctx.specialites]
    if inconnus:
        return [_("Cet enseignement de spécialité n'est pas au catalogue de l'année.")]
    if ctx.phase == DEFINITIVE:
        # R9: exactly N (3 in 2021), freely among those of the school and outside it.
        if len(codes) != ctx.nb_specialites_definitif:
            return [
                _("Choisissez exactement %(n)s enseignements de spécialité.")
                % {"n": ctx.nb_specialites_definitif}
            ]
        return []
    # R9, provisional phase: N offered in the school, or N+1 when some (at most max_hors) are not.
    hors = sum(1 for c in codes if c not in ctx.offre)
    if len(codes) == ctx.nb_specialites_provisoire and hors == 0:
        return []
    if len(codes) == ctx.nb_specialites_provisoire_avec_hors and 1 <= hors <= ctx.max_hors:
        return []
    return [
        _(
            "Choisissez %(n)s enseignements de spécialité proposés dans l'établissement, ou "
            "%(n_hors)s si %(max_hors)s au plus n'y sont pas proposés."
        )
        % {
            "n": ctx.nb_specialites_provisoire,
            "n_hors": ctx.nb_specialites_provisoire_avec_hors,
            "max_hors": ctx.max_hors,
        }
    ]


# --- after the council: response, agreement, decision (R17–R23) --------------------------------


def verifier_reponse(accepte: bool, choisies: set[int], acceptables: set[int]) -> str | None:
    """R17: accept one or more of the voies answered *oui* or proposed, or refuse them all.
    Returns a French error, or None."""
    if not accepte:
        return None if not choisies else _("Un refus porte sur toutes les propositions.")
    if not choisies:
        return _("Cochez au moins une proposition à accepter, ou refusez toutes les propositions.")
    if not choisies <= acceptables:
        return _("Seules les voies auxquelles le conseil a répondu oui peuvent être acceptées.")
    return None


def decision_conforme(decidees: set[str], demandees: set[str]) -> bool:
    """X: a decision bears on the voie only; it is "conforme" when every voie decided was asked
    for by the family (its definitive demandes)."""
    return bool(decidees) and decidees <= demandees


def verifier_decision(decidees: set[str], demandees: set[str], motivation: str) -> str | None:
    """X: after the interview the head decides, with a written motivation when the decision
    differs from the request."""
    if not decidees:
        return _("Choisissez au moins une voie d'orientation.")
    if not decision_conforme(decidees, demandees) and not motivation.strip():
        return _(
            "La décision diffère de la demande de la famille : une motivation écrite est "
            "obligatoire."
        )
    return None


# --- Conseil de classe (R4, R16; docs/conseil-de-classe.md) ---------------------------------------

AVIS_AVEC_MOTIF = ("reserve", "defavorable")


def verifier_avis(valeur: str, motif: str) -> str | None:
    """R4: an avis réservé or défavorable states its reason; None when the avis is acceptable."""
    if valeur in AVIS_AVEC_MOTIF and not motif.strip():
        return _("Indiquez le motif d'un avis réservé ou défavorable.")
    return None


def date_de_publication(date_conseil: datetime.date) -> datetime.date:
    """R4, R16: the council's answers are visible to the family from the day after the council."""
    return date_conseil + datetime.timedelta(days=1)


def publication_possible(date_conseil: datetime.date, aujourd_hui: datetime.date) -> bool:
    """R4, R16: never before the day after the council, whoever publishes."""
    return aujourd_hui >= date_de_publication(date_conseil)
