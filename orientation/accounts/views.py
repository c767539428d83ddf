"""Accounts pages. Thin views (ARCHITECTURE.md rule 2): scoped lookup, one service call, a French
message, a redirect. Services: activation.py, personnels.py, services.py."""

import time

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orientation import pdf
from orientation.etablissements.models import Division, Etablissement, Personnel, homonymes

from . import activation, journal, permissions, personnels, reprise
from .accueil import enfants
from .forms import (
    ActivationCodeForm,
    AdresseForm,
    ChangementMotDePasseForm,
    CiblesForm,
    ConnexionForm,
    DivisionsForm,
    MotDePasseForm,
    PersonnelForm,
    ReinitialisationForm,
)
from .jetons import jeton_activation, jeton_reinitialisation, utilisateur_du_lien
from .middleware import DERNIERE_ACTIVITE, EXPIREE, restant
from .models import Role
from .services import changer_adresse

BACKEND = "orientation.accounts.backends.EmailOrUsernameBackend"


def _ip(request):
    return request.META.get("REMOTE_ADDR")


# --- Login, logout ------------------------------------------------------------------------------


class Connexion(LoginView):
    form_class = ConnexionForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Set by SessionLimitsMiddleware when it ended an idle or too old session, until the
        # next login (a page may be shown twice: fetched by the grid's script, then opened).
        context["session_expiree"] = self.request.session.get(EXPIREE, False)
        context["saisie_gardee"] = reprise.CLE in self.request.session
        context["page_title"] = _("Se connecter")
        return context


connexion = Connexion.as_view()


@require_POST
def deconnexion(request):
    # Django's logout sends user_logged_out, then flushes the session. Receivers hook it: the R15
    # summary, and a federated provider's single logout, which sets the redirection below.
    logout(request)
    ailleurs = getattr(request, "redirection_apres_deconnexion", None)
    if ailleurs:
        return redirect(ailleurs)
    messages.success(request, _("Vous êtes déconnecté."))
    return redirect("accounts:login")


@require_POST
def prolonger(request):
    """« Rester connecté » (RGAA 13.1, WCAG 2.2.1): the page warns before the idle timeout and
    this restarts it, up to the absolute lifetime. Answers the seconds left, or 401 once the
    session has ended (SessionLimitsMiddleware has then signed the account out)."""
    if not request.user.is_authenticated:
        return JsonResponse({"restant": 0}, status=401)
    maintenant = int(time.time())
    request.session[DERNIERE_ACTIVITE] = maintenant
    return JsonResponse({"restant": int(restant(request.session, maintenant))})


prolonger.repond_sans_session = True  # its 401, not the login page (SessionLimitsMiddleware)


# --- Activation and password reset ----------


@require_http_methods(["GET", "POST"])
def activer(request):
    """The letter's identifier and code, then the chosen password."""
    form = ActivationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activation.activer_par_code(
                form.cleaned_data["identifiant"],
                form.cleaned_data["code"],
                form.cleaned_data["password1"],
            )
        except activation.ActivationImpossible as exc:
            form.add_error("code", str(exc))
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Votre compte est activé. Bienvenue !"))
            return redirect("accueil")
    return render(
        request,
        "accounts/activer.html",
        {"form": form, "page_title": _("Activer mon compte")},
        status=400 if form.errors else 200,
    )


def _lien_invalide(request, titre):
    return render(
        request, "accounts/lien_invalide.html", {"page_title": titre, "titre": titre}, status=400
    )


@require_http_methods(["GET", "POST"])
def activer_lien(request, uidb64, token):
    user = utilisateur_du_lien(uidb64, token, jeton_activation)
    if user is None:
        return _lien_invalide(request, _("Lien d'activation expiré ou déjà utilisé"))
    form = MotDePasseForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        activation.definir_mot_de_passe(user, form.cleaned_data["new_password1"])
        login(request, user, backend=BACKEND)
        messages.success(request, _("Votre compte est activé. Bienvenue !"))
        return redirect("accueil")
    return render(
        request,
        "accounts/mot_de_passe_lien.html",
        {"form": form, "compte": user, "page_title": _("Activer mon compte"), "activation": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def reinitialiser(request):
    form = ReinitialisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        activation.demander_reinitialisation(form.cleaned_data["identifiant"])
        journal.tracer("reinitialisation_demandee", request)  # never the address typed (V7.1.1)
        return redirect("accounts:reinitialiser_envoye")
    return render(
        request,
        "accounts/reinitialiser.html",
        {"form": form, "page_title": _("Mot de passe oublié")},
        status=400 if form.errors else 200,
    )


@require_safe
def reinitialiser_envoye(request):
    return render(
        request, "accounts/reinitialiser_envoye.html", {"page_title": _("Demande enregistrée")}
    )


@require_http_methods(["GET", "POST"])
def reinitialiser_confirmer(request, uidb64, token):
    user = utilisateur_du_lien(uidb64, token, jeton_reinitialisation)
    if user is None:
        return _lien_invalide(request, _("Lien de réinitialisation expiré ou déjà utilisé"))
    form = MotDePasseForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        activation.definir_mot_de_passe(user, form.cleaned_data["new_password1"])
        journal.tracer("reinitialisation_faite", request, utilisateur=user.pk)
        messages.success(
            request, _("Votre mot de passe est modifié. Connectez-vous avec le nouveau.")
        )
        return redirect("accounts:login")
    return render(
        request,
        "accounts/mot_de_passe_lien.html",
        {"form": form, "compte": user, "page_title": _("Choisir un nouveau mot de passe")},
        status=400 if form.errors else 200,
    )


# --- Profile ----------


def _profil(request, adresse_form=None, mdp_form=None, status=200):
    user = request.user
    return render(
        request,
        "accounts/profil.html",
        {
            "page_title": _("Mon profil"),
            "enfants": enfants(user),
            "postes": permissions._postes(user),
            "adresse_form": adresse_form or AdresseForm(user=user, initial={"email": user.email}),
            "mdp_form": mdp_form or ChangementMotDePasseForm(user),
        },
        status=status,
    )


@login_required
@require_safe
def profil(request):
    return _profil(request)


@login_required
@require_POST
def profil_email(request):
    form = AdresseForm(request.POST, user=request.user)
    if not form.is_valid():
        return _profil(request, adresse_form=form, status=400)
    changer_adresse(request.user, form.cleaned_data["email"])
    messages.success(
        request, _("Votre adresse électronique est enregistrée : les courriels y seront envoyés.")
    )
    return redirect("accounts:profil")


@login_required
@require_POST
def mot_de_passe(request):
    form = ChangementMotDePasseForm(request.user, request.POST)
    if not form.is_valid():
        return _profil(request, mdp_form=form, status=400)
    form.save()
    update_session_auth_hash(request, form.user)  # this session stays, the others end
    messages.success(request, _("Votre mot de passe est modifié."))
    return redirect("accounts:profil")


# --- Staff pages of a school ----------


def _etablissement_gere(request, uai) -> Etablissement:
    """Another school's page is a 404; in one's own school, a role without the right is a 403."""
    user = request.user
    qs = Etablissement.objects.all()
    if not user.is_superuser:
        qs = qs.filter(pk__in=permissions.etablissements_ids(user))
    etablissement = get_object_or_404(qs, uai=uai)
    if not permissions.peut_gerer_etablissement(user, etablissement.pk):
        raise PermissionDenied
    return etablissement


@login_required
@require_http_methods(["GET", "POST"])
def personnels_liste(request, uai):
    etablissement = _etablissement_gere(request, uai)
    form = PersonnelForm(request.POST or None, etablissement=etablissement)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            personnels.creer_personnel(
                etablissement,
                request.user,
                prenom=d["prenom"],
                nom=d["nom"],
                email=d["email"],
                role=d["role"],
                divisions=list(d["divisions"]),
                ip=_ip(request),
            )
        except personnels.ChangementImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Le rôle est créé pour %(nom)s %(prenom)s.")
                % {"nom": d["nom"], "prenom": d["prenom"]},
            )
            return redirect("accounts:personnels", uai=uai)
    postes = (
        Personnel.objects.filter(etablissement=etablissement)
        .select_related("user")
        .prefetch_related(Prefetch("divisions", queryset=Division.objects.order_by("code")))
        .order_by("user__last_name", "user__first_name", "role")
    )
    return render(
        request,
        "accounts/personnels.html",
        {
            "etablissement": etablissement,
            "postes": postes,
            "form": form,
            "page_title": _("Comptes des personnels — %(nom)s") % {"nom": etablissement.nom},
        },
        status=400 if form.errors else 200,
    )


def _poste(etablissement, pk) -> Personnel:
    return get_object_or_404(
        Personnel.objects.select_related("user"), pk=pk, etablissement=etablissement
    )


@login_required
@require_http_methods(["GET", "POST"])
def personnel_modifier(request, uai, pk):
    etablissement = _etablissement_gere(request, uai)
    poste = get_object_or_404(
        Personnel.objects.select_related("user"),
        pk=pk,
        etablissement=etablissement,
        role=Role.PROFESSEUR_PRINCIPAL,
    )
    form = DivisionsForm(
        request.POST or None,
        etablissement=etablissement,
        initial={"divisions": list(poste.divisions.all())},
    )
    if request.method == "POST" and form.is_valid():
        personnels.modifier_divisions(
            poste, request.user, list(form.cleaned_data["divisions"]), ip=_ip(request)
        )
        messages.success(
            request, _("Les divisions de %(nom)s sont enregistrées.") % {"nom": poste.user}
        )
        return redirect("accounts:personnels", uai=uai)
    return render(
        request,
        "accounts/personnel_modifier.html",
        {
            "etablissement": etablissement,
            "poste": poste,
            "form": form,
            "page_title": _("Divisions de %(nom)s") % {"nom": poste.user},
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def personnel_retirer(request, uai, pk):
    etablissement = _etablissement_gere(request, uai)
    poste = _poste(etablissement, pk)
    try:
        personnels.retirer_role(poste, request.user, ip=_ip(request))
    except personnels.ChangementImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Le rôle « %(role)s » de %(nom)s est retiré.")
            % {"role": poste.get_role_display(), "nom": poste.user},
        )
    return redirect("accounts:personnels", uai=uai)


# --- Families' accounts of a school ---------------------------------------------------------------


@login_required
@require_safe
def comptes_familles(request, uai):
    etablissement = _etablissement_gere(request, uai)
    divisions = list(Division.objects.filter(etablissement=etablissement, est_seconde_gt=True))
    choisie = None
    if request.GET.get("division"):
        choisie = next((d for d in divisions if str(d.pk) == request.GET["division"]), None)
    comptes = activation.comptes_familles(etablissement, division=choisie)
    par_division: dict[int, list] = {}
    for compte in comptes:
        for eleve in compte.eleves:
            par_division.setdefault(eleve.division_id, []).append((eleve, compte))
    groupes = [
        (d, sorted(par_division.get(d.pk, []), key=lambda ec: (ec[0].nom, ec[0].prenom)))
        for d in divisions
        if choisie is None or d == choisie
    ]
    etats = {}
    for compte in comptes:
        etats[compte.etat] = etats.get(compte.etat, 0) + 1
    return render(
        request,
        "accounts/comptes_familles.html",
        {
            "etablissement": etablissement,
            "divisions": divisions,
            "choisie": choisie,
            "groupes": groupes,
            "homonymes": homonymes(eleve for compte in comptes for eleve in compte.eleves),
            "bilan": [(activation.ETATS[k], etats.get(k, 0)) for k in activation.ETATS],
            "libelles_etats": activation.ETATS,
            "page_title": _("Comptes des familles — %(nom)s") % {"nom": etablissement.nom},
        },
    )


def _cibles(request, etablissement):
    form = CiblesForm(request.POST, etablissement=etablissement)
    if not form.is_valid():
        return None, form
    d = form.cleaned_data
    personnes = None
    if d["responsable"] or d["eleve"]:
        personnes = activation.rechercher_personnes(etablissement, d["responsable"], d["eleve"])
    comptes = activation.comptes_familles(
        etablissement, division=d["division"], public=form.publics(), personnes=personnes
    )
    return comptes, form


def _retour(uai, form):
    division = form.cleaned_data.get("division") if form.is_valid() else None
    url = reverse("accounts:comptes_familles", args=[uai])
    return redirect(f"{url}?division={division.pk}" if division else url)


@login_required
@require_POST
def envoyer_activations(request, uai):
    etablissement = _etablissement_gere(request, uai)
    comptes, form = _cibles(request, etablissement)
    if comptes is None:
        messages.error(request, _("La demande est incorrecte : rien n'a été envoyé."))
        return redirect("accounts:comptes_familles", uai=uai)
    envoyes, sans_adresse = activation.envoyer_activations(etablissement, comptes)
    messages.success(
        request,
        _("%(n)s courriel(s) d'activation envoyé(s).") % {"n": envoyes},
    )
    if sans_adresse:
        messages.warning(
            request,
            _("%(n)s compte(s) sans adresse électronique : imprimez leur lettre d'activation.")
            % {"n": sans_adresse},
        )
    return _retour(uai, form)


@login_required
@require_POST
def lettres(request, uai):
    """Prints (HTML page or PDF) one activation letter per account not activated. Printing issues
    new codes: the previous letters of these accounts stop working."""
    etablissement = _etablissement_gere(request, uai)
    comptes, form = _cibles(request, etablissement)
    if comptes is None:
        messages.error(request, _("La demande est incorrecte : aucune lettre n'a été préparée."))
        return redirect("accounts:comptes_familles", uai=uai)
    if form.cleaned_data["sans_adresse_seulement"]:
        comptes = [c for c in comptes if c.etat in ("sans_adresse", "lettre_a_remettre")]
    lettres_ = activation.preparer_lettres(comptes)
    if not lettres_:
        messages.info(request, _("Aucun compte à activer : aucune lettre à imprimer."))
        return _retour(uai, form)
    contexte = {
        "etablissement": etablissement,
        "lettres": lettres_,
        "url_activation": request.build_absolute_uri(reverse("accounts:activer")),
        "page_title": _("Lettres d'activation — %(nom)s") % {"nom": etablissement.nom},
    }
    if form.cleaned_data.get("format") == "pdf":
        return pdf.reponse(
            request, "accounts/lettres_pdf.html", contexte, f"lettres-activation-{uai}"
        )
    response = render(request, "accounts/lettres.html", contexte)
    response["Cache-Control"] = "no-store"  # the codes are secrets
    return response
