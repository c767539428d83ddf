import logging
import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

log = logging.getLogger("orientation.erreurs")

PAGES_STATIQUES = {
    "accessibilite": "Déclaration d'accessibilité",
    "mentions_legales": "Mentions légales",
    "donnees_personnelles": "Données personnelles",
}


@require_safe
def accueil(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from orientation.accounts.accueil import contexte_accueil

    return render(request, "accueil.html", contexte_accueil(request.user))


@require_safe
def sante(request):
    """Health check for load balancers, through the whole middleware stack, without SQL."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_safe
def page_statique(request, page):
    return render(request, f"pages/{page}.html", {"page_title": PAGES_STATIQUES[page]})


def _erreur(request, status, titre, texte):
    reference = uuid.uuid4().hex[:10].upper()
    if status >= 500:
        log.error("erreur %s référence %s sur %s", status, reference, request.path)
    return render(
        request,
        "erreur.html",
        {
            "page_title": titre,
            "titre": titre,
            "texte": texte,
            "reference": reference,
            "status": status,
        },
        status=status,
    )


def erreur_400(request, exception=None):
    return _erreur(request, 400, "Requête incorrecte", "La demande n'a pas pu être comprise.")


def erreur_403(request, exception=None):
    return _erreur(request, 403, "Accès refusé", "Vous n'avez pas le droit d'accéder à cette page.")


def erreur_404(request, exception=None):
    return _erreur(
        request,
        404,
        "Page non trouvée",
        "La page que vous cherchez est introuvable ou n'existe plus.",
    )


def trop_volumineux(request, limite: int):
    """413 from LimiteCorpsMiddleware: the body was not read, so nothing was parsed nor stored."""
    return _erreur(
        request,
        413,
        _("Envoi trop volumineux"),
        _(
            "Les fichiers envoyés dépassent la taille maximale acceptée (%(taille)s) : rien n'a "
            "été enregistré."
        )
        % {"taille": filesizeformat(limite)},
    )


# Seconds a client is asked to wait before sending again in read-only mode (Retry-After).
REESSAYER_APRES = 300


def indisponible(reponse: HttpResponse, secondes: int) -> HttpResponse:
    """A 503 the operators chose (read-only mode) or the load imposed (waiting room): when to come
    back, never cached, and not one error line per refusal (the proxy's access log counts them;
    Django's own marker, read by django.utils.log.log_response)."""
    reponse["Retry-After"] = str(secondes)
    reponse["Cache-Control"] = "no-store"
    reponse._has_been_logged = True
    return reponse


def lecture_seule(request):
    """503 from LectureSeuleMiddleware: the view was not called, so nothing was written. Not
    logged as an error: the operators chose it, and the access log counts the refusals. The
    council grid's script (X-Requested-With: fetch) gets one line of text to show by the pupil."""
    if request.headers.get("x-requested-with") == "fetch":
        reponse = HttpResponse(
            _(
                "Rien n'a été enregistré : le service est momentanément en consultation seule. "
                "Réessayez un peu plus tard."
            ),
            content_type="text/plain; charset=utf-8",
            status=503,
        )
    else:
        titre = _("Service en consultation seule")
        reponse = render(
            request,
            "erreur.html",
            {
                "page_title": titre,
                "titre": titre,
                "texte": _(
                    "Rien n'a été enregistré : le service est momentanément en consultation "
                    "seule. Vous pouvez continuer à consulter les dossiers ; réessayez votre "
                    "saisie un peu plus tard."
                ),
                "reference": "",  # nothing went wrong: no support reference to quote
                "status": 503,
            },
            status=503,
        )
    return indisponible(reponse, REESSAYER_APRES)


def erreur_500(request):
    return _erreur(
        request,
        500,
        "Erreur inattendue",
        "Désolés, le service rencontre un problème. Rien n'a été enregistré pour cette action ; "
        "vous pouvez réessayer dans quelques instants.",
    )
