"""Import tasks (queue ``imports``).

- ``aixin.imports.run(import_id)``: queued by ``POST /imports``, the console and the sweep.
  Thin: the work is :func:`workers.imports.running.attempt`. Idempotent: a settled import is
  left alone, and a run again after a worker died records only the rows the first attempt
  did not (each row's record has one possible identity). A transient error (database
  unreachable) is retried with backoff (5 s doubling to 5 minutes, 6 retries); the last
  retry's, or any other error, records the import failed, so none stays ``running``.
- ``aixin.imports.sweep()``: run by the schedule every 5 minutes; see
  :func:`workers.imports.sweep.sweep`: queues again the imports that should be under way
  (requested while the broker was down, or whose worker died) and deletes the uploads no
  longer needed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from celery import Task, shared_task

from workers.context import services
from workers.imports.running import attempt
from workers.imports.sweep import sweep as sweep_uploads
from workers.reports.generation import TRANSIENT

RETRIES = 6


def backoff(retries: int) -> int:
    return min(300, 5 * 2 ** retries)


@shared_task(name="aixin.imports.run", bind=True, max_retries=RETRIES, acks_late=True)
def run_import(self: Task, import_id: str) -> dict[str, object]:
    """Run the import ``import_id``; returns its counts."""
    running = services()
    try:
        view = attempt(running.register, running.settings.data_dir, UUID(import_id),
                       last=self.request.retries >= RETRIES)
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries),
                         max_retries=RETRIES) from error
    return {"status": view.status, "rows": view.rows, "accepted": view.accepted,
            "unchanged": view.unchanged, "refused": view.refused}


@shared_task(name="aixin.imports.sweep", acks_late=True, ignore_result=True)
def sweep() -> dict[str, Any]:
    """Queue again the imports that show no sign of running; delete the uploads no longer
    needed (a dry run's past its time, one left behind by a request that failed)."""
    running = services()
    return sweep_uploads(running.register, running.settings.data_dir,
                         ttl=running.settings.import_upload_ttl,
                         queue=lambda import_id: run_import.apply_async((str(import_id),)))
