from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orientation.libelles import LibellesDesChoix


class Fournisseur(models.TextChoices):
    EDUCONNECT = "educonnect", _("ÉduConnect")
    FRANCECONNECT = "franceconnect", _("FranceConnect")


class IdentiteFederee(LibellesDesChoix, models.Model):
    """A provider's stable subject tied to one account: later logins are matched by it alone,
    never again by name or attributes that can change."""

    fournisseur = models.CharField(_("fournisseur"), max_length=20, choices=Fournisseur.choices)
    sujet = models.CharField(_("identifiant chez le fournisseur"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identites_federees"
    )
    created_at = models.DateTimeField(_("liée le"), auto_now_add=True)
    derniere_connexion = models.DateTimeField(_("dernière connexion"), null=True, blank=True)

    class Meta:
        verbose_name = _("identité fédérée")
        verbose_name_plural = _("identités fédérées")
        constraints = [
            models.UniqueConstraint(
                fields=["fournisseur", "sujet"], name="identite_federee_unique_sujet"
            )
        ]

    def __str__(self):
        return f"{self.get_fournisseur_display()} : {self.user}"


class AssertionConsommee(models.Model):
    """The ID of every SAML assertion accepted, until it expires: the same assertion posted
    twice, even from another browser, is refused (replay)."""

    identifiant = models.CharField(max_length=255, unique=True)
    expire_le = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("assertion consommée")
        verbose_name_plural = _("assertions consommées")
