"""What the class council says: the provisional `Avis` (R4) and the definitive `Proposition` (R16).

Entered by the professeur principal or the direction (permissions.peut_saisir_conseil), visible to
the family once the dossier reaches `avis_publie` / `propositions_publiees` (workflow).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.campagnes.models import Specialite, Voie
from orientation.libelles import LibellesDesChoix

from .dossier import Dossier
from .voeu import OptionPro, Voeu

# The states in which the council's answers are visible to the family (R4, R16): the dossier left
# the entry states by publication (workflow.publier_avis / publier_propositions).
ETATS_AVIS_PUBLIES = (
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
ETATS_PROPOSITIONS_PUBLIEES = ETATS_AVIS_PUBLIES[3:]  # from propositions_publiees on


class AvisQuerySet(models.QuerySet):
    def publies(self):
        """R4: only published avis; every family page reads avis through this."""
        return self.filter(voeu__dossier__etat__in=ETATS_AVIS_PUBLIES)


class PropositionQuerySet(models.QuerySet):
    def publiees(self):
        """R16: only published answers; every family page reads propositions through this."""
        return self.filter(dossier__etat__in=ETATS_PROPOSITIONS_PUBLIEES)


class Avis(LibellesDesChoix, models.Model):
    """R4: the 2nd-term council's avis on one intention."""

    class Valeur(models.TextChoices):
        FAVORABLE = "favorable", _("favorable")
        RESERVE = "reserve", _("réservé")
        DEFAVORABLE = "defavorable", _("défavorable")

    # A provisional voeu; the intentions cannot change once the avis is published (the dossier
    # left intentions_validees), so the link is stable.
    voeu = models.OneToOneField(Voeu, on_delete=models.CASCADE, related_name="avis")
    valeur = models.CharField(_("avis"), max_length=12, choices=Valeur.choices)
    motif = models.CharField(_("motif"), max_length=200, blank=True)
    commentaire = models.TextField(_("commentaire"), blank=True)
    # R4: for 1re générale, recommendations only — the spécialités stay the family's choice (X).
    specialites_recommandees = models.ManyToManyField(
        Specialite, blank=True, related_name="+", verbose_name=_("spécialités recommandées")
    )
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saisi_le = models.DateTimeField(_("saisi le"), auto_now=True)

    objects = AvisQuerySet.as_manager()

    class Meta:
        verbose_name = _("avis provisoire")
        verbose_name_plural = _("avis provisoires")

    def __str__(self):
        return f"{self.voeu} : {self.get_valeur_display()}"


class Proposition(LibellesDesChoix, models.Model):
    """R16: the council's answer *oui* / *non* to one demande, or a voie the family did not ask
    for (`voeu` null, `reponse` oui: a proposal is always a "yes")."""

    class Reponse(models.TextChoices):
        OUI = "oui", _("oui")
        NON = "non", _("non")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="propositions")
    voeu = models.OneToOneField(
        Voeu, on_delete=models.CASCADE, null=True, blank=True, related_name="proposition"
    )
    # The voeu's voie, or the voie proposed: kept here so that "what may the family accept" is one
    # query over propositions with reponse=oui.
    voie = models.ForeignKey(Voie, on_delete=models.PROTECT, related_name="+")
    reponse = models.CharField(_("réponse"), max_length=3, choices=Reponse.choices)
    option_pro = models.CharField(
        _("formation professionnelle"), max_length=10, choices=OptionPro.choices, blank=True
    )
    # R11 X: a voie professionnelle request is a passerelle the head authorises after the council.
    passerelle = models.BooleanField(_("passerelle"), default=False)
    commentaire = models.TextField(_("commentaire"), blank=True)
    specialites_recommandees = models.ManyToManyField(
        Specialite, blank=True, related_name="+", verbose_name=_("spécialités recommandées")
    )
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saisi_le = models.DateTimeField(_("saisi le"), auto_now=True)

    objects = PropositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("réponse du conseil de classe")
        verbose_name_plural = _("réponses du conseil de classe")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "voie"], name="proposition_unique_voie"),
            models.CheckConstraint(
                condition=models.Q(voeu__isnull=False) | models.Q(reponse="oui"),
                name="proposition_non_demandee_est_oui",
            ),
        ]

    def __str__(self):
        return f"{self.voie} : {self.get_reponse_display()}"

    @property
    def est_non_demandee(self) -> bool:
        return self.voeu_id is None
