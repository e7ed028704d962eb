"""School calendars (校历): a programme may use terms of its own."""

from __future__ import annotations

from datetime import date

import pytest

from domain.duties.periods import PeriodKind, SchoolCalendar, Term, period_containing

TRIMESTERS = SchoolCalendar(terms=(
    Term(name="autumn", title="秋季学期", starts=(9, 1), ends=(12, 20)),
    Term(name="winter", title="冬季学期", starts=(1, 5), ends=(3, 31)),
    Term(name="summer", title="夏季学期", starts=(4, 10), ends=(6, 30)),
))


def test_the_default_calendar_has_an_autumn_and_a_spring_term() -> None:
    calendar = SchoolCalendar()

    assert [(t.name, t.title, t.starts, t.ends) for t in calendar.terms] == [
        ("autumn", "秋季学期", (9, 1), (1, 31)),
        ("spring", "春季学期", (2, 1), (7, 31)),
    ]


def test_a_programme_can_use_terms_of_its_own() -> None:
    period = period_containing(PeriodKind.SEMESTER, date(2026, 2, 14), TRIMESTERS)

    assert (period.label, period.start, period.end) == (
        "2026-winter", date(2026, 1, 5), date(2026, 3, 31))


def test_a_break_between_terms_belongs_to_the_term_before_it() -> None:
    period = period_containing(PeriodKind.SEMESTER, date(2027, 1, 2), TRIMESTERS)

    assert (period.label, period.end) == ("2026-autumn", date(2026, 12, 20))


def test_the_term_of_a_given_day_is_known_with_its_dates() -> None:
    term, start, end = TRIMESTERS.term_of(date(2026, 5, 1))

    assert (term.name, start, end) == ("summer", date(2026, 4, 10), date(2026, 6, 30))


def test_a_term_ending_on_29_february_ends_on_the_28th_in_a_common_year() -> None:
    calendar = SchoolCalendar(terms=(
        Term(name="first", title="上学期", starts=(9, 1), ends=(2, 29)),
        Term(name="second", title="下学期", starts=(3, 1), ends=(7, 15)),
    ))

    ends = [period_containing(PeriodKind.SEMESTER, date(year, 1, 10), calendar).end
            for year in (2027, 2028)]

    assert ends == [date(2027, 2, 28), date(2028, 2, 29)]


def test_terms_that_overlap_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        SchoolCalendar(terms=(
            Term(name="autumn", title="秋季学期", starts=(9, 1), ends=(2, 10)),
            Term(name="spring", title="春季学期", starts=(2, 1), ends=(7, 31)),
        ))


def test_two_terms_with_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        SchoolCalendar(terms=(
            Term(name="term", title="上学期", starts=(9, 1), ends=(1, 31)),
            Term(name="term", title="下学期", starts=(2, 1), ends=(7, 31)),
        ))


def test_a_calendar_without_terms_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one term"):
        SchoolCalendar(terms=())


@pytest.mark.parametrize(("starts", "ends"), [((2, 30), (7, 31)), ((13, 1), (7, 31))])
def test_a_term_must_start_and_end_on_real_days(
    starts: tuple[int, int], ends: tuple[int, int]
) -> None:
    with pytest.raises(ValueError, match="not a day of the year"):
        Term(name="spring", title="春季学期", starts=starts, ends=ends)


def test_a_term_name_must_be_usable_in_a_period_label() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        Term(name="Spring-Term", title="春季学期", starts=(2, 1), ends=(7, 31))
