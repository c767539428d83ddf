from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("sante/", views.sante, name="sante"),
    path("accessibilite/", views.page_statique, {"page": "accessibilite"}, name="accessibilite"),
    path(
        "mentions-legales/",
        views.page_statique,
        {"page": "mentions_legales"},
        name="mentions_legales",
    ),
    path(
        "donnees-personnelles/",
        views.page_statique,
        {"page": "donnees_personnelles"},
        name="donnees_personnelles",
    ),
    path("compte/", include("orientation.accounts.urls")),
    path("etablissement/", include("orientation.etablissements.urls")),
    path("dossier/", include("orientation.dialogue.urls")),
    path("pilotage/", include("orientation.pilotage.urls")),
    path("courriels/", include("orientation.notifications.urls")),
    path("connexion/", include("orientation.identite.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "orientation.views.erreur_400"
handler403 = "orientation.views.erreur_403"
handler404 = "orientation.views.erreur_404"
handler500 = "orientation.views.erreur_500"
