"""The periodic jobs, run by the task worker alone (docs/deploiement.md).

A periodic job is a django.tasks task declared with `@periodique(intervalle)`: its first act is to
plan its own next run, then it works, so a crash during a run does not end the chain. `migrate`
plants the first run of every job at each deployment (`planter_tout`, connected by the
notifications app). Each job also has a management command, the cron safety net, which does the
job now and replants its chain if it broke. Each job is idempotent: two runs at once do no harm.

Only the database backend can hold a run for later; with another backend, nothing is planted and
the commands must run from cron.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

# module path of the task → (task, interval or a function returning it, read at planning time)
_PERIODIQUES: dict[str, tuple[object, datetime.timedelta | Callable[[], datetime.timedelta]]] = {}


def periodique(intervalle):
    """Declare a task periodic; put it above `@task()`."""

    def declarer(tache):
        _PERIODIQUES[tache.module_path] = (tache, intervalle)
        return tache

    return declarer


def base_de_donnees(tache) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(tache.get_backend(), DatabaseBackend)


def replanifier(tache) -> str | None:
    """Keep exactly one future run of this periodic task in the queue. Returns the new run's id,
    or None when one is already waiting (or the backend cannot hold it)."""
    if not base_de_donnees(tache):
        return None
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=tache.module_path, status="READY").exists():
        return None
    _tache, intervalle = _PERIODIQUES[tache.module_path]
    if callable(intervalle):
        intervalle = intervalle()
    return str(tache.using(run_after=timezone.now() + intervalle).enqueue().id)


def taches() -> list:
    autodiscover_modules("tasks")
    return [tache for tache, _intervalle in _PERIODIQUES.values()]


def planter_tout() -> dict[str, str | None]:
    """Plant every periodic job that has no run waiting; returns {task path: new run id}."""
    return {tache.module_path: replanifier(tache) for tache in taches()}
