"""Duty periods (考核周期): where each kind of period starts and ends, and what comes before."""

from __future__ import annotations

from datetime import date

import pytest

from domain.duties.periods import (
    Period,
    PeriodKind,
    next_period,
    period_containing,
    previous_period,
)

MONTH, QUARTER, HALF = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR
YEAR, TERM, THIRD = PeriodKind.YEAR, PeriodKind.SEMESTER, PeriodKind.SEMESTER_THIRD


def span(kind: PeriodKind, day: date) -> tuple[str, date, date]:
    period = period_containing(kind, day)
    return period.label, period.start, period.end


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 31), ("2026-01", date(2026, 1, 1), date(2026, 1, 31))),
    (date(2026, 2, 1), ("2026-02", date(2026, 2, 1), date(2026, 2, 28))),
    (date(2026, 2, 28), ("2026-02", date(2026, 2, 1), date(2026, 2, 28))),
    (date(2026, 3, 1), ("2026-03", date(2026, 3, 1), date(2026, 3, 31))),
    (date(2028, 2, 29), ("2028-02", date(2028, 2, 1), date(2028, 2, 29))),
    (date(2026, 12, 31), ("2026-12", date(2026, 12, 1), date(2026, 12, 31))),
])
def test_a_month_runs_from_its_first_to_its_last_day(day: date, expected: tuple) -> None:
    assert span(MONTH, day) == expected


def test_february_has_29_days_in_a_leap_year_and_28_otherwise() -> None:
    leap = period_containing(MONTH, date(2028, 2, 10))
    common = period_containing(MONTH, date(2027, 2, 10))

    assert (leap.end, common.end) == (date(2028, 2, 29), date(2027, 2, 28))


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 1), ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 3, 31), ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 4, 1), ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30))),
    (date(2026, 6, 30), ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30))),
    (date(2026, 9, 30), ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))),
    (date(2026, 10, 1), ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))),
    (date(2026, 12, 31), ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))),
])
def test_quarters_end_on_31_march_30_june_30_september_and_31_december(
    day: date, expected: tuple
) -> None:
    assert span(QUARTER, day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 6, 30), ("2026-H1", date(2026, 1, 1), date(2026, 6, 30))),
    (date(2026, 7, 1), ("2026-H2", date(2026, 7, 1), date(2026, 12, 31))),
    (date(2026, 12, 31), ("2026-H2", date(2026, 7, 1), date(2026, 12, 31))),
])
def test_half_years_end_on_30_june_and_31_december(day: date, expected: tuple) -> None:
    assert span(HALF, day) == expected


@pytest.mark.parametrize(("day", "label"), [
    (date(2026, 12, 31), "2026"), (date(2027, 1, 1), "2027"),
])
def test_the_year_ends_on_31_december(day: date, label: str) -> None:
    assert span(YEAR, day) == (label, date(day.year, 1, 1), date(day.year, 12, 31))


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 9, 1), ("2025-autumn", date(2025, 9, 1), date(2026, 1, 31))),
    (date(2026, 1, 31), ("2025-autumn", date(2025, 9, 1), date(2026, 1, 31))),
    (date(2026, 2, 1), ("2026-spring", date(2026, 2, 1), date(2026, 7, 31))),
    (date(2026, 7, 31), ("2026-spring", date(2026, 2, 1), date(2026, 7, 31))),
    (date(2026, 9, 1), ("2026-autumn", date(2026, 9, 1), date(2027, 1, 31))),
])
def test_the_autumn_term_crosses_the_new_year_and_spring_starts_on_1_february(
    day: date, expected: tuple
) -> None:
    assert span(TERM, day) == expected


@pytest.mark.parametrize("day", [date(2026, 8, 1), date(2026, 8, 31)])
def test_the_summer_holiday_belongs_to_the_spring_term_that_just_ended(day: date) -> None:
    assert span(TERM, day) == ("2026-spring", date(2026, 2, 1), date(2026, 7, 31))


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 9, 1), ("2025-autumn-start", date(2025, 9, 1), date(2025, 10, 21))),
    (date(2025, 10, 22), ("2025-autumn-middle", date(2025, 10, 22), date(2025, 12, 11))),
    (date(2026, 1, 31), ("2025-autumn-end", date(2025, 12, 12), date(2026, 1, 31))),
    (date(2026, 2, 1), ("2026-spring-start", date(2026, 2, 1), date(2026, 4, 1))),
    (date(2026, 7, 31), ("2026-spring-end", date(2026, 6, 1), date(2026, 7, 31))),
    (date(2026, 8, 20), ("2026-spring-end", date(2026, 6, 1), date(2026, 7, 31))),
])
def test_each_term_is_split_into_a_start_a_middle_and_an_end(day: date, expected: tuple) -> None:
    assert span(THIRD, day) == expected


def test_the_thirds_of_a_leap_year_spring_term_follow_its_extra_day() -> None:
    assert span(THIRD, date(2028, 2, 29)) == (
        "2028-spring-start", date(2028, 2, 1), date(2028, 3, 31))


@pytest.mark.parametrize(("kind", "day", "label", "end"), [
    (MONTH, date(2026, 3, 15), "2026-02", date(2026, 2, 28)),
    (MONTH, date(2028, 3, 15), "2028-02", date(2028, 2, 29)),
    (QUARTER, date(2026, 2, 1), "2025-Q4", date(2025, 12, 31)),
    (HALF, date(2026, 3, 1), "2025-H2", date(2025, 12, 31)),
    (YEAR, date(2026, 1, 1), "2025", date(2025, 12, 31)),
    (TERM, date(2026, 3, 1), "2025-autumn", date(2026, 1, 31)),
    (TERM, date(2026, 9, 1), "2026-spring", date(2026, 7, 31)),
    (THIRD, date(2026, 2, 1), "2025-autumn-end", date(2026, 1, 31)),
])
def test_the_previous_period_ends_just_before_or_at_the_holiday_before(
    kind: PeriodKind, day: date, label: str, end: date
) -> None:
    previous = previous_period(period_containing(kind, day))

    assert (previous.label, previous.end) == (label, end)


def test_the_term_after_spring_is_autumn_across_the_summer_holiday() -> None:
    spring = period_containing(TERM, date(2026, 5, 1))

    assert next_period(spring) == Period(TERM, date(2026, 9, 1), date(2027, 1, 31), "2026-autumn")


def test_the_third_after_the_end_of_spring_is_the_start_of_autumn() -> None:
    spring_end = period_containing(THIRD, date(2026, 7, 1))

    assert next_period(spring_end).label == "2026-autumn-start"
