"""The forms of the school's entry of a paper fiche (docs/saisie-papier.md).

No rule lives here. The list of voeux is typed in the family's own form (forms.VoeuxForm): the
school adds only who signed the paper, its date and the scan (`SignatureForm`); the workflow checks
everything exactly as for an online entry.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from orientation.campagnes.models import Phase
from orientation.etablissements.models import Responsable


class SignatureForm(DsfrBaseForm):
    """Who signed the paper, when, and where its scan is filed: common to every paper step."""

    pour = forms.ModelChoiceField(
        label=_("Représentant légal signataire"),
        queryset=Responsable.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    date_papier = forms.DateField(
        label=_("Date portée sur la fiche papier"),
        help_text=_("Format attendu : JJ/MM/AAAA"),
        widget=forms.DateInput(attrs={"autocomplete": "off"}),
    )
    reference_scan = forms.CharField(
        label=_("Référence du scan (facultatif)"),
        help_text=_("Par exemple le nom du fichier numérisé ou la cote du classeur."),
        required=False,
        max_length=200,
    )

    def __init__(self, *args, responsables=None, **kwargs):
        super().__init__(*args, **kwargs)
        if responsables is None:
            # X: an adult pupil signs for themself: nobody to choose.
            del self.fields["pour"]
        else:
            self.fields["pour"].queryset = responsables
            self.fields["pour"].label_from_instance = lambda r: f"{r.prenom} {r.nom}".strip()
            if len(responsables) == 1:
                self.fields["pour"].initial = responsables[0].pk

    def clean_date_papier(self):
        date = self.cleaned_data["date_papier"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Cette date est dans le futur."))
        return date

    def signature(self) -> dict:
        return {
            "pour": self.cleaned_data.get("pour"),
            "date_papier": self.cleaned_data["date_papier"],
            "reference_scan": self.cleaned_data["reference_scan"],
        }


class TransmissionForm(DsfrBaseForm):
    """R7 (X): the head hands the entry right of a phase to the other representative."""

    phase = forms.ChoiceField(
        label=_("Saisie concernée"),
        choices=[
            (Phase.PROVISOIRE, _("les intentions (phase provisoire)")),
            (Phase.DEFINITIVE, _("les demandes définitives et la réponse")),
        ],
        widget=forms.RadioSelect,
    )
    vers = forms.ModelChoiceField(
        label=_("Transmettre à"),
        queryset=Responsable.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    motif = forms.CharField(
        label=_("Motif (consigné au journal)"), max_length=500, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, responsables, phases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if phases is not None:
            self.fields["phase"].choices = [
                c for c in self.fields["phase"].choices if c[0] in phases
            ]
            if len(phases) == 1:
                self.fields["phase"].initial = phases[0]
        self.fields["vers"].queryset = responsables
        self.fields["vers"].label_from_instance = lambda r: f"{r.prenom} {r.nom}".strip()


class ImportIntentionsForm(DsfrBaseForm):
    fichier = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_(
            "Première ligne : « INE » ou « Nom », « Prénom », « Division », puis « Voie 1 », "
            "« Spécialités 1 », « Série 1 », « Option pro 1 », « Voie 2 »… Taille maximale : 2 Mo."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    phase = forms.ChoiceField(
        label=_("Ce que contient le fichier"),
        choices=[
            (Phase.PROVISOIRE, _("des intentions (phase provisoire)")),
            (Phase.DEFINITIVE, _("des demandes définitives")),
        ],
        initial=Phase.PROVISOIRE,
        widget=forms.RadioSelect,
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Déposez un fichier CSV ou XLSX."))
        if fichier.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo : découpez-le par division."))
        return fichier


class ReponsePapierForm(SignatureForm):
    """R17, on paper: the representative who entered the demandes accepts propositions answered
    oui (or proposed), or refuses them all. regles.verifier_reponse decides, in the workflow."""

    choix = forms.ChoiceField(
        label=_("Réponse écrite sur la fiche"),
        choices=[
            ("accepte", _("La famille accepte la ou les propositions cochées")),
            ("refuse", _("La famille refuse les propositions du conseil de classe")),
        ],
        widget=forms.RadioSelect,
    )
    propositions = forms.MultipleChoiceField(
        label=_("Propositions acceptées"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, propositions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["propositions"].choices = [(str(p.pk), str(p.voie)) for p in propositions]


class AccordPapierForm(SignatureForm):
    """R19, on paper: the other representative's agreement or disagreement."""

    d_accord = forms.ChoiceField(
        label=_("Réponse de l'autre représentant légal"),
        choices=[("oui", _("D'accord avec la réponse")), ("non", _("Pas d'accord"))],
        widget=forms.RadioSelect,
    )
