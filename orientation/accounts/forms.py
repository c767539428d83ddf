from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from orientation.etablissements.models import Division, Personnel

from .models import Role

ERREUR_CONNEXION = _(
    "Identifiant, adresse électronique ou mot de passe incorrect. Vérifiez votre saisie ; si vous "
    "n'avez pas encore activé votre compte, activez-le d'abord."
)


def _relabel(form):
    # DsfrBaseForm built the bound fields (which copy the label) before the labels changed.
    form._bound_fields_cache.clear()


class ConnexionForm(DsfrBaseForm, AuthenticationForm):
    # One message for every failure: it never tells whether the account exists.
    error_messages = {"invalid_login": ERREUR_CONNEXION, "inactive": ERREUR_CONNEXION}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant ou adresse électronique")
        self.fields["username"].help_text = _(
            "L'identifiant figure sur le courrier ou le courriel d'activation."
        )
        self.fields["password"].label = _("Mot de passe")
        _relabel(self)


class ActivationCodeForm(DsfrBaseForm):
    identifiant = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        help_text=_("Tel qu'il figure sur le courrier remis par l'établissement."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("Code d'activation"),
        max_length=30,
        help_text=_("12 caractères, par exemple ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe choisi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return cleaned


class MotDePasseForm(DsfrBaseForm, SetPasswordForm):
    """Choose a password through an activation or reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Confirmation du nouveau mot de passe")
        _relabel(self)


class ChangementMotDePasseForm(DsfrBaseForm, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mot de passe actuel")
        # Django autofocuses this field: on the profile page it would pull the focus (and a
        # phone's scroll) down to the second form (RGAA 7.4, no unexpected change of context).
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].label = _("Nouveau mot de passe")
        self.fields["new_password2"].label = _("Confirmation du nouveau mot de passe")
        _relabel(self)


class ReinitialisationForm(DsfrBaseForm):
    identifiant = forms.CharField(
        label=_("Identifiant ou adresse électronique"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class AdresseForm(DsfrBaseForm):
    """R13: a representative adds or corrects the address the confirmations go to."""

    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Format attendu : nom@domaine.fr"),
    )
    password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Pour protéger votre compte, confirmez votre mot de passe."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # An account opened through ÉduConnect or FranceConnect has no password here.
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Le mot de passe saisi est incorrect."))
        return password


class DivisionsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.libelle or obj.code


class PersonnelForm(DsfrBaseForm):
    prenom = forms.CharField(label=_("Prénom"), max_length=150)
    nom = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse électronique professionnelle"),
        max_length=254,
        help_text=_("Le courriel d'activation du compte y est envoyé. Format : nom@ac-exemple.fr"),
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=Personnel._meta.get_field("role").choices, widget=forms.RadioSelect
    )
    divisions = DivisionsField(
        label=_("Divisions (professeur principal)"),
        queryset=Division.objects.none(),
        required=False,
        help_text=_("À cocher pour un professeur principal : les classes qu'il suit."),
    )

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["divisions"].queryset = Division.objects.filter(
            etablissement=etablissement, est_seconde_gt=True
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.PROFESSEUR_PRINCIPAL:
            if not cleaned.get("divisions"):
                self.add_error(
                    "divisions", _("Cochez au moins une division pour un professeur principal.")
                )
        else:
            cleaned["divisions"] = []
        return cleaned


class DivisionsForm(DsfrBaseForm):
    divisions = DivisionsField(
        label=_("Divisions suivies"), queryset=Division.objects.none(), required=True
    )

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["divisions"].queryset = Division.objects.filter(
            etablissement=etablissement, est_seconde_gt=True
        )
        self.fields["divisions"].error_messages["required"] = _(
            "Cochez au moins une division ; pour ne plus être professeur principal, retirez "
            "le rôle."
        )


class CiblesForm(forms.Form):
    """Which accounts a bulk action concerns (families' accounts page)."""

    PUBLICS = [
        ("responsables", _("Représentants légaux")),
        ("eleves", _("Élèves")),
        ("tous", _("Représentants légaux et élèves")),
    ]
    division = forms.ModelChoiceField(queryset=Division.objects.none(), required=False)
    public = forms.ChoiceField(choices=PUBLICS, required=False)
    responsable = forms.TypedMultipleChoiceField(coerce=int, required=False)
    eleve = forms.TypedMultipleChoiceField(coerce=int, required=False)
    format = forms.ChoiceField(choices=[("html", "HTML"), ("pdf", "PDF")], required=False)
    # Letters: only the accounts without an address (the others get the e-mail), or everybody.
    sans_adresse_seulement = forms.BooleanField(required=False)

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.filter(
            etablissement=etablissement, est_seconde_gt=True
        )
        # Any integer: the service keeps only this school's persons.
        self.fields["responsable"].valid_value = lambda v: True
        self.fields["eleve"].valid_value = lambda v: True

    def publics(self) -> tuple[str, ...]:
        public = self.cleaned_data.get("public") or "responsables"
        return ("responsables", "eleves") if public == "tous" else (public,)
