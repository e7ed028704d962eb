"""Which duties need a reminder on a day, and which need escalating (提醒与逾期上报的规则).

Pure rules over the duty evaluation (:mod:`domain.duties.evaluation`):

- *due soon* (即将到期): the duty is ``due`` and its period ends within ``due_soon_days`` days of
  the day (or has ended: a school holiday, when a make-up contact still counts for the term);
- *overdue* (已逾期): the duty is ``overdue``;
- a met duty needs nothing.

An overdue duty is *escalated* (上报) to the volunteers' federation level once it has been
overdue for ``escalation_days`` days: on the day ``overdue_since + escalation_days`` and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.duties.evaluation import DutyState, DutyStatus

ESCALATION_DAYS = 14
"""逾期上报时限: by default a duty overdue this many days is flagged to the volunteers' federation
level (``AIXIN_REMINDER_ESCALATION_DAYS``); the quarterly report counts against the same days."""


def needs_reminder(status: DutyStatus, on: date, due_soon_days: int) -> bool:
    """Whether the duty, as evaluated on ``on``, is overdue or due within ``due_soon_days``."""
    if status.status is DutyState.OVERDUE:
        return True
    return status.status is DutyState.DUE and (status.period.end - on).days <= due_soon_days


def days_overdue(status: DutyStatus, on: date) -> int:
    """Whole days since the duty became overdue (0 on the first overdue day, and if not)."""
    if status.status is not DutyState.OVERDUE or status.overdue_since is None:
        return 0
    return max((on - status.overdue_since).days, 0)


def needs_escalation(status: DutyStatus, on: date, escalation_days: int) -> bool:
    """Whether the duty has been overdue for ``escalation_days`` days or more on ``on``."""
    return status.status is DutyState.OVERDUE and days_overdue(status, on) >= escalation_days


@dataclass(frozen=True)
class DueDuty:
    """One duty of one active pairing owed to one of its children as it stands on ``on``,
    with whom it concerns.

    What the daily scan reads from the duty-status projection and hands to the use cases.
    ``child_ids`` are the pairing's children and ``child_id`` the one the duty is owed to
    (every duty is owed to each child; None: the pairing's, as judged before duties were
    owed to each child). ``volunteer_region_codes`` are the volunteers' own division codes,
    in the order of ``volunteer_ids``: the federation level an escalation goes to.
    """

    pairing_id: UUID
    child_ids: tuple[UUID, ...]
    volunteer_ids: tuple[UUID, ...]
    region_code: str
    school: str
    volunteer_region_codes: tuple[str, ...]
    status: DutyStatus
    on: date
    child_id: UUID | None = None

    @property
    def identity_child(self) -> UUID | None:
        """The child that tells its reminders apart from those of the pairing's other
        children: None for a pairing of one child, whose reminders keep the identity they had
        when duties were judged per pairing (a reminder issued then is not issued again)."""
        return identity_child(self.child_ids, self.child_id)


def identity_child(child_ids: tuple[UUID, ...], child_id: UUID | None) -> UUID | None:
    """The child in a reminder's or escalation's id: none for the only child of a pairing (its
    reminders keep the ids they had when duties were judged per pairing)."""
    return None if child_id is None or tuple(child_ids) == (child_id,) else child_id
