"""The production static storage keeps each URL it computed, and answers as WhiteNoise does."""

import json
from unittest import mock

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from orientation.statiques import StatiquesManifeste


def test_memes_adresses_que_whitenoise_calculees_une_fois(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/a.css": "css/a.0123456789ab.css"}, "version": "1.1"})
    )
    stockage = StatiquesManifeste(location=tmp_path, base_url="/static/")
    reference = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert stockage.url("css/a.css") == reference.url("css/a.css")
    assert stockage.url("css/a.css") == "/static/css/a.0123456789ab.css"
    assert stockage._urls == {"css/a.css": "/static/css/a.0123456789ab.css"}
    # A file missing from the manifest is an error each time it is asked for, never remembered.
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            stockage.url("absent.css")
    assert "absent.css" not in stockage._urls


# --- {% static %} rendered once per node (orientation/statiques.py is the `static` library) ---

GABARIT = (
    "{% load static %}{% static 'css/a.css' %}|{% static chemin %}|{% static 'x y&z.css' %}|"
    "{% static 'css/a.css' as a %}[{{ a }}]|{% get_static_prefix %}|"
    "{% autoescape off %}{% static 'x y&z.css' %}{% endautoescape %}"
)


def _manifeste(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps(
            {
                "paths": {"css/a.css": "css/a.0123456789ab.css", "x y&z.css": "x y&z.42.css"},
                "version": "1.1",
            }
        )
    )
    return {
        "staticfiles": {
            "BACKEND": "orientation.statiques.StatiquesManifeste",
            "OPTIONS": {"location": str(tmp_path)},
        }
    }


def test_meme_rendu_que_la_balise_de_django(tmp_path):
    from django.template import Context, Engine, engines

    with override_settings(STORAGES=_manifeste(tmp_path), STATIC_URL="/s/"):
        django = Engine(libraries={"static": "django.templatetags.static"})
        attendu = django.from_string(GABARIT).render(Context({"chemin": "css/a.css"}))
        service = engines["django"].from_string(GABARIT)
        for _ in range(2):  # the second from the nodes
            assert service.render({"chemin": "css/a.css"}) == attendu
    assert attendu == (
        "/s/css/a.0123456789ab.css|/s/css/a.0123456789ab.css|/s/x y&amp;z.42.css|"
        "[/s/css/a.0123456789ab.css]|/s/|/s/x y&z.42.css"  # escaped unless autoescape is off
    )


def test_une_adresse_constante_est_demandee_une_fois_au_stockage(tmp_path):
    from django.template import engines

    gabarit = engines["django"].from_string("{% load static %}{% static 'css/a.css' %}")
    with override_settings(STORAGES=_manifeste(tmp_path)):
        with mock.patch.object(
            StatiquesManifeste, "url", autospec=True, side_effect=StatiquesManifeste.url
        ) as url:
            for _ in range(3):
                assert gabarit.render({}) == "/static/css/a.0123456789ab.css"
        assert url.call_count == 1
        # A name missing from the manifest raises at every render, nothing kept for it.
        absent = engines["django"].from_string("{% load static %}{% static 'absent.css' %}")
        for _ in range(2):
            with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
                absent.render({})
    # Another storage (here, the settings' again): the address is asked of it.
    assert gabarit.render({}) == "/static/css/a.css"


def test_seule_la_bibliotheque_static_est_remplacee():
    """templates.W003 is silenced for the `static` library replaced on purpose: any other name
    given to two template tag libraries is still an error."""
    from django.template import engines

    avertissements = engines["django"]._check_for_template_tags_with_the_same_name()
    assert [a.msg for a in avertissements] == [
        "'static' is used for multiple template tag modules: 'django.templatetags.static', "
        "'orientation.statiques'"
    ]
