"""The flattened form templates (orientation/rendu.py) write the markup django-dsfr writes.

Every kind of widget the service uses is rendered by django-dsfr's renderer and by the project's,
blank and bound with errors; the two outputs must be the same up to the whitespace between tags
(which a browser ignores). A change in django-dsfr's templates shows here, not in a user's page.
"""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from orientation import rendu
from orientation.rendu import RenduFormulaires

CHOIX = [("a", "Première <voie>"), ("b", "Deuxième"), ("c", "Troisième")]


EN_LIGNE = forms.RadioSelect()
EN_LIGNE.inline = True  # django-dsfr's flag for options side by side


class Tous(DsfrBaseForm):
    texte = forms.CharField(label="Nom", help_text="Comme sur la carte d'identité")
    courriel = forms.EmailField(label="Courriel", required=False)
    cache = forms.IntegerField(widget=forms.HiddenInput, required=False)
    mot_de_passe = forms.CharField(widget=forms.PasswordInput, label="Mot de passe")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    moment = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Moment", required=False
    )
    zone = forms.CharField(
        widget=forms.Textarea(attrs={"placeholder": '<"&> ', "data-oui": True, "data-non": False}),
        label="Motif",
        required=False,
    )
    accord = forms.BooleanField(label="J'accepte", help_text="Obligatoire")
    liste = forms.ChoiceField(label="Voie", choices=[("", "— choisir —"), *CHOIX])
    groupes = forms.ChoiceField(
        label="Groupée", choices=[("Générale", CHOIX[:2]), ("Autre", CHOIX[2:])], required=False
    )
    cases = forms.MultipleChoiceField(
        label="Spécialités",
        choices=CHOIX,
        widget=forms.CheckboxSelectMultiple,
        help_text="Quatre <em>au plus</em>",
    )
    radios = forms.ChoiceField(label="Réponse", choices=CHOIX, widget=forms.RadioSelect)
    # Radios in groups (a mapping of choices is a group since Django 5); the hint labels are
    # tested on the option templates themselves, below.
    radios_groupes = forms.ChoiceField(
        label="Groupés",
        choices=[("Oui", {"x": "Oui <vraiment>", "y": "Oui mais"}), ("n", "Non")],
        widget=forms.RadioSelect,
        required=False,
    )
    fichier = forms.FileField(label="Fichier", required=False)
    en_ligne = forms.ChoiceField(
        label="En ligne", choices=CHOIX, widget=EN_LIGNE, required=False, help_text="Une seule"
    )
    verrouille = forms.CharField(label="Établissement", disabled=True, required=False)


def _normal(html: str) -> str:
    html = re.sub(r">\s+", ">", str(html))
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def _rendus(**kwargs):
    return [
        _normal(Tous(renderer=rendu, **kwargs).render())
        for rendu in (DsfrDjangoTemplates(), RenduFormulaires())
    ]


@pytest.mark.parametrize(
    "donnees",
    [
        None,
        {"texte": "", "liste": "z", "cases": ["z"], "radios_groupes": "q"},
        {"texte": "Ok", "cases": ["a", "c"], "radios": "b", "radios_groupes": "x"},
        {"texte": "Ok", "date": "2027-05-01", "liste": "b", "groupes": "c", "cases": ["b"]},
    ],
    ids=["vierge", "erreurs", "coches", "rempli"],
)
def test_meme_balisage_que_django_dsfr(donnees):
    dsfr, projet = _rendus(data=donnees) if donnees is not None else _rendus()
    assert "fr-checkbox-group" in projet and "fr-radio-group" in projet and "<option" in projet
    assert "fr-fieldset__element--inline" in projet and "<em>au plus</em>" in projet
    assert 'placeholder="&lt;&quot;&amp;&gt; " data-oui ' in projet and "data-non" not in projet
    if donnees and "z" in donnees["cases"]:  # the error markup of every choice widget
        assert projet.count("fr-fieldset--error") == 3
    assert projet == dsfr


def test_le_service_ecrit_ses_champs_sans_gabarit(settings, monkeypatch):
    """The field groups of the service's forms and their selects and inputs are written by
    rendu.py without asking the template engine for anything."""
    assert settings.FORM_RENDERER == "orientation.rendu.RenduFormulaires"
    assert {
        "django/forms/widgets/select.html",
        "django/forms/widgets/text.html",
        "dsfr/form_field_snippets/input_snippet.html",
        "dsfr/form_field_snippets/checkboxselectmultiple_snippet.html",
        "dsfr/form_field_snippets/radioselect_snippet.html",
    } <= set(rendu.ECRITS_EN_PYTHON)
    demandes = []
    lire = RenduFormulaires.get_template
    monkeypatch.setattr(
        RenduFormulaires, "get_template", lambda self, nom: demandes.append(nom) or lire(self, nom)
    )
    formulaire = Tous(renderer=RenduFormulaires())
    for champ in ("texte", "courriel", "liste", "groupes", "cases", "radios", "en_ligne"):
        assert "fr-" in str(formulaire[champ].as_field_group())
    assert demandes == []


@pytest.mark.parametrize("champ", ["cases", "radios", "radios_groupes", "liste", "zone", "accord"])
def test_widget_seul_meme_balisage(champ):
    """A widget rendered on its own ({{ form.champ }}: Django's multiple_input.html including the
    option templates), not through django-dsfr's field group."""
    donnees = {"cases": ["a"], "radios": "b", "liste": "c", "zone": "<texte>", "accord": "on"}
    dsfr, projet = (
        _normal(str(Tous(data=donnees, renderer=rendu)[champ]))
        for rendu in (DsfrDjangoTemplates(), RenduFormulaires())
    )
    assert projet == dsfr and "<" in projet


@pytest.mark.parametrize(
    "gabarit",
    ["django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html"],
)
@pytest.mark.parametrize("coche", [True, False])
def test_option_avec_aide_meme_balisage(gabarit, coche):
    """An option whose label carries a hint ({label, help_text}, as django-dsfr's extended choices
    give it), rendered by each renderer's option template."""
    widget = {
        "name": "choix",
        "value": "x",
        "type": "radio" if "radio" in gabarit else "checkbox",
        "label": {"label": "Oui <vraiment>", "help_text": "Définitif & irrévocable"},
        "attrs": {"id": "id_choix_0", "dsfr": "dsfr", "checked": coche},
        "wrap_label": True,
    }
    dsfr, projet = (
        _normal(rendu.render(gabarit, {"widget": widget}))
        for rendu in (DsfrDjangoTemplates(), RenduFormulaires())
    )
    assert 'class="fr-hint-text" id="id_choix_0_helptext"' in projet
    assert projet == dsfr


def _case(**changements):
    widget = {
        "type": "checkbox",
        "name": "v1-spe_etab",
        "value": "MATHS",
        "label": "Mathématiques",
        "attrs": {"id": "id_v1-spe_etab_0"},
        "wrap_label": True,
    }
    return widget | changements


@pytest.mark.parametrize(
    "variante",
    [
        {},
        {"attrs": {"id": "id_v1-spe_etab_0", "checked": True}},
        {"attrs": {"id": "id_v2-spe_etab_0"}},
        {"value": "PC"},
        {"label": "<b>Maths</b>"},
        {"label": mark_safe("<b>Maths</b>")},
        {"label": {"label": "Maths", "help_text": "aide"}},
        {"wrap_label": False},
    ],
)
def test_une_option_memorisee_est_celle_qu_on_ecrirait(variante):
    # The memo's key holds everything the markup is made of: checked or not, row, value, label
    # (escaped or safe), hint, wrapping. Written twice, read from the memo the second time.
    base = rendu.option(_case(), "case")  # in the memo: a variant must not be read as it
    widget = _case(**variante)
    attendu = rendu._option(widget, "case")
    assert rendu.option(widget, "case") == attendu
    assert rendu.option(_case(**variante), "case") == attendu
    if variante:
        assert attendu != base


def test_une_option_non_hachable_s_ecrit_sans_memo():
    widget = _case(attrs={"id": "x", "data-liste": ["a", "b"]})
    assert rendu.option(widget, "case") == rendu._option(widget, "case")
