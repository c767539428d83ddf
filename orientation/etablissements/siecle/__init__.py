"""The SIECLE importer: parse → diff → apply (ARCHITECTURE.md rule 5, /work/shared/SIECLE.md)."""

from django.utils import timezone


def annee_scolaire_courante() -> int:
    """The first year of the current school year (2020 for 2020-2021): it turns in August."""
    today = timezone.localdate()
    return today.year - (today.month < 8)
