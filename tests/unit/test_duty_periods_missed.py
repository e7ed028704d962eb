"""An overdue duty names the period that was missed, not the period still running."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.common import SYSTEM
from domain.duties.evaluation import DutyState, evaluate_duty
from domain.duties.rules import DUTY_SETS
from domain.reminders import DueDuty, Reminder, reminder_id_for
from tests.unit.test_reminder import CHILD, MOTHER, PAIRING

TEACHER = next(rule for rule in DUTY_SETS["five_ones"].rules
               if rule.name == "monthly_teacher_contact")
SEPTEMBER = date(2026, 9, 1)


@dataclass(frozen=True)
class Seen:
    kind: str
    occurred_on: date


def teacher_contacts(*days: date) -> list[Seen]:
    return [Seen("teacher_contact", day) for day in days]


def test_a_monthly_duty_missed_in_november_is_overdue_for_november_in_early_december() -> None:
    status = evaluate_duty(TEACHER, teacher_contacts(date(2026, 10, 20)), date(2026, 12, 6),
                           starts_on=SEPTEMBER)

    assert (status.status, status.period.label, status.overdue_since) == (
        DutyState.OVERDUE, "2026-11", date(2026, 12, 1))
    assert status.reason == ("2026年11月未完成，自2026-12-01起逾期："
                             "最近一次符合条件的联系是2026-10-20")


def test_an_overdue_duty_is_still_judged_in_the_month_of_the_evaluation() -> None:
    status = evaluate_duty(TEACHER, teacher_contacts(date(2026, 10, 20)), date(2026, 12, 6),
                           starts_on=SEPTEMBER)

    assert status.judged_in is not None and status.judged_in.label == "2026-12"


def test_several_months_missed_name_the_first_and_the_last_of_them() -> None:
    status = evaluate_duty(TEACHER, [], date(2026, 12, 6), starts_on=SEPTEMBER)

    assert (status.period.label, status.overdue_since) == ("2026-11", date(2026, 10, 1))
    assert status.reason == "2026年9月至2026年11月未完成，自2026-10-01起逾期：尚无符合条件的联系"


def test_a_pairing_formed_in_november_has_missed_nothing_in_early_december() -> None:
    status = evaluate_duty(TEACHER, [], date(2026, 12, 6), starts_on=date(2026, 11, 15))

    assert (status.status, status.period.label, status.overdue_since) == (
        DutyState.DUE, "2026-12", None)


def test_a_reminder_of_a_missed_november_names_november_and_is_issued_in_december() -> None:
    status = evaluate_duty(TEACHER, [], date(2026, 12, 5), starts_on=SEPTEMBER)
    due = DueDuty(pairing_id=PAIRING, child_ids=(CHILD,), volunteer_ids=(MOTHER,),
                  region_code="420881105", school="", volunteer_region_codes=("420881",),
                  status=status, on=date(2026, 12, 5))

    reminder = Reminder.issue(due, today=date(2026, 12, 5), actor=SYSTEM)

    assert reminder.period_label == "2026-11"
    assert reminder.id == reminder_id_for(PAIRING, TEACHER.name, date(2026, 12, 1))
