"""RGPD right of access (art. 15): everything the service holds about the signed-in person and
the pupils they are the legal representative of (or themself as a pupil), as a JSON download."""

import json

from django.contrib.auth.decorators import login_required
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from orientation.accounts import permissions
from orientation.dialogue.models import (
    Accord,
    Avis,
    Decision,
    Dossier,
    Entretien,
    Evenement,
    Proposition,
    Recours,
    ReponseFamille,
    Saisie,
    Voeu,
)
from orientation.etablissements.models import Eleve, Lien, Responsable
from orientation.notifications.models import Notification

CHAMPS_COMPTE = ("username", "first_name", "last_name", "email", "date_joined", "last_login")


def _objets(qs):
    # The serializer reads a many-to-many field from a prefetched relation when there is one,
    # else with one query per row: one query per field, in the serializer's own order (the
    # related model's ordering, then pk), so the export stays the same.
    prefetches = [
        Prefetch(
            champ.name,
            queryset=champ.related_model._default_manager.order_by(
                *champ.related_model._meta.ordering, "pk"
            ),
        )
        for champ in qs.model._meta.many_to_many
        if champ.remote_field.through._meta.auto_created
    ]
    return serializers.serialize("python", qs.prefetch_related(*prefetches))


def donnees_de(user) -> dict:
    # The family's own dossiers only, whatever the person's staff rights (R2).
    eleves_ids = set(permissions._enfants_legaux(user))
    eleves_ids |= set(Eleve.objects.filter(user=user).values_list("pk", flat=True))
    dossiers = Dossier.objects.filter(eleve_id__in=eleves_ids)
    par_dossier = {"dossier__in": dossiers}
    return {
        "compte": {champ: getattr(user, champ) for champ in CHAMPS_COMPTE},
        "responsables": _objets(Responsable.objects.filter(user=user)),
        "liens": _objets(Lien.objects.filter(responsable__user=user)),
        "eleves": _objets(Eleve.objects.filter(pk__in=eleves_ids)),
        "dossiers": _objets(dossiers),
        "voeux": _objets(Voeu.objects.filter(**par_dossier)),
        "saisies": _objets(Saisie.objects.filter(**par_dossier)),
        "avis": _objets(Avis.objects.filter(voeu__dossier__in=dossiers)),
        "propositions": _objets(Proposition.objects.filter(**par_dossier)),
        "reponses": _objets(ReponseFamille.objects.filter(**par_dossier)),
        "accords": _objets(Accord.objects.filter(**par_dossier)),
        "entretiens": _objets(Entretien.objects.filter(**par_dossier)),
        "decisions": _objets(Decision.objects.filter(**par_dossier)),
        "recours": _objets(Recours.objects.filter(**par_dossier)),
        "evenements": _objets(Evenement.objects.filter(**par_dossier)),
        "courriels": _objets(Notification.objects.filter(destinataire=user)),
    }


@login_required
@require_safe
def export(request):
    contenu = json.dumps(
        donnees_de(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    return reponse
