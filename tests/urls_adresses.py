"""A URL configuration for tests/test_adresses.py: the service's pages elsewhere, and an address
with a character that autoescaping changes."""

from django.http import HttpResponse
from django.urls import include, path


def _vue(request):
    return HttpResponse()


urlpatterns = [
    path("recherche/a&b/", _vue, name="recherche"),
    path("autre/", include("orientation.urls")),
]
