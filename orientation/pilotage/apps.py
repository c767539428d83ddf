from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "orientation.pilotage"
    label = "pilotage"
