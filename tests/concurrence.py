"""Requests at the same instant over real database connections (PostgreSQL tests of the row
locks and version checks)."""

import threading

from django.db import connections


def en_meme_temps(envois):
    """Each (client, url, data, options) POSTed from its own thread, all released together;
    returns the responses in the same order. `options` are the client's keyword arguments
    (headers, follow). Each thread closes its own database connection."""
    depart = threading.Barrier(len(envois))
    reponses = [None] * len(envois)

    def poster(i, client, url, data, options):
        try:
            depart.wait()
            reponses[i] = client.post(url, data, **options)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=poster, args=(i, *e)) for i, e in enumerate(envois)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)
    return reponses
