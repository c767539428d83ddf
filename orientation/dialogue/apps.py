from django.apps import AppConfig


class DialogueConfig(AppConfig):
    name = "orientation.dialogue"
    label = "dialogue"
