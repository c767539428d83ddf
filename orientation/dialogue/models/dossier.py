from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.campagnes.models import Campagne, Phase
from orientation.etablissements.models import Eleve
from orientation.libelles import LibellesDesChoix


class Etat(models.TextChoices):
    """The states of a fiche dialogue (SPEC.md). Only `dialogue/workflow.py` writes them."""

    INTENTIONS_OUVERTES = "intentions_ouvertes", _("Intentions à saisir")
    INTENTIONS_VALIDEES = "intentions_validees", _("Intentions validées")
    AVIS_PUBLIE = "avis_publie", _("Avis provisoire publié")
    AVIS_ACCUSE = "avis_accuse", _("Réception de l'avis accusée")
    VOEUX_VALIDES = "voeux_valides", _("Demandes définitives validées")
    PROPOSITIONS_PUBLIEES = "propositions_publiees", _("Réponses du conseil publiées")
    REPONSE_FAMILLE = "reponse_famille", _("Réponse de la famille saisie")
    ENTRETIEN_REQUIS = "entretien_requis", _("Entretien requis")
    ENTRETIEN_TENU = "entretien_tenu", _("Entretien tenu")
    RECOURS = "recours", _("Recours en commission d'appel")
    DECIDE = "decide", _("Décision d'orientation prise")


class DossierQuerySet(models.QuerySet):
    def for_user(self, user):
        """The dossiers `user` may read (ARCHITECTURE.md rule 3): see accounts/permissions.py."""
        from orientation.accounts.permissions import dossiers_visibles

        return dossiers_visibles(self, user)


class Dossier(LibellesDesChoix, models.Model):
    """The fiche dialogue: one per 2de GT pupil and campaign, created by the SIECLE import."""

    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="dossiers")
    eleve = models.ForeignKey(Eleve, on_delete=models.PROTECT, related_name="dossiers")
    etat = models.CharField(
        _("état"), max_length=30, choices=Etat.choices, default=Etat.INTENTIONS_OUVERTES
    )
    # R3, R7: the representative who validated first holds the entry right of the phase; only they
    # can change the voeux (R14). Null until the first validation, and when an adult pupil acts for
    # themself (X). Written by workflow.valider_voeux only.
    titulaire_intentions = models.ForeignKey(
        "etablissements.Responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("représentant ayant saisi les intentions"),
    )
    titulaire_demandes = models.ForeignKey(
        "etablissements.Responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("représentant ayant saisi les demandes"),
    )
    # R5, R6: who acknowledged the provisional avis, and when (whoever logged in first).
    avis_accuse_le = models.DateTimeField(
        _("accusé de réception de l'avis le"), null=True, blank=True
    )
    avis_accuse_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accusé de réception par"),
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche dialogue")
        verbose_name_plural = _("fiches dialogue")
        constraints = [
            models.UniqueConstraint(fields=["campagne", "eleve"], name="dossier_unique_eleve")
        ]
        indexes = [models.Index(fields=["campagne", "etat"], name="dossier_campagne_etat")]

    def __str__(self):
        return f"{self.eleve} — {self.campagne.annee}"

    def titulaire(self, phase: str):
        """The Responsable holding the entry right of `phase` (R3, R7), or None."""
        if phase == Phase.PROVISOIRE:
            return self.titulaire_intentions
        return self.titulaire_demandes

    def titulaire_id(self, phase: str) -> int | None:
        if phase == Phase.PROVISOIRE:
            return self.titulaire_intentions_id
        return self.titulaire_demandes_id


class Evenement(models.Model):
    """The audit trail: every transition and every staff change (who, when, from where, what)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="evenements"
    )
    etablissement = models.ForeignKey(
        "etablissements.Etablissement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evenements",
    )
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quand = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60)
    etat_avant = models.CharField(max_length=30, blank=True)
    etat_apres = models.CharField(max_length=30, blank=True)
    adresse_ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["quand", "id"]
