"""Every PDF the service produces (activation letters, fiche dialogue, decision) is made here, so
that each is a tagged PDF/UA-1 (RGAA 13.3, docs/accessibilite.md): a structure tree a screen reader
follows in reading order, the document's language and its title shown by the reader.

WeasyPrint takes the language from `<html lang>` and the title from `<title>`: a template without
them is refused rather than produce a PDF a screen reader cannot announce.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string

# Tagged PDF 1.7 with the PDF/UA-1 identification; WeasyPrint adds /StructTreeRoot, /MarkInfo,
# /Lang and DisplayDocTitle.
VARIANTE = "pdf/ua-1"


def pdf(template: str, contexte: dict, *, request=None, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # imported late: its system libraries load on first use

    html = render_to_string(template, contexte, request=request)
    document = HTML(string=html, base_url=base_url).render(pdf_variant=VARIANTE)
    if not (document.metadata.lang and document.metadata.title):
        raise ValueError(f"{template}: a PDF needs <html lang> and a <title> (RGAA 13.3)")
    return document.write_pdf(pdf_variant=VARIANTE)


def telechargement(contenu: bytes, nom: str) -> HttpResponse:
    """The PDF as a download; never cached (the letters hold activation codes)."""
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{nom}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def reponse(request, template: str, contexte: dict, nom: str) -> HttpResponse:
    """A view's PDF download: `template` rendered for this request, links resolved against the
    site (the DSFR stylesheets, the logo)."""
    contenu = pdf(template, contexte, request=request, base_url=request.build_absolute_uri("/"))
    return telechargement(contenu, nom)
