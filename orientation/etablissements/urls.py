from django.urls import path

from . import views

app_name = "etablissements"

urlpatterns = [
    path("<str:uai>/import-siecle/", views.import_siecle, name="import"),
    path("<str:uai>/import-siecle/confirmer/", views.import_confirmer, name="import_confirmer"),
    path("<str:uai>/import-siecle/annuler/", views.import_annuler, name="import_annuler"),
]
