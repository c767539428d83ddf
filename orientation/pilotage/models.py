"""The fiches dialogue of a whole school as one PDF: too long to build in an HTTP request
(docs/performance.md), so a request is a row here and a django.tasks task builds the file
(pilotage/tasks.py, docs/pilotage.md)."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orientation.libelles import LibellesDesChoix

# Kept a week after it is ready, then deleted by the periodic job (pilotage/tasks.py): the file
# holds every family's choices, and a week covers the printing.
CONSERVATION = datetime.timedelta(days=7)


def _chemin(demande, _nom: str) -> str:
    # Under MEDIA_ROOT, which no URL serves: the file is read through the permission-checked
    # download view only. A random name, never one derived from the request (the download is
    # named by the view).
    return f"pilotage/fiches-etablissement/{secrets.token_hex(16)}.zip"


class PdfEtablissement(LibellesDesChoix, models.Model):
    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", _("en attente")
        EN_COURS = "en_cours", _("en préparation")
        PRET = "pret", _("prêt")
        ECHEC = "echec", _("échec")

    EN_PREPARATION = (Statut.EN_ATTENTE, Statut.EN_COURS)

    etablissement = models.ForeignKey(
        "etablissements.Etablissement", on_delete=models.CASCADE, related_name="pdf_fiches"
    )
    campagne = models.ForeignKey(
        "campagnes.Campagne", on_delete=models.CASCADE, related_name="pdf_fiches"
    )
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    demande_le = models.DateTimeField(_("demandé le"), default=timezone.now)
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    tache_id = models.CharField(max_length=64, blank=True)
    commence_le = models.DateTimeField(null=True, blank=True)
    # Touched after each class: a run whose last sign of life is old died with its worker.
    avance_le = models.DateTimeField(null=True, blank=True)
    classes_faites = models.PositiveIntegerField(default=0)
    classes_total = models.PositiveIntegerField(default=0)
    termine_le = models.DateTimeField(null=True, blank=True)
    fichier = models.FileField(upload_to=_chemin, blank=True, max_length=200)
    fiches = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    taille = models.PositiveBigIntegerField(null=True, blank=True)
    # Shown to the staff, in French; the technical detail goes to the log.
    erreur = models.TextField(blank=True)

    class Meta:
        verbose_name = _("PDF des fiches d'un établissement")
        verbose_name_plural = _("PDF des fiches d'un établissement")
        ordering = ["-demande_le", "-id"]
        constraints = [
            # A second request while one is pending does not start a second build.
            models.UniqueConstraint(
                fields=["etablissement"],
                condition=Q(statut__in=["en_attente", "en_cours"]),
                name="pdf_etablissement_un_seul_en_preparation",
            )
        ]

    def __str__(self):
        return f"{self.etablissement_id} {self.demande_le:%Y-%m-%d %H:%M} {self.statut}"

    @property
    def en_preparation(self) -> bool:
        return self.statut in self.EN_PREPARATION

    @property
    def disponible_jusqu_au(self):
        return (self.termine_le or self.demande_le) + CONSERVATION


@receiver(post_delete, sender=PdfEtablissement, dispatch_uid="pdf_etablissement_fichier")
def _supprimer_le_fichier(sender, instance, **kwargs):
    # The row goes (clean-up, a newer file, a campaign deleted in cascade): its file with it, so
    # that no copy of the families' choices outlives its row.
    if instance.fichier:
        instance.fichier.storage.delete(instance.fichier.name)
