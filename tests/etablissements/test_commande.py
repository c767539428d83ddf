import io

import pytest
from django.core.management import ManagementUtility, call_command

from orientation.accounts.models import User
from orientation.etablissements.models import Eleve, Etablissement, ImportSiecle, Responsable

from .conftest import UAI

pytestmark = pytest.mark.django_db


def lancer(*args):
    sortie = io.StringIO()
    call_command("import_siecle", "--uai", UAI, *map(str, args), stdout=sortie)
    return sortie.getvalue()


def test_dry_run_affiche_le_diff_et_n_ecrit_rien(lycee, ecrire):
    sortie = lancer("--dry-run", *ecrire(lycee))
    assert "L'établissement 0999002B sera créé." in sortie
    assert "Élèves nouveaux : 7" in sortie
    assert "Éloïse Lefèvre (2DEA)" in sortie
    assert "rien n'a été écrit" in sortie
    assert not Etablissement.objects.exists()
    assert not Eleve.objects.exists() and not User.objects.exists()
    assert not ImportSiecle.objects.exists()


def test_dry_run_sur_un_etablissement_existant(lycee, ecrire):
    lancer(*ecrire(lycee))
    lycee.eleve("E1").division = "2DEB"
    sortie = lancer("--dry-run", *ecrire(lycee))
    assert "Éloïse Lefèvre : 2DEA → 2DEB" in sortie
    assert Eleve.objects.get(siecle_id="E1").division.code == "2DEA"


def test_import_puis_reimport(lycee, ecrire):
    chemins = ecrire(lycee)
    assert "Import terminé." in lancer(*chemins)
    avant = (Eleve.objects.count(), Responsable.objects.count(), User.objects.count())
    assert "Aucun changement" in lancer(*chemins)
    assert (Eleve.objects.count(), Responsable.objects.count(), User.objects.count()) == avant
    assert list(ImportSiecle.objects.values_list("fichiers", flat=True))[0][0] == (
        "ExportXML_ElevesSansAdresses.zip"
    )


def test_mauvais_fichier_code_de_sortie_1_et_message_francais(tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection when it exits, the test's own included (PostgreSQL).
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    mauvais = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    mauvais.write_bytes(b"pas une archive")
    with pytest.raises(SystemExit) as sortie:
        ManagementUtility(["manage.py", "import_siecle", "--uai", UAI, str(mauvais)]).execute()
    assert sortie.value.code == 1
    assert "n'est pas une archive ZIP valide" in capsys.readouterr().err
    assert not Etablissement.objects.exists()
