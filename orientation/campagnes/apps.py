from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CampagnesConfig(AppConfig):
    name = "orientation.campagnes"
    label = "campagnes"

    def ready(self):
        from orientation.campagnes import catalogue
        from orientation.campagnes.models import Specialite, Voie

        # A voie or spécialité saved or deleted through the ORM: this process reads it again.
        for modele in (Voie, Specialite):
            for signal in (post_save, post_delete):
                signal.connect(catalogue.oublier, sender=modele, weak=False)
