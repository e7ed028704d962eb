"""Where a duty stands on a date (履职情况): met, due or overdue, and the reason in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from domain.duties.evaluation import DutyState, evaluate_duties, evaluate_duty
from domain.duties.periods import PeriodKind
from domain.duties.rules import DUTY_SETS, DutyRule

FIVE_ONES = DUTY_SETS["five_ones"]
MONTHLY_CONTACT = FIVE_ONES.rules[0]
SEPTEMBER = date(2025, 9, 1)
TWICE_MONTHLY_CALL = DutyRule("twice_monthly_call", "每月两次电话", frozenset({"phone"}),
                              PeriodKind.MONTH, times=2)


@dataclass(frozen=True)
class Seen:
    kind: str
    occurred_on: date


def phone(*days: date) -> list[Seen]:
    return [Seen("phone", day) for day in days]


def test_a_monthly_duty_last_met_in_january_is_overdue_since_1_march() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 1, 12)), date(2026, 3, 10),
                           starts_on=SEPTEMBER)

    assert (status.status, status.overdue_since, status.last_qualifying_contact) == (
        DutyState.OVERDUE, date(2026, 3, 1), date(2026, 1, 12))
    assert status.reason == ("2026年2月未完成，自2026-03-01起逾期："
                             "最近一次符合条件的联系是2026-01-12")


def test_it_is_still_overdue_since_1_march_on_10_april() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 1, 12)), date(2026, 4, 10),
                           starts_on=SEPTEMBER)

    assert status.reason == ("2026年2月至2026年3月未完成，自2026-03-01起逾期："
                             "最近一次符合条件的联系是2026-01-12")


def test_a_contact_this_month_meets_a_monthly_duty() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 3, 5)), date(2026, 3, 10),
                           starts_on=SEPTEMBER)

    assert (status.status, status.period.label, status.overdue_since) == (
        DutyState.MET, "2026-03", None)
    assert status.reason == "本期（2026年3月）已完成：2026-03-05 电话"


def test_a_contact_this_month_clears_an_earlier_miss() -> None:
    contacts = phone(date(2026, 1, 12), date(2026, 3, 5))

    status = evaluate_duty(MONTHLY_CONTACT, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert status.status is DutyState.MET


def test_a_duty_met_last_month_is_due_this_month_until_its_last_day() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 2, 10)), date(2026, 3, 10),
                           starts_on=SEPTEMBER)

    assert (status.status, status.overdue_since) == (DutyState.DUE, None)
    assert status.reason == (
        "本期（2026年3月）尚未完成，截止2026-03-31；最近一次符合条件的联系是2026-02-10")


def test_a_contact_on_the_day_of_evaluation_counts() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 3, 31)), date(2026, 3, 31),
                           starts_on=SEPTEMBER)

    assert status.status is DutyState.MET


def test_a_contact_after_the_day_of_evaluation_does_not_count_yet() -> None:
    contacts = phone(date(2026, 2, 10), date(2026, 3, 20))

    status = evaluate_duty(MONTHLY_CONTACT, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert (status.status, status.last_qualifying_contact) == (DutyState.DUE, date(2026, 2, 10))


def test_a_contact_of_a_kind_outside_the_rule_does_not_count() -> None:
    contacts = [*phone(date(2026, 2, 10)), Seen("material_aid", date(2026, 3, 5))]

    status = evaluate_duty(MONTHLY_CONTACT, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert (status.status, status.last_qualifying_contact) == (DutyState.DUE, date(2026, 2, 10))


def test_a_duty_never_met_is_overdue_from_the_end_of_the_first_full_period() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, [], date(2026, 3, 10), starts_on=date(2025, 12, 1))

    assert (status.status, status.overdue_since) == (DutyState.OVERDUE, date(2026, 1, 1))
    assert status.reason == "2025年12月至2026年2月未完成，自2026-01-01起逾期：尚无符合条件的联系"


def test_overdue_counts_from_the_first_miss_after_the_last_met_period() -> None:
    contacts = phone(date(2025, 10, 3), date(2025, 12, 24))

    status = evaluate_duty(MONTHLY_CONTACT, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert (status.overdue_since, status.last_qualifying_contact) == (
        date(2026, 2, 1), date(2025, 12, 24))


def test_the_partial_first_period_is_never_overdue() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, [], date(2026, 4, 5), starts_on=date(2026, 3, 10))

    assert (status.status, status.period.label) == (DutyState.DUE, "2026-04")


def test_the_first_full_period_missed_makes_the_duty_overdue() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, [], date(2026, 5, 2), starts_on=date(2026, 3, 10))

    assert (status.status, status.overdue_since) == (DutyState.OVERDUE, date(2026, 5, 1))


def test_a_pairing_starting_on_the_first_of_the_month_owes_that_month() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, [], date(2026, 4, 1), starts_on=date(2026, 3, 1))

    assert (status.status, status.overdue_since) == (DutyState.OVERDUE, date(2026, 4, 1))


def test_a_contact_before_the_pairing_started_does_not_count() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 3, 5)), date(2026, 3, 20),
                           starts_on=date(2026, 3, 10))

    assert (status.status, status.last_qualifying_contact) == (DutyState.DUE, None)


def test_a_duty_needing_two_contacts_is_due_after_one() -> None:

    status = evaluate_duty(TWICE_MONTHLY_CALL, phone(date(2026, 3, 5)), date(2026, 3, 10),
                           starts_on=date(2026, 3, 1))

    assert status.status is DutyState.DUE
    assert status.reason.startswith("本期（2026年3月）尚未完成（已1次，需2次），截止2026-03-31")


def test_a_duty_needing_two_contacts_is_met_after_two() -> None:
    contacts = phone(date(2026, 3, 5), date(2026, 3, 9))

    status = evaluate_duty(TWICE_MONTHLY_CALL, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert status.status is DutyState.MET
    assert status.reason == "本期（2026年3月）已完成2次：2026-03-05 电话、2026-03-09 电话"


def test_a_month_with_one_of_two_contacts_counts_as_missed() -> None:
    contacts = phone(date(2026, 1, 5), date(2026, 1, 9), date(2026, 2, 3))

    status = evaluate_duty(TWICE_MONTHLY_CALL, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert (status.status, status.overdue_since) == (DutyState.OVERDUE, date(2026, 3, 1))


def test_an_ended_pairing_is_judged_on_the_day_it_ended() -> None:
    contacts = phone(date(2026, 3, 5), date(2026, 5, 5))

    status = evaluate_duty(MONTHLY_CONTACT, contacts, date(2026, 6, 1), starts_on=SEPTEMBER,
                           ends_on=date(2026, 3, 15))

    assert (status.status, status.period.label, status.last_qualifying_contact) == (
        DutyState.MET, "2026-03", date(2026, 3, 5))
    assert status.reason.endswith("（结对已于2026-03-15结束，按该日评估）")


def test_the_partial_last_period_of_an_ended_pairing_is_not_owed() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, phone(date(2026, 2, 5)), date(2026, 6, 1),
                           starts_on=SEPTEMBER, ends_on=date(2026, 3, 15))

    assert status.status is DutyState.DUE


def test_a_date_before_the_pairing_started_is_refused() -> None:
    with pytest.raises(ValueError, match="pairing starts on 2026-03-10"):
        evaluate_duty(MONTHLY_CONTACT, [], date(2026, 3, 9), starts_on=date(2026, 3, 10))


def test_a_pairing_of_ten_years_with_no_contact_is_overdue_since_its_first_full_month() -> None:
    status = evaluate_duty(MONTHLY_CONTACT, [], date(2026, 3, 10), starts_on=date(2016, 3, 10))

    assert status.overdue_since == date(2016, 5, 1)


def test_all_duties_are_evaluated_in_order_from_one_pass_over_the_contacts() -> None:
    contacts = iter(phone(date(2026, 3, 5)))

    statuses = evaluate_duties(FIVE_ONES.rules, contacts, date(2026, 3, 10), starts_on=SEPTEMBER)

    assert [(s.name, s.status) for s in statuses][:2] == [
        ("monthly_contact", DutyState.MET), ("monthly_parent_call", DutyState.OVERDUE)]
    assert len(statuses) == len(FIVE_ONES.rules)
