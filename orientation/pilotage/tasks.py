"""Background jobs of the pilotage (django.tasks, docs/pilotage.md):

- `preparer_pdf_etablissement`: the fiches dialogue of a whole school, one PDF per class in a
  ZIP, several minutes for 2,000 pupils (docs/performance.md), asked for on the dashboard;
- `relancer_familles`: the reminder to every family of the dashboard's list (all its pages),
  half a minute of writing for 1,300 families;
- `nettoyer_pdf_etablissement` (periodic, orientation/periodiques.py; command
  `nettoyer_pdf_etablissement` for cron): deletes the files older than a week and ends the runs
  that died with their worker.

django-tasks-db has no automatic retries and a worker killed hard leaves its task RUNNING forever
(STACK-NOTES.md): a failed or interrupted build ends « échec » with a French message, and the
staff asks again; nothing is retried behind their back.
"""

from __future__ import annotations

import datetime
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from orientation.etablissements.models import Etablissement
from orientation.periodiques import base_de_donnees, periodique, replanifier

from . import pdf, relances, stats
from .acces import divisions_de_l_ecole
from .models import CONSERVATION, PdfEtablissement

log = logging.getLogger(__name__)

# A run that has not finished a class for this long died with its worker (a class takes seconds).
SANS_NOUVELLES = datetime.timedelta(minutes=30)
# A request whose task left the queue without starting it (the task failed outside our code, or
# its row was pruned) is given up after this delay.
DEMARRAGE_MAX = datetime.timedelta(minutes=10)

Statut = PdfEtablissement.Statut


def titre(etablissement) -> str:
    return _("Fiches dialogue — %(nom)s") % {"nom": etablissement.nom}


@task()
def preparer_pdf_etablissement(pk: int) -> str:
    return preparer(pk)


def reserver(pk: int) -> PdfEtablissement | None:
    """Claim the request for this run, or None when it is not ours to build (already built,
    failed, taken by another run of the same task)."""
    with transaction.atomic():
        demande = PdfEtablissement.objects.select_for_update().filter(pk=pk).first()
        if demande is None or demande.statut != Statut.EN_ATTENTE:
            return None
        maintenant = timezone.now()
        demande.statut = Statut.EN_COURS
        demande.commence_le = demande.avance_le = maintenant
        demande.save(update_fields=["statut", "commence_le", "avance_le"])
    return demande


def preparer(pk: int) -> str:
    demande = reserver(pk)
    if demande is None:
        return "ignoree"
    etablissement = demande.etablissement

    def avancement(faites: int, total: int) -> None:
        PdfEtablissement.objects.filter(pk=pk, statut=Statut.EN_COURS).update(
            classes_faites=faites, classes_total=total, avance_le=timezone.now()
        )

    try:
        with tempfile.TemporaryFile() as sortie:
            fiches, pages = pdf.zip_par_classe(
                demande.campagne,
                list(divisions_de_l_ecole(etablissement)),
                titre(etablissement),
                sortie,
                avancement,
            )
            sortie.seek(0)
            demande.fichier.save("fiches.zip", File(sortie), save=False)
    except pdf.AucuneFiche:
        return _echec(pk, _("Aucune fiche dialogue à imprimer dans cet établissement."))
    except Exception:  # noqa: BLE001 — every failure is recorded on the row, none is a 500
        log.exception(
            "PDF des fiches de l'établissement %s : échec (demande %s)", etablissement, pk
        )
        return _echec(
            pk,
            _(
                "La préparation du PDF a échoué. Demandez-le à nouveau ; si l'échec se répète, "
                "signalez-le à l'assistance."
            ),
        )
    nom = demande.fichier.name
    taille = demande.fichier.size
    fait = PdfEtablissement.objects.filter(pk=pk, statut=Statut.EN_COURS).update(
        statut=Statut.PRET,
        fichier=nom,
        fiches=fiches,
        pages=pages,
        taille=taille,
        termine_le=timezone.now(),
        avance_le=timezone.now(),
        erreur="",
    )
    if not fait:  # the request was given up or deleted meanwhile: do not leave the file behind
        demande.fichier.storage.delete(nom)
        return "ignoree"
    # The older files of the school are superseded: only the latest is offered.
    for ancienne in PdfEtablissement.objects.filter(
        etablissement=etablissement, statut=Statut.PRET, demande_le__lt=demande.demande_le
    ):
        ancienne.delete()  # and its file (models._supprimer_le_fichier)
    return "pret"


def _echec(pk: int, message: str) -> str:
    PdfEtablissement.objects.filter(pk=pk, statut__in=PdfEtablissement.EN_PREPARATION).update(
        statut=Statut.ECHEC, erreur=message, termine_le=timezone.now()
    )
    return "echec"


def demander(etablissement, campagne, user) -> tuple[PdfEtablissement, bool]:
    """The request of the dashboard's button: (the request, created?). A request already pending
    for this school is returned as it is: one build at a time per school. Called inside the
    view's transaction: the task commits (or rolls back) with the row."""
    # Serialises two clicks (two people, or a double submit) on PostgreSQL; SQLite's IMMEDIATE
    # transactions already do. The partial unique constraint is the last guard.
    Etablissement.objects.select_for_update().filter(pk=etablissement.pk).first()
    en_cours = PdfEtablissement.objects.filter(
        etablissement=etablissement, statut__in=PdfEtablissement.EN_PREPARATION
    ).first()
    if en_cours is not None:
        return en_cours, False
    demande = PdfEtablissement.objects.create(
        etablissement=etablissement, campagne=campagne, demande_par=user
    )
    resultat = preparer_pdf_etablissement.enqueue(demande.pk)
    # With the immediate backend (tests, a deployment without worker) the task already ran.
    PdfEtablissement.objects.filter(pk=demande.pk).update(tache_id=str(resultat.id))
    demande.refresh_from_db()
    return demande, True


# --- The reminder to a whole list -------------------------------------------------------------

# Families per transaction: the rows written are visible (and delivered) batch after batch, and a
# crash loses one batch at most — running the task again skips the families already reminded
# today (`cle_unicite`), so asking again is harmless.
RELANCES_PAR_LOT = 100


@task()
def relancer_familles(
    campagne_pk: int, divisions: list[int], acteur_pk: int | None, adresse_ip: str | None
) -> int:
    from django.contrib.auth import get_user_model

    from orientation.campagnes.models import Campagne

    campagne = Campagne.objects.select_related("etablissement").filter(pk=campagne_pk).first()
    if campagne is None:
        return 0
    acteur = get_user_model().objects.filter(pk=acteur_pk).first()
    # The list as it is now: a family that acted since the click is not reminded.
    liste = stats.a_relancer(campagne, divisions)
    ids = list(liste.values_list("pk", flat=True))
    envoyes = 0
    for debut in range(0, len(ids), RELANCES_PAR_LOT):
        envoyes += relances.relancer(
            liste.filter(pk__in=ids[debut : debut + RELANCES_PAR_LOT]),
            campagne,
            campagne.etablissement,
            acteur,
            adresse_ip,
        ).familles
    return envoyes


# --- The periodic clean-up ----------------------------------------------------------------------


def _taches_parties(ids: list[str]) -> set[str]:
    """Among these task ids, those that left the queue (finished, failed or pruned) — only the
    database backend can tell."""
    ids = [i for i in ids if i]
    if not ids or not base_de_donnees(preparer_pdf_etablissement):
        return set()
    from django_tasks_db.models import DBTaskResult

    vivantes = {
        str(pk)
        for pk in DBTaskResult.objects.filter(
            id__in=ids, status__in=["READY", "RUNNING"]
        ).values_list("id", flat=True)
    }
    return set(ids) - vivantes


def nettoyer(maintenant=None) -> int:
    """Delete the files kept longer than CONSERVATION (and their rows: the audit trail keeps who
    asked and who downloaded), and end the runs that died. Returns the number of rows deleted or
    ended. Idempotent."""
    maintenant = maintenant or timezone.now()
    traitees = 0
    for demande in PdfEtablissement.objects.filter(
        statut__in=[Statut.PRET, Statut.ECHEC], termine_le__lt=maintenant - CONSERVATION
    ).iterator():
        demande.delete()  # and its file
        traitees += 1
    interrompue = _(
        "La préparation a été interrompue (arrêt du serveur). Demandez le PDF à nouveau."
    )
    traitees += PdfEtablissement.objects.filter(
        statut=Statut.EN_COURS, avance_le__lt=maintenant - SANS_NOUVELLES
    ).update(statut=Statut.ECHEC, erreur=interrompue, termine_le=maintenant)
    attente = PdfEtablissement.objects.filter(
        statut=Statut.EN_ATTENTE, demande_le__lt=maintenant - DEMARRAGE_MAX
    )
    perdues = _taches_parties(list(attente.values_list("tache_id", flat=True)))
    if perdues:
        traitees += attente.filter(tache_id__in=perdues).update(
            statut=Statut.ECHEC,
            erreur=_("La préparation n'a pas pu démarrer. Demandez le PDF à nouveau."),
            termine_le=maintenant,
        )
    return traitees


@periodique(datetime.timedelta(hours=1))
@task()
def nettoyer_pdf_etablissement() -> int:
    replanifier(nettoyer_pdf_etablissement)  # first: a crash during this run keeps the chain
    return nettoyer()
