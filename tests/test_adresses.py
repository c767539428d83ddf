"""`{% url %}` of a page without arguments reversed once per node (orientation/adresses.py): the
same output as Django's tag in every form, and no reverse on the next render, unless what the
address depends on changed."""

from unittest import mock

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

GABARIT = (
    "{% url 'accueil' %}|{% url \"accounts:profil\" %}|{% url 'accounts:profil' as p %}[{{ p }}]|"
    "{% url 'dialogue:famille_dossier' 3 %}|{% url 'dialogue:famille_dossier' pk=n %}|"
    "{% url nom %}|{% url 'inexistante' as x %}[{{ x }}]|{% url 'recherche' %}|"
    "{% autoescape off %}{% url 'recherche' %}{% endautoescape %}"
)
CONTEXTE = {"n": 7, "nom": "accounts:login"}


def _django():
    # Django's own tag: an engine without the service's builtins.
    return Engine(builtins=["orientation.dates"]).from_string(GABARIT)


def _service():
    return engines["django"].from_string(GABARIT)


@override_settings(ROOT_URLCONF="tests.urls_adresses")
@pytest.mark.parametrize("prefixe", ["/", "/orientation/"])
def test_meme_rendu_que_la_balise_de_django(prefixe):
    set_script_prefix(prefixe)
    try:
        service = _service()
        attendu = _django().render(Context(CONTEXTE))
        assert service.render(CONTEXTE) == attendu
        assert service.render(CONTEXTE) == attendu  # from the node's memory, the same
    finally:
        set_script_prefix("/")
    ici = f"{prefixe}autre/"
    assert attendu.startswith(f"{ici}|{ici}compte/profil/|[{ici}compte/profil/]|{ici}dossier/3/|")
    assert "|[]|" in attendu  # `as` with no such page: nothing, no error
    assert attendu.endswith("recherche/a&amp;b/|" + prefixe + "recherche/a&b/")


def test_une_adresse_sans_argument_est_calculee_une_fois():
    gabarit = engines["django"].from_string(
        "{% url 'accueil' %}{% url 'dialogue:famille_dossier' n %}"
    )
    with mock.patch("django.urls.reverse", wraps=reverse) as inverse:
        for n in (1, 2, 3):
            assert gabarit.render({"n": n}) == f"//dossier/{n}/"
    assert [c.args[0] for c in inverse.call_args_list] == ["accueil"] + 3 * [
        "dialogue:famille_dossier"
    ]


def test_l_adresse_suit_le_prefixe_et_la_configuration():
    gabarit = engines["django"].from_string("{% url 'accueil' %}")
    assert gabarit.render({}) == "/"
    set_script_prefix("/ailleurs/")
    try:
        assert gabarit.render({}) == "/ailleurs/"
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="tests.urls_adresses"):
        set_script_prefix("/")
        assert gabarit.render({}) == "/autre/"
    assert gabarit.render({}) == "/"


def test_une_page_inconnue_leve_l_erreur_de_django_a_chaque_rendu():
    gabarit = engines["django"].from_string("{% url 'inexistante' %}")
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            gabarit.render({})
    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string("{% url %}")
