import datetime

from django.utils import timezone

from orientation.campagnes.calendrier import echeance, moment


def _paris(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_une_echeance_a_minuit_s_ecrit_la_veille_a_23h59(settings):
    # "jusqu'au 12 mai à 00h00" would let a family believe they have the 12th.
    assert echeance(_paris(2021, 5, 13)) == "12\u00a0mai 2021 à 23h59"
    assert echeance(_paris(2021, 5, 12, 17, 0)) == "12\u00a0mai 2021 à 17h00"


def test_un_debut_a_minuit_s_ecrit_sans_heure():
    assert moment(_paris(2021, 5, 3)) == "3\u00a0mai 2021"
    assert moment(_paris(2021, 5, 3, 8, 30)) == "3\u00a0mai 2021 à 8h30"
    assert moment(datetime.date(2021, 5, 3)) == "3\u00a0mai 2021"
    assert moment(None) == echeance(None) == ""


def test_le_premier_du_mois_s_ecrit_1er():
    # A window closing at midnight on the 2nd ends « le 1er mars à 23h59 » (orientation/dates.py).
    assert echeance(_paris(2027, 3, 2)) == "1er\u00a0mars 2027 à 23h59"
    assert moment(_paris(2027, 3, 1)) == "1er\u00a0mars 2027"
