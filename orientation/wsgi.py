import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orientation.settings")
application = get_wsgi_application()

from orientation.demarrage import geler_le_demarrage  # noqa: E402 — Django is loaded above

geler_le_demarrage()
