from django.urls import path

from . import views

app_name = "identite"

urlpatterns = [
    path("educonnect/", views.educonnect_connexion, name="educonnect_connexion"),
    path("educonnect/acs/", views.educonnect_acs, name="educonnect_acs"),
    path("educonnect/sls/", views.educonnect_sls, name="educonnect_sls"),
    # A stable URL: the ministry's registration points at it (docs/identite.md).
    path("educonnect/metadonnees/", views.educonnect_metadonnees, name="educonnect_metadonnees"),
    path("franceconnect/", views.franceconnect_connexion, name="franceconnect_connexion"),
    path("franceconnect/retour/", views.franceconnect_retour, name="franceconnect_retour"),
    path("franceconnect/code/", views.franceconnect_lier, name="franceconnect_lier"),
    path(
        "franceconnect/deconnecte/",
        views.franceconnect_deconnecte,
        name="franceconnect_deconnecte",
    ),
]
