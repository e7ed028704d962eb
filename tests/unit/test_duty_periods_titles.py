"""Every period has its words (2026年12月, 2026年秋季学期期中), given in one place."""

from __future__ import annotations

from datetime import date

import pytest

from domain.duties.periods import (
    PeriodKind,
    SchoolCalendar,
    Term,
    period_containing,
    period_title,
)


@pytest.mark.parametrize(("kind", "day", "title"), [
    (PeriodKind.MONTH, date(2026, 12, 6), "2026年12月"),
    (PeriodKind.QUARTER, date(2026, 12, 6), "2026年第4季度"),
    (PeriodKind.HALF_YEAR, date(2026, 3, 6), "2026年上半年"),
    (PeriodKind.HALF_YEAR, date(2026, 12, 6), "2026年下半年"),
    (PeriodKind.YEAR, date(2026, 12, 6), "2026年"),
    (PeriodKind.SEMESTER, date(2026, 12, 6), "2026年秋季学期"),
    (PeriodKind.SEMESTER_THIRD, date(2026, 11, 6), "2026年秋季学期期中"),
    (PeriodKind.SEMESTER_THIRD, date(2027, 3, 1), "2027年春季学期期初"),
])
def test_a_period_is_titled_in_words(kind: PeriodKind, day: date, title: str) -> None:
    assert period_containing(kind, day).title == title


def test_a_stored_label_is_titled_the_same_way() -> None:
    assert period_title("2026-autumn-middle") == "2026年秋季学期期中"


def test_a_term_of_a_programmes_own_calendar_is_named_by_that_calendar() -> None:
    calendar = SchoolCalendar((Term("first", "上学期", (9, 1), (1, 31)),
                               Term("second", "下学期", (2, 1), (7, 31))))

    assert period_containing(PeriodKind.SEMESTER, date(2026, 10, 1), calendar).title == (
        "2026年上学期")
    assert period_title("2026-second-end", calendar) == "2026年下学期期末"
