"""How the service writes the dates of a campaign, in one place (pages and e-mails alike).

A window's bounds are instants. A bound at midnight is how a school says "from that day" or "until
the day before": printing "jusqu'au 6 décembre à 00h00" misleads a family into thinking they have
the 6th, so an end at midnight is written as the previous day at 23h59.
"""

import datetime

from django.utils import timezone

from orientation.dates import date_format


def _local(valeur: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(valeur) if timezone.is_aware(valeur) else valeur


def _minuit(valeur: datetime.datetime) -> bool:
    return (valeur.hour, valeur.minute, valeur.second) == (0, 0, 0)


def moment(valeur) -> str:
    """A start, a council date, any instant: '3 mai 2021' at midnight, else '3 mai 2021 à 8h00'."""
    if valeur is None:
        return ""
    if not isinstance(valeur, datetime.datetime):
        return date_format(valeur, "j F Y")
    valeur = _local(valeur)
    if _minuit(valeur):
        return date_format(valeur, "j F Y")
    return date_format(valeur, "j F Y à G\\hi")


def echeance(valeur) -> str:
    """The end of a window or a deadline, as the last moment one can act: '12 mai 2021 à 23h59'."""
    if valeur is None:
        return ""
    if not isinstance(valeur, datetime.datetime):
        return date_format(valeur, "j F Y")
    valeur = _local(valeur)
    if _minuit(valeur):
        valeur -= datetime.timedelta(minutes=1)
    return date_format(valeur, "j F Y à G\\hi")
