"""After the council: the family's response (R17), the other representative's agreement (R19),
the decision (R21), the interview (R22) and the appeal (R23). Written by workflow transitions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.campagnes.models import Voie
from orientation.libelles import LibellesDesChoix

from .conseil import Proposition
from .dossier import Dossier
from .voeu import OptionPro


class ReponseFamille(LibellesDesChoix, models.Model):
    """R17: the holding representative (or the adult pupil) accepts one or more propositions
    answered *oui* or proposed, or refuses them all."""

    class Choix(models.TextChoices):
        ACCEPTE = "accepte", _("accepte")
        REFUSE = "refuse", _("refuse toutes les propositions")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="reponse")
    choix = models.CharField(_("réponse"), max_length=10, choices=Choix.choices)
    propositions_acceptees = models.ManyToManyField(
        Proposition, blank=True, related_name="+", verbose_name=_("propositions acceptées")
    )
    responsable = models.ForeignKey(
        "etablissements.Responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    repondu_le = models.DateTimeField(_("répondu le"))

    class Meta:
        verbose_name = _("réponse de la famille")
        verbose_name_plural = _("réponses de la famille")

    def __str__(self):
        return self.get_choix_display()


class Accord(models.Model):
    """R19: the other representative's *oui* (agreement) or *non* to the response. Silence is never
    agreement (X): no row means no answer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="accords")
    responsable = models.ForeignKey(
        "etablissements.Responsable", on_delete=models.CASCADE, related_name="+"
    )
    d_accord = models.BooleanField(_("d'accord"))
    repondu_le = models.DateTimeField(_("répondu le"))

    class Meta:
        verbose_name = _("accord du second représentant")
        verbose_name_plural = _("accords du second représentant")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "responsable"], name="accord_unique")
        ]


class Entretien(LibellesDesChoix, models.Model):
    """R22: an interview with the head, required after a refusal, a disagreement or no answer by
    the deadline (X)."""

    class Motif(models.TextChoices):
        REFUS = "refus", _("refus des propositions")
        DESACCORD = "desaccord", _("désaccord entre les représentants")
        SANS_REPONSE = "sans_reponse", _("pas de réponse dans le délai")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="entretiens")
    motif = models.CharField(_("motif"), max_length=20, choices=Motif.choices)
    prevu_le = models.DateTimeField(_("prévu le"), null=True, blank=True)
    tenu_le = models.DateTimeField(_("tenu le"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    compte_rendu = models.TextField(_("compte rendu"), blank=True)
    conduit_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entretien")
        verbose_name_plural = _("entretiens")
        ordering = ["cree_le", "id"]


class Decision(LibellesDesChoix, models.Model):
    """R21 / X: the head's orientation decision. It bears on the voie only (the spécialités stay
    the family's choice). The last row of a dossier is the one in force; an earlier one is kept for
    the record (a decision after interview follows a first one)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="decisions")
    voies = models.ManyToManyField(Voie, blank=True, related_name="+", verbose_name=_("voies"))
    option_pro = models.CharField(
        _("formation professionnelle"), max_length=10, choices=OptionPro.choices, blank=True
    )
    # X: the maintien in 2de, claimed as of right after a decision that differs from the request.
    maintien = models.BooleanField(_("maintien en 2de"), default=False)
    conforme_a_la_demande = models.BooleanField(_("conforme à la demande"), default=True)
    # X: written motivation, required when the decision differs from the request.
    motivation = models.TextField(_("motivation"), blank=True)
    entretien = models.ForeignKey(
        Entretien, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    prise_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    prise_le = models.DateTimeField(_("prise le"))
    # X: 3 jours ouvrables from receipt to appeal, when the decision differs from the request.
    date_limite_recours = models.DateField(_("date limite de recours"), null=True, blank=True)

    class Meta:
        verbose_name = _("décision d'orientation")
        verbose_name_plural = _("décisions d'orientation")
        ordering = ["prise_le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(conforme_a_la_demande=True) | ~models.Q(motivation=""),
                name="decision_motivee_si_non_conforme",
            )
        ]


class Recours(models.Model):
    """R23: the appeal to the commission d'appel, recorded by the school (the paper form is
    printed from it), and its outcome."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="recours")
    decision_contestee = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="recours"
    )
    depose_le = models.DateTimeField(_("déposé le"))
    date_commission = models.DateField(_("date de la commission"), null=True, blank=True)
    voie_decidee = models.ForeignKey(
        Voie, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    maintien = models.BooleanField(_("maintien en 2de"), default=False)
    issue = models.TextField(_("décision de la commission"), blank=True)
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("recours")
        verbose_name_plural = _("recours")
