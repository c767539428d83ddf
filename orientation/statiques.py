"""Static files: the production storage (WhiteNoise's compressed manifest, with its URLs kept)
and the template engine's `static` library (its `{% static %}` rendered once per node, below).

Every page asks for a dozen static URLs (the DSFR's styles, scripts and icons, the service's own);
each answer is a lookup in the manifest and a URL quoting, ≈ 15 µs. The manifest is written by
collectstatic before the process starts and never changes while it runs: each URL is computed once
per process. A name missing from the manifest still raises, every time, as without the memo.
"""

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags import static as static_de_django
from django.utils.functional import empty
from whitenoise.storage import CompressedManifestStaticFilesStorage

from orientation.memoire import NoeudFige, texte_cite


class StatiquesManifeste(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url


# --- `{% static %}`, rendered once per node -------------------------------------------------------
#
# Django's tag asks, at every render, whether staticfiles is installed (a walk over the installed
# applications), then the storage through its lazy wrapper, then escapes the URL: ≈ 17 µs a tag,
# ten tags a page (the DSFR's styles, scripts and icons, most of them in django-dsfr's
# templates). This module is also the `static` library of the template engine
# (settings.TEMPLATES, "libraries"), so `{% load static %}` loads it in the service's templates
# and django-dsfr's alike: Django's library, with a `{% static %}` whose quoted path keeps what it
# rendered in the compiled template's node (orientation/memoire.py), per storage, STATIC_URL and
# autoescaping — what Django's answer depends on. A path from a variable is Django's tag as is;
# a name missing from the manifest raises at every render, as without the memo.


register = template.Library()
register.tags.update(static_de_django.register.tags)
register.filters.update(static_de_django.register.filters)


class StatiqueFigee(NoeudFige, static_de_django.StaticNode):
    def __init__(self, noeud: static_de_django.StaticNode):
        super().__init__(noeud.varname, noeud.path)
        self.constante = texte_cite(self.path) and apps.is_installed("django.contrib.staticfiles")

    @property
    def asvar(self):
        return self.varname

    def cle(self, context):
        stockage = staticfiles_storage._wrapped
        if stockage is empty:  # replaced since (a test's STORAGES): set up the new one
            staticfiles_storage._setup()
            stockage = staticfiles_storage._wrapped
        return (stockage, settings.STATIC_URL, context.autoescape)


@register.tag
def static(parser, token):
    return StatiqueFigee(static_de_django.do_static(parser, token))
