"""The project's URLs, plus the account pages the layout links to while orientation/accounts is
still being built elsewhere: a name that accounts defines itself is never shadowed."""

from django.http import HttpResponse
from django.urls import include, path

from orientation.accounts import urls as comptes
from orientation.urls import handler400, handler403, handler404, handler500  # noqa: F401
from orientation.urls import urlpatterns as projet

NOMS = ["login", "logout", "activer", "profil"]


def _page(request):
    return HttpResponse("")


def _manquants():
    definis = {getattr(p, "name", None) for p in comptes.urlpatterns}
    return [path(f"{nom}/", _page, name=nom) for nom in NOMS if nom not in definis]


urlpatterns = [p for p in projet if getattr(p, "namespace", None) != "accounts"]
urlpatterns.append(path("compte/", include((list(comptes.urlpatterns) + _manquants(), "accounts"))))
