"""Dates in words: « 1er » for the first of a month and a non-breaking space between a day and
its month (orientation/dates.py), in templates — pages, letters, e-mails — and in Python."""

import datetime as dt

from django.template import engines

from orientation.dates import date_format


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
