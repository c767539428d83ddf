"""The campaign settings form (R1 windows, council dates, response deadline, service open or
closed, spécialités taught)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orientation.campagnes.models import Campagne, ConseilDivision, Phase, Specialite

DATES = [
    "provisoire_debut",
    "provisoire_fin",
    "definitive_debut",
    "definitive_fin",
    "reponse_limite",
]


# A campaign's dates lie in these years. Beyond, Python's dates overflow: 01/01/0001 00:00 in
# Paris is in year 0 once converted to UTC for the database, and the day after a council dated
# 31/12/9999 does not exist (regles.date_de_publication).
ANNEE_MIN, ANNEE_MAX = 2000, 2100


class DateHeureInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampagneForm(forms.ModelForm):
    forcage = forms.ChoiceField(
        label=gettext_lazy("Ouverture du service"),
        choices=[
            ("", gettext_lazy("Suivre le calendrier")),
            ("ouvert", gettext_lazy("Ouvrir maintenant (hors calendrier)")),
            ("ferme", gettext_lazy("Fermer maintenant")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    specialites_offertes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Spécialités enseignées dans l'établissement"),
        queryset=Specialite.objects.filter(actif=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campagne
        fields = [*DATES, "forcage", "specialites_offertes"]
        widgets = {nom: DateHeureInput() for nom in DATES}

    def __init__(self, *args, divisions=(), conseils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.divisions = list(divisions)
        conseils = conseils or {}
        for nom in DATES:
            self.fields[nom].widget.attrs["class"] = "fr-input"
        for division in self.divisions:
            for phase, libelle in Phase.choices:
                nom = f"conseil_{division.pk}_{phase}"
                conseil = conseils.get((division.pk, phase))
                self.fields[nom] = forms.DateField(
                    label=_("%(division)s — conseil de classe, %(phase)s")
                    % {"division": division.code, "phase": libelle},
                    required=False,
                    initial=conseil.date_conseil if conseil else None,
                    widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}),
                )

    def champs_conseils(self):
        return [self[f"conseil_{d.pk}_{p}"] for d in self.divisions for p in Phase.values]

    def clean(self):
        data = super().clean()
        for nom in [*DATES, *(f.name for f in self.champs_conseils())]:
            valeur = data.get(nom)
            if valeur is not None and not ANNEE_MIN <= valeur.year <= ANNEE_MAX:
                self.add_error(
                    nom,
                    _("Indiquez une date entre %(min)s et %(max)s.")
                    % {"min": ANNEE_MIN, "max": ANNEE_MAX},
                )
        ordre = [data.get(nom) for nom in DATES]
        if all(ordre):
            data = dict(zip(DATES, ordre, strict=True))
            if not data["provisoire_debut"] < data["provisoire_fin"]:
                self.add_error("provisoire_fin", _("La fermeture doit suivre l'ouverture."))
            if not data["provisoire_fin"] <= data["definitive_debut"]:
                self.add_error(
                    "definitive_debut",
                    _("La phase définitive ne peut ouvrir avant la fin de la phase provisoire."),
                )
            if not data["definitive_debut"] < data["definitive_fin"]:
                self.add_error("definitive_fin", _("La fermeture doit suivre l'ouverture."))
            if not data["definitive_fin"] <= data["reponse_limite"]:
                self.add_error(
                    "reponse_limite",
                    _("La date limite de réponse doit suivre la fin de la phase définitive."),
                )
        return self.cleaned_data

    def dates_conseils(self) -> dict[tuple[int, str], object]:
        return {
            (d.pk, p): self.cleaned_data.get(f"conseil_{d.pk}_{p}")
            for d in self.divisions
            for p in Phase.values
        }


def etat_campagne(campagne, conseils) -> dict:
    """A JSON-able picture of the settings, for the audit trail (before / after)."""
    return {
        **{nom: getattr(campagne, nom).isoformat() for nom in DATES},
        "forcage": campagne.forcage,
        "specialites_offertes": sorted(s.code for s in campagne.specialites_offertes.all()),
        "conseils": {
            f"{c.division.code}/{c.phase}": c.date_conseil.isoformat()
            for c in sorted(conseils, key=lambda c: (c.division.code, c.phase))
        },
    }


def conseils_de(campagne) -> list[ConseilDivision]:
    return list(campagne.conseils.select_related("division"))
