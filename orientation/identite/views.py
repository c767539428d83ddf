"""Federated login views: thin (ARCHITECTURE.md rule 2). Each one calls the protocol adapter
(oidc, saml), then one linking service (liaison), then logs in and redirects."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_logged_out
from django.core import signing
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orientation.etablissements.models import Eleve

from . import fournisseurs, liaison, oidc, saml
from .forms import CodeActivationForm
from .models import Fournisseur

logger = logging.getLogger(__name__)

SESSION_SAML = "identite_saml"  # NameID and session index, for single logout
SESSION_ID_TOKEN = "identite_id_token"  # FranceConnect needs it to end its own session
SESSION_PERSONNE = "identite_personne"  # a FranceConnect identity waiting for its code
SESSION_ESSAIS = "identite_essais_code"
COOKIE_SAML = "identite_saml_requetes"
PERSONNE_VALIDITE = 15 * 60


def _exiger(code: str) -> None:
    if not fournisseurs.est_actif(code):
        raise Http404


def _suivant(request, valeur: str) -> str:
    if valeur and url_has_allowed_host_and_scheme(
        valeur, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return valeur
    return reverse(settings.LOGIN_REDIRECT_URL)


def _echec(request, message, status=403, ines=()):
    # A way to reach the school: the schools of the pupils the provider named, when we know them.
    ecoles = {
        e.etablissement for e in Eleve.objects.select_related("etablissement").filter(ine__in=ines)
    }
    return render(
        request,
        "identite/echec.html",
        {"message": message, "etablissements": sorted(ecoles, key=lambda e: e.nom)},
        status=status,
    )


def _connecter(request, user, fournisseur: str) -> None:
    login(request, user, backend=fournisseurs.BACKEND)
    request.session[fournisseurs.SESSION_FOURNISSEUR] = fournisseur


# --- EduConnect (SAML 2.0) -----------------------------------------------------------------------


@require_GET
def educonnect_connexion(request):
    _exiger("educonnect")
    suivant = _suivant(request, request.GET.get("next", ""))
    try:
        url, request_id = saml.redirection_connexion(relay_state=suivant)
    except Exception:  # noqa: BLE001 — metadata unreachable or broken: say so, do not crash
        logger.exception("EduConnect indisponible")
        return _echec(request, _("ÉduConnect est momentanément indisponible."), status=503)
    response = redirect(url)
    # The IdP posts its answer cross-site: a SameSite=Lax session cookie would not come back
    # with it, so the outstanding request IDs travel in their own signed cookie.
    requetes = _requetes_saml(request)
    requetes[request_id] = suivant
    response.set_signed_cookie(
        COOKIE_SAML,
        signing.dumps(dict(list(requetes.items())[-5:])),
        salt=COOKIE_SAML,
        max_age=600,
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="None",
    )
    return response


def _requetes_saml(request) -> dict:
    try:
        valeur = request.get_signed_cookie(COOKIE_SAML, salt=COOKIE_SAML, max_age=600)
        return signing.loads(valeur)
    except (KeyError, signing.BadSignature, ValueError):
        return {}


@csrf_exempt  # the IdP posts here; the signed assertion and our request ID are the protection
@require_POST
def educonnect_acs(request):
    _exiger("educonnect")
    requetes = _requetes_saml(request)
    try:
        donnees = saml.lire_reponse(request.POST.get("SAMLResponse", ""), requetes)
    except saml.ErreurSaml as exc:
        logger.warning("Réponse ÉduConnect refusée : %s", exc)
        return _echec(
            request,
            _("La réponse d'ÉduConnect n'a pas pu être vérifiée. Veuillez vous reconnecter."),
            status=400,
        )
    conf = settings.IDENTITE_SAML
    attributs = donnees["attributs"]
    profils = [p.lower() for p in attributs.get(conf["attribut_profil"], [])]
    personne = liaison.Personne(
        fournisseur=Fournisseur.EDUCONNECT,
        sujet=donnees["sujet"],
        nom=" ".join(attributs.get(conf["attribut_nom"], [])),
        prenom=" ".join(attributs.get(conf["attribut_prenom"], [])),
        ines=list(attributs.get(conf["attribut_ine"], [])),
        est_eleve=any(p.startswith("eleve") for p in profils),
    )
    try:
        user = liaison.connexion_educonnect(personne)
    except liaison.LiaisonImpossible as exc:
        return _echec(request, str(exc), ines=personne.ines)
    _connecter(request, user, Fournisseur.EDUCONNECT)
    request.session[SESSION_SAML] = {
        "name_id": donnees["name_id"],
        "session_index": donnees["session_index"],
    }
    suivant = requetes.get(donnees["in_response_to"], "")
    response = redirect(_suivant(request, suivant))
    response.delete_cookie(COOKIE_SAML, samesite="None")
    return response


@require_GET
def educonnect_metadonnees(request):
    if not fournisseurs.ADAPTATEURS["educonnect"].est_configure():
        raise Http404
    return HttpResponse(saml.metadonnees(), content_type="application/samlmetadata+xml")


@require_GET
def educonnect_sls(request):
    _exiger("educonnect")
    try:
        nature, url = saml.lire_deconnexion(request)
    except saml.ErreurSaml as exc:
        logger.warning("Déconnexion ÉduConnect refusée : %s", exc)
        return _echec(request, _("La demande de déconnexion n'a pas pu être vérifiée."), 400)
    if nature == "requete":
        # ÉduConnect ends its session: ours too (and the R15 summary goes out), without asking
        # ÉduConnect back for a logout it started.
        request.session.pop(SESSION_SAML, None)
        logout(request)
        return redirect(url)
    messages.success(request, _("Vous êtes déconnecté d'ÉduConnect et de ce service."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- FranceConnect (OpenID Connect) --------------------------------------------------------------


@require_GET
def franceconnect_connexion(request):
    _exiger("franceconnect")
    try:
        return oidc.redirection_autorisation(
            request, request.build_absolute_uri(reverse("identite:franceconnect_retour"))
        )
    except Exception:  # noqa: BLE001
        logger.exception("FranceConnect indisponible")
        return _echec(request, _("FranceConnect est momentanément indisponible."), status=503)


@require_GET
def franceconnect_retour(request):
    _exiger("franceconnect")
    try:
        token, claims = oidc.jeton_et_identite(request)
    except oidc.ErreurOidc as exc:
        logger.warning("Retour FranceConnect refusé : %s", exc)
        return _echec(
            request,
            _("La réponse de FranceConnect n'a pas pu être vérifiée. Veuillez vous reconnecter."),
            status=400,
        )
    personne = liaison.Personne(
        fournisseur=Fournisseur.FRANCECONNECT,
        sujet=str(claims["sub"]),
        nom=claims.get("family_name", "") or "",
        prenom=claims.get("given_name", "") or "",
        date_naissance=claims.get("birthdate", "") or "",
    )
    user = liaison.identite_connue(personne)
    if user is not None:
        _connecter(request, user, Fournisseur.FRANCECONNECT)
        request.session[SESSION_ID_TOKEN] = token["id_token"]
        request.session[SESSION_PERSONNE] = _memoriser(personne)
        return redirect(settings.LOGIN_REDIRECT_URL)
    # First login: the identity waits in the session for the code of the school letter.
    request.session[SESSION_PERSONNE] = _memoriser(personne)
    request.session[SESSION_ID_TOKEN] = token["id_token"]
    return redirect("identite:franceconnect_lier")


def _memoriser(personne: liaison.Personne) -> dict:
    return {
        "sujet": personne.sujet,
        "nom": personne.nom,
        "prenom": personne.prenom,
        "date_naissance": personne.date_naissance,
        "le": timezone.now().timestamp(),
    }


def _personne_en_session(request) -> liaison.Personne | None:
    donnees = request.session.get(SESSION_PERSONNE)
    if not donnees:
        return None
    if not request.user.is_authenticated and (
        timezone.now().timestamp() - donnees["le"] > PERSONNE_VALIDITE
    ):
        return None
    return liaison.Personne(
        fournisseur=Fournisseur.FRANCECONNECT,
        sujet=donnees["sujet"],
        nom=donnees["nom"],
        prenom=donnees["prenom"],
        date_naissance=donnees["date_naissance"],
    )


@require_http_methods(["GET", "POST"])
def franceconnect_lier(request):
    """First login: link with the letter's code. Logged in: add a child of another school."""
    _exiger("franceconnect")
    personne = _personne_en_session(request)
    connecte = request.user.is_authenticated
    if personne is None or (
        connecte and request.session.get(fournisseurs.SESSION_FOURNISSEUR) != "franceconnect"
    ):
        messages.info(request, _("Identifiez-vous d'abord avec FranceConnect."))
        return redirect("identite:franceconnect_connexion")
    form = CodeActivationForm(request.POST or None)
    essais = request.session.get(SESSION_ESSAIS, 0)
    if request.method == "POST" and form.is_valid():
        if essais >= settings.IDENTITE_ESSAIS_CODE:
            form.add_error(
                "code",
                _(
                    "Trop de codes erronés. Contactez le secrétariat de l'établissement pour "
                    "recevoir un nouveau courrier."
                ),
            )
        else:
            try:
                user = liaison.lier_par_code(
                    personne, form.cleaned_data["code"], request.user if connecte else None
                )
            except liaison.LiaisonImpossible as exc:
                request.session[SESSION_ESSAIS] = essais + 1
                form.add_error("code", str(exc))
            else:
                request.session.pop(SESSION_ESSAIS, None)
                if not connecte:
                    id_token = request.session.get(SESSION_ID_TOKEN)
                    _connecter(request, user, Fournisseur.FRANCECONNECT)
                    request.session[SESSION_ID_TOKEN] = id_token
                    request.session[SESSION_PERSONNE] = _memoriser(personne)
                messages.success(request, _("Votre compte FranceConnect est lié à vos enfants."))
                return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "identite/lier.html",
        {"form": form, "personne": personne, "ajout": connecte},
        status=400 if form.errors else 200,
    )


@require_GET
def franceconnect_deconnecte(request):
    messages.success(request, _("Vous êtes déconnecté de FranceConnect et de ce service."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- Logout, whatever the provider ---------------------------------------------------------------


@receiver(user_logged_out, dispatch_uid="identite_deconnexion_fournisseur")
def deconnexion_fournisseur(sender, request, user, **kwargs):
    """The one logout view (accounts:logout) sends this signal before flushing the session: read
    the provider's session from it and ask accounts to redirect there (single logout)."""
    if request is None or not hasattr(request, "session"):
        return
    fournisseur = request.session.get(fournisseurs.SESSION_FOURNISSEUR)
    url = None
    try:
        if fournisseur == "educonnect" and request.session.get(SESSION_SAML):
            donnees = request.session[SESSION_SAML]
            url = saml.url_deconnexion(donnees["name_id"], donnees["session_index"])
        elif fournisseur == "franceconnect" and request.session.get(SESSION_ID_TOKEN):
            url = oidc.url_deconnexion(
                request.session[SESSION_ID_TOKEN],
                request.build_absolute_uri(reverse("identite:franceconnect_deconnecte")),
            )
    except Exception:  # noqa: BLE001 — the provider is down: our own session still ends
        logger.exception("Déconnexion du fournisseur impossible")
    if url:
        request.redirection_apres_deconnexion = url
