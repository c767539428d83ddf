from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orientation.campagnes.models import Phase, Specialite, Voie
from orientation.dialogue import regles
from orientation.libelles import LibellesDesChoix

from .dossier import Dossier


class OptionPro(models.TextChoices):
    """R11: what a request for the voie professionnelle names. Legally a *passerelle* request,
    not a voie d'orientation (SPEC.md X): its own field keeps it distinct in the data."""

    PREMIERE_PRO = regles.PREMIERE_PRO, _("1re professionnelle")
    SECONDE_PRO = regles.SECONDE_PRO, _("2de professionnelle")
    CAP = regles.CAP, _("CAP")


class Voeu(LibellesDesChoix, models.Model):
    """An intention (provisional phase) or a demande (definitive phase). Written only by
    workflow.valider_voeux, which replaces a phase's whole list at once (R12: nothing is saved
    before validation)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="voeux")
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    rang = models.PositiveSmallIntegerField(_("rang"), help_text=_("1 = choix préféré"))
    voie = models.ForeignKey(Voie, on_delete=models.PROTECT, related_name="+")
    # R9: 1re générale only.
    specialites = models.ManyToManyField(
        Specialite, blank=True, related_name="+", verbose_name=_("enseignements de spécialité")
    )
    # R11: voie professionnelle only.
    option_pro = models.CharField(
        _("formation professionnelle"), max_length=10, choices=OptionPro.choices, blank=True
    )

    class Meta:
        verbose_name = _("vœu")
        verbose_name_plural = _("vœux")
        ordering = ["dossier", "phase", "rang"]
        constraints = [
            # R8: each voie at most once, one voeu per rank.
            models.UniqueConstraint(fields=["dossier", "phase", "voie"], name="voeu_unique_voie"),
            models.UniqueConstraint(fields=["dossier", "phase", "rang"], name="voeu_unique_rang"),
            models.CheckConstraint(
                condition=models.Q(rang__gte=1, rang__lte=regles.MAX_VOEUX),
                name="voeu_rang_1_a_11",
            ),
        ]

    def __str__(self):
        if self.option_pro:
            return f"{self.rang}. {self.voie} — {self.get_option_pro_display()}"
        return f"{self.rang}. {self.voie}"

    @property
    def libelle(self) -> str:
        """The voie as the family reads it (e-mails, récapitulatif)."""
        return self.libeller(self.voie.libelle, [s.libelle for s in self.specialites.all()])

    def libeller(self, voie: str, specialites: list[str]) -> str:
        """`libelle` from the voie's and the spécialités' labels (in the catalogue's order),
        for voeux whose relations are not loaded (workflow.valider_voeux's e-mail)."""
        libelle = voie
        if self.option_pro:
            libelle = f"{libelle} — {self.get_option_pro_display()}"
        if specialites:
            libelle = f"{libelle} ({', '.join(specialites)})"
        return libelle


class Saisie(LibellesDesChoix, models.Model):
    """The validation of one phase's list (R7, R12, R13): who validated, when, how, how often.

    `empreinte` is the validated list in a canonical form: submitting the same list again (a double
    click, a reloaded form) changes nothing and sends nothing.
    """

    class Canal(models.TextChoices):
        EN_LIGNE = "en_ligne", _("en ligne")
        # The school enters a paper fiche on the family's behalf (docs/saisie-papier.md).
        ETABLISSEMENT = "etablissement", _("saisi par l'établissement")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="saisies")
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    # The holding representative (R7); null when an adult pupil validated (X).
    valide_par = models.ForeignKey(
        "etablissements.Responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("représentant"),
    )
    valide_par_compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    premiere_validation_le = models.DateTimeField(_("première validation le"))
    valide_le = models.DateTimeField(_("dernière validation le"))
    canal = models.CharField(
        _("canal"), max_length=20, choices=Canal.choices, default=Canal.EN_LIGNE
    )
    nb_validations = models.PositiveIntegerField(_("nombre de validations"), default=1)
    empreinte = models.CharField(max_length=64, blank=True)
    # Canal "établissement" (docs/saisie-papier.md): the date the family wrote on the paper fiche
    # and where its scan is filed; who typed it in is `valide_par_compte`.
    date_papier = models.DateField(_("date portée sur la fiche papier"), null=True, blank=True)
    reference_scan = models.CharField(_("référence du scan"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("saisie validée")
        verbose_name_plural = _("saisies validées")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "phase"], name="saisie_unique_phase")
        ]

    def __str__(self):
        return f"{self.dossier_id} — {self.get_phase_display()}"

    @property
    def mention_canal(self) -> str:
        """What the family reads next to a list the school entered; "" for an online entry."""
        if self.canal != self.Canal.ETABLISSEMENT:
            return ""
        from orientation.dates import date_format

        mention = _("Saisi par l'établissement le %(date)s") % {
            "date": date_format(timezone.localtime(self.valide_le), "j F Y")
        }
        if self.date_papier:
            mention = _("%(mention)s, d'après la fiche papier du %(date)s") % {
                "mention": mention,
                "date": date_format(self.date_papier, "j F Y"),
            }
        return f"{mention}."
