from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentiteConfig(AppConfig):
    name = "orientation.identite"
    verbose_name = _("Identité fédérée")
