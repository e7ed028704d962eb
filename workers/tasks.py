"""Upkeep tasks (queue ``maintenance``)."""

from __future__ import annotations

from celery import shared_task

from workers.context import services


@shared_task(name="aixin.maintenance.log_position")
def log_position() -> int:
    """The event log's head as this worker sees it (a liveness check that touches the store)."""
    return services().register.recorder.max_notification_id() or 0


@shared_task(name="aixin.maintenance.refresh_views", acks_late=True)
def refresh_views() -> dict[str, int]:
    """Bring the read side up to the log and re-evaluate date-dependent views for today
    (duty status moves from due to overdue as days pass without any new event)."""
    running = services()
    running.views.reshape()
    applied = running.views.catch_up_all()
    running.views.refresh(running.register.today())
    return {"applied": applied}
