from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

MAX_FICHIERS = 8


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".zip,.xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else single(data, initial)


class ImportSiecleForm(DsfrBaseForm):
    fichiers = MultipleFileField(
        label=_("Fichiers exportés de SIECLE"),
        help_text=_(
            "Sélectionnez ensemble les exports ElevesSansAdresses (ou ElevesAvecAdresses), "
            "ResponsablesAvecAdresses, Nomenclature et Structures, en ZIP ou en XML. "
            "Le fichier des élèves est obligatoire."
        ),
    )

    def clean_fichiers(self):
        fichiers = self.cleaned_data["fichiers"]
        limite = settings.SIECLE_MAX_UPLOAD_BYTES
        if len(fichiers) > MAX_FICHIERS:
            raise forms.ValidationError(
                _("Déposez au plus %(n)s fichiers à la fois."), params={"n": MAX_FICHIERS}
            )
        for f in fichiers:
            if not f.name.lower().endswith((".zip", ".xml")):
                raise forms.ValidationError(
                    _("« %(nom)s » n'est ni un fichier ZIP ni un fichier XML."),
                    params={"nom": f.name[:100]},
                )
        if sum(f.size for f in fichiers) > limite:
            raise forms.ValidationError(
                _("Les fichiers dépassent la taille maximale acceptée (%(taille)s au total)."),
                params={"taille": filesizeformat(limite)},
            )
        return fichiers
