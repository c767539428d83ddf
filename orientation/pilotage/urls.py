from django.urls import path

from . import views

app_name = "pilotage"

urlpatterns = [
    path("<str:uai>/", views.etablissement, name="etablissement"),
    path("<str:uai>/parametres/", views.parametres, name="parametres"),
    path("<str:uai>/relances/", views.relancer, name="relancer"),
    path("<str:uai>/export/<str:quoi>.<str:fmt>", views.exporter, name="export"),
    path("<str:uai>/fiches.pdf", views.fiches_pdf, name="fiches_pdf"),
    path(
        "<str:uai>/fiches-etablissement/",
        views.demander_fiches_etablissement,
        name="fiches_etablissement_demander",
    ),
    path(
        "<str:uai>/fiches-etablissement/<int:pk>.zip",
        views.telecharger_fiches_etablissement,
        name="fiches_etablissement_telecharger",
    ),
    path("fiche/<int:pk>.pdf", views.fiche_pdf, name="fiche_pdf"),
]
