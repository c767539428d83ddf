import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orientation.etablissements.models import Division, Etablissement
from orientation.libelles import LibellesDesChoix


class Phase(models.TextChoices):
    PROVISOIRE = "provisoire", _("phase provisoire (intentions)")
    DEFINITIVE = "definitive", _("phase définitive (demandes)")


class Voie(LibellesDesChoix, models.Model):
    """An entry of the national catalogue (SPEC.md). Data, loaded per school year, never code.

    Each series of 1re technologique is its own voie: a list of voeux holds each at most once (R8),
    so a list holds at most 11.
    """

    class Famille(models.TextChoices):
        GENERALE = "generale", _("1re générale")
        TECHNOLOGIQUE = "technologique", _("1re technologique")
        BT = "bt", _("1re préparant au BT « métiers de la musique »")
        PROFESSIONNELLE = "professionnelle", _("Accès à la voie professionnelle")

    code = models.CharField(_("code"), max_length=20, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    famille = models.CharField(_("famille"), max_length=20, choices=Famille.choices)
    ordre = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    actif = models.BooleanField(_("au catalogue"), default=True)

    class Meta:
        verbose_name = _("voie d'orientation")
        verbose_name_plural = _("voies d'orientation")
        ordering = ["ordre", "code"]

    def __str__(self):
        return self.libelle


class Specialite(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    libelle = models.CharField(_("libellé"), max_length=200)
    ordre = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    actif = models.BooleanField(_("au catalogue"), default=True)

    class Meta:
        verbose_name = _("enseignement de spécialité")
        verbose_name_plural = _("enseignements de spécialité")
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class Campagne(LibellesDesChoix, models.Model):
    """One orientation campaign per school and school year, with its calendar (R1)."""

    class Publication(models.TextChoices):
        AUTOMATIQUE = "automatique", _("le lendemain du conseil de classe")
        MANUELLE = "manuelle", _("quand le chef d'établissement publie")

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="campagnes"
    )
    annee = models.PositiveSmallIntegerField(_("année scolaire (première année)"))
    provisoire_debut = models.DateTimeField(_("ouverture de la saisie des intentions"))
    provisoire_fin = models.DateTimeField(_("fermeture de la saisie des intentions"))
    definitive_debut = models.DateTimeField(_("ouverture de la saisie des demandes"))
    definitive_fin = models.DateTimeField(_("fermeture de la saisie des demandes"))
    reponse_limite = models.DateTimeField(_("date limite de réponse des familles"))
    publication = models.CharField(
        _("publication des résultats du conseil"),
        max_length=20,
        choices=Publication.choices,
        default=Publication.AUTOMATIQUE,
    )
    # The school closes the service early (ferme) or reopens it outside its dates (ouvert); None
    # follows the calendar (R1).
    forcage = models.CharField(
        _("ouverture forcée"),
        max_length=10,
        choices=[("ouvert", _("ouvert")), ("ferme", _("fermé"))],
        blank=True,
    )
    # R9: the spécialités counts live here, per campaign, not in code.
    nb_specialites_definitif = models.PositiveSmallIntegerField(default=3)
    nb_specialites_provisoire = models.PositiveSmallIntegerField(default=4)
    nb_specialites_provisoire_avec_hors = models.PositiveSmallIntegerField(default=5)
    max_hors_etablissement_provisoire = models.PositiveSmallIntegerField(default=1)
    specialites_offertes = models.ManyToManyField(
        Specialite, blank=True, related_name="campagnes", verbose_name=_("spécialités enseignées")
    )
    # Shown to families (home page) when the school changes the calendar (docs/pilotage.md).
    calendrier_modifie_le = models.DateTimeField(_("calendrier modifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("campagne d'orientation")
        verbose_name_plural = _("campagnes d'orientation")
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "annee"], name="campagne_unique_annee")
        ]

    def __str__(self):
        return f"{self.etablissement.nom} — {self.annee}-{self.annee + 1}"

    def fenetre(self, phase: str) -> tuple[datetime.datetime, datetime.datetime]:
        if phase == Phase.PROVISOIRE:
            return self.provisoire_debut, self.provisoire_fin
        return self.definitive_debut, self.definitive_fin

    def phase_courante(self, now: datetime.datetime | None = None) -> str | None:
        """The phase whose entry window is open now, honouring the school's override (R1)."""
        now = now or timezone.now()
        if self.forcage == "ferme":
            return None
        for phase in (Phase.DEFINITIVE, Phase.PROVISOIRE):
            debut, fin = self.fenetre(phase)
            if debut <= now < fin:
                return phase
        if self.forcage == "ouvert":
            return Phase.DEFINITIVE if now >= self.provisoire_fin else Phase.PROVISOIRE
        return None

    def saisie_ouverte(self, phase: str, now: datetime.datetime | None = None) -> bool:
        return self.phase_courante(now) == phase


class ConseilDivision(LibellesDesChoix, models.Model):
    """The date of a division's class council in one phase, and when its results were published."""

    campagne = models.ForeignKey(Campagne, on_delete=models.CASCADE, related_name="conseils")
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="conseils")
    phase = models.CharField(max_length=12, choices=Phase.choices)
    date_conseil = models.DateField(_("date du conseil de classe"))
    publie_le = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)

    class Meta:
        verbose_name = _("conseil de classe")
        verbose_name_plural = _("conseils de classe")
        constraints = [
            models.UniqueConstraint(
                fields=["campagne", "division", "phase"], name="conseil_unique_phase"
            )
        ]
