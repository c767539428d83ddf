"""The fiche dialogue as PDF (WeasyPrint), per pupil or per division in one file.

The template `pilotage/_fiche.html` takes a `fiche` (see `Fiche`); with `vierge=True` or empty
parts it prints blank lines to fill in by hand, so that the same template serves the blank fiche.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _

from orientation.campagnes.models import Phase
from orientation.dialogue.models import Decision, Dossier, Proposition, Voeu
from orientation.pdf import pdf


@dataclass
class Fiche:
    eleve: object | None = None
    etablissement: object | None = None
    campagne: object | None = None
    intentions: list = field(default_factory=list)
    demandes: list = field(default_factory=list)
    propositions: list = field(default_factory=list)
    reponse: object | None = None
    decision: object | None = None
    vierge: bool = False


def dossiers_pour_pdf(queryset):
    voeux = (
        Voeu.objects.select_related("voie", "avis")
        .prefetch_related("specialites")
        .order_by("phase", "rang")
    )
    return (
        queryset.select_related("eleve__division", "campagne__etablissement", "reponse")
        .prefetch_related(
            Prefetch("voeux", queryset=voeux, to_attr="voeux_lus"),
            Prefetch(
                "propositions",
                queryset=Proposition.objects.select_related("voie").order_by("pk"),
                to_attr="propositions_lues",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related("voies").order_by("prise_le", "id"),
                to_attr="decisions_lues",
            ),
        )
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom", "pk")
    )


def fiche(dossier) -> Fiche:
    return Fiche(
        eleve=dossier.eleve,
        etablissement=dossier.campagne.etablissement,
        campagne=dossier.campagne,
        intentions=[v for v in dossier.voeux_lus if v.phase == Phase.PROVISOIRE],
        demandes=[v for v in dossier.voeux_lus if v.phase == Phase.DEFINITIVE],
        propositions=dossier.propositions_lues,
        reponse=getattr(dossier, "reponse", None),
        decision=dossier.decisions_lues[-1] if dossier.decisions_lues else None,
    )


def rendre_pdf(fiches: list[Fiche], titre: str, base_url: str | None = None) -> bytes:
    return pdf(
        "pilotage/fiches_pdf.html", {"fiches": fiches, "page_title": titre}, base_url=base_url
    )


def pdf_des_dossiers(queryset, titre: str, base_url: str | None = None) -> bytes:
    return rendre_pdf([fiche(d) for d in dossiers_pour_pdf(queryset)], titre, base_url)


class AucuneFiche(Exception):
    """No dossier in the divisions asked for: nothing to print."""


def zip_par_classe(
    campagne,
    divisions,
    titre: str,
    sortie,
    avancement: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """The fiches of these divisions written to `sortie` (a path or a binary file) as a ZIP
    archive holding one PDF per division, each made by `rendre_pdf` as the division's own
    download is, so each stays a tagged PDF/UA document (RGAA 13.3) without any PDF surgery.
    One division is laid out at a time: memory follows the largest class, not the school.
    `avancement(done, total)` is called after each division. Returns (fiches, pages)."""
    from pypdf import PdfReader

    fiches = pages = 0
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_STORED) as archive:
        for rang, division in enumerate(divisions, 1):
            lues = [
                fiche(d)
                for d in dossiers_pour_pdf(
                    Dossier.objects.filter(campagne=campagne, eleve__division=division)
                )
            ]
            if lues:
                contenu = rendre_pdf(
                    lues, _("%(titre)s — classe %(code)s") % {"titre": titre, "code": division.code}
                )
                # PDFs are compressed already: stored, not deflated again.
                archive.writestr(f"{rang:02d}-{slugify(division.code) or rang}.pdf", contenu)
                pages += len(PdfReader(io.BytesIO(contenu)).pages)
                fiches += len(lues)
            del lues
            if avancement is not None:
                avancement(rang, len(divisions))
    if not fiches:
        raise AucuneFiche
    return fiches, pages


def pdf_vierge(etablissement=None, campagne=None, eleve=None) -> bytes:
    """A blank fiche, optionally headed with the school and the pupil."""
    return rendre_pdf(
        [Fiche(eleve=eleve, etablissement=etablissement, campagne=campagne, vierge=True)],
        "Fiche dialogue",
    )


__all__ = [
    "AucuneFiche",
    "Dossier",
    "Fiche",
    "fiche",
    "pdf_des_dossiers",
    "pdf_vierge",
    "rendre_pdf",
    "zip_par_classe",
]
