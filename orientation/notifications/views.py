"""Seeing the e-mails: the demo outbox (everybody, demo only) and the staff pages (what was sent
to whom, failures, « réessayer »). Families never see these pages (R2: 404)."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST, require_safe

from orientation.accounts.permissions import est_personnel
from orientation.etablissements.models import homonymes

from .models import Notification
from .tasks import reessayer as reessayer_notification

PAR_PAGE = 50

# The e-mail's HTML is shown in an <iframe sandbox> from this URL: no script, no form, no
# network request, framed only by our own pages.
CSP_COURRIEL = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "sandbox": True,
}


def _dossiers(user):
    # notifications imports no domain app: the Dossier model is looked up by name.
    return apps.get_model("dialogue", "Dossier").objects.for_user(user)


def _exiger_personnel(user):
    # Staff of a school (or the académie's administrators); anybody else gets a 404, not a hint.
    if not (user.is_superuser or est_personnel(user)):
        raise Http404


def _notifications_visibles(user):
    return Notification.objects.filter(dossier__in=_dossiers(user).values("pk"))


def _exiger_demo():
    if not settings.ORIENTATION_DEMO:
        raise Http404


# --- Demo outbox -----------------------------------------------------------------------------


@require_safe
def demo_courriels(request):
    _exiger_demo()
    page = Paginator(Notification.objects.order_by("-cree_le", "-pk"), PAR_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/demo_liste.html",
        {"page_title": _("Courriels envoyés (démonstration)"), "page": page},
    )


@require_safe
def demo_courriel(request, pk):
    _exiger_demo()
    notification = get_object_or_404(Notification, pk=pk)
    return render(
        request,
        "notifications/demo_detail.html",
        {"page_title": notification.sujet, "notification": notification},
    )


@require_safe
@xframe_options_sameorigin
@csp_override(CSP_COURRIEL)
def demo_courriel_html(request, pk):
    _exiger_demo()
    notification = get_object_or_404(Notification, pk=pk)
    return HttpResponse(notification.corps_html, content_type="text/html; charset=utf-8")


# --- Staff -----------------------------------------------------------------------------------


@require_safe
@login_required
def dossier(request, dossier_pk):
    _exiger_personnel(request.user)
    le_dossier = get_object_or_404(
        _dossiers(request.user).select_related("eleve", "campagne"), pk=dossier_pk
    )
    return render(
        request,
        "notifications/dossier.html",
        {
            "page_title": _("Courriels du dossier de %(eleve)s")
            % {"eleve": le_dossier.eleve.nom_complet},
            "dossier": le_dossier,
            "notifications": le_dossier.notifications.order_by("-cree_le", "-pk"),
        },
    )


@require_safe
@login_required
def echecs(request):
    _exiger_personnel(request.user)
    qs = (
        _notifications_visibles(request.user)
        .filter(statut__in=[Notification.Statut.ECHEC, Notification.Statut.SANS_ADRESSE])
        .select_related("dossier__eleve__division")
        .order_by("-cree_le", "-pk")
    )
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    eleves = [n.dossier.eleve for n in page.object_list]
    return render(
        request,
        "notifications/echecs.html",
        {"page_title": _("Courriels non remis"), "page": page, "homonymes": homonymes(eleves)},
    )


@require_POST
@login_required
def reessayer(request, pk):
    _exiger_personnel(request.user)
    notification = get_object_or_404(_notifications_visibles(request.user), pk=pk)
    if reessayer_notification(notification):
        messages.success(
            request,
            _("Le courriel à %(nom)s sera renvoyé dans un instant.")
            % {"nom": notification.destinataire_nom or notification.destinataire_email},
        )
    else:
        messages.error(
            request,
            _("Ce courriel n'est pas en échec : il n'y a rien à renvoyer."),
        )
    suivant = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        suivant = reverse("notifications:echecs")
    return redirect(suivant)
