from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class CodeActivationForm(DsfrBaseForm):
    code = forms.CharField(
        label=_("Code d'activation"),
        help_text=_(
            "Il figure sur le courrier remis par l'établissement : 12 caractères, par exemple "
            "ABCD-EFGH-JKLM."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
