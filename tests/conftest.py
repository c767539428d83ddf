import os

import pytest

from tests.smtp import serveur_smtp, taches_en_base  # noqa: F401 — fixtures for every test file

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# live_server fixture must still be allowed (STACK-NOTES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _reglages_de_test(settings, tmp_path):
    # Undefined template variables fail the test (ARCHITECTURE.md rule 11).
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidVariable("%s")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _catalogue_national(request):
    """The catalogue comes from a data migration; a transactional test elsewhere in the same worker
    flushes it. Reload it (cheaply, once per test) for every test that uses the database. The
    process's copy of the active catalogue is dropped: the previous test's rows are gone."""
    from orientation.campagnes import catalogue

    catalogue.oublier()
    if "transactional_db" in request.fixturenames or (
        (marker := request.node.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
    ):
        return  # serialized_rollback restores it for those
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("db")
    from orientation.campagnes.models import Specialite, Voie

    if not Voie.objects.exists():
        catalogue.charger(Voie, Specialite)


class InvalidVariable(str):
    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other!r}")

    def __bool__(self):  # so that {% if missing %} stays quiet, as Django intends
        return False
