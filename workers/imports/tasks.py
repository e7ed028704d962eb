"""Import tasks (queue ``imports``): ``aixin.imports.run(import_id)``, queued by
``POST /imports`` and the console. Thin: the work is :func:`workers.imports.running.run`.

Idempotent: a settled import is left alone, and a run again after a worker died records
only the rows the first attempt did not (each row's record has one possible identity).
A transient error (database unreachable) is retried with backoff; any other records the
import as failed.
"""

from __future__ import annotations

from uuid import UUID

from celery import Task, shared_task

from workers.context import services
from workers.imports.running import run
from workers.reports.generation import TRANSIENT


@shared_task(name="aixin.imports.run", bind=True, max_retries=6, acks_late=True)
def run_import(self: Task, import_id: str) -> dict[str, object]:
    """Run the import ``import_id``; returns its counts."""
    running = services()
    try:
        view = run(running.register, running.settings.data_dir, UUID(import_id))
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=min(300, 5 * 2 ** self.request.retries)) from error
    except Exception as error:
        running.register.fail_import(UUID(import_id), f"{type(error).__name__}: {error}")
        raise
    return {"status": view.status, "rows": view.rows, "accepted": view.accepted,
            "unchanged": view.unchanged, "refused": view.refused}
