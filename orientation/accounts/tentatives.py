"""django-axes' database handler (login throttling, settings.AXES_*), with two costs removed.

Every login asks axes whether the account and address are locked, then, logged in, axes clears
the expired failed attempts of everyone, and again at every logout, and resets the account's
own: ≈ 5 % of the mixed journey's CPU, mostly the ORM compiling the same three queries at each
login (docs/performance.md).

- `get_failures`, the sum of the recent failures for each lockout parameter set axes computes
  (its own `get_client_parameters` and cool-off threshold), is one fixed SQL statement per set
  of parameter names, written once per process from the model's table and columns. A parameter
  that is None (which the ORM turns into IS NULL) goes to axes' own query.
- The clearing of expired attempts is housekeeping: axes counts only the attempts newer than the
  cool-off threshold, so an expired row changes no decision. It runs at most once a minute per
  process (NETTOYAGE_S) instead of at every login and logout.

- An account's attempts, reset at a successful login, go by one DELETE instead of a read, then
  a collector's delete in a transaction (even of nothing).

Everything else — recording a failure, locking out, the signals — is axes'
(tests/securite/test_tentatives.py compares the counts with axes' own).
"""

from __future__ import annotations

import threading
import time

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt
from django.db import connections, router

NETTOYAGE_S = 60


class GestionnaireTentatives(AxesDatabaseHandler):
    _requetes: dict[tuple[str, tuple[str, ...]], str] = {}  # (database vendor, names) → SQL
    _prochain_nettoyage = 0.0
    _verrou = threading.Lock()

    def get_failures(self, request, credentials=None) -> int:
        if settings.AXES_COOLOFF_TIME is None:
            return super().get_failures(request, credentials)
        filtres = get_client_parameters(
            get_client_username(request, credentials),
            request.axes_ip_address,
            request.axes_user_agent,
            request,
            credentials,
        )
        if any(valeur is None for filtre in filtres for valeur in filtre.values()):
            return super().get_failures(request, credentials)
        seuil = get_cool_off_threshold(request)
        connection = connections[router.db_for_read(AccessAttempt)]
        champ = AccessAttempt._meta.get_field
        total = 0
        with connection.cursor() as curseur:
            for filtre in filtres:
                # Each value as the ORM's lookup would pass it (an IPv6 address normalised…).
                valeurs = [champ(nom).get_db_prep_value(v, connection) for nom, v in filtre.items()]
                valeurs.append(champ("attempt_time").get_db_prep_value(seuil, connection))
                curseur.execute(self._requete(tuple(filtre), connection), valeurs)
                total = max(total, curseur.fetchone()[0] or 0)
        return total

    @classmethod
    def _requete(cls, noms: tuple[str, ...], connection) -> str:
        """SELECT SUM(failures_since_start) of the attempts matching `noms` (fields of
        AccessAttempt), newer than a threshold — written once per set of names."""
        try:
            return cls._requetes[(connection.vendor, noms)]
        except KeyError:
            pass
        q, meta = connection.ops.quote_name, AccessAttempt._meta
        conditions = [f"{q(meta.get_field(nom).column)} = %s" for nom in noms]
        conditions.append(f"{q(meta.get_field('attempt_time').column)} >= %s")
        # Model field names, checked by get_field and quoted; the values are parameters.
        somme = q(meta.get_field("failures_since_start").column)
        sql = f"SELECT SUM({somme}) FROM {q(meta.db_table)} WHERE {' AND '.join(conditions)}"  # noqa: S608
        cls._requetes[(connection.vendor, noms)] = sql
        return sql

    def reset_user_attempts(self, request, credentials=None) -> int:
        """axes' reset, at each successful login, reads the account's attempts, then deletes them
        through the ORM's collector in a transaction, even when there are none (nearly always):
        a SELECT, a BEGIN and a COMMIT. The same rows go by one DELETE here; the collector would
        only have called the handler's post_delete hook, which does nothing in axes' database
        handler (checked by tests/securite/test_tentatives.py)."""
        return sum(
            tentatives._raw_delete(tentatives.db)
            for tentatives in self.filter_user_attempts(request, credentials)
        )

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        maintenant = time.monotonic()
        with self._verrou:
            if maintenant < GestionnaireTentatives._prochain_nettoyage:
                return 0
            GestionnaireTentatives._prochain_nettoyage = maintenant + NETTOYAGE_S
        return super().clean_expired_user_attempts(request, credentials)
