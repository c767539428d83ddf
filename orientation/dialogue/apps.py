from django.apps import AppConfig


class DialogueConfig(AppConfig):
    name = "orientation.dialogue"
    label = "dialogue"

    def ready(self):
        from . import receivers  # noqa: F401 — connects the SIECLE import's signal
