from django.apps import AppConfig


class DialogueConfig(AppConfig):
    name = "orientation.dialogue"
    label = "dialogue"

    def ready(self):
        from . import (
            audit_personnels,  # noqa: F401 — staff changes in the audit table
            receivers,  # noqa: F401 — connects the SIECLE import's signal
        )
