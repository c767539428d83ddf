import datetime as dt
import io
import uuid

import pypdf
import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orientation.accounts.models import Role
from orientation.campagnes.models import Voie
from orientation.dialogue.models import Decision, Etat, Evenement
from orientation.notifications.models import Notification
from orientation.pilotage import stats
from orientation.pilotage.relances import relancer
from tests.factories import (
    CampagneFactory,
    DivisionFactory,
    DossierFactory,
    PersonnelFactory,
    famille,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ecole():
    campagne = CampagneFactory()
    etab = campagne.etablissement
    d1 = DivisionFactory(etablissement=etab, code="2A", est_seconde_gt=True)
    d2 = DivisionFactory(etablissement=etab, code="2B", est_seconde_gt=True)
    return campagne, d1, d2


def _dossier(campagne, division, **kw):
    return DossierFactory(campagne=campagne, eleve__division=division, **kw)


def _chef(campagne, role=Role.CHEF_ETABLISSEMENT, divisions=None):
    return PersonnelFactory(
        etablissement=campagne.etablissement, role=role, divisions=divisions
    ).user


def _remplir(campagne, d1, d2, n=1):
    for _i in range(n):
        _dossier(campagne, d1)
        _dossier(campagne, d1, intentions_validees=True)
        _dossier(campagne, d2, voeux_valides=True)
        dossier = _dossier(campagne, d2, propositions_publiees=True)
    return dossier


def test_tableau_compte_les_etapes(client, ecole):
    campagne, d1, d2 = ecole
    dossier = _remplir(campagne, d1, d2)
    dossier.etat = Etat.DECIDE
    dossier.save()
    decision = Decision.objects.create(dossier=dossier, prise_le=timezone.now())
    decision.voies.set([Voie.objects.get(code="GENERALE")])
    client.force_login(_chef(campagne))
    r = client.get(reverse("pilotage:etablissement", args=[campagne.etablissement.uai]))
    assert r.status_code == 200
    etapes = {ligne.code: ligne.nombre for ligne in r.context["tableau"].etapes}
    assert etapes["intentions_ouvertes"] == 1
    assert etapes["intentions_validees"] == 1
    assert etapes["voeux_valides"] == 1
    assert etapes["decide"] == 1
    assert r.context["tableau"].total == 4
    par_division = {d.code: total for d, _n, total in r.context["tableau"].par_division}
    assert par_division == {"2A": 2, "2B": 2}
    demandees = {ligne.code: ligne.nombre for ligne in r.context["tableau"].voies_demandees}
    assert demandees == {"STMG": 2}
    decidees = {ligne.code: ligne.nombre for ligne in r.context["tableau"].voies_decidees}
    assert decidees == {"GENERALE": 1}
    # filtered on one division
    r = client.get(
        reverse("pilotage:etablissement", args=[campagne.etablissement.uai]),
        {"division": d1.pk},
    )
    assert r.context["tableau"].total == 2


@pytest.mark.parametrize("n", [1, 6])
def test_tableau_nombre_de_requetes_constant(client, ecole, n, django_assert_max_num_queries):
    campagne, d1, d2 = ecole
    _remplir(campagne, d1, d2, n)
    client.force_login(_chef(campagne))
    url = reverse("pilotage:etablissement", args=[campagne.etablissement.uai])
    client.get(url)
    with django_assert_max_num_queries(14):
        r = client.get(url)
    assert r.context["tableau"].total == 4 * n


def test_liste_paginee_nombre_de_requetes_constant(client, ecole):
    """One page of families, then 3 pages (page 1, a middle page, the last, with a filter): the
    same number of queries (count + one page; the whole-school PDF's state in one query)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campagne, d1, d2 = ecole
    _remplir(campagne, d1, d2)
    client.force_login(_chef(campagne))
    url = reverse("pilotage:etablissement", args=[campagne.etablissement.uai])
    client.get(url)

    def requetes(params=None):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, params or {})
        assert r.status_code == 200
        return len(ctx.captured_queries), r

    petit, r = requetes()
    assert not r.context["relances"].has_other_pages()
    for _i in range(110):
        _dossier(campagne, d1)
    for params in [{}, {"page": 2}, {"page": 3}, {"page": 2, "division": d1.pk}]:
        nombre, r = requetes(params)
        assert r.context["relances"].paginator.num_pages == 3
        assert nombre == petit, params
    assert petit <= 14, petit


def _noms(r):
    return [d.eleve.nom for d in r.context["relances"]]


def test_familles_a_relancer_paginees_filtre_garde(client, ecole):
    campagne, d1, d2 = ecole
    dossiers = [_dossier(campagne, d1) for _i in range(53)] + [_dossier(campagne, d2)]
    _dossier(campagne, d2, voeux_valides=True)  # nothing expected of this family
    client.force_login(_chef(campagne))
    url = reverse("pilotage:etablissement", args=[campagne.etablissement.uai])
    r = client.get(url)
    page = r.context["relances"]
    assert page.paginator.count == 54 and page.paginator.num_pages == 2
    assert len(page) == 50
    texte = r.content.decode()
    assert "Familles à relancer (54)" in texte
    assert "Page 1 sur 2 : familles 1 à 50 sur 54." in texte
    assert 'class="fr-pagination fr-mt-3w"' in texte and 'aria-current="page"' in texte
    assert "?page=2#familles-a-relancer" in texte
    premiere = _noms(r)
    r2 = client.get(url, {"page": 2})
    assert len(r2.context["relances"]) == 4
    une, deux = {d.pk for d in page}, {d.pk for d in r2.context["relances"]}
    assert not une & deux
    assert une | deux == {d.pk for d in dossiers}
    assert "Page 2 sur 2 : familles 51 à 54 sur 54." in r2.content.decode()
    # The order is the list's (class, name): page 2 continues page 1.
    ordre = [d.eleve for d in r2.context["relances"]]
    assert (ordre[0].division.code, ordre[0].nom) >= ("2A", premiere[-1])
    # Out of range, garbled: the last or the first page, never an error.
    assert client.get(url, {"page": 99}).context["relances"].number == 2
    assert client.get(url, {"page": "-3"}).context["relances"].number == 2
    assert client.get(url, {"page": "abc"}).context["relances"].number == 1
    assert client.get(url, {"page": "1" * 40}).status_code == 200
    # The class filter is kept by the page links, and the list follows it.
    r = client.get(url, {"division": d1.pk, "page": 2})
    assert r.context["relances"].paginator.count == 53
    assert {d.eleve.division_id for d in r.context["relances"]} == {d1.pk}
    texte = r.content.decode()
    assert f"?division={d1.pk}&amp;page=1#familles-a-relancer" in texte
    assert f'name="division" value="{d1.pk}"' in texte


IMMEDIAT = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_relancer_toute_la_liste_pas_seulement_la_page(client, ecole, settings):
    settings.TASKS = IMMEDIAT  # the task runs at once, as the worker would
    campagne, d1, d2 = ecole
    a_d1 = [famille(campagne, eleve__division=d1, representants=1)[0] for _i in range(52)]
    a_d2 = [famille(campagne, eleve__division=d2, representants=1)[0] for _i in range(2)]
    chef = _chef(campagne)
    client.force_login(chef)
    uai = campagne.etablissement.uai
    r = client.get(reverse("pilotage:etablissement", args=[uai]))
    texte = r.content.decode()
    assert "Envoyer un rappel aux 54 familles de la liste (toutes les pages)" in texte
    assert "Envoyer un rappel aux familles cochées de cette page" in texte
    url = reverse("pilotage:relancer", args=[uai])
    # The whole list of one class, from its page 2: every family of the class, none of the other.
    r = client.post(url, {"tout": "1", "division": d1.pk, "page": 2})
    assert r.status_code == 302
    assert r["Location"] == f"/pilotage/{uai}/?division={d1.pk}&page=2"
    relances = Evenement.objects.filter(action="rappel_envoye")
    assert set(relances.values_list("dossier_id", flat=True)) == {d.pk for d in a_d1}
    assert {(e.acteur, e.adresse_ip) for e in relances} == {(chef, "127.0.0.1")}
    # The whole school: the two others (the first 52 once a day only).
    r = client.post(url, {"tout": "1"}, follow=True)
    assert "Rappel en cours d&#x27;envoi aux 54 famille(s) de la liste" in r.content.decode()
    assert Evenement.objects.filter(action="rappel_envoye").count() == 54
    assert {n.dossier_id for n in Notification.objects.filter(evenement="rappel")} == {
        d.pk for d in a_d1 + a_d2
    }
    # The families ticked on one page only, written in the request.
    Evenement.objects.all().delete()
    Notification.objects.all().delete()
    client.post(url, {"dossiers": [a_d1[0].pk, a_d2[0].pk, "x"], "page": 1})
    assert set(Evenement.objects.values_list("dossier_id", flat=True)) == {a_d1[0].pk, a_d2[0].pk}
    # Nothing ticked: a message, back to the same page; a class not visible: 404.
    r = client.post(url, {"page": "2"}, follow=True)
    assert "Cochez au moins une famille" in r.content.decode()
    assert r.redirect_chain[-1][0] == f"/pilotage/{uai}/?page=2"
    assert client.post(url, {"tout": "1", "division": "abc"}).status_code == 404
    autre = DivisionFactory(etablissement=CampagneFactory().etablissement)
    assert client.post(url, {"tout": "1", "division": autre.pk}).status_code == 404


def test_relancer_toute_la_liste_une_tache_rien_dans_la_requete(client, ecole, taches_en_base):
    from django_tasks_db.models import DBTaskResult

    from orientation.pilotage import tasks

    campagne, d1, d2 = ecole
    dossier = famille(campagne, eleve__division=d1, representants=1)[0]
    client.force_login(_chef(campagne))
    client.post(reverse("pilotage:relancer", args=[campagne.etablissement.uai]), {"tout": "1"})
    assert not Notification.objects.filter(evenement="rappel").exists()
    tache = DBTaskResult.objects.get(task_path=tasks.relancer_familles.module_path)
    campagne_pk, divisions, acteur, ip = tache.args_kwargs["args"]
    assert (campagne_pk, sorted(divisions)) == (campagne.pk, sorted([d1.pk, d2.pk]))
    # What the worker runs; a second run (a double click, a crash) reminds nobody twice.
    assert tasks.relancer_familles.call(campagne_pk, divisions, acteur, ip) == 1
    assert tasks.relancer_familles.call(campagne_pk, divisions, acteur, ip) == 0
    assert Evenement.objects.get(action="rappel_envoye").dossier == dossier


def test_relancer_tout_un_professeur_principal_ses_classes_seulement(client, ecole, settings):
    settings.TASKS = IMMEDIAT
    campagne, d1, d2 = ecole
    dans_d1 = famille(campagne, eleve__division=d1, representants=1)[0]
    famille(campagne, eleve__division=d2, representants=1)
    client.force_login(_chef(campagne, Role.PROFESSEUR_PRINCIPAL, divisions=[d1]))
    client.post(reverse("pilotage:relancer", args=[campagne.etablissement.uai]), {"tout": "1"})
    assert set(Evenement.objects.values_list("dossier_id", flat=True)) == {dans_d1.pk}


def test_professeur_principal_ne_voit_que_ses_divisions(client, ecole):
    campagne, d1, d2 = ecole
    _remplir(campagne, d1, d2)
    pp = _chef(campagne, Role.PROFESSEUR_PRINCIPAL, divisions=[d1])
    client.force_login(pp)
    uai = campagne.etablissement.uai
    r = client.get(reverse("pilotage:etablissement", args=[uai]))
    assert r.context["tableau"].total == 2
    assert (
        client.get(reverse("pilotage:etablissement", args=[uai]), {"division": d2.pk}).status_code
        == 404
    )
    assert client.get(reverse("pilotage:parametres", args=[uai])).status_code == 404
    data = tablib.Dataset().load(
        client.get(reverse("pilotage:export", args=[uai, "voeux", "xlsx"])).content, "xlsx"
    )
    assert set(data["Division"]) == {"2A"}


def test_famille_et_autre_ecole_404(client, ecole):
    campagne, d1, d2 = ecole
    dossier, (resp, _r2) = famille(campagne, eleve__division=d1)
    uai = campagne.etablissement.uai
    client.force_login(resp.user)
    for url in [
        reverse("pilotage:etablissement", args=[uai]),
        reverse("pilotage:parametres", args=[uai]),
        reverse("pilotage:export", args=[uai, "decisions", "csv"]),
        reverse("pilotage:fiche_pdf", args=[dossier.pk]),
    ]:
        assert client.get(url).status_code == 404
    autre = CampagneFactory()
    client.force_login(_chef(autre))
    assert client.get(reverse("pilotage:etablissement", args=[uai])).status_code == 404
    assert client.get(reverse("pilotage:fiche_pdf", args=[dossier.pk])).status_code == 404
    assert (
        client.post(
            reverse("pilotage:relancer", args=[uai]), {"dossiers": [dossier.pk]}
        ).status_code
        == 404
    )


def test_parametres_modifies_et_audites(client, ecole):
    campagne, d1, d2 = ecole
    client.force_login(_chef(campagne, Role.SECRETARIAT))
    url = reverse("pilotage:parametres", args=[campagne.etablissement.uai])
    form = client.get(url).context["form"]
    data = {k: form[k].value() for k in form.fields}
    fmt = "%Y-%m-%dT%H:%M"
    for nom in [
        "provisoire_debut",
        "provisoire_fin",
        "definitive_debut",
        "definitive_fin",
        "reponse_limite",
    ]:
        data[nom] = timezone.localtime(getattr(campagne, nom)).strftime(fmt)
    nouvelle = timezone.localtime(campagne.provisoire_fin) + timezone.timedelta(days=2)
    data["provisoire_fin"] = nouvelle.strftime(fmt)
    data[f"conseil_{d1.pk}_provisoire"] = "2030-03-12"
    data[f"conseil_{d1.pk}_definitive"] = ""
    data[f"conseil_{d2.pk}_provisoire"] = ""
    data[f"conseil_{d2.pk}_definitive"] = ""
    data["forcage"] = "ferme"
    data["specialites_offertes"] = [s.pk for s in campagne.specialites_offertes.all()][:2]
    r = client.post(url, data)
    assert r.status_code == 302, r.context["form"].errors
    campagne.refresh_from_db()
    assert campagne.forcage == "ferme"
    assert campagne.calendrier_modifie_le is not None
    assert campagne.conseils.get(division=d1).date_conseil.isoformat() == "2030-03-12"
    ev = Evenement.objects.get(action="campagne_modifiee")
    assert ev.etablissement == campagne.etablissement
    assert "provisoire_fin" in ev.details["avant"] and "provisoire_fin" in ev.details["apres"]
    assert ev.details["apres"]["forcage"] == "ferme"
    # the family sees that the calendar changed
    _dossier_f, (resp, _r) = famille(campagne, eleve__division=d1)
    client.force_login(resp.user)
    assert "Calendrier modifié" in client.get(reverse("accueil")).content.decode()


def test_parametres_dates_incoherentes(client, ecole):
    campagne, d1, d2 = ecole
    client.force_login(_chef(campagne))
    url = reverse("pilotage:parametres", args=[campagne.etablissement.uai])
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        nom: timezone.localtime(getattr(campagne, nom)).strftime(fmt)
        for nom in [
            "provisoire_debut",
            "provisoire_fin",
            "definitive_debut",
            "definitive_fin",
            "reponse_limite",
        ]
    }
    data["provisoire_fin"] = data["provisoire_debut"]
    r = client.post(url, data)
    assert r.status_code == 200
    assert "La fermeture doit suivre" in r.content.decode()
    assert not Evenement.objects.filter(action="campagne_modifiee").exists()


def test_relance_passe_par_la_boite_d_envoi(client, ecole):
    campagne, d1, d2 = ecole
    dossier, _resp = famille(campagne, eleve__division=d1)
    client.force_login(_chef(campagne))
    url = reverse("pilotage:relancer", args=[campagne.etablissement.uai])
    assert client.post(url, {"dossiers": [dossier.pk]}).status_code == 302
    assert Notification.objects.filter(dossier=dossier, evenement="rappel").count() == 2
    client.post(url, {"dossiers": [dossier.pk]})  # once a day
    assert Notification.objects.filter(dossier=dossier, evenement="rappel").count() == 2
    assert Evenement.objects.filter(action="rappel_envoye", dossier=dossier).count() == 1


def test_relance_d_une_famille_injoignable_le_dit(client, ecole):
    """A family the service cannot write to (no legal representative known, or none with a valid
    e-mail address) is marked in the list, is not counted as reminded nor audited as such, and
    is named in a warning after the reminder, so that the school reaches it another way. A
    family with one of its two representatives reachable is reminded."""
    campagne, d1, _d2 = ecole
    joignable, (sans_courriel, _r) = famille(campagne, eleve__division=d1, eleve__nom="Abel")
    sans, _r = famille(campagne, eleve__division=d1, representants=0, eleve__nom="Barre")
    mauvaise, (resp,) = famille(campagne, eleve__division=d1, representants=1, eleve__nom="Cade")
    for responsable, adresse in ((sans_courriel, ""), (resp, "pas-une-adresse")):
        responsable.email, responsable.user.email = adresse, ""
        responsable.save()
        responsable.user.save()
    client.force_login(_chef(campagne))
    uai = campagne.etablissement.uai
    page = client.get(reverse("pilotage:etablissement", args=[uai]))
    assert page.context["injoignables"] == {sans.pk, mauvaise.pk}
    marque = "Aucune adresse électronique connue : à joindre autrement"
    assert page.content.decode().count(marque) == 2
    url = reverse("pilotage:relancer", args=[uai])
    r = client.post(url, {"dossiers": [joignable.pk, sans.pk, mauvaise.pk]}, follow=True)
    texte = r.content.decode().replace("&#x27;", "'")
    assert "Rappel envoyé à 1 famille(s)" in texte
    assert (
        "Aucune adresse électronique connue pour : "
        f"{sans.eleve.nom_complet} (2A), {mauvaise.eleve.nom_complet} (2A)." in texte
    )
    assert not Notification.objects.filter(dossier=sans).exists()
    # The row without address is kept, for the staff to see in the outbox.
    assert list(Notification.objects.filter(dossier=mauvaise).values_list("statut", flat=True)) == [
        Notification.Statut.SANS_ADRESSE
    ]
    assert list(
        Evenement.objects.filter(action="rappel_envoye").values_list("dossier", flat=True)
    ) == [joignable.pk]
    # Only the family reminded: no warning.
    r = client.post(url, {"dossiers": [joignable.pk]}, follow=True)
    assert "Aucune adresse électronique connue pour" not in r.content.decode()
    # The whole list (a task): the message counts the families an e-mail can reach, and says
    # how many it cannot, before the task runs.
    r = client.post(url, {"tout": "1"}, follow=True)
    texte = r.content.decode().replace("&#x27;", "'")
    assert "Rappel en cours d'envoi aux 1 famille(s) de la liste qu'un courriel peut" in texte
    assert "2 famille(s) de la liste n'ont aucune adresse électronique connue" in texte


def test_liste_des_seules_familles_sans_adresse(client, ecole):
    """« Afficher seulement les familles sans adresse électronique connue »: the families to call
    or write to, without a reminder button (no e-mail would reach them), with their legal
    representatives' phone numbers and their fiche in PDF; as many queries whatever their
    number (the list and its representatives, read once)."""
    campagne, d1, d2 = ecole
    famille(campagne, eleve__division=d1)
    sans, _r = famille(campagne, eleve__division=d1, representants=0, eleve__nom="Barre")
    mauvaise, (resp,) = famille(campagne, eleve__division=d2, representants=1, eleve__nom="Cade")
    resp.email, resp.user.email = "pas-une-adresse", ""
    resp.tel_portable, resp.tel_professionnel = "06 12 34 56 78", "01 23 45 67 89"
    resp.save()
    resp.user.save()
    client.force_login(_chef(campagne))
    url = reverse("pilotage:etablissement", args=[campagne.etablissement.uai])
    assert "?sans_adresse=1#familles-a-relancer" in client.get(url).content.decode()

    def lire():
        with CaptureQueriesContext(connection) as requetes:
            r = client.get(url, {"sans_adresse": "1"})
        return r, len(requetes)

    r, nombre = lire()
    assert list(r.context["relances"]) == [sans, mauvaise]
    texte = r.content.decode()
    assert "Familles à relancer sans adresse électronique connue (2)" in texte
    assert "Envoyer un rappel" not in texte
    assert reverse("pilotage:fiche_pdf", args=[sans.pk]) in texte
    assert "Afficher toutes les familles à relancer" in texte
    assert (
        f'{resp} (mère) — portable <a href="tel:0612345678">06 12 34 56 78</a>, '
        'travail <a href="tel:0123456789">01 23 45 67 89</a>'
    ) in texte
    assert "Aucun représentant légal connu" in texte  # Barre's family
    for _i in range(5):
        _dossier, (sans_courriel,) = famille(campagne, eleve__division=d2, representants=1)
        sans_courriel.email = sans_courriel.user.email = ""
        sans_courriel.save()
        sans_courriel.user.save()
    r, encore = lire()
    assert r.context["relances"].paginator.count == 7
    assert encore == nombre
    # Filtered on a class: only its families.
    r = client.get(url, {"sans_adresse": "1", "division": d1.pk})
    assert list(r.context["relances"]) == [sans]


def _relancer(campagne, dossiers, chef):
    liste = stats.a_relancer(campagne, [d.eleve.division for d in dossiers])
    return relancer(
        liste.filter(pk__in=[d.pk for d in dossiers]),
        campagne,
        campagne.etablissement,
        chef,
        "127.0.0.1",
    )


@pytest.mark.parametrize("nombre", [1, 7])
def test_relance_d_une_liste_nombre_de_requetes_fixe(ecole, nombre, taches_en_base):
    """A reminder to a whole list writes its e-mails, their tasks and the audit events by one
    insert each, the representatives read at once: as many queries for 10 families as for 4
    (two representatives, one, an adult pupil, an address missing among them)."""
    from django_tasks_db.models import DBTaskResult

    campagne, d1, d2 = ecole
    chef = _chef(campagne)

    def familles(n):
        faites = [famille(campagne, eleve__division=d1)[0] for _i in range(n)]
        faites.append(famille(campagne, eleve__division=d2, representants=1)[0])
        majeur = famille(campagne, eleve__division=d2, representants=0)[0]
        majeur.eleve.date_naissance = dt.date(2000, 1, 1)
        majeur.eleve.email = "eleve.majeur@exemple.fr"
        majeur.eleve.save()
        sans_adresse, (resp,) = famille(campagne, eleve__division=d1, representants=1)
        resp.email = resp.user.email = ""
        resp.save()
        resp.user.save()
        return [*faites, majeur, sans_adresse]

    _relancer(campagne, familles(1), chef)  # what a first call of the process reads once
    Notification.objects.all().delete()
    dossiers = familles(nombre)
    with CaptureQueriesContext(connection) as requetes:
        relance = _relancer(campagne, dossiers, chef)
    assert len(requetes) == 9  # savepoints included
    # All reminded but the family without an address.
    assert relance.familles == len(dossiers) - 1
    assert relance.injoignables == [dossiers[-1]]
    ecrites = Notification.objects.filter(evenement="rappel", dossier__in=dossiers)
    assert ecrites.count() == 2 * nombre + 3
    majeur = dossiers[-2]
    assert [n.destinataire_email for n in ecrites.filter(dossier=majeur)] == [majeur.eleve.email]
    assert ecrites.filter(statut=Notification.Statut.SANS_ADRESSE).count() == 1
    # Each e-mail to deliver has its task; each family reminded, its audit event.
    assert set(DBTaskResult.objects.values_list("id", flat=True)) >= {
        uuid.UUID(n.tache_id) for n in ecrites.filter(statut="en_attente")
    }
    assert Evenement.objects.filter(action="rappel_envoye", dossier__in=dossiers).count() == (
        len(dossiers) - 1
    )
    # Once a day: the same call again writes nothing, and says so, in as few queries (the
    # insert refused, the keys taken read).
    with CaptureQueriesContext(connection) as encore:
        assert _relancer(campagne, dossiers, chef).familles == 0
    assert len(encore) == 9
    assert Notification.objects.filter(evenement="rappel", dossier__in=dossiers).count() == (
        2 * nombre + 3
    )


def test_chaque_export_de_donnees_personnelles_est_trace(client, ecole):
    """Exports and class PDFs carry the families' data out of the service: who, when, from where
    and what is audited (docs/securite.md), like the reminders and the settings."""
    campagne, d1, _d2 = ecole
    chef = _chef(campagne)
    client.force_login(chef)
    uai = campagne.etablissement.uai
    assert client.get(reverse("pilotage:export", args=[uai, "voeux", "csv"])).status_code == 200
    assert (
        client.get(
            reverse("pilotage:export", args=[uai, "decisions", "xlsx"]), {"division": d1.pk}
        ).status_code
        == 200
    )
    r = client.get(reverse("pilotage:fiches_pdf", args=[uai]), {"division": d1.pk})
    assert r.status_code == 200
    traces = list(
        Evenement.objects.filter(acteur=chef, action__in=["export", "fiches_pdf"])
        .order_by("pk")
        .values_list("action", "details", "adresse_ip", "etablissement")
    )
    assert traces == [
        (
            "export",
            {"export": "voeux", "format": "csv", "classes": uai},
            "127.0.0.1",
            campagne.etablissement_id,
        ),
        (
            "export",
            {"export": "decisions", "format": "xlsx", "classes": d1.code},
            "127.0.0.1",
            campagne.etablissement_id,
        ),
        ("fiches_pdf", {"classes": d1.code}, "127.0.0.1", campagne.etablissement_id),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_exports_relus_cellule_par_cellule(client, ecole, fmt):
    campagne, d1, d2 = ecole
    dossier = _dossier(campagne, d2, propositions_publiees=True)
    dossier.etat = Etat.DECIDE
    dossier.save()
    # Taken at 00:30 in Paris on the 7th, still the 6th in UTC: the export says the 7th.
    prise_le = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    decision = Decision.objects.create(dossier=dossier, prise_le=prise_le)
    decision.voies.set([Voie.objects.get(code="STMG")])
    client.force_login(_chef(campagne))
    uai = campagne.etablissement.uai

    def lire(quoi):
        r = client.get(reverse("pilotage:export", args=[uai, quoi, fmt]))
        assert r.status_code == 200
        if fmt == "csv":
            return tablib.Dataset().load(r.content.decode("utf-8-sig"), "csv", delimiter=";")
        return tablib.Dataset().load(io.BytesIO(r.content), fmt)

    eleve = dossier.eleve
    voeux = lire("voeux")
    assert voeux.headers[:5] == ["Division", "INE", "Nom", "Prénom", "Phase"]
    assert list(voeux[0][:4]) == ["2B", eleve.ine, eleve.nom, eleve.prenom]
    reponses = lire("reponses")
    assert [r[reponses.headers.index("Code voie")] for r in reponses] == [
        "STMG",
        "STI2D",
        "GENERALE",
    ]
    assert [r[reponses.headers.index("Réponse du conseil")] for r in reponses] == [
        "oui",
        "non",
        "oui",
    ]
    decisions = lire("decisions")
    assert len(decisions) == 1
    ligne = dict(zip(decisions.headers, decisions[0], strict=True))
    assert ligne["Codes voies décidées"] == "STMG"
    assert ligne["Nom"] == eleve.nom
    assert ligne["Conforme à la demande"] == "oui"
    assert ligne["Décision prise le"] == "07/12/2026"


def test_pdf_fiche_et_division(client, ecole):
    campagne, d1, d2 = ecole
    dossier = _dossier(campagne, d2, propositions_publiees=True)
    autre = _dossier(campagne, d2, intentions_validees=True)
    client.force_login(_chef(campagne))
    r = client.get(reverse("pilotage:fiche_pdf", args=[dossier.pk]))
    assert r["Content-Type"] == "application/pdf"
    texte = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    assert dossier.eleve.nom in texte
    positions = [
        texte.index(t) for t in ["1. Intentions", "2. Demandes", "3. Réponse", "4. Décision"]
    ]
    assert positions == sorted(positions)
    r = client.get(
        reverse("pilotage:fiches_pdf", args=[campagne.etablissement.uai]), {"division": d2.pk}
    )
    lecteur = pypdf.PdfReader(io.BytesIO(r.content))
    texte = "".join(p.extract_text() for p in lecteur.pages)
    assert dossier.eleve.nom in texte and autre.eleve.nom in texte
    assert len(lecteur.pages) >= 2


def test_pdf_vierge():
    from orientation.pilotage.pdf import pdf_vierge

    texte = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_vierge())).pages)
    assert "Fiche dialogue" in texte and "signature" in texte


def test_pdf_de_tout_l_etablissement_renvoie_au_choix_d_une_classe(client, ecole):
    campagne, _d1, _d2 = ecole
    client.force_login(_chef(campagne))
    r = client.get(reverse("pilotage:fiches_pdf", args=[campagne.etablissement.uai]))
    assert r.status_code == 302


def test_part_lisible_jamais_zero_pour_quelques_fiches():
    from orientation.pilotage.stats import Ligne, _pourcentages

    trois, aucune, moitie, une = _pourcentages(
        [Ligne("a", "A", 3), Ligne("b", "B", 0), Ligne("c", "C", 119), Ligne("d", "D", 1)], 238
    )
    assert (trois.part, aucune.part, moitie.part, une.part) == ("1 %", "0 %", "50 %", "< 1 %")
    assert (trois.pourcentage, moitie.pourcentage) == (0, 50)  # the bar, in 5 % steps
