"""RGAA 13.3: every PDF the service produces is a tagged PDF/UA-1 document (structure tree, marked
content), in French, with its title shown by the reader; all of them are made by
orientation/pdf.py."""

import io
import re
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse

from orientation import pdf
from orientation.dialogue import workflow
from tests.factories import (
    CampagneFactory,
    DossierFactory,
    EleveFactory,
    LienFactory,
    PersonnelFactory,
    apres_le_conseil,
)


def verifier_pdf_balise(contenu: bytes, titre: str) -> None:
    lecteur = pypdf.PdfReader(io.BytesIO(contenu))
    catalogue = lecteur.trailer["/Root"]
    assert "/StructTreeRoot" in catalogue, "PDF non balisé (pas d'arbre de structure)"
    assert catalogue["/StructTreeRoot"]["/K"], "arbre de structure vide"
    assert catalogue["/MarkInfo"]["/Marked"], "contenu non marqué"
    assert catalogue["/Lang"] == "fr"
    assert catalogue["/ViewerPreferences"]["/DisplayDocTitle"]
    assert lecteur.metadata.title == titre
    xmp = catalogue["/Metadata"].get_object().get_data()
    assert re.search(rb"pdfuaid:part[^0-9]*1", xmp), "identification PDF/UA-1 absente"


@pytest.mark.django_db
def test_lettres_d_activation(client):
    campagne = CampagneFactory()
    etab = campagne.etablissement
    lien = LienFactory(
        eleve=EleveFactory(division__etablissement=etab),
        responsable__email="",
        responsable__user__activated_at=None,
    )
    lien.responsable.user.set_unusable_password()
    lien.responsable.user.save()
    client.force_login(PersonnelFactory(etablissement=etab, role="secretariat").user)
    reponse = client.post(reverse("accounts:lettres", args=[etab.uai]), {"format": "pdf"})
    assert reponse["Content-Type"] == "application/pdf"
    verifier_pdf_balise(reponse.content, f"Lettres d'activation — {etab.nom}")


@pytest.mark.django_db
def test_fiche_dialogue(client):
    dossier = DossierFactory(voeux_valides=True)
    chef = PersonnelFactory(etablissement=dossier.campagne.etablissement).user
    client.force_login(chef)
    reponse = client.get(reverse("pilotage:fiche_pdf", args=[dossier.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    verifier_pdf_balise(reponse.content, f"Fiche dialogue — {dossier.eleve.nom}")


@pytest.mark.django_db
def test_decision_imprimee(client):
    dossier, _responsables = apres_le_conseil("decide_apres_entretien")
    chef = workflow.decision_en_vigueur(dossier).prise_par
    client.force_login(chef)
    url = reverse("dialogue:direction_imprimer", args=[dossier.pk])
    reponse = client.get(url, {"format": "pdf"})
    assert reponse["Content-Type"] == "application/pdf"
    verifier_pdf_balise(reponse.content, f"Décision d'orientation — {dossier.eleve.nom_complet}")


def test_un_gabarit_sans_titre_est_refuse(settings, tmp_path):
    (tmp_path / "sans_titre.html").write_text('<html lang="fr"><body>Texte</body></html>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(ValueError, match="title"):
        pdf.pdf("sans_titre.html", {})


def test_chaque_pdf_passe_par_orientation_pdf():
    """WeasyPrint is called in one place: a PDF made elsewhere would not be tagged."""
    racine = Path(__file__).resolve().parents[1] / "orientation"
    ailleurs = [
        str(f.relative_to(racine))
        for f in racine.rglob("*.py")
        if f != racine / "pdf.py" and re.search(r"weasyprint|write_pdf", f.read_text())
    ]
    assert not ailleurs, ailleurs
