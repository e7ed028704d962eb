"""Which periods of a duty a pairing owed between two days (应履职期次), and which it met:
what the quarterly report counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.duties import DUTY_SETS, owed_periods

MONTHLY_CONTACT = DUTY_SETS["five_ones"].rules[0]
SEMESTER_TEACHER_VISIT = DUTY_SETS["two_visits"].rules[0]
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q3 = (date(2026, 7, 1), date(2026, 9, 30))


@dataclass(frozen=True)
class Seen:
    kind: str
    occurred_on: date


def labels(owed: tuple) -> list[tuple[str, bool]]:  # type: ignore[type-arg]
    return [(period.period.label, period.met) for period in owed]


def test_a_pairing_active_all_quarter_owes_its_three_months() -> None:
    owed = owed_periods(MONTHLY_CONTACT, [Seen("phone", date(2026, 2, 3))], *Q1,
                        starts_on=date(2025, 9, 1))
    assert labels(owed) == [("2026-01", False), ("2026-02", True), ("2026-03", False)]


def test_the_month_a_pairing_started_in_partway_is_not_owed() -> None:
    owed = owed_periods(MONTHLY_CONTACT, [], *Q1, starts_on=date(2026, 1, 15))
    assert labels(owed) == [("2026-02", False), ("2026-03", False)]


def test_the_month_a_pairing_ended_in_partway_is_not_owed() -> None:
    owed = owed_periods(MONTHLY_CONTACT, [], *Q1, starts_on=date(2025, 9, 1),
                        ends_on=date(2026, 3, 20))
    assert labels(owed) == [("2026-01", False), ("2026-02", False)]


def test_a_contact_of_a_kind_the_rule_does_not_name_meets_nothing() -> None:
    owed = owed_periods(MONTHLY_CONTACT, [Seen("material_aid", date(2026, 1, 5))], *Q1,
                        starts_on=date(2025, 9, 1))
    assert labels(owed)[0] == ("2026-01", False)


def test_a_contact_in_the_summer_holiday_counts_for_the_spring_term_that_ended() -> None:
    owed = owed_periods(SEMESTER_TEACHER_VISIT, [Seen("school_visit", date(2026, 8, 20))], *Q3,
                        starts_on=date(2026, 1, 1))
    assert labels(owed) == [("2026-spring", True)]
    assert owed[0].counted_until == date(2026, 8, 31)


def test_a_holiday_contact_after_the_last_day_read_is_not_counted() -> None:
    owed = owed_periods(SEMESTER_TEACHER_VISIT, [Seen("school_visit", date(2026, 8, 20))],
                        date(2026, 7, 1), date(2026, 8, 10), starts_on=date(2026, 1, 1))
    assert labels(owed) == [("2026-spring", False)]
