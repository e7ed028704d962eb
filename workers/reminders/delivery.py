"""Delivering one reminder (送达): to each volunteer of the pairing, on each channel.

For each target (a volunteer on a channel that reaches them) not yet settled:

1. claim it: record ``DeliveryAttempted`` (refused if another worker's attempt is under way);
2. compose the text from the record as it stands (the child's name, the duty, the date);
3. send; record ``Delivered``, or ``DeliveryFailed`` with a description free of personal data,
   ``final`` when the error is permanent or this was the last allowed attempt.

A volunteer whom no configured channel reaches (no e-mail on the form and no webhook) gets a
final ``DeliveryFailed`` on the channel ``none``, so staff see that nobody was told. Retrying
is decided from the recorded attempts, not from the broker's retry counter, so it survives
restarts; the caller schedules the next try after :attr:`DeliveryReport.retry_in` seconds
(exponential backoff, capped far below the broker's visibility timeout).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from aixin.settings import Settings
from domain.application import CareRegister, ReminderView
from domain.common import SYSTEM
from domain.errors import NotFound
from domain.reminders import NO_CHANNEL, compose
from workers.reminders.channels import Channel, DeliveryError, Outgoing

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0  # attempts that failed (final or not)
    busy: int = 0  # targets another worker is delivering right now
    retry_in: float | None = None  # seconds until the next attempt, if one is due

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def backoff(settings: Settings, attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt``: doubling, capped."""
    return float(min(settings.reminder_retry_backoff * 2 ** (attempt - 1),
                     settings.reminder_retry_backoff_max))


def deliver_reminder(register: CareRegister, settings: Settings, channels: list[Channel],
                     reminder_id: UUID) -> DeliveryReport:
    """Deliver the reminder to every target not yet settled; see the module notes."""
    report = DeliveryReport()
    if not channels:
        return report
    lease = timedelta(seconds=settings.reminder_delivery_lease)
    reminder = register.get_reminder(reminder_id)
    retries: list[int] = []
    children: list[str] | None = None
    for volunteer_id in reminder.volunteer_ids:
        form = register.get_volunteer(volunteer_id).form
        reachable = [(channel, channel.address(form)) for channel in channels]
        reachable = [(channel, address) for channel, address in reachable if address]
        if not reachable:
            _unreachable(register, reminder, volunteer_id, channels, lease, report)
            continue
        for channel, address in reachable:
            current = reminder.delivery(volunteer_id, channel.name)
            if current is not None and current.settled:
                continue
            attempt = register.claim_delivery(reminder_id, volunteer_id, channel.name,
                                              lease=lease, actor=SYSTEM)
            if attempt is None:
                report.busy += 1
                continue
            if children is None:
                children = _child_names(register, reminder)
            text = compose(volunteer_name=form.name, child_names=children,
                           duty_title=reminder.duty_title, duty_status=reminder.duty_status,
                           period_label=reminder.period_label, period_end=reminder.period_end,
                           overdue_since=reminder.overdue_since, reason=reminder.reason,
                           today=register.today())
            message = Outgoing(key=f"{reminder_id}/{volunteer_id}", reminder_id=reminder_id,
                               volunteer_id=volunteer_id, to=address, subject=text.subject,
                               text=text.text)
            try:
                channel.send(message)
            except DeliveryError as error:
                final = not error.transient or attempt >= settings.reminder_delivery_attempts
                register.record_delivery_failed(
                    reminder_id, volunteer_id, channel.name, attempt=attempt,
                    error=error.description, final=final, actor=SYSTEM)
                report.failed += 1
                log.warning("reminder %s to volunteer %s by %s: attempt %d failed (%s)%s",
                            reminder_id, volunteer_id, channel.name, attempt, error.description,
                            "; giving up" if final else "; will retry")
                if not final:
                    retries.append(attempt)
            else:
                register.record_delivered(reminder_id, volunteer_id, channel.name,
                                          attempt=attempt, actor=SYSTEM)
                report.delivered += 1
                log.info("reminder %s delivered to volunteer %s by %s (attempt %d)",
                         reminder_id, volunteer_id, channel.name, attempt)
    if retries:
        report.retry_in = backoff(settings, min(retries))
    return report


def _unreachable(register: CareRegister, reminder: ReminderView, volunteer_id: UUID,
                 channels: list[Channel], lease: timedelta, report: DeliveryReport) -> None:
    current = reminder.delivery(volunteer_id, NO_CHANNEL)
    if current is not None and current.settled:
        return
    attempt = register.claim_delivery(reminder.id, volunteer_id, NO_CHANNEL, lease=lease,
                                      actor=SYSTEM)
    if attempt is None:
        report.busy += 1
        return
    names = ", ".join(channel.name for channel in channels)
    register.record_delivery_failed(
        reminder.id, volunteer_id, NO_CHANNEL, attempt=attempt, final=True, actor=SYSTEM,
        error=f"no address on the volunteer's form for any configured channel ({names})")
    report.failed += 1
    log.warning("reminder %s: volunteer %s has no address for any channel", reminder.id,
                volunteer_id)


def _child_names(register: CareRegister, reminder: ReminderView) -> list[str]:
    names = []
    for child_id in reminder.children:
        try:
            names.append(register.get_child(child_id).name)
        except NotFound:  # not expected; the text then says "结对孩子"
            continue
    return names
