"""Reminders (履职提醒) and escalations (逾期上报) as event-sourced facts.

A :class:`Reminder` tells a pairing's volunteers that one duty needs doing; an
:class:`Escalation` flags a long-overdue duty to the volunteers' federation level. Both are
facts on the record, with who recorded them (the system), so they are on the child's
timeline and an auditor can see that the volunteer was told, and when.

**Issued once, by construction.** A reminder's id is derived from what it is about, (pairing,
child, duty, first day of the period), and an escalation's from (pairing, child, duty, first
day overdue). Every duty is owed to each child of a pairing, so each child has its own
reminders; the child is left out of the id for a pairing of one child, whose reminders keep the
ids they had when duties were judged per pairing (none is issued twice across the change). A
reminder or escalation recorded before then names its pairing's children and, upcast, its child
if the pairing had one (``child_id``; None for several). Issuing one twice creates a second
version-1 event for the same id, which the event store refuses on its unique (id, version) key,
in whatever process, scan, rerun or second beat the attempt comes from. Nothing else (no lock,
no flag in Redis) is needed for "exactly once".

**Once per duty per period.** The period is the one running on the day of the scan
(``DutyStatus.running``); the reminder is about the period its status names
(``DutyStatus.period``, its ``period_label``, ``period_start`` and ``period_end``). A monthly
duty left undone in March gets a *due soon* reminder near the end of March and, on 1 April, an
*overdue* one issued in April about March; later scans in April find April's reminder already
issued; if April too is left undone, May gets its own, about April. Each
overdue episode (the duty overdue since the same day) is escalated once.

**Delivery** is to each volunteer of the pairing on each channel that reaches them (e-mail,
the SMS/mini-program webhook). Each (volunteer, channel) is a *target* whose attempts are
recorded: ``DeliveryAttempted`` claims the target before anything is sent (optimistic
concurrency lets one worker claim it; a claim older than the lease counts as abandoned, its
worker presumed dead), then ``Delivered`` or ``DeliveryFailed`` (``final`` when no further
attempt will be made). A sending that dies between sending and recording may be sent again:
delivery is at least once, with an idempotency key the receiving side can use; issuing is
exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor, not_in_future
from domain.duties.evaluation import DutyState
from domain.errors import InvalidRecord, ReminderRule
from domain.reminders.due import DueDuty, days_overdue, identity_child, needs_escalation

#: The recipient reference of a volunteer no configured channel reaches.
NO_CHANNEL = "none"


def reminder_id_for(pairing_id: UUID, duty: str, period_start: date,
                    child_id: UUID | None = None) -> UUID:
    """The one id a reminder about this duty of this pairing in this period can have, owed to
    ``child_id`` (None for the only child of a pairing: see :attr:`DueDuty.identity_child`)."""
    child = "" if child_id is None else f"/{child_id}"
    return uuid5(NAMESPACE_URL,
                 f"aixin:reminder:{pairing_id}/{duty}/{period_start.isoformat()}{child}")


def escalation_id_for(pairing_id: UUID, duty: str, overdue_since: date,
                      child_id: UUID | None = None) -> UUID:
    """The one id an escalation of this overdue episode (overdue since that day) can have,
    owed to ``child_id`` (None for the only child of a pairing)."""
    child = "" if child_id is None else f"/{child_id}"
    return uuid5(NAMESPACE_URL,
                 f"aixin:escalation:{pairing_id}/{duty}/{overdue_since.isoformat()}{child}")


def about(child_ids: tuple[UUID, ...], child_id: UUID | None) -> tuple[UUID, ...]:
    """The children a reminder or escalation is about: its child, or (recorded before duties
    were owed to each child, on a pairing of several) the pairing's children."""
    return (child_id,) if child_id is not None else tuple(child_ids)


def _child_of(state: dict[str, object]) -> None:
    """Upcast a reminder or escalation recorded when duties were judged per pairing: it names
    its child if its pairing had one, else none (it was about all of them)."""
    children = state.get("child_ids") or ()
    assert isinstance(children, (tuple, list))
    state["child_id"] = children[0] if len(children) == 1 else None


class DeliveryState(StrEnum):
    """Where one target (a volunteer on a channel) stands."""

    SENDING = "sending"  # claimed by a worker, outcome not yet recorded
    RETRYING = "retrying"  # the last attempt failed; another will be made
    DELIVERED = "delivered"  # 已送达
    FAILED = "failed"  # 发送失败: no further attempt


@dataclass(frozen=True)
class Delivery:
    """The record of one target's attempts (derived from the events, never stored as such)."""

    volunteer_id: UUID
    channel: str
    attempts: int
    state: DeliveryState
    at: datetime
    error: str = ""

    @property
    def settled(self) -> bool:
        return self.state in (DeliveryState.DELIVERED, DeliveryState.FAILED)


def _target(volunteer_id: UUID, channel: str) -> str:
    return f"{volunteer_id}/{channel}"


class Reminder(Aggregate):
    """A reminder to a pairing's volunteers that one duty is due soon or overdue."""

    class Issued(Aggregate.Created):
        """A reminder (履职提醒) of one duty a pairing owes one of its children was issued."""

        class_version = 2

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
        actor: Actor
        child_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            _child_of(state)

        @property
        def children(self) -> tuple[UUID, ...]:
            """The children the reminder is about (see :func:`about`)."""
            return about(self.child_ids, self.child_id)

    @event(Issued)
    def __init__(self, *, pairing_id: UUID, child_ids: tuple[UUID, ...],
                 volunteer_ids: tuple[UUID, ...], region_code: str, school: str, duty: str,
                 duty_title: str, duty_status: str, period_label: str, period_start: date,
                 period_end: date, overdue_since: date | None, reason: str, on: date,
                 actor: Actor, child_id: UUID | None) -> None:
        self.pairing_id, self.child_ids, self.volunteer_ids = pairing_id, child_ids, volunteer_ids
        self.child_id = child_id
        self.region_code, self.school = region_code, school
        self.duty, self.duty_title, self.duty_status = duty, duty_title, duty_status
        self.period_label, self.period_start, self.period_end = (
            period_label, period_start, period_end)
        self.overdue_since, self.reason, self.on = overdue_since, reason, on
        self.deliveries: dict[str, Delivery] = {}

    @staticmethod
    def create_id(pairing_id: UUID, duty: str, period_start: date, child_ids: tuple[UUID, ...],
                  child_id: UUID | None, **_: object) -> UUID:
        return reminder_id_for(pairing_id, duty, period_start,
                               identity_child(child_ids, child_id))

    @property
    def children(self) -> tuple[UUID, ...]:
        """The children the reminder is about (see :func:`about`)."""
        return about(self.child_ids, self.child_id)

    @classmethod
    def issue(cls, due: DueDuty, *, today: date, actor: Actor) -> Reminder:
        """A reminder for a duty that is due soon or overdue on ``due.on``."""
        status = due.status
        if status.status is DutyState.MET:
            raise ReminderRule(f"the duty {status.name!r} is met in {status.period.label}; "
                               "there is nothing to remind of")
        not_in_future("on", due.on, today)
        if not due.volunteer_ids:
            raise InvalidRecord("volunteer_ids", "a reminder goes to at least one volunteer")
        # Keyed by the period running on the day (once per period), about the period the
        # status names: an overdue duty's missed period, whose own due-soon reminder was
        # issued while it ran.
        return cls._create(
            cls.Issued, id=reminder_id_for(due.pairing_id, status.name, status.running.start,
                                           due.identity_child),
            pairing_id=due.pairing_id, child_ids=tuple(due.child_ids),
            volunteer_ids=tuple(due.volunteer_ids), region_code=due.region_code,
            school=due.school, duty=status.name, duty_title=status.title,
            duty_status=status.status.value, period_label=status.period.label,
            period_start=status.period.start, period_end=status.period.end,
            overdue_since=status.overdue_since, reason=status.reason, on=due.on,
            actor=actor, child_id=due.child_id)

    # -- delivery -------------------------------------------------------------------------

    def delivery(self, volunteer_id: UUID, channel: str) -> Delivery | None:
        return self.deliveries.get(_target(volunteer_id, channel))

    @property
    def delivery_started(self) -> bool:
        return bool(self.deliveries)

    def delivery_stalled(self, now: datetime, lease: timedelta) -> bool:
        """Whether a delivery should be (re)started: never started, or an unsettled target
        whose last attempt or failure is older than ``lease`` (its worker presumably died and
        its retry was lost)."""
        if not self.deliveries:
            return True
        return any(not d.settled and now - d.at >= lease for d in self.deliveries.values())

    def attempt(self, volunteer_id: UUID, channel: str, *, at: datetime, lease: timedelta,
                actor: Actor) -> int:
        """Claim the target for one attempt; returns the attempt's number (1, 2, ...).

        Refused if the target is settled, or if another attempt is under way and younger
        than ``lease``.
        """
        self._check_recipient(volunteer_id)
        current = self.delivery(volunteer_id, channel)
        if current is not None:
            if current.settled:
                raise ReminderRule(f"the reminder was already {current.state.value} to "
                                   f"volunteer {volunteer_id} by {channel}")
            if current.state is DeliveryState.SENDING and at - current.at < lease:
                raise ReminderRule(f"attempt {current.attempts} to volunteer {volunteer_id} by "
                                   f"{channel} is under way since {current.at.isoformat()}")
        attempt = 1 if current is None else current.attempts + 1
        self._delivery_attempted(volunteer_id=volunteer_id, channel=channel, attempt=attempt,
                                 at=at, actor=actor)
        return attempt

    class DeliveryAttempted(Aggregate.Event):
        """A worker claimed one target (a volunteer on a channel) for an attempt."""

        volunteer_id: UUID
        channel: str
        attempt: int
        at: datetime
        actor: Actor

    @event(DeliveryAttempted)
    def _delivery_attempted(self, volunteer_id: UUID, channel: str, attempt: int,
                            at: datetime, actor: Actor) -> None:
        self.deliveries[_target(volunteer_id, channel)] = Delivery(
            volunteer_id, channel, attempt, DeliveryState.SENDING, at)

    def delivered(self, volunteer_id: UUID, channel: str, *, attempt: int, at: datetime,
                  actor: Actor) -> None:
        """The attempt reached the volunteer (已送达)."""
        self._check_outcome(volunteer_id, channel, attempt)
        self._delivered(volunteer_id=volunteer_id, channel=channel, attempt=attempt, at=at,
                        actor=actor)

    class Delivered(Aggregate.Event):
        """The attempt reached the volunteer (已送达)."""

        volunteer_id: UUID
        channel: str
        attempt: int
        at: datetime
        actor: Actor

    @event(Delivered)
    def _delivered(self, volunteer_id: UUID, channel: str, attempt: int, at: datetime,
                   actor: Actor) -> None:
        key = _target(volunteer_id, channel)
        self.deliveries[key] = replace(self.deliveries[key], state=DeliveryState.DELIVERED,
                                       at=at, error="")

    def failed(self, volunteer_id: UUID, channel: str, *, attempt: int, error: str,
               final: bool, at: datetime, actor: Actor) -> None:
        """The attempt failed; ``final`` if no further attempt will be made (发送失败).

        ``error`` says what went wrong without personal data (no address, no name).
        """
        self._check_outcome(volunteer_id, channel, attempt)
        self._delivery_failed(volunteer_id=volunteer_id, channel=channel, attempt=attempt,
                              error=error.strip()[:500] or "unknown error", final=final, at=at,
                              actor=actor)

    class DeliveryFailed(Aggregate.Event):
        """The attempt failed; ``final`` if no further attempt will be made (发送失败)."""

        volunteer_id: UUID
        channel: str
        attempt: int
        error: str
        final: bool
        at: datetime
        actor: Actor

    @event(DeliveryFailed)
    def _delivery_failed(self, volunteer_id: UUID, channel: str, attempt: int, error: str,
                         final: bool, at: datetime, actor: Actor) -> None:
        key = _target(volunteer_id, channel)
        state = DeliveryState.FAILED if final else DeliveryState.RETRYING
        self.deliveries[key] = replace(self.deliveries[key], state=state, at=at, error=error)

    def _check_recipient(self, volunteer_id: UUID) -> None:
        if volunteer_id not in self.volunteer_ids:
            raise ReminderRule(f"volunteer {volunteer_id} is not a volunteer of the pairing "
                               "this reminder is for")

    def _check_outcome(self, volunteer_id: UUID, channel: str, attempt: int) -> None:
        current = self.delivery(volunteer_id, channel)
        if current is None or not 1 <= attempt <= current.attempts:
            raise ReminderRule(f"no attempt {attempt} to volunteer {volunteer_id} by {channel} "
                               "was made")
        if current.settled:
            raise ReminderRule(f"the reminder was already {current.state.value} to "
                               f"volunteer {volunteer_id} by {channel}")


class Escalation(Aggregate):
    """A duty overdue for too long, flagged to the volunteers' federation level (逾期上报)."""

    class Raised(Aggregate.Created):
        """A long-overdue duty owed to one child of a pairing was flagged to the volunteers'
        federation (逾期上报)."""

        class_version = 2

        pairing_id: UUID
        child_ids: tuple[UUID, ...]
        volunteer_ids: tuple[UUID, ...]
        region_code: str
        school: str
        federation_region_codes: tuple[str, ...]
        duty: str
        duty_title: str
        overdue_since: date
        days_overdue: int
        threshold_days: int
        reminder_id: UUID
        on: date
        actor: Actor
        child_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            _child_of(state)

        @property
        def children(self) -> tuple[UUID, ...]:
            """The children the escalation is about (see :func:`about`)."""
            return about(self.child_ids, self.child_id)

    @event(Raised)
    def __init__(self, *, pairing_id: UUID, child_ids: tuple[UUID, ...],
                 volunteer_ids: tuple[UUID, ...], region_code: str, school: str,
                 federation_region_codes: tuple[str, ...], duty: str, duty_title: str,
                 overdue_since: date, days_overdue: int, threshold_days: int,
                 reminder_id: UUID, on: date, actor: Actor, child_id: UUID | None) -> None:
        self.pairing_id, self.child_ids, self.volunteer_ids = pairing_id, child_ids, volunteer_ids
        self.child_id = child_id
        self.region_code, self.school = region_code, school
        self.federation_region_codes = federation_region_codes
        self.duty, self.duty_title, self.overdue_since = duty, duty_title, overdue_since
        self.days_overdue, self.threshold_days = days_overdue, threshold_days
        self.reminder_id, self.on = reminder_id, on

    @staticmethod
    def create_id(pairing_id: UUID, duty: str, overdue_since: date, child_ids: tuple[UUID, ...],
                  child_id: UUID | None, **_: object) -> UUID:
        return escalation_id_for(pairing_id, duty, overdue_since,
                                 identity_child(child_ids, child_id))

    @classmethod
    def raise_for(cls, due: DueDuty, *, threshold_days: int, today: date,
                  actor: Actor) -> Escalation:
        """Flag ``due`` if it has been overdue ``threshold_days`` days or more."""
        status = due.status
        not_in_future("on", due.on, today)
        if status.overdue_since is None or not needs_escalation(status, due.on, threshold_days):
            raise ReminderRule(f"the duty {status.name!r} is not overdue by {threshold_days} "
                               f"days on {due.on}; nothing to escalate")
        regions = tuple(dict.fromkeys(r for r in due.volunteer_region_codes if r)) or (
            due.region_code,)
        return cls(pairing_id=due.pairing_id, child_ids=tuple(due.child_ids),
                   volunteer_ids=tuple(due.volunteer_ids), region_code=due.region_code,
                   school=due.school, federation_region_codes=regions, duty=status.name,
                   duty_title=status.title, overdue_since=status.overdue_since,
                   days_overdue=days_overdue(status, due.on), threshold_days=threshold_days,
                   reminder_id=reminder_id_for(due.pairing_id, status.name,
                                               status.running.start, due.identity_child),
                   on=due.on, actor=actor, child_id=due.child_id)
