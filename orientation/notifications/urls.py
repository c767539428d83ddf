from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("demo/", views.demo_courriels, name="demo_courriels"),
    path("demo/<int:pk>/", views.demo_courriel, name="demo_courriel"),
    path("demo/<int:pk>/html/", views.demo_courriel_html, name="demo_courriel_html"),
    path("dossier/<int:dossier_pk>/", views.dossier, name="dossier"),
    path("non-remis/", views.echecs, name="echecs"),
    path("<int:pk>/reessayer/", views.reessayer, name="reessayer"),
]
