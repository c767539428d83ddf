"""The staff upload page: preview, then confirm; only the school's secrétariat and direction."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orientation.accounts.models import Role
from orientation.etablissements.models import Eleve, ImportSiecle, Responsable
from orientation.etablissements.views import SESSION_KEY
from tests.factories import (
    CampagneFactory,
    EtablissementFactory,
    LienFactory,
    PersonnelFactory,
    UserFactory,
)

from .conftest import UAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def etab():
    return EtablissementFactory(uai=UAI, nom="Lycée Hélène Boucher")


def url(nom="import", uai=UAI):
    return reverse(f"etablissements:{nom}", args=[uai])


def televerser(chemins):
    return [SimpleUploadedFile(Path(c).name, Path(c).read_bytes()) for c in chemins]


def connecte(client, etab, role):
    user = PersonnelFactory(etablissement=etab, role=role).user
    client.force_login(user)
    return user


def fichiers_deposes(settings):
    racine = Path(settings.MEDIA_ROOT) / "imports"
    return list(racine.iterdir()) if racine.exists() else []


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.CHEF_ETABLISSEMENT, Role.ADJOINT])
def test_apercu_puis_confirmation(client, etab, role, lycee, ecrire, settings):
    campagne = CampagneFactory(etablissement=etab)
    connecte(client, etab, role)
    assert client.get(url()).status_code == 200

    reponse = client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Confirmer l&#x27;import" in page or "Confirmer l'import" in page
    assert "Éloïse Lefèvre (2DEA)" in page
    assert not Eleve.objects.exists()  # the preview writes nothing
    token = client.session[SESSION_KEY]["token"]
    assert len(fichiers_deposes(settings)) == 1

    reponse = client.post(url("import_confirmer"), {"token": token})
    assert reponse.status_code == 302
    assert Eleve.objects.filter(etablissement=etab).count() == 7
    assert campagne.dossiers.count() == 3
    imp = ImportSiecle.objects.get()
    assert imp.auteur is not None and imp.fichiers[0] == "ExportXML_ElevesSansAdresses.zip"
    assert fichiers_deposes(settings) == []  # removed once imported
    assert SESSION_KEY not in client.session
    suite = client.get(url()).content.decode()
    assert "Import terminé : 7 élèves nouveaux" in suite


def test_confirmation_avec_un_autre_jeton_refusee(client, etab, lycee, ecrire):
    connecte(client, etab, Role.SECRETARIAT)
    client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    reponse = client.post(url("import_confirmer"), {"token": "x" * 43}, follow=True)
    assert "plus valable" in reponse.content.decode()
    assert not Eleve.objects.exists()


def test_confirmation_rejouee_refusee(client, etab, lycee, ecrire):
    connecte(client, etab, Role.SECRETARIAT)
    client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    token = client.session[SESSION_KEY]["token"]
    client.post(url("import_confirmer"), {"token": token})
    Eleve.objects.all().delete()
    client.post(url("import_confirmer"), {"token": token})
    assert not Eleve.objects.exists()


def test_annuler(client, etab, lycee, ecrire, settings):
    connecte(client, etab, Role.SECRETARIAT)
    client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    reponse = client.post(url("import_annuler"), follow=True)
    assert "rien n&#x27;a été modifié" in reponse.content.decode()
    assert fichiers_deposes(settings) == [] and not Eleve.objects.exists()


def test_fichier_trop_gros_refuse_en_francais(client, etab, lycee, ecrire, settings):
    settings.SIECLE_MAX_UPLOAD_BYTES = 1000
    connecte(client, etab, Role.SECRETARIAT)
    reponse = client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    assert reponse.status_code == 400
    assert "dépassent la taille maximale acceptée" in reponse.content.decode()
    assert fichiers_deposes(settings) == [] and not Eleve.objects.exists()


def test_fichier_hostile_message_francais_rien_ecrit(client, etab, settings):
    connecte(client, etab, Role.SECRETARIAT)
    bombe = SimpleUploadedFile(
        "Eleves.xml",
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><BEE_ELEVES>&a;</BEE_ELEVES>',
    )
    reponse = client.post(url(), {"fichiers": [bombe]})
    assert reponse.status_code == 400
    assert "refusées par sécurité" in reponse.content.decode()
    assert fichiers_deposes(settings) == [] and SESSION_KEY not in client.session


def test_fichier_d_un_autre_etablissement_refuse(client, etab, lycee, ecrire):
    connecte(client, etab, Role.SECRETARIAT)
    lycee.uai = "0123456Z"
    reponse = client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    assert "autre établissement" in reponse.content.decode()
    assert not Eleve.objects.exists()


def test_mauvaise_extension_refusee(client, etab):
    connecte(client, etab, Role.SECRETARIAT)
    reponse = client.post(url(), {"fichiers": [SimpleUploadedFile("eleves.csv", b"a;b")]})
    assert reponse.status_code == 400
    assert "ni un fichier ZIP ni un fichier XML" in reponse.content.decode()


def test_anonyme_redirige_vers_la_connexion(client, etab):
    reponse = client.get(url())
    assert reponse.status_code == 302 and "/compte/" in reponse["Location"]


@pytest.mark.parametrize("qui", ["professeur", "autre_ecole", "famille", "sans_role"])
def test_les_autres_recoivent_404(client, etab, qui, lycee, ecrire):
    if qui == "professeur":
        connecte(client, etab, Role.PROFESSEUR_PRINCIPAL)
    elif qui == "autre_ecole":
        connecte(client, EtablissementFactory(), Role.SECRETARIAT)
    elif qui == "famille":
        lien = LienFactory(eleve__division__etablissement=etab)
        client.force_login(lien.responsable.user)
    else:
        client.force_login(UserFactory())
    assert client.get(url()).status_code == 404
    assert client.post(url(), {"fichiers": televerser(ecrire(lycee))}).status_code == 404
    assert client.post(url("import_confirmer"), {"token": "x" * 43}).status_code == 404
    assert Eleve.objects.filter(siecle_id="E1").count() == 0
    assert not Responsable.objects.filter(siecle_id="P1").exists()


def test_jeton_d_un_autre_etablissement_refuse(client, etab, lycee, ecrire):
    autre = EtablissementFactory()
    user = connecte(client, etab, Role.SECRETARIAT)
    PersonnelFactory(user=user, etablissement=autre, role=Role.SECRETARIAT)
    client.post(url(), {"fichiers": televerser(ecrire(lycee))})
    token = client.session[SESSION_KEY]["token"]
    client.post(url("import_confirmer", uai=autre.uai), {"token": token})
    assert not Eleve.objects.exists()
