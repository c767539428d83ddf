from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orientation.accounts"
    label = "accounts"

    def ready(self):
        from orientation import aleatoire

        from . import (
            journal,  # noqa: F401 — connects the security log's receivers
            middleware,  # noqa: F401 — the session's start, written at login
        )

        aleatoire.installer()  # the CSRF tokens' random characters in one draw
