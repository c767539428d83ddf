from django.urls import path  # noqa: F401

from .views import conseil, direction, famille, papier, reponse, rgpd

app_name = "dialogue"

urlpatterns = []

# The family's pages (docs/parcours-famille.md).
urlpatterns += [
    path("<int:pk>/", famille.dossier, name="famille_dossier"),
    path("<int:pk>/accuse/", famille.accuse, name="famille_accuse"),
    path(
        "<int:pk>/intentions/",
        famille.voeux,
        {"segment": "intentions"},
        name="famille_intentions",
    ),
    path("<int:pk>/demandes/", famille.voeux, {"segment": "demandes"}, name="famille_demandes"),
    path(
        "<int:pk>/recapitulatif/<str:segment>/",  # intentions or demandes
        famille.recapitulatif,
        name="famille_recapitulatif",
    ),
]

# The paper route: entry on a family's behalf, import of intentions (docs/saisie-papier.md).
urlpatterns += [
    path("etablissement/<str:uai>/fiches-papier/", papier.liste, name="papier_liste"),
    path("etablissement/<str:uai>/fiche-vierge/", papier.imprimer_vierge, name="papier_vierge"),
    path("etablissement/<str:uai>/import-intentions/", papier.importer, name="import_intentions"),
    path(
        "etablissement/<str:uai>/import-intentions/confirmer/",
        papier.importer_confirmer,
        name="import_intentions_confirmer",
    ),
    path("etablissement/<int:dossier_pk>/saisie-papier/", papier.fiche, name="papier_fiche"),
    path(
        "etablissement/<int:dossier_pk>/saisie-papier/voeux/<str:phase>/",
        papier.voeux,
        name="papier_voeux",
    ),
    path(
        "etablissement/<int:dossier_pk>/saisie-papier/accuse/",
        papier.accuse,
        name="papier_accuse",
    ),
    path(
        "etablissement/<int:dossier_pk>/saisie-papier/reponse/",
        papier.reponse,
        name="papier_reponse",
    ),
    path(
        "etablissement/<int:dossier_pk>/saisie-papier/accord/",
        papier.accord,
        name="papier_accord",
    ),
    path(
        "etablissement/<int:dossier_pk>/saisie-papier/transmettre/",
        papier.transmettre,
        name="papier_transmettre",
    ),
    path("etablissement/<int:dossier_pk>/fiche-papier/", papier.imprimer, name="papier_imprimer"),
]

# After the council: the family's response and agreement, the head's side (docs/decision.md).
urlpatterns += [
    path("<int:pk>/reponse/", reponse.reponse, name="reponse"),
    path("<int:pk>/accord/", reponse.accord, name="accord"),
    path("direction/<str:uai>/decisions/", direction.liste, name="direction_liste"),
    path("direction/dossier/<int:pk>/", direction.dossier, name="direction_dossier"),
    path("direction/dossier/<int:pk>/exiger/", direction.exiger, name="direction_exiger"),
    path("direction/dossier/<int:pk>/entretien/", direction.entretien, name="direction_entretien"),
    path("direction/dossier/<int:pk>/decision/", direction.decision, name="direction_decision"),
    path("direction/dossier/<int:pk>/recours/", direction.recours, name="direction_recours"),
    path("direction/dossier/<int:pk>/statuer/", direction.statuer, name="direction_statuer"),
    path("direction/dossier/<int:pk>/imprimer/", direction.imprimer, name="direction_imprimer"),
]

# The class council's grid: avis (R4), answers and proposals (R16), publication
# (docs/conseil-de-classe.md). <phase> is "provisoire" or "definitive".
urlpatterns += [
    path("conseil/<int:division_pk>/<str:phase>/", conseil.grille, name="conseil"),
    path(
        "conseil/<int:division_pk>/<str:phase>/eleve/<int:dossier_pk>/",
        conseil.enregistrer,
        name="conseil_enregistrer",
    ),
    path("conseil/<int:division_pk>/<str:phase>/publier/", conseil.publier, name="conseil_publier"),
]

# RGPD right of access: everything held about the signed-in family (docs/securite.md).
urlpatterns += [path("mes-donnees.json", rgpd.export, name="mes_donnees")]
