from django.apps import AppConfig


class EtablissementsConfig(AppConfig):
    name = "orientation.etablissements"
    label = "etablissements"
