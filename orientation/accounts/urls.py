from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.connexion, name="login"),
    path("deconnexion/", views.deconnexion, name="logout"),
    path("session/prolonger/", views.prolonger, name="prolonger"),
    path("activer/", views.activer, name="activer"),
    path("activer/<uidb64>/<token>/", views.activer_lien, name="activer_lien"),
    path("mot-de-passe-oublie/", views.reinitialiser, name="reinitialiser"),
    path("mot-de-passe-oublie/envoye/", views.reinitialiser_envoye, name="reinitialiser_envoye"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        views.reinitialiser_confirmer,
        name="reinitialiser_confirmer",
    ),
    path("profil/", views.profil, name="profil"),
    path("profil/adresse/", views.profil_email, name="profil_email"),
    path("profil/mot-de-passe/", views.mot_de_passe, name="mot_de_passe"),
    path("etablissement/<str:uai>/personnels/", views.personnels_liste, name="personnels"),
    path(
        "etablissement/<str:uai>/personnels/<int:pk>/",
        views.personnel_modifier,
        name="personnel_modifier",
    ),
    path(
        "etablissement/<str:uai>/personnels/<int:pk>/retirer/",
        views.personnel_retirer,
        name="personnel_retirer",
    ),
    path("etablissement/<str:uai>/familles/", views.comptes_familles, name="comptes_familles"),
    path(
        "etablissement/<str:uai>/familles/activation/",
        views.envoyer_activations,
        name="envoyer_activations",
    ),
    path("etablissement/<str:uai>/familles/lettres/", views.lettres, name="lettres"),
]
