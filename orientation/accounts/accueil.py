"""The home page: a family sees each child and what is expected of them now; staff see their
school(s), divisions and calendar.

This module reads the dossier through reverse relations (`eleve.dossiers`) and compares its `etat`
with the values of dialogue.models.Etat written out below, because accounts imports no app above
it; tests/accounts/test_accueil.py fails if a state is added without its sentence here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orientation.campagnes import calendrier
from orientation.campagnes.models import Campagne, ConseilDivision, Phase
from orientation.etablissements.models import Division, Eleve
from orientation.requetes import RequeteFigee

from . import permissions
from .models import Role

PROVISOIRE, DEFINITIVE = Phase.PROVISOIRE, Phase.DEFINITIVE


def _conseil(conseils, phase):
    return next((c for c in conseils if c.phase == phase), None)


def ce_qui_est_attendu(etat, campagne, conseils=(), now=None, est_eleve=False) -> str:
    """The sentence "what is expected of you now", from the dossier's state and the calendar
    (R1 windows, council dates, response deadline). The one place this is derived."""
    if campagne is None:
        return _("L'établissement n'a pas encore publié le calendrier de l'orientation.")
    if etat is None:
        return _("Aucune fiche dialogue n'est ouverte pour cet élève : contactez l'établissement.")
    now = now or timezone.now()
    phase = campagne.phase_courante(now)  # R1, honouring an early close or a reopening
    conseil_p = _conseil(conseils, PROVISOIRE)
    conseil_d = _conseil(conseils, DEFINITIVE)

    def apres_conseil(conseil, quoi):
        if conseil is None:
            return quoi
        return _(
            "%(quoi)s Le conseil de classe se réunit le %(date)s ; sa réponse sera visible "
            "le lendemain."
        ) % {"quoi": quoi, "date": calendrier.moment(conseil.date_conseil)}

    if etat == "intentions_ouvertes":
        if phase == PROVISOIRE:
            if est_eleve:
                return _(
                    "Vos représentants légaux saisissent vos intentions d'orientation jusqu'au "
                    "%(fin)s."
                ) % {"fin": calendrier.echeance(campagne.provisoire_fin)}
            return _("Vous pouvez saisir les intentions d'orientation jusqu'au %(fin)s.") % {
                "fin": calendrier.echeance(campagne.provisoire_fin)
            }
        if now < campagne.provisoire_debut:
            return _("La saisie des intentions d'orientation ouvrira le %(debut)s.") % {
                "debut": calendrier.moment(campagne.provisoire_debut)
            }
        return _(
            "La saisie des intentions est close sans intention validée : contactez l'établissement."
        )
    if etat == "intentions_validees":
        quoi = _("Les intentions d'orientation sont validées.")
        if phase == PROVISOIRE:
            quoi = _("%(quoi)s Elles restent modifiables jusqu'au %(fin)s.") % {
                "quoi": quoi,
                "fin": calendrier.echeance(campagne.provisoire_fin),
            }
        return apres_conseil(conseil_p, quoi)
    if etat == "avis_publie":
        if est_eleve:
            return _("L'avis provisoire du conseil de classe est publié : consultez-le.")
        return _(
            "L'avis provisoire du conseil de classe est publié : prenez-en connaissance et "
            "accusez-en réception."
        )
    if etat == "avis_accuse":
        if phase == DEFINITIVE:
            if est_eleve:
                return _("Vos représentants légaux saisissent vos demandes jusqu'au %(fin)s.") % {
                    "fin": calendrier.echeance(campagne.definitive_fin)
                }
            return _(
                "Vous pouvez saisir les demandes d'orientation définitives jusqu'au %(fin)s."
            ) % {"fin": calendrier.echeance(campagne.definitive_fin)}
        if now < campagne.definitive_debut:
            return _("La saisie des demandes définitives ouvrira le %(debut)s.") % {
                "debut": calendrier.moment(campagne.definitive_debut)
            }
        return _(
            "La saisie des demandes est close sans demande validée : contactez l'établissement."
        )
    if etat == "voeux_valides":
        quoi = _("Les demandes d'orientation définitives sont validées.")
        if phase == DEFINITIVE:
            quoi = _("%(quoi)s Elles restent modifiables jusqu'au %(fin)s.") % {
                "quoi": quoi,
                "fin": calendrier.echeance(campagne.definitive_fin),
            }
        return apres_conseil(conseil_d, quoi)
    if etat == "propositions_publiees":
        if est_eleve:
            return _("Les réponses du conseil de classe sont publiées : consultez-les.")
        return _("Répondez aux propositions du conseil de classe au plus tard le %(limite)s.") % {
            "limite": calendrier.echeance(campagne.reponse_limite)
        }
    if etat == "reponse_famille":
        return _(
            "La réponse de la famille est enregistrée. L'autre représentant légal doit indiquer "
            "son accord ou son désaccord au plus tard le %(limite)s."
        ) % {"limite": calendrier.echeance(campagne.reponse_limite)}
    if etat == "entretien_requis":
        return _(
            "Un entretien avec le chef d'établissement est nécessaire : prenez rendez-vous avec "
            "l'établissement."
        )
    if etat == "entretien_tenu":
        return _("L'entretien a eu lieu : la décision du chef d'établissement vous sera notifiée.")
    if etat == "recours":
        return _(
            "La commission d'appel est saisie : l'établissement vous communiquera sa décision."
        )
    if etat == "decide":
        return _("La décision d'orientation est prise : consultez-la.")
    return _("Consultez la fiche dialogue.")


ETATS_CONNUS = (
    "intentions_ouvertes",
    "intentions_validees",
    "avis_publie",
    "avis_accuse",
    "voeux_valides",
    "propositions_publiees",
    "reponse_famille",
    "entretien_requis",
    "entretien_tenu",
    "recours",
    "decide",
)


@dataclass
class Enfant:
    eleve: Eleve
    campagne: Campagne | None
    dossier: object | None
    conseils: list[ConseilDivision] = field(default_factory=list)
    attendu: str = ""

    @property
    def etat_libelle(self) -> str:
        return self.dossier.get_etat_display() if self.dossier is not None else ""


def _campagne_courante(campagnes):
    return max(campagnes, key=lambda c: c.annee, default=None)


def _eleves_presents(user_id, niveau, soi):
    """R2: eleves_de_la_famille() of the account, still at school; the parameters are those of
    the SQL, in order (orientation/requetes.py)."""
    return Eleve.objects.filter(
        pk__in=permissions.ids_eleves_de_la_famille(user_id, niveau, soi)
    ).filter(date_sortie__isnull=True)


# The family's home, read on every login: four queries keyed on the account, compiled once per
# process. The related rows are those prefetch_related() would read by the IN list of the
# pupils', schools' and divisions' ids (tests/accounts/test_accueil.py compares both readings).
_ELEVES = RequeteFigee(
    lambda user_id, niveau, soi: _eleves_presents(user_id, niveau, soi).select_related(
        "etablissement", "division"
    )
)
_DOSSIERS = RequeteFigee(
    lambda user_id, niveau, soi: Eleve._meta.get_field("dossiers").related_model.objects.filter(
        eleve__in=_eleves_presents(user_id, niveau, soi).values("pk")
    )
)
_CAMPAGNES = RequeteFigee(
    lambda user_id, niveau, soi: Campagne.objects.filter(
        etablissement__in=_eleves_presents(user_id, niveau, soi).values("etablissement_id")
    )
)
_CONSEILS = RequeteFigee(
    lambda user_id, niveau, soi: ConseilDivision.objects.filter(
        division__in=_eleves_presents(user_id, niveau, soi).values("division_id")
    )
)


def _par(cle, objets) -> dict:
    groupes: dict = {}
    for objet in objets:
        groupes.setdefault(getattr(objet, cle), []).append(objet)
    return groupes


def enfants(user) -> list[Enfant]:
    """R2: the pupils of whom the user is a legal representative (niveau 1), or the user
    themself as a pupil. Four queries whatever the number of children."""
    parametres = (user.pk, permissions.LEGAL, user.pk)
    eleves = _ELEVES.objets(*parametres)
    if not eleves:
        return []
    dossiers = _par("eleve_id", _DOSSIERS.objets(*parametres))
    campagnes_par_ecole = _par("etablissement_id", _CAMPAGNES.objets(*parametres))
    conseils_par_division = _par("division_id", _CONSEILS.objets(*parametres))
    resultat = []
    for eleve in eleves:
        campagnes = {c.pk: c for c in campagnes_par_ecole.get(eleve.etablissement_id, [])}
        dossiers_lus = sorted(
            (d for d in dossiers.get(eleve.pk, []) if d.campagne_id in campagnes),
            key=lambda d: campagnes[d.campagne_id].annee,
        )
        dossier = dossiers_lus[-1] if dossiers_lus else None
        campagne = (
            campagnes[dossier.campagne_id] if dossier else _campagne_courante(campagnes.values())
        )
        conseils = []
        if campagne is not None and eleve.division is not None:
            conseils = sorted(
                (
                    c
                    for c in conseils_par_division.get(eleve.division_id, [])
                    if c.campagne_id == campagne.pk
                ),
                key=lambda c: c.phase != PROVISOIRE,
            )
        resultat.append(
            Enfant(
                eleve=eleve,
                campagne=campagne,
                dossier=dossier,
                conseils=conseils,
                attendu=ce_qui_est_attendu(
                    dossier.etat if dossier else None,
                    campagne,
                    conseils,
                    est_eleve=eleve.user_id == user.pk,
                ),
            )
        )
    return resultat


def _url(nom, *args) -> str | None:
    try:
        return reverse(nom, args=args)
    except NoReverseMatch:
        return None


@dataclass
class EcolePersonnel:
    etablissement: object
    roles: list[str]
    divisions: list[Division]
    campagne: Campagne | None
    liens: list[tuple[str, str]]


def ecoles_du_personnel(user) -> list[EcolePersonnel]:
    """Staff: each school with the user's roles, the divisions they follow (all 2de GT divisions
    for the direction and the secrétariat) with pupil counts, and the campaign's dates.
    Three queries whatever the number of schools and divisions (postes, divisions, campagnes)."""
    postes = permissions._postes(user)
    if not postes:
        return []
    ecoles = {p.etablissement_id: p.etablissement for p in postes}
    toute_l_ecole = permissions.etablissements_ids(user, (*permissions.DIRECTION, Role.SECRETARIAT))
    divisions_pp = permissions.divisions_ids(user)
    divisions = list(
        Division.objects.filter(
            Q(etablissement_id__in=toute_l_ecole, est_seconde_gt=True) | Q(id__in=divisions_pp)
        )
        .annotate(nb_eleves=Count("eleves", filter=Q(eleves__date_sortie__isnull=True)))
        .order_by("code")
    )
    campagnes: dict[int, Campagne] = {}
    for c in Campagne.objects.filter(etablissement_id__in=ecoles).order_by("annee"):
        campagnes[c.etablissement_id] = c  # the latest year wins
    resultat = []
    for etab_id, etab in sorted(ecoles.items(), key=lambda i: i[1].nom):
        roles = [p.get_role_display() for p in postes if p.etablissement_id == etab_id]
        liens = []
        if permissions.peut_gerer_etablissement(user, etab_id):
            liens.append(
                (_("Comptes des familles"), reverse("accounts:comptes_familles", args=[etab.uai]))
            )
            liens.append(
                (_("Comptes des personnels"), reverse("accounts:personnels", args=[etab.uai]))
            )
            url = _url("etablissements:import", etab.uai) or _url("etablissements:import")
            if url:
                liens.append((_("Import des données SIECLE"), url))
        url = _url("pilotage:etablissement", etab.uai)
        if url:
            liens.append((_("Pilotage de la campagne"), url))
        # The paper route (docs/saisie-papier.md): the staff who may enter a paper fiche.
        if permissions.lit_toute_l_ecole(user, etab_id) or any(
            d.etablissement_id == etab_id for d in divisions if d.id in divisions_pp
        ):
            url = _url("dialogue:papier_liste", etab.uai)
            if url:
                liens.append((_("Fiches papier des familles"), url))
        if permissions.est_direction(user, etab_id):  # R20–R23 (docs/decision.md)
            url = _url("dialogue:direction_liste", etab.uai)
            if url:
                liens.append((_("Décisions d'orientation, entretiens et recours"), url))
        if permissions.peut_gerer_etablissement(user, etab_id):
            url = _url("dialogue:import_intentions", etab.uai)
            if url:
                liens.append((_("Import d'intentions (tableur)"), url))
        resultat.append(
            EcolePersonnel(
                etablissement=etab,
                roles=roles,
                divisions=[d for d in divisions if d.etablissement_id == etab_id],
                campagne=campagnes.get(etab_id),
                liens=liens,
            )
        )
    return resultat


def contexte_accueil(user) -> dict:
    return {
        "page_title": _("Accueil"),
        "enfants": enfants(user),
        "ecoles": ecoles_du_personnel(user),
        "est_administrateur": user.is_superuser,
    }
