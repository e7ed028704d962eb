"""Use cases for reminders (履职提醒) and escalations (逾期上报), run by the background workers.

Every command here is safe to repeat, from any number of processes at once:

- :meth:`RemindersService.issue_reminder` and :meth:`RemindersService.escalate` create an
  aggregate whose id is derived from what it is about; a second attempt, even one racing the
  first, is refused by the event store's unique key and reports "already issued", recording
  nothing (see :mod:`domain.reminders.aggregate`).
- :meth:`RemindersService.claim_delivery` records an attempt only if no other worker holds a
  live claim on that target; the outcome commands record nothing for a settled target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.application.base import AixinApplication
from domain.common import Actor
from domain.errors import ReminderRule, StaleVersion
from domain.reminders import (
    Delivery,
    DueDuty,
    Escalation,
    Reminder,
    about,
    escalation_id_for,
    reminder_id_for,
)


@dataclass(frozen=True)
class Issued:
    """The outcome of issuing: the id, whether this call recorded it, and whether its delivery
    should be started (new, or never started, or stalled past the lease)."""

    id: UUID
    issued: bool
    needs_delivery: bool


@dataclass(frozen=True)
class ReminderView:
    id: UUID
    version: int
    pairing_id: UUID
    child_ids: tuple[UUID, ...]
    volunteer_ids: tuple[UUID, ...]
    region_code: str
    school: str
    duty: str
    duty_title: str
    duty_status: str
    period_label: str
    period_start: date
    period_end: date
    overdue_since: date | None
    reason: str
    on: date
    issued_at: datetime
    deliveries: tuple[Delivery, ...]
    #: The child the reminder is about (None: recorded per pairing, for all its children).
    child_id: UUID | None = None

    @classmethod
    def of(cls, reminder: Reminder) -> ReminderView:
        return cls(
            id=reminder.id, version=reminder.version, pairing_id=reminder.pairing_id,
            child_ids=reminder.child_ids, volunteer_ids=reminder.volunteer_ids,
            region_code=reminder.region_code, school=reminder.school, duty=reminder.duty,
            duty_title=reminder.duty_title, duty_status=reminder.duty_status,
            period_label=reminder.period_label, period_start=reminder.period_start,
            period_end=reminder.period_end, overdue_since=reminder.overdue_since,
            reason=reminder.reason, on=reminder.on, issued_at=reminder.created_on,
            deliveries=tuple(reminder.deliveries.values()), child_id=reminder.child_id)

    @property
    def children(self) -> tuple[UUID, ...]:
        """The children the reminder is about: its child, or the pairing's (see
        :func:`domain.reminders.about`)."""
        return about(self.child_ids, self.child_id)

    def delivery(self, volunteer_id: UUID, channel: str) -> Delivery | None:
        return next((d for d in self.deliveries
                     if d.volunteer_id == volunteer_id and d.channel == channel), None)


class RemindersService(AixinApplication):
    """Issue reminders and escalations once; record each delivery attempt and its outcome."""

    def now(self) -> datetime:
        """The instant used for delivery leases (UTC)."""
        return datetime.now(UTC)

    def issue_reminder(self, due: DueDuty, *, actor: Actor,
                       lease: timedelta | None = None) -> Issued:
        """Issue the reminder for ``due`` unless it was issued already (then record nothing).

        With a ``lease`` (deliveries are made), an existing reminder is read to tell whether its
        delivery never started or stalled; without one it is not read at all.

        A reminder of the duty in this period recorded for the whole pairing, before duties
        were owed to each child (:meth:`_issued_as`), was a reminder to each of its
        children: none is issued again.
        """
        status = due.status
        reminder_id = reminder_id_for(due.pairing_id, status.name, status.running.start,
                                      due.identity_child)
        reminder_id, recorded = self._issued_as(reminder_id, None if due.identity_child is None
                                                else reminder_id_for(due.pairing_id, status.name,
                                                                     status.running.start))
        if not recorded:
            reminder = Reminder.issue(due, today=self.today(), actor=actor)
            if self._created(reminder):
                return Issued(reminder_id, issued=True, needs_delivery=True)
        if lease is None:
            return Issued(reminder_id, issued=False, needs_delivery=False)
        existing = self._get(Reminder, reminder_id)
        return Issued(reminder_id, issued=False,
                      needs_delivery=existing.delivery_stalled(self.now(), lease))

    def escalate(self, due: DueDuty, *, threshold_days: int, actor: Actor) -> Issued:
        """Flag ``due`` to the federation once per overdue episode; ``issued`` if this call did.

        ``due`` must have been overdue ``threshold_days`` days or more (else ReminderRule).
        """
        status = due.status
        if status.overdue_since is None:
            raise ReminderRule(f"the duty {status.name!r} is not overdue")
        escalation_id = escalation_id_for(due.pairing_id, status.name, status.overdue_since,
                                          due.identity_child)
        escalation_id, recorded = self._issued_as(
            escalation_id, None if due.identity_child is None else escalation_id_for(
                due.pairing_id, status.name, status.overdue_since))
        if recorded:
            return Issued(escalation_id, issued=False, needs_delivery=False)
        escalation = Escalation.raise_for(due, threshold_days=threshold_days,
                                          today=self.today(), actor=actor)
        return Issued(escalation_id, issued=self._created(escalation), needs_delivery=False)

    def get_reminder(self, reminder_id: UUID) -> ReminderView:
        return ReminderView.of(self._get(Reminder, reminder_id))

    def claim_delivery(self, reminder_id: UUID, volunteer_id: UUID, channel: str, *,
                       lease: timedelta, actor: Actor) -> int | None:
        """Record an attempt to deliver to the target and return its number, or None if the
        target is settled or another worker's attempt is under way (younger than ``lease``)."""
        try:
            _, attempt = self._change_racing(
                Reminder, reminder_id, lambda reminder: reminder.attempt(
                    volunteer_id, channel, at=self.now(), lease=lease, actor=actor),
                refused=ReminderRule)
        except StaleVersion:
            return None  # others keep claiming it: one of them has it
        return attempt

    def record_delivered(self, reminder_id: UUID, volunteer_id: UUID, channel: str, *,
                         attempt: int, actor: Actor) -> bool:
        """Record that the attempt reached the volunteer; False if the target was settled."""
        return self._outcome(reminder_id, lambda r: r.delivered(
            volunteer_id, channel, attempt=attempt, at=self.now(), actor=actor))

    def record_delivery_failed(self, reminder_id: UUID, volunteer_id: UUID, channel: str, *,
                               attempt: int, error: str, final: bool, actor: Actor) -> bool:
        """Record a failed attempt (``final``: no more will be made); False if settled."""
        return self._outcome(reminder_id, lambda r: r.failed(
            volunteer_id, channel, attempt=attempt, error=error, final=final, at=self.now(),
            actor=actor))

    # -- helpers --------------------------------------------------------------------------

    def _outcome(self, reminder_id: UUID, command: Callable[[Reminder], None]) -> bool:
        recorded, _ = self._change_racing(Reminder, reminder_id, command, refused=ReminderRule)
        return recorded

    def _issued_as(self, own: UUID, per_pairing: UUID | None) -> tuple[UUID, bool]:
        """The id a reminder or escalation is (or would be) recorded under, and whether it is:
        ``own`` (the child's), or else ``per_pairing`` if one was recorded under it, the id a
        pairing of several children had before duties were owed to each child (it concerned
        them all). Each id is looked up once."""
        if self._recorded(own):
            return own, True
        if per_pairing is not None and self._recorded(per_pairing):
            return per_pairing, True
        return own, False

    def _recorded(self, aggregate_id: UUID) -> bool:
        """Whether the aggregate's first event is recorded (one primary-key read)."""
        return bool(self.recorder.select_events(aggregate_id, limit=1))


    def _created(self, aggregate: Aggregate) -> bool:
        """Record a new aggregate; False if one with its id exists (the store refused it)."""
        try:
            self.save(aggregate)
        except IntegrityError:
            return False
        return True
