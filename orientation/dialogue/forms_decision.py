"""The forms after the council (R17–R23). No rule lives here: workflow.py checks (regles.py) and
its French refusal comes back on the form."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from orientation.campagnes.models import Voie

from .models import OptionPro


class ReponseForm(DsfrBaseForm):
    """R17: accept one or more of the voies answered oui or proposed, or refuse them all."""

    choix = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            ("accepte", _("J'accepte la ou les propositions cochées ci-dessous")),
            ("refuse", _("Je refuse toutes les propositions du conseil de classe")),
        ],
        widget=forms.RadioSelect,
    )
    propositions = forms.TypedMultipleChoiceField(
        label=_("Propositions du conseil de classe que vous acceptez"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, propositions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["propositions"].choices = [
            (
                p.pk,
                p.voie.libelle
                + (" " + str(_("(proposée par le conseil)")) if p.voeu_id is None else ""),
            )
            for p in propositions
        ]

    def clean(self):
        donnees = super().clean()
        if donnees.get("choix") == "accepte" and not donnees.get("propositions"):
            self.add_error("propositions", _("Cochez au moins une proposition à accepter."))
        if donnees.get("choix") == "refuse" and donnees.get("propositions"):
            self.add_error(
                "propositions", _("Vous refusez toutes les propositions : ne cochez rien.")
            )
        return donnees


class AccordForm(DsfrBaseForm):
    """R19: the other representative's express answer (X: silence is never agreement)."""

    d_accord = forms.ChoiceField(
        label=_("Êtes-vous d'accord avec cette réponse\u00a0?"),
        choices=[("oui", _("Oui, je suis d'accord")), ("non", _("Non, je ne suis pas d'accord"))],
        widget=forms.RadioSelect,
    )


class EntretienForm(DsfrBaseForm):
    tenu_le = forms.DateTimeField(
        label=_("Date et heure de l'entretien"),
        help_text=_("Format attendu : JJ/MM/AAAA HH:MM"),
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    participants = forms.CharField(
        label=_("Participants"),
        help_text=_("Par exemple : la mère, l'élève, le professeur principal."),
        max_length=500,
    )
    compte_rendu = forms.CharField(
        label=_("Issue de l'entretien"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def clean_tenu_le(self):
        tenu_le = self.cleaned_data["tenu_le"]
        if tenu_le > timezone.now():
            raise forms.ValidationError(_("L'entretien ne peut pas être dans le futur."))
        return tenu_le


class DecisionForm(DsfrBaseForm):
    """X: the decision bears on the voie only; the spécialités stay the family's choice."""

    voies = forms.ModelMultipleChoiceField(
        label=_("Voie(s) d'orientation décidée(s)"),
        queryset=Voie.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    option_pro = forms.ChoiceField(
        label=_("Formation professionnelle (voie professionnelle seulement)"),
        choices=[("", _("— sans objet —")), *OptionPro.choices],
        required=False,
    )
    motivation = forms.CharField(
        label=_("Motivation écrite"),
        help_text=_("Obligatoire lorsque la décision diffère de la demande de la famille."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voies"].queryset = Voie.objects.filter(actif=True).order_by("pk")


class RecoursForm(DsfrBaseForm):
    objet = forms.ChoiceField(
        label=_("La famille demande"),
        choices=[
            ("appel", _("un recours devant la commission d'appel")),
            ("maintien", _("le maintien en seconde (de droit)")),
        ],
        widget=forms.RadioSelect,
    )
    depose_le = forms.DateField(
        label=_("Date de réception de la demande"), help_text=_("Format attendu : JJ/MM/AAAA")
    )


class StatuerForm(DsfrBaseForm):
    issue_type = forms.ChoiceField(
        label=_("Issue"),
        choices=[
            ("commission", _("Décision de la commission d'appel")),
            ("maintien", _("Maintien en seconde")),
        ],
        widget=forms.RadioSelect,
    )
    voie = forms.ModelChoiceField(
        label=_("Voie décidée par la commission"),
        queryset=Voie.objects.none(),
        to_field_name="code",
        required=False,
    )
    date_commission = forms.DateField(
        label=_("Date de la commission d'appel"),
        help_text=_("Format attendu : JJ/MM/AAAA"),
        required=False,
    )
    issue = forms.CharField(
        label=_("Décision de la commission (texte)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voie"].queryset = Voie.objects.filter(actif=True).order_by("pk")

    def clean(self):
        donnees = super().clean()
        if donnees.get("issue_type") == "commission":
            if not donnees.get("voie"):
                self.add_error("voie", _("Choisissez la voie décidée par la commission."))
            if not donnees.get("date_commission"):
                self.add_error("date_commission", _("Indiquez la date de la commission."))
        return donnees
