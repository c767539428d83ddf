"""What a web process does once Django is loaded, before it serves (orientation/wsgi.py)."""

import gc

from django.urls import get_resolver


def geler_le_demarrage() -> int:
    """Imports the URLconf and the views it names, then puts every object alive now — settings,
    applications, models, URLconf, views — out of the cyclic garbage collector's reach
    (`gc.freeze()`): they live as long as the process, and each full collection walked them all
    again (≈ 65 ms in the middle of a request, 15 ms once they are frozen). Under gunicorn
    `--preload` the workers are forked afterwards and keep sharing those memory pages, which a
    collection copied into each worker by writing in every object's header: 343 → 200 MiB for
    four workers after 40 s of the bench's mixed journey (docs/performance.md, « Ce qui a été
    changé pour la vitesse »). Returns the number of objects frozen."""
    get_resolver().url_patterns  # noqa: B018 — the urls modules and the views, imported
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
