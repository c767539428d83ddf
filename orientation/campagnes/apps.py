from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CampagnesConfig(AppConfig):
    name = "orientation.campagnes"
    label = "campagnes"

    def ready(self):
        from orientation.campagnes import catalogue
        from orientation.campagnes.models import Specialite, Voie

        for modele in (Voie, Specialite):
            post_save.connect(catalogue.oublier, sender=modele, dispatch_uid=f"oublier-{modele}")
            post_delete.connect(catalogue.oublier, sender=modele, dispatch_uid=f"oublier-{modele}-")
