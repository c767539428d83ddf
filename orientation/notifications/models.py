from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.libelles import LibellesDesChoix


class Notification(LibellesDesChoix, models.Model):
    """The outbox: one row per recipient and event, written in the transaction of the change that
    causes it (ARCHITECTURE.md rule 6). Bodies are rendered at creation, so what was sent is what
    the row says."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", _("en attente d'envoi")
        # Claimed by a worker under a row lock: a second task for the same row does nothing.
        EN_COURS = "en_cours", _("envoi en cours")
        ENVOYE = "envoye", _("envoyé")
        ECHEC = "echec", _("échec définitif")
        SANS_ADRESSE = "sans_adresse", _("non envoyé : pas d'adresse valide")

    evenement = models.CharField(_("événement"), max_length=60, db_index=True)
    # A string reference: notifications imports no domain app.
    dossier = models.ForeignKey(
        "dialogue.Dossier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    destinataire_nom = models.CharField(_("nom du destinataire"), max_length=200, blank=True)
    destinataire_email = models.CharField(_("adresse du destinataire"), max_length=254, blank=True)
    sujet = models.CharField(_("objet"), max_length=300)
    corps_texte = models.TextField(_("texte"))
    corps_html = models.TextField(_("HTML"))
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    derniere_erreur = models.TextField(_("dernière erreur"), blank=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    prochain_essai = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    # When a worker claimed the row (statut en_cours): older than the lease, the worker is presumed
    # dead and the sweep hands the row to another task.
    reserve_le = models.DateTimeField(_("réservé le"), null=True, blank=True)
    # The id of the last delivery task enqueued for the row, so the sweep can tell a row whose
    # task is merely waiting in the queue from a row whose task vanished.
    tache_id = models.CharField(max_length=64, blank=True)
    # Makes an event idempotent where the rules say "once" (R15: once per session with changes).
    cle_unicite = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["statut", "prochain_essai"], name="notification_a_envoyer"),
        ]

    def __str__(self):
        return f"{self.evenement} → {self.destinataire_email or self.destinataire_nom}"

    @property
    def est_en_echec(self) -> bool:
        return self.statut in (self.Statut.ECHEC, self.Statut.SANS_ADRESSE)

    @property
    def peut_reessayer(self) -> bool:
        return self.statut == self.Statut.ECHEC
