"""The fiches dialogue of the whole school as one PDF, built by a background task
(docs/pilotage.md): the request, the task, the dashboard's states, the download and who may have
it, the failures, the periodic clean-up."""

import datetime
import io
import zipfile

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from orientation.accounts.models import Role
from orientation.dialogue.models import Evenement
from orientation.pilotage import tasks
from orientation.pilotage.models import PdfEtablissement
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    DossierFactory,
    PersonnelFactory,
    famille,
    pdf_etablissement_pret,
)
from tests.test_pdf_accessibles import verifier_pdf_balise

pytestmark = pytest.mark.django_db

Statut = PdfEtablissement.Statut
PREPARER = tasks.preparer_pdf_etablissement.module_path


@pytest.fixture
def ecole():
    campagne = CampagneFactory()
    etab = campagne.etablissement
    d1 = DivisionFactory(etablissement=etab, code="2A")
    d2 = DivisionFactory(etablissement=etab, code="2B")
    DivisionFactory(etablissement=etab, code="2C")  # a class without any dossier
    dossiers = [
        DossierFactory(campagne=campagne, eleve__division=d1),
        DossierFactory(campagne=campagne, eleve__division=d1, propositions_publiees=True),
        DossierFactory(campagne=campagne, eleve__division=d2, voeux_valides=True),
    ]
    return campagne, dossiers


def _chef(campagne, role=Role.CHEF_ETABLISSEMENT, **kw):
    return PersonnelFactory(etablissement=campagne.etablissement, role=role, **kw).user


def _urls(campagne, demande=None):
    uai = campagne.etablissement.uai
    return (
        reverse("pilotage:fiches_etablissement_demander", args=[uai]),
        reverse("pilotage:fiches_etablissement_telecharger", args=[uai, demande.pk])
        if demande
        else None,
        reverse("pilotage:etablissement", args=[uai]),
    )


def _demander(client, campagne):
    demander, _t, tableau = _urls(campagne)
    r = client.post(demander)
    assert r.status_code == 302
    assert r["Location"] == tableau + "#fiches-etablissement"
    return PdfEtablissement.objects.filter(etablissement=campagne.etablissement).first()


def _texte(contenu: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(contenu)).pages)


def test_une_demande_met_une_seule_tache_en_file(client, ecole, taches_en_base):
    campagne, _dossiers = ecole
    client.force_login(_chef(campagne))
    demande = _demander(client, campagne)
    assert demande.statut == Statut.EN_ATTENTE
    assert demande.demande_par.postes.get().role == Role.CHEF_ETABLISSEMENT
    tache = DBTaskResult.objects.get(task_path=PREPARER)
    assert tache.status == "READY" and tache.args_kwargs["args"] == [demande.pk]
    assert demande.tache_id == str(tache.id)
    # A second click, or the secrétariat meanwhile: no second build.
    r = client.post(_urls(campagne)[0], follow=True)
    assert "déjà en préparation" in r.content.decode()
    client.force_login(_chef(campagne, Role.SECRETARIAT))
    client.post(_urls(campagne)[0])
    assert DBTaskResult.objects.filter(task_path=PREPARER).count() == 1
    assert PdfEtablissement.objects.count() == 1
    ev = Evenement.objects.get(action="pdf_etablissement_demande")
    assert ev.etablissement == campagne.etablissement and ev.details == {"demande": demande.pk}
    assert ev.adresse_ip == "127.0.0.1"
    # The dashboard says it is being prepared, and how to get it: reload (no JavaScript).
    texte = client.get(_urls(campagne)[2]).content.decode()
    assert "En attente de préparation." in texte
    assert "rechargez la page" in texte and "Recharger la page" in texte
    assert "Préparer les fiches de tout l" not in texte  # no second request offered


def test_la_tache_construit_un_pdf_balise_avec_chaque_eleve(client, ecole):
    campagne, dossiers = ecole
    chef = _chef(campagne)
    autre = DossierFactory(eleve__nom="Horslycée")  # another school's pupil never gets in
    client.force_login(chef)
    demande = _demander(client, campagne)  # tests' dummy backend: nothing runs by itself
    assert tasks.preparer_pdf_etablissement.call(demande.pk) == "pret"
    demande.refresh_from_db()
    assert demande.statut == Statut.PRET
    assert (demande.fiches, demande.classes_faites, demande.classes_total) == (3, 3, 3)
    assert demande.pages >= 3 and demande.taille == demande.fichier.size
    assert demande.fichier.name.startswith("pilotage/fiches-etablissement/")
    assert tasks.preparer_pdf_etablissement.call(demande.pk) == "ignoree"  # run twice: once

    _d, telecharger, tableau = _urls(campagne, demande)
    texte = client.get(tableau).content.decode()
    assert telecharger in texte and "3 fiches" in texte
    r = client.get(telecharger)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/zip"
    assert r["Content-Disposition"].startswith('attachment; filename="fiches-')
    assert r["Content-Disposition"].endswith('.zip"')
    assert r["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    assert archive.testzip() is None
    # One PDF per class that has fiches, each the tagged PDF/UA document the class's own
    # download is (RGAA 13.3), titled with its class.
    noms = sorted(archive.namelist())
    assert [n.split("-", 1)[1] for n in noms] == ["2a.pdf", "2b.pdf"]
    textes = []
    for nom, code in zip(noms, ["2A", "2B"], strict=True):
        contenu = archive.read(nom)
        verifier_pdf_balise(
            contenu, f"Fiches dialogue — {campagne.etablissement.nom} — classe {code}"
        )
        textes.append(_texte(contenu))
    assert sum(len(pypdf.PdfReader(io.BytesIO(archive.read(n))).pages) for n in noms) == (
        demande.pages
    )
    texte = "".join(textes)
    for dossier in dossiers:
        assert dossier.eleve.nom in texte
    assert autre.eleve.nom not in texte
    ev = Evenement.objects.get(action="pdf_etablissement_telecharge")
    assert ev.acteur == chef and ev.details == {"demande": demande.pk}


def test_avec_le_backend_immediat_le_pdf_est_pret_au_retour(client, ecole, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    campagne, dossiers = ecole
    client.force_login(_chef(campagne, Role.SECRETARIAT))
    demande = _demander(client, campagne)
    assert demande.statut == Statut.PRET and demande.tache_id
    texte = client.get(_urls(campagne)[2]).content.decode()
    assert "Télécharger les fiches dialogue de tout l" in texte
    assert "Préparer à nouveau les fiches" in texte
    # A new build replaces the old file.
    ancien = demande.fichier.name
    nouvelle = _demander(client, campagne)
    assert nouvelle.pk != demande.pk and nouvelle.statut == Statut.PRET
    assert list(PdfEtablissement.objects.all()) == [nouvelle]
    assert not nouvelle.fichier.storage.exists(ancien)


def test_un_echec_est_enregistre_en_francais_sans_erreur_500(client, ecole, monkeypatch):
    campagne, _dossiers = ecole
    client.force_login(_chef(campagne))
    demande = _demander(client, campagne)

    def panne(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr("orientation.pilotage.pdf.rendre_pdf", panne)
    assert tasks.preparer_pdf_etablissement.call(demande.pk) == "echec"
    demande.refresh_from_db()
    assert demande.statut == Statut.ECHEC
    assert demande.erreur.startswith("La préparation du PDF a échoué.")
    assert "disque" not in demande.erreur  # the technical detail goes to the log
    assert not demande.fichier
    r = client.get(_urls(campagne)[2])
    assert r.status_code == 200
    texte = r.content.decode()
    assert "pas abouti :" in texte and "La préparation du PDF a échoué." in texte
    # No file to download for a failed request; a new request may be made.
    assert client.get(_urls(campagne, demande)[1]).status_code == 404
    assert "Préparer les fiches de tout l" in texte
    monkeypatch.undo()
    nouvelle = _demander(client, campagne)
    assert nouvelle.pk != demande.pk and nouvelle.statut == Statut.EN_ATTENTE


def test_aucune_fiche_a_imprimer(client):
    campagne = CampagneFactory()
    DivisionFactory(etablissement=campagne.etablissement)
    client.force_login(_chef(campagne))
    demande = _demander(client, campagne)
    assert tasks.preparer_pdf_etablissement.call(demande.pk) == "echec"
    demande.refresh_from_db()
    assert demande.erreur == "Aucune fiche dialogue à imprimer dans cet établissement."


def test_qui_peut_demander_et_telecharger(client, ecole):
    campagne, dossiers = ecole
    demande = pdf_etablissement_pret(campagne)
    demander, telecharger, tableau = _urls(campagne, demande)
    division = dossiers[0].eleve.division
    autre = CampagneFactory()
    refuses = [
        _chef(autre),  # another school's head
        _chef(autre, Role.SECRETARIAT),
        _chef(campagne, Role.PROFESSEUR_PRINCIPAL, divisions=[division]),
        famille(campagne, eleve__division=division)[1][0].user,
    ]
    for user in refuses:
        client.force_login(user)
        assert client.get(telecharger).status_code == 404
        assert client.post(demander).status_code == 404
    # The professeur principal's dashboard does not offer it either.
    client.force_login(refuses[2])
    assert "fiches-etablissement" not in client.get(tableau).content.decode()
    # Another school's file through this school's address, or the reverse: 404.
    client.force_login(_chef(autre))
    assert (
        client.get(
            reverse(
                "pilotage:fiches_etablissement_telecharger",
                args=[autre.etablissement.uai, demande.pk],
            )
        ).status_code
        == 404
    )
    client.logout()
    assert client.get(telecharger)["Location"].startswith("/compte/connexion/")
    for role in (Role.CHEF_ETABLISSEMENT, Role.ADJOINT, Role.SECRETARIAT):
        client.force_login(_chef(campagne, role))
        assert client.get(telecharger).status_code == 200
    assert not PdfEtablissement.objects.exclude(pk=demande.pk).exists()
    assert Evenement.objects.filter(action="pdf_etablissement_telecharge").count() == 3
    # Wrong methods and addresses.
    assert client.get(demander).status_code == 405
    assert client.post(telecharger).status_code == 405
    assert client.get(telecharger.replace(f"/{demande.pk}.zip", "/999999.zip")).status_code == 404


def test_fichier_disparu_un_message_pas_une_erreur(client, ecole):
    campagne, _dossiers = ecole
    client.force_login(_chef(campagne))
    demande = PdfEtablissement.objects.create(
        etablissement=campagne.etablissement,
        campagne=campagne,
        statut=Statut.PRET,
        termine_le=timezone.now(),
        fichier="pilotage/fiches-etablissement/disparu/fiches.pdf",
    )
    r = client.get(_urls(campagne, demande)[1], follow=True)
    assert r.status_code == 200
    assert "n&#x27;est plus disponible" in r.content.decode()


def test_etat_en_cours_affiche_l_avancement(client, ecole):
    campagne, _dossiers = ecole
    PdfEtablissement.objects.create(
        etablissement=campagne.etablissement,
        campagne=campagne,
        statut=Statut.EN_COURS,
        classes_faites=12,
        classes_total=57,
    )
    client.force_login(_chef(campagne, Role.SECRETARIAT))
    texte = client.get(_urls(campagne)[2]).content.decode()
    assert "En préparation : classe 12 sur 57." in texte


def test_nettoyage_periodique(client, ecole, taches_en_base):
    campagne, _dossiers = ecole
    etab = campagne.etablissement
    maintenant = timezone.now()
    semaine = datetime.timedelta(days=7)

    def ligne(statut, **kw):
        return PdfEtablissement.objects.create(
            etablissement=etab, campagne=campagne, statut=statut, **kw
        )

    vieux = ligne(Statut.PRET, termine_le=maintenant - semaine - datetime.timedelta(hours=1))
    vieux.fichier.save("fiches.pdf", ContentFile(b"%PDF"))
    chemin = vieux.fichier.name
    recent = ligne(Statut.PRET, termine_le=maintenant - datetime.timedelta(days=6))
    recent.fichier.save("fiches.pdf", ContentFile(b"%PDF"))
    # A worker killed during a build: its row would block every new request.
    mort = ligne(Statut.EN_COURS, avance_le=maintenant - datetime.timedelta(hours=1))
    assert tasks.nettoyer(maintenant) == 2
    assert not PdfEtablissement.objects.filter(pk=vieux.pk).exists()
    assert not recent.fichier.storage.exists(chemin)
    assert recent.fichier.storage.exists(recent.fichier.name)
    mort.refresh_from_db()
    assert mort.statut == Statut.ECHEC and "interrompue" in mort.erreur
    # A request whose task failed before our code ran (no retries in django-tasks-db).
    client.force_login(_chef(campagne))
    perdue = _demander(client, campagne)
    DBTaskResult.objects.filter(id=perdue.tache_id).update(status="FAILED")
    assert tasks.nettoyer(maintenant) == 0  # too recent to tell
    assert tasks.nettoyer(maintenant + datetime.timedelta(minutes=11)) == 1
    perdue.refresh_from_db()
    assert perdue.statut == Statut.ECHEC and "n'a pas pu démarrer" in perdue.erreur
    # A request simply waiting in a long queue is left alone.
    attend = _demander(client, campagne)
    assert tasks.nettoyer(maintenant + datetime.timedelta(hours=2)) == 0
    attend.refresh_from_db()
    assert attend.statut == Statut.EN_ATTENTE
    # However a row goes (here a bulk delete, as a cascade would), its file goes with it.
    fichier = recent.fichier.name
    PdfEtablissement.objects.filter(pk=recent.pk).delete()
    assert not recent.fichier.storage.exists(fichier)


def test_la_tache_periodique_se_replanifie_et_la_commande_nettoie(taches_en_base):
    from django.core.management import call_command

    DBTaskResult.objects.all().delete()
    assert tasks.nettoyer_pdf_etablissement.call() == 0
    chemin = tasks.nettoyer_pdf_etablissement.module_path
    suivante = DBTaskResult.objects.get(task_path=chemin, status="READY")
    assert suivante.run_after > timezone.now() + datetime.timedelta(minutes=59)
    sortie = io.StringIO()
    call_command("nettoyer_pdf_etablissement", stdout=sortie)
    assert "0 demande(s)" in sortie.getvalue()
    assert DBTaskResult.objects.filter(task_path=chemin, status="READY").count() == 1


@pytest.fixture
def _postgresql_seulement():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")


@pytest.mark.usefixtures("_postgresql_seulement")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deux_demandes_au_meme_instant_une_seule_preparation(ecole, taches_en_base, monkeypatch):
    """Two people click at the same instant (two real PostgreSQL connections): one build."""
    import threading
    import time

    from django.db import connections
    from django.test import Client

    campagne, _dossiers = ecole
    from orientation.pilotage import views

    tracer = views._tracer

    def lent(*args):
        # Inside the request's transaction, after its check and its writes: the other request
        # must wait for the lock (or trip over the constraint), not pass the same check.
        time.sleep(0.4)
        return tracer(*args)

    monkeypatch.setattr(views, "_tracer", lent)
    clients = []
    for role in (Role.CHEF_ETABLISSEMENT, Role.SECRETARIAT):
        client = Client()
        client.force_login(_chef(campagne, role))
        clients.append(client)
    depart = threading.Barrier(2)
    reponses = [None, None]

    def poster(i):
        try:
            depart.wait()
            reponses[i] = clients[i].post(_urls(campagne)[0])
        finally:
            connections.close_all()

    fils = [threading.Thread(target=poster, args=(i,)) for i in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    assert [r.status_code for r in reponses] == [302, 302]
    assert PdfEtablissement.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=PREPARER).count() == 1
    assert Evenement.objects.filter(action="pdf_etablissement_demande").count() == 1
