"""Django's PostgreSQL backend, but for the health check of a persistent connection.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` at the first query of every request made on a
persistent connection: one round trip to the server, ≈ 120 µs of CPU between the two sides,
one round trip in seven of a family's dossier page (docs/performance.md). What it exists to catch is
a connection the server has closed since the last request (a restart, `pg_terminate_backend`,
an idle timeout, a pooler that restarts): the server then sends its FATAL message and closes the
socket, which becomes readable. An idle connection whose socket has nothing to read is therefore
kept without asking the server; anything waiting on it, or a connection that is not idle, goes
through Django's own check (`SELECT 1`), which reads it and decides. A server that vanished
without a word (a host powered off, a network cut) is not told apart by either: `SELECT 1` would
wait as long as the request's first query does. After a request's error, Django's check is
unchanged (`is_usable`, a real query)."""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._inactive_et_muette()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _inactive_et_muette(self) -> bool:
        """Idle, open, and nothing from the server waiting on its socket."""
        connexion = self.connection
        if connexion.closed or connexion.info.transaction_status != TransactionStatus.IDLE:
            return False
        sonde = select.poll()  # not select(): no limit on the descriptor's number
        try:
            sonde.register(connexion.fileno(), select.POLLIN | select.POLLPRI)
            return not sonde.poll(0)  # POLLHUP and POLLERR are reported too
        except (OSError, ValueError):
            return False
