"""`{% extends %}` with the root's blocks found once per compiled root (orientation/heritage.py):
the same output as Django's tag, and the root's tree walked once, not at every render."""

from unittest import mock

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import NodeList
from django.template.loaders.locmem import Loader

GABARITS = {
    "racine.html": (
        "<h1>{% block titre %}Racine{% endblock %}</h1>"
        "{% if montrer %}<main>{% block corps %}corps de la racine{% endblock %}</main>{% endif %}"
        "<footer>{% block pied %}pied{% endblock %}</footer>"
    ),
    "milieu.html": (
        "{% extends 'racine.html' %}{% block titre %}{{ block.super }} › Milieu{% endblock %}"
        "{% block corps %}[{{ block.super }}] {% block detail %}détail{% endblock %}{% endblock %}"
    ),
    "page.html": (
        "{% extends 'milieu.html' %}"
        "{% block titre %}{{ block.super }} › {{ nom }}{% endblock %}"
        "{% block detail %}{{ block.super }} de {{ nom }}{% endblock %}"
    ),
    "variable.html": "{% extends parent %}{% block pied %}autre pied{% endblock %}",
    "dossier/_ligne.html": "<li>{{ nom }}{% if rang %} ({{ rang }}){% endif %}</li>",
    "dossier/liste.html": (
        "<ul>{% for n in noms %}{% include './_ligne.html' with nom=n rang=forloop.counter %}"
        "{% endfor %}</ul>{% include 'dossier/_ligne.html' only %}"
        "{% include 'dossier/_ligne.html' %}{% include variable %}"
    ),
}


def _moteur(builtins):
    return Engine(
        loaders=[
            ("django.template.loaders.cached.Loader", [(Loader.__module__ + ".Loader", GABARITS)])
        ],
        builtins=builtins,
    )


def _django():
    return _moteur([])


def _service():
    return _moteur(["orientation.heritage"])


@pytest.mark.parametrize("nom", ["page.html", "milieu.html", "variable.html"])
@pytest.mark.parametrize("montrer", [True, False])
def test_meme_rendu_que_la_balise_de_django(nom, montrer):
    contexte = {"nom": "Camille", "montrer": montrer, "parent": "milieu.html"}
    service, django = _service(), _django()
    attendu = django.get_template(nom).render(Context(contexte))
    assert "Racine › Milieu" in attendu
    for _ in range(2):  # the second from the kept blocks
        assert service.get_template(nom).render(Context(contexte)) == attendu
    if nom == "page.html" and montrer:
        assert attendu == (
            "<h1>Racine › Milieu › Camille</h1><main>[corps de la racine] détail de Camille</main>"
            "<footer>pied</footer>"
        )


@pytest.mark.parametrize("moteur, parcours_par_rendu", [(_service, False), (_django, True)])
def test_l_arbre_de_la_racine_est_parcouru_une_fois(moteur, parcours_par_rendu):
    moteur = moteur()
    moteur.get_template("page.html").render(Context({"nom": "Camille"}))  # compiled, walked once
    with mock.patch.object(
        NodeList, "get_nodes_by_type", autospec=True, side_effect=NodeList.get_nodes_by_type
    ) as parcours:
        for _ in range(3):
            moteur.get_template("page.html").render(Context({"nom": "Camille"}))
    # Django walks the root's tree at every render; the service's tag, never again.
    assert parcours.called is parcours_par_rendu


def test_une_seconde_balise_reste_une_erreur():
    with pytest.raises(TemplateSyntaxError, match="cannot appear more than once"):
        _service().from_string("{% extends 'racine.html' %}{% extends 'racine.html' %}")
    with pytest.raises(TemplateSyntaxError):
        _service().from_string("texte {% if x %}{% endif %}{% extends 'racine.html' %}")


def test_les_gabarits_du_service_utilisent_cette_balise():
    from django.template import engines

    from orientation.heritage import ExtensionFigee, InclusionFigee

    gabarit = engines["django"].from_string("{% extends 'layout/base.html' %}")
    assert isinstance(gabarit.template.nodelist[0], ExtensionFigee)
    gabarit = engines["django"].from_string("{% include 'layout/skiplinks.html' %}")
    assert isinstance(gabarit.template.nodelist[0], InclusionFigee)


@pytest.mark.parametrize("nom", ["racine.html", "dossier/_ligne.html"])
def test_include_meme_rendu_que_la_balise_de_django(nom):
    """Relative and absolute names, `with`, `only`, in a loop, a variable name: as Django's."""
    contexte = {"noms": ["Lou", "<Noé>"], "nom": "Sam", "rang": 7, "variable": nom, "montrer": 1}
    service, django = _service(), _django()
    attendu = django.get_template("dossier/liste.html").render(Context(contexte))
    assert attendu.startswith("<ul><li>Lou (1)</li><li>&lt;Noé&gt; (2)</li></ul><li></li>")
    for _ in range(3):  # the first render looks the templates up, the next ones keep them
        rendu = service.get_template("dossier/liste.html").render(Context(contexte))
        assert rendu == attendu


def test_include_trouve_son_gabarit_une_fois():
    service = _service()
    liste = service.get_template("dossier/liste.html")
    contexte = {"noms": ["Lou"], "variable": "dossier/_ligne.html"}
    liste.render(Context(contexte))
    with mock.patch.object(
        Engine, "select_template", autospec=True, side_effect=Engine.select_template
    ) as cherche:
        for _ in range(3):
            liste.render(Context(contexte))
    # The variable include only: once per render, as Django's (not the three quoted ones).
    assert cherche.call_count == 3
