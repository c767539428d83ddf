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
