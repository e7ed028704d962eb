"""The Celery application (后台任务): broker, queues, acknowledgement and the beat schedule.

Built by :func:`create_celery` from :class:`~aixin.settings.Settings`, never at import time.
Tasks are declared with ``shared_task`` in ``workers.*.tasks`` modules and bind to the app
that is current in the process.

- Production: Redis is broker and result backend (``AIXIN_REDIS_URL``); ``aixin worker`` and
  ``aixin beat`` run as separate processes, on as many machines as needed.
- Embedded default: kombu's file-system transport under ``AIXIN_DATA_DIR/broker`` and a
  file result backend, so ``aixin serve`` runs a worker and the schedule with no server.

Every task is acknowledged late and re-delivered if its worker dies, so every task must be
idempotent: reminders and reports are derived from the records, each with a deterministic
identity, so running one twice records nothing twice. Future work is never parked as a
long countdown or ETA (Redis would re-deliver it after its visibility timeout): the
schedule polls the records instead.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.schedules import crontab
from kombu import Exchange, Queue

from aixin.settings import Settings

#: The queues, named explicitly; a worker may serve some of them (``aixin worker -Q``).
QUEUES = ("reminders", "reports", "imports", "maintenance")

#: Modules whose ``shared_task``s the worker registers.
TASK_MODULES = ("workers.tasks", "workers.reminders.tasks", "workers.reports.tasks",
                "workers.imports.tasks")

#: A task name's prefix decides its queue.
ROUTES = {f"aixin.{queue}.*": {"queue": queue} for queue in QUEUES}


def create_celery(settings: Settings) -> Celery:
    """The Celery app for ``settings``; it also becomes the process's current app."""
    app = Celery("aixin", set_as_current=True)
    app.conf.update(
        broker_url=settings.broker_url,
        broker_transport_options=_transport_options(settings),
        broker_connection_retry_on_startup=True,
        result_backend=settings.result_backend,
        result_expires=7 * 24 * 3600,
        result_backend_transport_options=_result_options(settings),
        task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name)
                     for name in QUEUES],
        task_default_queue="maintenance",
        task_routes=ROUTES,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        worker_concurrency=settings.worker_concurrency,
        worker_hijack_root_logger=False,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        timezone=settings.timezone,
        enable_utc=True,
        include=list(TASK_MODULES),
        beat_schedule=beat_schedule(settings),
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
    )
    app.conf.aixin_settings = settings
    if settings.store == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.redis_url:
        for folder in ("in", "processed", "control"):
            (settings.broker_folder / folder).mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "results").mkdir(parents=True, exist_ok=True)
    return app


def _transport_options(settings: Settings) -> dict[str, Any]:
    if settings.redis_url:
        # Longer than any task runs, so Redis does not hand a running task to a second
        # worker; no task is ever scheduled further ahead than this. A killed worker's tasks
        # come back only after it: a report does not wait for that, its lease
        # (AIXIN_REPORT_LEASE, renewed while its tasks run) lets the sweep take it over.
        options: dict[str, Any] = {"visibility_timeout": 3600}
        if settings.redis_key_prefix:
            options["global_keyprefix"] = settings.redis_key_prefix
        return options
    folder = settings.broker_folder
    return {"data_folder_in": str(folder / "in"), "data_folder_out": str(folder / "in"),
            "processed_folder": str(folder / "processed"), "store_processed": False,
            "control_folder": str(folder / "control")}


def _result_options(settings: Settings) -> dict[str, Any]:
    if settings.redis_url and settings.redis_key_prefix:
        return {"global_keyprefix": settings.redis_key_prefix}
    return {}


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """What runs by the calendar, in the programme's time zone.

    The daily scan of due duties, and, at each quarter's turn, the quarterly report of
    every configured region for the quarter just ended. Each entry only queues a task; the
    task itself decides what is due from the records, so a missed or doubled tick is
    harmless.
    """
    scan_every: Any = crontab(minute=0, hour=settings.reminder_scan_hour)
    if settings.reminder_scan_interval:  # development and tests: every so many seconds
        scan_every = settings.reminder_scan_interval
    schedule: dict[str, dict[str, Any]] = {
        "daily-reminder-scan": {"task": "aixin.reminders.scan", "schedule": scan_every},
        "projections-new-day": {
            "task": "aixin.maintenance.refresh_views",
            "schedule": crontab(minute=5, hour=0),
        },
    }
    # reports requested while the broker was down, or whose worker died (their lease ran
    # out), are queued again: swept every half lease, so one is taken over within 1.5 leases
    schedule["reports-requeue"] = {"task": "aixin.reports.requeue",
                                   "schedule": settings.report_lease / 2}
    # imports requested while the broker was down, or whose worker died, are queued again;
    # uploads no longer needed (a dry run's past AIXIN_IMPORT_UPLOAD_TTL) are deleted
    schedule["imports-sweep"] = {"task": "aixin.imports.sweep",
                                 "schedule": min(300.0, settings.import_upload_ttl / 2)}
    if settings.report_regions:
        schedule["quarterly-reports"] = {
            "task": "aixin.reports.quarter_turned",
            "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
        }
    return schedule
