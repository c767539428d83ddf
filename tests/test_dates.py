"""Dates in words: « 1er » for the first of a month and a non-breaking space between a day and
its month (orientation/dates.py), in templates — pages, letters, e-mails — and in Python."""

import datetime as dt
import zoneinfo

from django.template import engines

from orientation.dates import date_format
from orientation.memoire import MemoireBornee


def _rendu(gabarit, **contexte):
    return engines["django"].from_string(gabarit).render(contexte)


def test_1er_et_espace_insecable_entre_le_jour_et_le_mois_dans_les_gabarits():
    premier = dt.date(2027, 3, 1)
    assert _rendu('{{ d|date:"j F Y" }}', d=premier) == "1er\u00a0mars 2027"
    assert _rendu('{{ d|date:"l j F Y" }}', d=premier) == "lundi 1er\u00a0mars 2027"
    assert _rendu('{{ d|date:"j F Y à H\\hi" }}', d=dt.datetime(2027, 8, 1, 8)) == (
        "1er\u00a0août 2027 à 08h00"
    )
    # Numeric formats are Django's; the other days keep their number, the space unbreakable.
    assert _rendu('{{ d|date:"d/m/Y" }} {{ d|date:"j/m/Y" }}', d=premier) == "01/03/2027 1/03/2027"
    for jour, attendu in [
        (11, "11\u00a0mars 2027"),
        (21, "21\u00a0mars 2027"),
        (31, "31\u00a0mars 2027"),
    ]:
        assert _rendu('{{ d|date:"j F Y" }}', d=dt.date(2027, 3, jour)) == attendu
    assert _rendu('{{ d|date:"j F Y" }}', d=None) == ""


def test_une_heure_utc_est_ecrite_en_heure_de_paris():
    # 23:30 UTC on 28 February is 00:30 on 1 March in Paris: the filter still converts first.
    minuit_passe = dt.datetime(2027, 2, 28, 23, 30, tzinfo=dt.UTC)
    assert _rendu('{{ d|date:"j F Y à H:i" }}', d=minuit_passe) == "1er\u00a0mars 2027 à 00:30"


def test_le_premier_du_mois_en_python():
    assert date_format(dt.date(2027, 12, 1), "j F Y") == "1er\u00a0décembre 2027"
    assert date_format(dt.date(2027, 12, 10), "j F Y") == "10\u00a0décembre 2027"


def test_une_date_ecrite_est_gardee_avec_ce_dont_elle_depend(monkeypatch):
    from unittest import mock

    from django.utils import formats, translation

    from orientation import dates

    monkeypatch.setattr(dates, "_MEMO", MemoireBornee(4096))
    paris = dt.datetime(2027, 3, 1, 23, 59, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    utc = paris.astimezone(dt.UTC)  # the same instant, 22:59 in UTC
    assert paris == utc
    with mock.patch.object(formats, "date_format", wraps=formats.date_format) as django:
        for _ in range(3):
            assert date_format(paris, "j F Y à G\\hi") == "1er\u00a0mars 2027 à 23h59"
            assert date_format(utc, "j F Y à G\\hi") == "1er\u00a0mars 2027 à 22h59"
            assert date_format(paris.date(), "j F Y") == "1er\u00a0mars 2027"
            assert _rendu('{{ d|date:"j F Y à G\\hi" }}', d=utc) == "1er\u00a0mars 2027 à 23h59"
        assert django.call_count == 4  # each once
        with translation.override("en"):
            assert date_format(paris.date(), "j F Y") == "1 March 2027"
        assert date_format(paris.date(), "j F Y") == "1er\u00a0mars 2027"
        # The hour that occurs twice (31 October 2027: 2:30, then 2:30 again an hour later).
        deux_fois = dt.datetime(2027, 10, 31, 2, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
        assert date_format(deux_fois, "H:i U") == "02:30 1824942600"
        assert date_format(deux_fois.replace(fold=1), "H:i U") == "02:30 1824946200"
        assert _rendu('{{ d|date:"j F Y" }}', d="pas une date") == ""  # Django's, never kept
    assert len(dates._MEMO) == 7


def test_la_memoire_des_dates_est_bornee(monkeypatch):
    from orientation import dates

    monkeypatch.setattr(dates, "_MEMO", MemoireBornee(3))
    for jour in range(1, 8):
        assert date_format(dt.date(2027, 3, jour), "j F Y").endswith("mars 2027")
        assert len(dates._MEMO) <= 3
