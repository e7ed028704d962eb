"""Duty rules as data (帮扶责任): the rule sets of the programme documents, and choosing them."""

from __future__ import annotations

import pytest

from domain.duties.periods import PeriodKind
from domain.duties.rules import (
    DEFAULT_DUTY_SET,
    DUTY_SETS,
    STANDARD_CONTACT_KINDS,
    DutyRule,
    UnknownDutySet,
    rules_for,
)
from domain.vocabulary import CONTACT_KIND_TITLES


def test_the_standard_contact_kinds_are_the_sixteen_of_the_api_contract() -> None:
    assert STANDARD_CONTACT_KINDS == (
        "phone", "meeting", "letter", "home_visit", "school_visit", "talk", "teacher_contact",
        "guardian_contact", "parent_call", "parent_contact", "birthday", "festival", "tutoring",
        "material_aid", "counselling", "activity",
    )


def test_a_call_to_the_parents_and_the_childs_guided_call_are_two_kinds() -> None:
    assert (CONTACT_KIND_TITLES["parent_contact"], CONTACT_KIND_TITLES["parent_call"]) == (
        "联系父母", "亲情电话/书信")


def test_every_standard_contact_kind_has_a_chinese_name() -> None:
    assert set(CONTACT_KIND_TITLES) == set(STANDARD_CONTACT_KINDS)


def test_the_programme_documents_rule_sets_are_registered_by_name() -> None:
    assert set(DUTY_SETS) == {"five_ones", "two_visits", "three_ones", "school"}


def test_the_default_rule_set_is_hubeis_five_ones() -> None:
    assert (DEFAULT_DUTY_SET, DUTY_SETS[DEFAULT_DUTY_SET].title) == ("five_ones", "五个一")


def test_the_five_ones_are_three_monthly_and_two_yearly_duties() -> None:
    periods = {rule.name: rule.period for rule in DUTY_SETS["five_ones"].rules}

    assert periods == {
        "monthly_contact": PeriodKind.MONTH, "monthly_parent_call": PeriodKind.MONTH,
        "monthly_teacher_contact": PeriodKind.MONTH, "yearly_birthday": PeriodKind.YEAR,
        "yearly_festival": PeriodKind.YEAR,
    }


def test_every_rule_of_every_set_is_about_standard_kinds() -> None:
    kinds = {kind for duty_set in DUTY_SETS.values() for rule in duty_set.rules
             for kind in rule.kinds}

    assert kinds <= set(STANDARD_CONTACT_KINDS)


def test_rule_names_are_unique_across_all_sets() -> None:
    names = [rule.name for duty_set in DUTY_SETS.values() for rule in duty_set.rules]

    assert len(names) == len(set(names))


def test_the_schools_home_visits_fall_due_at_the_start_middle_and_end_of_each_term() -> None:
    (visits,) = [rule for rule in DUTY_SETS["school"].rules if rule.name == "term_home_visits"]

    assert (visits.period, visits.kinds, "期初、期中、期末" in visits.title) == (
        PeriodKind.SEMESTER_THIRD, frozenset({"home_visit"}), True)


def test_a_programme_may_combine_two_rule_sets() -> None:
    names = [rule.name for rule in rules_for(["three_ones", "two_visits"])]

    assert names == ["half_yearly_home_visit", "quarterly_parent_call", "monthly_activity",
                     "semester_teacher_visit", "semester_guardian_visit"]


def test_a_set_named_twice_gives_its_rules_once() -> None:
    assert rules_for(["two_visits", "two_visits"]) == DUTY_SETS["two_visits"].rules


def test_an_unknown_rule_set_is_refused_by_name() -> None:
    with pytest.raises(UnknownDutySet, match="six_ones") as raised:
        rules_for(["five_ones", "six_ones"])

    assert isinstance(raised.value, KeyError)
    assert raised.value.name == "six_ones"


def test_a_rule_may_be_about_a_kind_the_programme_added() -> None:
    rule = DutyRule("weekly_reading", "每月共读两次", frozenset({"reading"}), PeriodKind.MONTH, 2)

    assert ("reading" in rule.kinds, rule.times) == (True, 2)


def test_a_rule_needs_at_least_one_contact_per_period() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        DutyRule("never", "从不", frozenset({"phone"}), PeriodKind.MONTH, times=0)


def test_a_rule_needs_a_qualifying_kind() -> None:
    with pytest.raises(ValueError, match="qualifying kind"):
        DutyRule("nothing", "无", frozenset(), PeriodKind.MONTH)
