"""Each rule set of the programme documents, on hand-made contact histories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.duties.evaluation import DutyState, DutyStatus, evaluate_duties
from domain.duties.periods import PeriodKind, SchoolCalendar, Term
from domain.duties.rules import DUTY_SETS, DutyRule, rules_for

FIVE_ONES, TWO_VISITS, THREE_ONES, SCHOOL_TEACHER = (
    DUTY_SETS[name] for name in ("five_ones", "two_visits", "three_ones", "school"))

MET, DUE, OVERDUE = DutyState.MET, DutyState.DUE, DutyState.OVERDUE


@dataclass(frozen=True)
class Seen:
    kind: str
    occurred_on: date


def by_name(statuses: tuple[DutyStatus, ...]) -> dict[str, tuple[DutyState, date | None]]:
    return {status.name: (status.status, status.overdue_since) for status in statuses}


def test_the_five_ones_on_a_volunteers_history() -> None:
    history = [Seen("phone", date(2026, 3, 2)), Seen("parent_call", date(2026, 2, 14)),
               Seen("teacher_contact", date(2026, 1, 10)), Seen("birthday", date(2026, 3, 8)),
               Seen("festival", date(2025, 10, 1))]

    statuses = evaluate_duties(FIVE_ONES.rules, history, date(2026, 3, 20),
                               starts_on=date(2025, 9, 1))

    assert by_name(statuses) == {
        "monthly_contact": (MET, None), "monthly_parent_call": (DUE, None),
        "monthly_teacher_contact": (OVERDUE, date(2026, 3, 1)), "yearly_birthday": (MET, None),
        "yearly_festival": (DUE, None),
    }


def test_a_birthday_together_is_also_a_contact_with_the_child() -> None:
    (status, *_) = evaluate_duties(FIVE_ONES.rules, [Seen("birthday", date(2026, 3, 8))],
                                   date(2026, 3, 20), starts_on=date(2026, 3, 1))

    assert (status.name, status.status) == ("monthly_contact", MET)


def test_a_visit_to_the_school_counts_as_contact_with_the_homeroom_teacher() -> None:
    statuses = evaluate_duties(FIVE_ONES.rules, [Seen("school_visit", date(2026, 3, 8))],
                               date(2026, 3, 20), starts_on=date(2026, 3, 1))

    assert by_name(statuses)["monthly_teacher_contact"] == (MET, None)


def test_the_two_visits_on_a_volunteers_history() -> None:
    history = [Seen("school_visit", date(2025, 10, 15)), Seen("home_visit", date(2025, 6, 1))]

    statuses = evaluate_duties(TWO_VISITS.rules, history, date(2026, 5, 10),
                               starts_on=date(2025, 3, 1))

    assert by_name(statuses) == {
        "semester_teacher_visit": (DUE, None),
        "semester_guardian_visit": (OVERDUE, date(2026, 2, 1)),
    }


def test_a_call_to_the_homeroom_teacher_meets_the_two_visits_teacher_duty() -> None:
    history = [Seen("teacher_contact", date(2026, 3, 1))]

    statuses = evaluate_duties(TWO_VISITS.rules, history, date(2026, 5, 10),
                               starts_on=date(2026, 2, 1))

    assert by_name(statuses)["semester_teacher_visit"] == (MET, None)


def test_a_call_to_the_temporary_guardian_meets_the_two_visits_guardian_duty() -> None:
    history = [Seen("guardian_contact", date(2026, 3, 1))]

    statuses = evaluate_duties(TWO_VISITS.rules, history, date(2026, 5, 10),
                               starts_on=date(2026, 2, 1))

    assert by_name(statuses)["semester_guardian_visit"] == (MET, None)


def test_a_contact_with_the_child_alone_meets_neither_of_the_two_visits() -> None:
    history = [Seen("phone", date(2026, 3, 1)), Seen("parent_contact", date(2026, 3, 2))]

    statuses = evaluate_duties(TWO_VISITS.rules, history, date(2026, 5, 10),
                               starts_on=date(2026, 2, 1))

    assert by_name(statuses) == {"semester_teacher_visit": (DUE, None),
                                 "semester_guardian_visit": (DUE, None)}


def test_a_term_without_a_visit_is_overdue_from_the_first_day_of_the_summer_holiday() -> None:
    (teacher, _) = evaluate_duties(TWO_VISITS.rules, [], date(2026, 8, 10),
                                   starts_on=date(2026, 2, 1))

    assert (teacher.status, teacher.overdue_since, teacher.period.label) == (
        OVERDUE, date(2026, 8, 1), "2026-spring")


def test_a_visit_in_the_summer_holiday_still_counts_for_the_spring_term() -> None:
    history = [Seen("school_visit", date(2026, 8, 5))]

    (teacher, _) = evaluate_duties(TWO_VISITS.rules, history, date(2026, 10, 10),
                                   starts_on=date(2026, 2, 1))

    assert (teacher.status, teacher.period.label) == (DUE, "2026-autumn")


def test_the_three_ones_on_a_volunteers_history() -> None:
    history = [Seen("home_visit", date(2026, 5, 1)), Seen("parent_contact", date(2026, 2, 1)),
               Seen("festival", date(2026, 8, 1))]

    statuses = evaluate_duties(THREE_ONES.rules, history, date(2026, 8, 15),
                               starts_on=date(2026, 1, 1))

    assert by_name(statuses) == {
        "half_yearly_home_visit": (DUE, None),
        "quarterly_parent_call": (OVERDUE, date(2026, 7, 1)),
        "monthly_activity": (MET, None),
    }


def test_the_three_ones_quarterly_call_is_a_call_to_the_parents_not_the_childs_guided_call(
) -> None:
    guided = [Seen("parent_call", date(2026, 5, 3))]
    spoken = [Seen("parent_contact", date(2026, 5, 3))]

    def quarterly(history: list[Seen]) -> DutyState:
        statuses = evaluate_duties(THREE_ONES.rules, history, date(2026, 5, 20),
                                   starts_on=date(2026, 4, 1))
        return by_name(statuses)["quarterly_parent_call"][0]

    assert (quarterly(guided), quarterly(spoken)) == (DUE, MET)


def test_tutoring_and_counselling_are_three_ones_monthly_help() -> None:
    met = {}
    for kind in ("tutoring", "counselling", "activity", "festival", "birthday", "phone",
                 "material_aid"):
        statuses = evaluate_duties(THREE_ONES.rules, [Seen(kind, date(2026, 5, 3))],
                                   date(2026, 5, 20), starts_on=date(2026, 5, 1))
        met[kind] = by_name(statuses)["monthly_activity"][0] == MET

    assert met == {"tutoring": True, "counselling": True, "activity": True, "festival": True,
                   "birthday": True, "phone": False, "material_aid": False}


def test_a_call_to_the_parents_is_not_the_five_ones_guided_call_nor_contact_with_the_child(
) -> None:
    statuses = evaluate_duties(FIVE_ONES.rules, [Seen("parent_contact", date(2026, 3, 8))],
                               date(2026, 3, 20), starts_on=date(2026, 3, 1))

    assert (by_name(statuses)["monthly_parent_call"], by_name(statuses)["monthly_contact"]) == (
        (DUE, None), (DUE, None))


def test_the_school_duties_on_a_teachers_history() -> None:
    history = [Seen("talk", date(2026, 1, 20)), Seen("home_visit", date(2025, 9, 5)),
               Seen("home_visit", date(2025, 11, 10))]

    statuses = evaluate_duties(SCHOOL_TEACHER.rules, history, date(2026, 1, 25),
                               starts_on=date(2025, 9, 1))

    visits = statuses[1]
    assert by_name(statuses) == {"monthly_talk": (MET, None), "term_home_visits": (DUE, None)}
    assert visits.reason == (
        "本期（2025年秋季学期期末）尚未完成，截止2026-01-31；最近一次符合条件的联系是2025-11-10")


def test_a_missed_home_visit_at_the_end_of_term_is_overdue_when_the_next_term_starts() -> None:
    history = [Seen("home_visit", date(2025, 9, 5)), Seen("home_visit", date(2025, 11, 10))]

    (_, visits) = evaluate_duties(SCHOOL_TEACHER.rules, history, date(2026, 2, 20),
                                  starts_on=date(2025, 9, 1))

    assert (visits.status, visits.overdue_since) == (OVERDUE, date(2026, 2, 1))


def test_a_programme_combining_two_sets_gets_every_duty_of_both() -> None:
    rules = rules_for(["five_ones", "school"])

    statuses = evaluate_duties(rules, [Seen("talk", date(2026, 3, 2))], date(2026, 3, 20),
                               starts_on=date(2026, 3, 1))

    assert by_name(statuses) == {
        "monthly_contact": (MET, None), "monthly_parent_call": (DUE, None),
        "monthly_teacher_contact": (DUE, None), "yearly_birthday": (DUE, None),
        "yearly_festival": (DUE, None), "monthly_talk": (MET, None),
        "term_home_visits": (DUE, None),
    }


def test_a_term_duty_follows_a_programmes_own_calendar() -> None:
    calendar = SchoolCalendar(terms=(
        Term(name="autumn", title="秋季学期", starts=(9, 1), ends=(1, 15)),
        Term(name="spring", title="春季学期", starts=(2, 20), ends=(7, 10)),
    ))
    visit = DutyRule("term_visit", "每学期家访一次", frozenset({"home_visit"}), PeriodKind.SEMESTER)

    (status,) = evaluate_duties([visit], [], date(2026, 2, 10), starts_on=date(2025, 9, 1),
                                calendar=calendar)

    assert (status.status, status.overdue_since, status.period.label) == (
        OVERDUE, date(2026, 1, 16), "2025-autumn")
