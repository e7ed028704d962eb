"""Reminder tasks (queue ``reminders``): the scan, and the delivery of one reminder.

- ``aixin.reminders.scan(on=None)``: run daily by the schedule and on demand
  (``POST /reminders/scan``); see :mod:`workers.reminders.scan`. Acknowledged late: a scan
  whose worker dies is delivered again and, being idempotent, issues only what is missing.
- ``aixin.reminders.deliver(reminder_id)``: queued by the scan for each new (or stalled)
  reminder; see :mod:`workers.reminders.delivery`. A transient failure is retried with
  exponential backoff decided from the recorded attempts; the wait is capped at
  ``reminder_retry_backoff_max`` (10 minutes by default), far below the Redis visibility
  timeout, so no retry is parked long enough to be handed to a second worker. Nothing else is
  ever scheduled ahead: tomorrow's reminders are found by tomorrow's scan, from the records.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from celery import Task, shared_task

from workers.context import services
from workers.reminders.channels import channels_for
from workers.reminders.delivery import deliver_reminder
from workers.reminders.scan import run_scan


@shared_task(name="aixin.reminders.scan", acks_late=True)
def scan(on: str | None = None) -> dict[str, Any]:
    """Issue the reminders and escalations due on ``on`` (default: today, programme time)."""
    running = services()
    day = date.fromisoformat(on) if on else running.register.today()
    queue = None
    if channels_for(running.settings):
        def queue(reminder_id: UUID) -> None:
            deliver.apply_async((str(reminder_id),), ignore_result=True)
    report = run_scan(running.register, running.views, running.settings, day, deliver=queue)
    return report.as_dict()


@shared_task(name="aixin.reminders.deliver", bind=True, acks_late=True, max_retries=None,
             ignore_result=True)
def deliver(self: Task, reminder_id: str) -> dict[str, Any]:
    """Deliver one reminder on every configured channel; retry transient failures."""
    running = services()
    report = deliver_reminder(running.register, running.settings,
                              channels_for(running.settings), UUID(reminder_id))
    if report.retry_in is not None:
        raise self.retry(countdown=report.retry_in)
    return report.as_dict()
