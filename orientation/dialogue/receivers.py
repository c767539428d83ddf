"""Fiches dialogue follow the school's pupils: created by each SIECLE import and each new campaign.

A Dossier is never deleted here: a pupil who leaves or changes class keeps his (SIECLE.md).
"""

from django.contrib.auth.signals import user_logged_out
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from orientation.campagnes.models import Campagne
from orientation.etablissements.models import Eleve
from orientation.etablissements.signals import import_siecle_applique

from .models import Dossier


def creer_dossiers(campagne: Campagne) -> int:
    """Create the missing Dossier of every pupil of 2de GT still in the school; return how many.

    Called when a campaign is created, and after each import for the campaigns still taking entries.
    """
    eleves = (
        Eleve.objects.filter(
            etablissement_id=campagne.etablissement_id,
            division__est_seconde_gt=True,
            date_sortie__isnull=True,
        )
        .exclude(dossiers__campagne=campagne)
        .values_list("pk", flat=True)
    )
    nouveaux = [Dossier(campagne=campagne, eleve_id=pk) for pk in eleves]
    Dossier.objects.bulk_create(nouveaux, batch_size=500, ignore_conflicts=True)
    return len(nouveaux)


def campagnes_en_cours(etablissement_id: int):
    """The school's campaigns whose entries are not finished (or that the school reopened, R1)."""
    return Campagne.objects.filter(etablissement_id=etablissement_id).filter(
        Q(definitive_fin__gt=timezone.now()) | Q(forcage="ouvert")
    )


@receiver(import_siecle_applique, dispatch_uid="dialogue_creer_dossiers_apres_import")
def creer_dossiers_apres_import(sender, etablissement, **kwargs):
    for campagne in campagnes_en_cours(etablissement.pk):
        creer_dossiers(campagne)


# R15: the summary of the choices changed during a session, when it ends. Django's logout (the
# logout button, and SessionLimitsMiddleware on an idle or too long session) sends this signal
# before flushing the session; a session abandoned without coming back is summarised by the
# `recapitulatifs_fin_de_session` command (docs/parcours-famille.md).
@receiver(user_logged_out, dispatch_uid="dialogue_recapitulatif_a_la_deconnexion")
def recapitulatif_a_la_deconnexion(sender, request, user, **kwargs):
    from . import workflow

    if request is None or user is None or not hasattr(request, "session"):
        return
    modifies = request.session.get(workflow.SESSION_DOSSIERS_MODIFIES)
    if not modifies:
        return
    workflow.envoyer_recapitulatif(user, modifies, request.session.session_key or "")
    request.session.pop(workflow.SESSION_DOSSIERS_MODIFIES, None)
