"""The reminder scan (每日履职扫描): from the duty-status projection to reminders, once each.

One pass, as of one day, over every active pairing, a page of pairings at a time:

1. catch the duty view up with the log, so contacts recorded a moment ago count;
2. for each duty that is overdue or due soon (:func:`projections.duties.due_or_overdue`),
   issue its reminder: recorded only if it was not issued before (its id is derived from
   pairing, duty and period; see :mod:`domain.reminders.aggregate`);
3. queue its delivery if the reminder is new, or if its delivery never started or stalled
   (so a scan that died between issuing and queuing is made good by the next one);
4. escalate the duty if it has been overdue long enough, once per overdue episode.

Every step is idempotent and nothing is carried from one step to the next but the records:
a scan killed at any point is simply run again (the daily schedule, an on-demand scan, or
the broker re-delivering the unacknowledged task), and it issues only what is missing. Two
scans running at once (two beat processes by mistake) race on the event store's unique key,
and each reminder is recorded by exactly one of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from aixin.settings import Settings
from domain.application import CareRegister
from domain.common import SYSTEM, not_in_future
from domain.reminders import needs_escalation
from projections.duties import DutyView, due_or_overdue
from projections.runner import ViewRunner

log = logging.getLogger(__name__)

#: Pairings evaluated per page (one read of the duty view each).
PAGE = 200


@dataclass
class ScanReport:
    """What one scan found and did (it goes to the log and is the task's result)."""

    on: date
    due: int = 0  # duties overdue or due soon
    issued: int = 0  # reminders recorded by this scan
    already: int = 0  # reminders found issued before
    queued: int = 0  # deliveries queued
    escalated: int = 0  # escalations recorded by this scan

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "on": self.on.isoformat()}


def run_scan(register: CareRegister, views: ViewRunner, settings: Settings, on: date, *,
             deliver: Callable[[UUID], None] | None = None) -> ScanReport:
    """Issue every reminder and escalation due on ``on`` that is not on record yet.

    ``deliver`` queues the delivery of a reminder (None: no channel is configured, so
    reminders are only listed). ``on`` may be in the past, never in the future.
    """
    not_in_future("on", on, register.today())
    views.catch_up(DutyView)
    lease = None if deliver is None else timedelta(seconds=settings.reminder_delivery_lease)
    report = ScanReport(on)
    after: str | None = None
    while True:
        with views.store.recorder(DutyView).read() as tx:
            page = due_or_overdue(tx, on, due_soon_days=settings.reminder_due_soon_days,
                                  after=after, pairings=PAGE)
        for due in page.duties:
            report.due += 1
            outcome = register.issue_reminder(due, actor=SYSTEM, lease=lease)
            if outcome.issued:
                report.issued += 1
            else:
                report.already += 1
            if deliver is not None and outcome.needs_delivery:
                deliver(outcome.id)
                report.queued += 1
            if needs_escalation(due.status, on, settings.reminder_escalation_days):
                raised = register.escalate(due, threshold_days=settings.reminder_escalation_days,
                                           actor=SYSTEM)
                report.escalated += int(raised.issued)
        if page.next is None:
            break
        after = page.next
    log.info("reminder scan on %s: %s", on, report.as_dict())
    return report
