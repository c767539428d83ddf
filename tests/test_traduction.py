"""`{% translate %}` of a constant text rendered once per node and language (orientation/
traduction.py): the same output as Django's tag in every form, and no gettext on the next render."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.template import Context, Engine, engines
from django.utils import translation
from django.utils.translation import trans_real

import orientation

GABARIT = (
    "{% load traduction %}"
    '{% translate "Mot de passe" %}|{% trans "Mot de passe" %}|'
    '{% translate "Password" %}|{% translate "May" context "alt. month" %}|'
    '{% translate "a & <b>" %}|{% translate "100 %" %}|{% translate "x" noop %}|'
    '{% translate "Password" as p %}[{{ p }}]|{% translate "Password"|upper %}|'
    '{% translate v %}|{% translate "May" context c %}|'
    '{% autoescape off %}{% translate "a & <b>" %}{% endautoescape %}'
)


@pytest.mark.parametrize("langue", ["fr", "en"])
def test_meme_rendu_que_la_balise_de_django(langue):
    contexte = {"v": "<i>Password</i>", "c": "alt. month"}
    with translation.override(langue):
        balise_de_django = Engine(libraries={"traduction": "django.templatetags.i18n"})
        django = balise_de_django.from_string(GABARIT).render(Context(contexte))
        service = engines["django"].from_string(GABARIT)
        assert service.render(contexte) == django
        assert service.render(contexte) == django  # from the nodes' memory, the same
    if langue == "fr":
        assert django.startswith("Mot de passe|Mot de passe|Mot de passe|")


def test_un_texte_constant_est_traduit_une_fois_par_langue():
    gabarit = engines["django"].from_string('{% load traduction %}{% translate "Password" %}')
    # What django.utils.translation.gettext calls (its _trans keeps trans_real's function).
    with mock.patch.object(translation._trans, "gettext", wraps=trans_real.gettext) as gettext:
        with translation.override("fr"):
            assert gabarit.render({}) == "Mot de passe"
            assert gabarit.render({}) == "Mot de passe"
        assert gettext.call_count == 1
        with translation.override("en"):
            assert gabarit.render({}) == "Password"
        assert gettext.call_count == 2
        variable = engines["django"].from_string("{% load traduction %}{% translate v %}")
        variable.render({"v": "Password"})
        variable.render({"v": "Password"})
        assert gettext.call_count == 4  # a variable is translated at each render, as by Django


def test_les_gabarits_du_service_chargent_la_traduction_figee():
    racine = Path(orientation.__file__).parent
    chargent_i18n = [
        str(f.relative_to(racine))
        for f in sorted(racine.rglob("*"))
        if f.suffix in (".html", ".txt") and re.search(r"{% load [^%]*\bi18n\b", f.read_text())
    ]
    assert chargent_i18n == [], "{% load traduction %} au lieu de {% load i18n %}"


BLOCS = (
    "{% load traduction %}"
    "{% blocktranslate %}{{ model_name }} with this {{ field_label }} already exists."
    "{% endblocktranslate %}|"
    "{% blocktrans with model_name=m|upper field_label='x' %}{{ model_name }} with this "
    "{{ field_label }} already exists.{% endblocktrans %}|"
    "{% blocktranslate trimmed %}\n  {{ model_name }} with this\n  {{ field_label }} already"
    " exists.\n{% endblocktranslate %}|"
    '{% blocktranslate context "alt. month" %}May{% endblocktranslate %}|'
    "{% blocktranslate context c %}May{% endblocktranslate %}|"
    "{% blocktranslate count n=k %}{{ n }} chose{% plural %}{{ n }} choses{% endblocktranslate %}|"
    "{% blocktranslate with v=h %}100 % {{ v }}{% endblocktranslate %}|"
    "{% blocktranslate asvar t %}{{ model_name }} with this {{ field_label }} already exists."
    "{% endblocktranslate %}[{{ t }}]|"
    "{% blocktranslate %}{{ absent }}!{% endblocktranslate %}|"
    "{% autoescape off %}{% blocktranslate with v=h %}<{{ v }}>{% endblocktranslate %}"
    "{% endautoescape %}"
)


def _moteurs(**options):
    return (
        Engine(libraries={"traduction": "django.templatetags.i18n"}, **options),
        Engine(libraries={"traduction": "orientation.traduction"}, **options),
    )


@pytest.mark.parametrize("langue", ["fr", "en"])
@pytest.mark.parametrize("invalide", ["", "??%s??"])
def test_blocktranslate_meme_rendu_que_la_balise_de_django(langue, invalide):
    contexte = {"model_name": "<Fiche>", "field_label": "n°", "m": "fiche", "c": "alt. month"}
    contexte |= {"k": 2, "h": "a & <b>"}
    django, service = (moteur.from_string(BLOCS) for moteur in _moteurs(string_if_invalid=invalide))
    with translation.override(langue):
        attendu = django.render(Context(contexte))
        assert service.render(Context(contexte)) == attendu
        assert service.render(Context(contexte)) == attendu  # the kept translation, the same
    if langue == "fr":
        assert attendu.startswith("Un objet &lt;Fiche&gt; avec ce champ n° existe déjà.|")
        assert "|Mai|Mai|2 choses|100 % a &amp; &lt;b&gt;|" in attendu
        assert "|<a & <b>>" in attendu


def test_blocktranslate_demande_sa_traduction_une_fois_par_langue():
    gabarit = engines["django"].from_string(
        "{% load traduction %}{% blocktranslate with model_name=v %}{{ model_name }} with this "
        "{{ field_label }} already exists.{% endblocktranslate %}"
    )
    with mock.patch.object(translation._trans, "gettext", wraps=trans_real.gettext) as gettext:
        with translation.override("fr"):
            assert (
                gabarit.render({"v": "A", "field_label": "b"})
                == "Un objet A avec ce champ b existe déjà."
            )
            assert (
                gabarit.render({"v": "C", "field_label": "d"})
                == "Un objet C avec ce champ d existe déjà."
            )
        assert gettext.call_count == 1
        with translation.override("en"):
            assert gabarit.render({"v": "A", "field_label": "b"}) == "A with this b already exists."
        assert gettext.call_count == 2


def test_blocktranslate_traduction_fautive_comme_django():
    """A translation whose placeholders do not match the message's: Django falls back to the
    untranslated message, and so does the kept node (through Django's own render)."""
    texte = "{% load traduction %}{% blocktranslate %}Bonjour {{ nom }}{% endblocktranslate %}"

    def fautive(message):
        return "Salut %(inconnu)s" if translation.get_language() == "fr" else message

    django, service = (moteur.from_string(texte) for moteur in _moteurs())
    with (
        mock.patch.object(translation._trans, "gettext", side_effect=fautive),
        translation.override("fr"),
    ):
        attendu = django.render(Context({"nom": "Lou"}))
        assert attendu == "Bonjour Lou"
        assert service.render(Context({"nom": "Lou"})) == attendu
        assert service.render(Context({"nom": "Lou"})) == attendu
