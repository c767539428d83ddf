"""`get_FOO_display()` from a table per field and language (orientation/libelles.py): the same
answer as Django's for every choice of every model, in French and in English, and no translation
of the other choices at each call."""

from unittest import mock

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import trans_real

from orientation import libelles
from orientation.dialogue.models import Dossier, Etat, Voeu
from orientation.libelles import LibellesDesChoix


def _champs_a_choix():
    for modele in apps.get_models():
        if not modele.__module__.startswith("orientation."):
            continue
        for champ in modele._meta.concrete_fields:
            if champ.choices:
                yield modele, champ


def test_les_modeles_du_service_a_choix_lisent_la_table():
    """A model with choices that forgot the mixin would translate all its labels at each call."""
    oublies = [
        f"{modele.__name__}.{champ.name}"
        for modele, champ in _champs_a_choix()
        if not issubclass(modele, LibellesDesChoix)
    ]
    assert list(_champs_a_choix())
    assert oublies == []


@pytest.mark.parametrize("langue", ["fr", "en"])
def test_meme_libelle_que_django(langue):
    with translation.override(langue):
        for modele, champ in _champs_a_choix():
            for valeur in [*(v for v, _ in champ.flatchoices), "inconnue", None]:
                objet = modele(**{champ.attname: valeur})
                service = getattr(objet, f"get_{champ.name}_display")()
                django = models.Model._get_FIELD_display(objet, champ)
                assert service == django, (modele, champ.name, valeur)
                assert type(service) is type(django)


def test_le_libelle_suit_la_langue(monkeypatch):
    """One table per language: a page in English does not get the French labels, nor the
    reverse. (The service has no English catalogue yet: gettext marks the language here.)"""
    monkeypatch.setattr(libelles, "_TABLES", {})
    # What django.utils.translation.gettext calls (its _trans keeps trans_real's function).
    monkeypatch.setattr(
        translation._trans,
        "gettext",
        lambda m: f"[{translation.get_language()}] {trans_real.gettext(m)}",
    )
    dossier = Dossier(etat=Etat.AVIS_PUBLIE)
    for _ in range(2):
        with translation.override("fr"):
            assert dossier.get_etat_display() == "[fr] Avis provisoire publié"
        with translation.override("en"):
            assert dossier.get_etat_display() == "[en] Avis provisoire publié"


def test_un_libelle_est_traduit_une_fois_par_processus():
    """Django translates every choice of the field at each call (eleven for a dossier's state)."""
    with translation.override("fr"):
        Dossier(etat=Etat.DECIDE).get_etat_display()  # the table, built once
        with mock.patch.object(translation._trans, "gettext", wraps=trans_real.gettext) as gettext:
            for etat in Etat:
                assert Dossier(etat=etat).get_etat_display() == etat.label
            assert Voeu(option_pro="").get_option_pro_display() == ""
    assert gettext.call_count == len(Etat)  # the labels compared above, not the table
