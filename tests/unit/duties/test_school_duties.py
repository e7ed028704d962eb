"""The school's duties to its left-behind pupils (班主任职责): "班主任每月至少与留守儿童谈心一次
（填写谈心记录卡）" and "每学期期初、期中、期末各家访一次", judged on the contacts recorded on
the child's own record, from the day the pupil is left-behind on the register."""

from __future__ import annotations

from datetime import date

from domain.children import Child, Parent
from domain.duties import DutyState, DutyStatus
from domain.duties.school import (
    SCHOOL_DUTY_SET,
    LeftBehindSpell,
    left_behind_spell,
    school_duties,
    school_owes_duties,
)
from domain.programme import Programme
from tests.builders import STAFF, TEACHER, TODAY, child_record, consent, parents_away

PROGRAMME = Programme(duty_sets=("five_ones", SCHOOL_DUTY_SET))
RULES = PROGRAMME.duty_rules((SCHOOL_DUTY_SET,))
#: The last day the pupil of :func:`tests.builders.child_record` (born 20 May 2016) is under 16.
SIXTEENTH_BIRTHDAY_EVE = date(2032, 5, 19)


def pupil(**overrides: object) -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(**overrides))


def contact(child: Child, kind: str, *days: date) -> None:
    for day in days:
        child.record_contact(kind=kind, occurred_on=day, notes="", today=TODAY, actor=TEACHER,
                             known_kinds=PROGRAMME.contact_kinds)


def duty(child: Child, name: str, on: date = TODAY) -> DutyStatus:
    (found,) = (d for d in school_duties(child, RULES, on, calendar=PROGRAMME.calendar)
                if d.name == name)
    return found


def father_home() -> tuple[Parent, ...]:
    return (Parent(role="father", status="home"), parents_away()[1])


def test_the_school_owes_its_duties_when_the_programmes_duty_sets_include_school() -> None:
    assert school_owes_duties(PROGRAMME.duty_sets)
    assert not school_owes_duties(Programme().duty_sets)


def test_the_schools_rules_are_a_monthly_talk_and_a_home_visit_in_each_third_of_the_term(
) -> None:
    assert [(rule.name, rule.period.value) for rule in RULES] == [
        ("monthly_talk", "month"), ("term_home_visits", "semester_third")]


def test_a_teachers_monthly_talk_meets_the_schools_monthly_talk_duty() -> None:
    child = pupil()
    contact(child, "talk", date(2026, 6, 3))
    talk = duty(child, "monthly_talk")
    assert talk.status is DutyState.MET
    assert talk.last_qualifying_contact == date(2026, 6, 3)


def test_a_month_without_a_talk_makes_the_monthly_talk_overdue() -> None:
    child = pupil()
    contact(child, "talk", date(2026, 4, 8))
    talk = duty(child, "monthly_talk")
    assert talk.status is DutyState.OVERDUE
    assert talk.overdue_since == date(2026, 6, 1)  # May had no talk
    assert "2026-04-08" in talk.reason


def test_a_home_visit_does_not_meet_the_monthly_talk() -> None:
    child = pupil()
    contact(child, "home_visit", date(2026, 6, 3))
    assert duty(child, "monthly_talk").status is not DutyState.MET


def test_each_third_of_the_term_needs_its_own_home_visit() -> None:
    child = pupil(registered_on=date(2026, 2, 1), consent=consent(date(2026, 1, 20)))
    # Two visits at the start of the spring term (1 Feb - 1 Apr), none in its middle
    # (2 Apr - 31 May): the start's second visit does not stand in for the middle's.
    contact(child, "home_visit", date(2026, 2, 10), date(2026, 3, 20))
    visits = duty(child, "term_home_visits")
    assert visits.status is DutyState.OVERDUE
    assert visits.overdue_since == date(2026, 6, 1)


def test_a_home_visit_in_every_third_of_the_term_meets_the_home_visits_duty() -> None:
    child = pupil(registered_on=date(2026, 2, 1), consent=consent(date(2026, 1, 20)))
    contact(child, "home_visit", date(2026, 2, 10), date(2026, 4, 20), date(2026, 6, 5))
    visits = duty(child, "term_home_visits")
    assert visits.status is DutyState.MET
    assert visits.period.label == "2026-spring-end"


def test_the_school_owes_no_duty_to_a_pupil_who_is_not_left_behind() -> None:
    child = pupil(parents=father_home())
    assert school_duties(child, RULES, TODAY, calendar=PROGRAMME.calendar) == ()


def test_the_schools_duties_begin_on_the_day_the_pupil_becomes_left_behind() -> None:
    child = pupil(parents=father_home())
    child.change_parent(parents_away()[0], on=date(2026, 5, 10), today=TODAY, actor=TEACHER,
                        reason="外出务工")
    assert left_behind_spell(child, TODAY) == LeftBehindSpell(date(2026, 5, 10),
                                                              SIXTEENTH_BIRTHDAY_EVE)
    # May was not owed in full: June's talk is due, never overdue for May.
    assert duty(child, "monthly_talk").status is DutyState.DUE


def test_the_schools_duties_begin_with_the_registration_of_a_pupil_left_behind_from_the_start(
) -> None:
    assert left_behind_spell(pupil(), TODAY) == LeftBehindSpell(date(2026, 3, 2),
                                                                SIXTEENTH_BIRTHDAY_EVE)


def test_a_parents_return_ends_the_schools_duties() -> None:
    child = pupil()
    child.change_parent(Parent(role="father", status="home"), on=date(2026, 6, 1),
                        today=TODAY, actor=TEACHER, reason="返乡")
    assert school_duties(child, RULES, TODAY, calendar=PROGRAMME.calendar) == ()
    assert left_behind_spell(child, date(2026, 5, 20)) == LeftBehindSpell(
        date(2026, 3, 2), date(2026, 5, 31))


def test_the_school_owes_nothing_once_the_pupil_has_left_the_programme() -> None:
    child = pupil()
    child.exit(reason="随父母迁出", on=date(2026, 6, 1), today=TODAY, actor=STAFF)
    assert school_duties(child, RULES, TODAY, calendar=PROGRAMME.calendar) == ()
    assert left_behind_spell(child, date(2026, 5, 20)) == LeftBehindSpell(
        date(2026, 3, 2), date(2026, 5, 31))


def test_the_school_owes_nothing_once_the_pupils_personal_data_was_erased() -> None:
    child = pupil()
    child.erase_personal_data(reason="监护人撤回同意，依法删除个人信息", on=date(2026, 6, 1),
                              today=TODAY, actor=STAFF)
    assert school_duties(child, RULES, TODAY, calendar=PROGRAMME.calendar) == ()
    before = duty(child, "monthly_talk", date(2026, 5, 20))
    assert before.status is DutyState.OVERDUE


def test_turning_16_ends_the_schools_duties() -> None:
    child = pupil(birth_date=date(2010, 6, 10))
    assert school_duties(child, RULES, TODAY, calendar=PROGRAMME.calendar) == ()
    assert left_behind_spell(child, date(2026, 6, 1)) == LeftBehindSpell(
        date(2026, 3, 2), date(2026, 6, 9))


def test_a_pairing_follows_the_sets_in_force_but_the_schools() -> None:
    assert PROGRAMME.pairing_duty_sets == ("five_ones",)


def test_a_pairing_under_a_programme_of_the_schools_duties_alone_follows_five_ones() -> None:
    assert Programme(duty_sets=(SCHOOL_DUTY_SET,)).pairing_duty_sets == ("five_ones",)


def test_the_school_owes_no_monthly_talk_in_a_month_of_summer_holiday() -> None:
    child = pupil(registered_on=date(2026, 3, 2))
    for day in (date(2026, 3, 5), date(2026, 4, 5), date(2026, 5, 5), date(2026, 6, 5),
                date(2026, 7, 5)):
        child.record_contact(kind="talk", occurred_on=day, notes="", today=date(2026, 9, 20),
                             actor=TEACHER, known_kinds=PROGRAMME.contact_kinds)
    talk = duty(child, "monthly_talk", on=date(2026, 9, 20))
    assert talk.status is DutyState.DUE  # August (暑假) was owed no talk


def test_a_month_of_term_without_a_talk_is_still_missed_after_the_holiday() -> None:
    child = pupil(registered_on=date(2026, 3, 2))
    child.record_contact(kind="talk", occurred_on=date(2026, 6, 5), notes="",
                         today=date(2026, 9, 20), actor=TEACHER,
                         known_kinds=PROGRAMME.contact_kinds)
    talk = duty(child, "monthly_talk", on=date(2026, 9, 20))
    assert (talk.status, talk.overdue_since) == (DutyState.OVERDUE, date(2026, 8, 1))


def test_a_pairing_that_names_the_schools_set_owes_none_of_its_duties() -> None:
    assert [rule.name for rule in PROGRAMME.pairing_rules(("five_ones", SCHOOL_DUTY_SET))] == [
        rule.name for rule in PROGRAMME.duty_rules(("five_ones",))]
