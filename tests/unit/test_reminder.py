"""Reminders (履职提醒) and escalations (逾期上报): issued once, delivered and recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.common import SYSTEM
from domain.duties import DutyState, DutyStatus, Period, PeriodKind
from domain.errors import DateInFuture, ReminderRule
from domain.reminders import (
    DeliveryState,
    DueDuty,
    Escalation,
    Reminder,
    days_overdue,
    escalation_id_for,
    needs_escalation,
    needs_reminder,
    reminder_id_for,
)

NOVEMBER = Period(PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30), "2026-11")
PAIRING, CHILD, MOTHER, HELPER = uuid4(), uuid4(), uuid4(), uuid4()
LEASE = timedelta(minutes=15)
NOON = datetime(2026, 6, 15, 4, tzinfo=UTC)


def status(state: DutyState = DutyState.OVERDUE, *, period: Period = NOVEMBER,
           since: date | None = date(2026, 10, 1)) -> DutyStatus:
    return DutyStatus("monthly_contact", "每月至少联系一次孩子", state, period, None,
                      since if state is DutyState.OVERDUE else None,
                      "自2026-10-01起逾期：尚无符合条件的联系")


def due(state: DutyState = DutyState.OVERDUE, *, on: date = date(2026, 11, 23),
        volunteers: tuple[UUID, ...] = (MOTHER,), **kw: object) -> DueDuty:
    return DueDuty(pairing_id=PAIRING, child_ids=(CHILD,), volunteer_ids=volunteers,
                   region_code="420821101", school="石牌镇中心小学",
                   volunteer_region_codes=("420821",) * len(volunteers),
                   status=status(state, **kw), on=on)  # type: ignore[arg-type]


def issued(**kw: object) -> Reminder:
    return Reminder.issue(due(**kw), today=date(2026, 11, 23), actor=SYSTEM)  # type: ignore[arg-type]


# -- which duties need a reminder -----------------------------------------------------------

def test_an_overdue_duty_needs_a_reminder() -> None:
    assert needs_reminder(status(DutyState.OVERDUE), date(2026, 11, 2), due_soon_days=7)


def test_a_due_duty_needs_a_reminder_only_when_its_period_ends_within_the_days_ahead() -> None:
    assert not needs_reminder(status(DutyState.DUE), date(2026, 11, 22), due_soon_days=7)
    assert needs_reminder(status(DutyState.DUE), date(2026, 11, 23), due_soon_days=7)
    assert needs_reminder(status(DutyState.DUE), date(2026, 11, 30), due_soon_days=7)


def test_a_due_duty_whose_term_has_ended_still_needs_a_reminder_in_the_holiday() -> None:
    term = Period(PeriodKind.SEMESTER, date(2026, 2, 1), date(2026, 7, 31), "2026-spring")
    assert needs_reminder(status(DutyState.DUE, period=term), date(2026, 8, 10), due_soon_days=7)


def test_a_met_duty_needs_no_reminder() -> None:
    assert not needs_reminder(status(DutyState.MET), date(2026, 11, 30), due_soon_days=7)


def test_an_overdue_duty_is_escalated_from_the_configured_number_of_days_overdue() -> None:
    overdue = status(DutyState.OVERDUE, since=date(2026, 11, 1))
    assert days_overdue(overdue, date(2026, 11, 14)) == 13
    assert not needs_escalation(overdue, date(2026, 11, 14), escalation_days=14)
    assert needs_escalation(overdue, date(2026, 11, 15), escalation_days=14)
    assert not needs_escalation(status(DutyState.DUE), date(2026, 12, 31), escalation_days=0)


# -- issuing ---------------------------------------------------------------------------------

def test_a_reminders_id_is_its_pairing_duty_and_period_so_a_second_one_collides() -> None:
    first, second = issued(), issued()
    assert first.id == second.id == reminder_id_for(PAIRING, "monthly_contact", date(2026, 11, 1))
    december = Period(PeriodKind.MONTH, date(2026, 12, 1), date(2026, 12, 31), "2026-12")
    later = Reminder.issue(due(period=december, on=date(2026, 12, 2)), today=date(2026, 12, 2),
                           actor=SYSTEM)
    assert later.id != first.id


def test_a_reminder_records_who_which_duty_which_period_and_why() -> None:
    reminder = issued()
    (event,) = reminder.collect_events()
    assert type(event).__name__ == "Issued"
    assert (event.actor, event.pairing_id, event.child_ids, event.volunteer_ids) == (  # type: ignore[attr-defined]
        SYSTEM, PAIRING, (CHILD,), (MOTHER,))
    assert (event.duty, event.duty_status, event.period_label, event.period_start,  # type: ignore[attr-defined]
            event.overdue_since, event.on) == (  # type: ignore[attr-defined]
        "monthly_contact", "overdue", "2026-11", date(2026, 11, 1), date(2026, 10, 1),
        date(2026, 11, 23))
    assert "逾期" in event.reason  # type: ignore[attr-defined]


def test_no_reminder_is_issued_for_a_met_duty() -> None:
    with pytest.raises(ReminderRule):
        issued(state=DutyState.MET)


def test_no_reminder_is_issued_as_of_a_day_still_to_come() -> None:
    with pytest.raises(DateInFuture):
        Reminder.issue(due(on=date(2026, 11, 24)), today=date(2026, 11, 23), actor=SYSTEM)


# -- delivery ------------------------------------------------------------------------------

def test_attempts_to_a_volunteer_on_a_channel_are_numbered() -> None:
    reminder = issued()
    assert reminder.attempt(MOTHER, "email", at=NOON, lease=LEASE, actor=SYSTEM) == 1
    reminder.failed(MOTHER, "email", attempt=1, error="SMTP 451", final=False, at=NOON,
                    actor=SYSTEM)
    assert reminder.attempt(MOTHER, "email", at=NOON, lease=LEASE, actor=SYSTEM) == 2
    assert reminder.attempt(MOTHER, "webhook", at=NOON, lease=LEASE, actor=SYSTEM) == 1


def test_an_attempt_under_way_keeps_other_workers_off_until_its_lease_runs_out() -> None:
    reminder = issued()
    reminder.attempt(MOTHER, "email", at=NOON, lease=LEASE, actor=SYSTEM)
    with pytest.raises(ReminderRule, match="under way"):
        reminder.attempt(MOTHER, "email", at=NOON + LEASE - timedelta(seconds=1), lease=LEASE,
                         actor=SYSTEM)
    assert reminder.attempt(MOTHER, "email", at=NOON + LEASE, lease=LEASE, actor=SYSTEM) == 2


def test_a_delivered_target_takes_no_further_attempt_or_outcome() -> None:
    reminder = issued()
    reminder.attempt(MOTHER, "email", at=NOON, lease=LEASE, actor=SYSTEM)
    reminder.delivered(MOTHER, "email", attempt=1, at=NOON, actor=SYSTEM)
    delivery = reminder.delivery(MOTHER, "email")
    assert delivery is not None and delivery.state is DeliveryState.DELIVERED
    with pytest.raises(ReminderRule, match="already delivered"):
        reminder.attempt(MOTHER, "email", at=NOON, lease=LEASE, actor=SYSTEM)
    with pytest.raises(ReminderRule, match="already delivered"):
        reminder.failed(MOTHER, "email", attempt=1, error="late", final=True, at=NOON,
                        actor=SYSTEM)


def test_a_final_failure_is_recorded_and_ends_the_attempts() -> None:
    reminder = issued()
    reminder.attempt(MOTHER, "webhook", at=NOON, lease=LEASE, actor=SYSTEM)
    reminder.failed(MOTHER, "webhook", attempt=1, error="HTTP 410", final=True, at=NOON,
                    actor=SYSTEM)
    delivery = reminder.delivery(MOTHER, "webhook")
    assert delivery is not None
    assert (delivery.state, delivery.error, delivery.attempts) == (
        DeliveryState.FAILED, "HTTP 410", 1)
    with pytest.raises(ReminderRule, match="already failed"):
        reminder.attempt(MOTHER, "webhook", at=NOON, lease=LEASE, actor=SYSTEM)


def test_an_outcome_needs_an_attempt_made_before_it() -> None:
    reminder = issued()
    with pytest.raises(ReminderRule, match="no attempt 1"):
        reminder.delivered(MOTHER, "email", attempt=1, at=NOON, actor=SYSTEM)


def test_only_the_pairings_volunteers_are_sent_a_reminder() -> None:
    with pytest.raises(ReminderRule, match="not a volunteer of the pairing"):
        issued().attempt(uuid4(), "email", at=NOON, lease=LEASE, actor=SYSTEM)


def test_a_delivery_never_started_or_abandoned_past_its_lease_is_stalled() -> None:
    reminder = issued(volunteers=(MOTHER, HELPER))
    assert reminder.delivery_stalled(NOON, LEASE)
    reminder.attempt(MOTHER, "email", at=NOON, lease=LEASE, actor=SYSTEM)
    assert not reminder.delivery_stalled(NOON + timedelta(minutes=1), LEASE)
    assert reminder.delivery_stalled(NOON + LEASE, LEASE)
    reminder.delivered(MOTHER, "email", attempt=1, at=NOON, actor=SYSTEM)
    assert not reminder.delivery_stalled(NOON + LEASE * 10, LEASE)


# -- escalation ----------------------------------------------------------------------------

def test_an_escalation_is_once_per_overdue_episode_and_goes_to_the_volunteers_level() -> None:
    late = due(since=date(2026, 10, 1), volunteers=(MOTHER, HELPER))
    escalation = Escalation.raise_for(late, threshold_days=14, today=date(2026, 11, 23),
                                      actor=SYSTEM)
    assert escalation.id == escalation_id_for(PAIRING, "monthly_contact", date(2026, 10, 1))
    assert escalation.federation_region_codes == ("420821",)
    assert escalation.days_overdue == 53
    assert escalation.reminder_id == reminder_id_for(PAIRING, "monthly_contact",
                                                     date(2026, 11, 1))


def test_a_duty_overdue_for_fewer_days_than_configured_is_not_escalated() -> None:
    with pytest.raises(ReminderRule, match="not overdue by 14 days"):
        Escalation.raise_for(due(since=date(2026, 11, 20)), threshold_days=14,
                             today=date(2026, 11, 23), actor=SYSTEM)
