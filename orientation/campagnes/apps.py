from django.apps import AppConfig


class CampagnesConfig(AppConfig):
    name = "orientation.campagnes"
    label = "campagnes"
