"""Why a quarter's figures moved between two reports (变化原因): besides the contacts and other
dated facts entered late, a school's enrolment stated or put right and a child's record
corrected or moved are named as the records that moved them, on either store."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.application import CareRegister
from domain.programme import Programme
from projections.reports import ReportFacts, changes_between
from projections.reports.school_places import school_townships
from projections.reports.scope import known_at_instant
from projections.runner import ViewRunner
from tests.builders import STAFF, TEACHER
from tests.integration.conftest import EACH_STORE
from tests.integration.test_quarterly_report import (
    CENTRAL,
    COUNTY,
    MIDDLE,
    TOWN_1,
    TOWN_2,
    enrolled,
    hand_made_quarter,
)


def late_since(runner: ViewRunner, known_at: datetime) -> list[dict]:
    """The county's 2026 Q1 late records between ``known_at`` and now."""
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        return changes_between(tx, COUNTY, 2026, 1, known_at, datetime.now(UTC),
                               zone=Programme.timezone)


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_a_corrected_enrolment_is_a_late_record_saying_from_what_to_what_and_why(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    enrolled(register, pupils=30)
    known_at = datetime.now(UTC)
    register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term="2026春", pupils=32,
                              reason="漏报两名插班生", actor=TEACHER)
    [late] = late_since(runner, known_at)
    assert (late["event_title"], late["township"], late["school"]) == (
        "学校在校生人数更正", TOWN_1, CENTRAL)
    assert late["summary"].startswith(
        f"学校在校生人数更正：{CENTRAL} 2026春 由30人更正为32人（原因：漏报两名插班生），记录于")


def test_a_schools_first_count_entered_late_is_a_late_record_of_its_count(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    known_at = datetime.now(UTC)
    enrolled(register, pupils=30)
    [late] = late_since(runner, known_at)
    assert late["summary"].startswith(f"学校在校生人数补报：{CENTRAL} 2026春 30人（")


def test_a_count_of_a_term_begun_after_the_quarter_is_no_reason_for_it(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    known_at = datetime.now(UTC)
    register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term="2026秋", pupils=30,
                              actor=TEACHER)
    assert late_since(runner, known_at) == []


def test_a_childs_sex_corrected_is_a_late_record_of_the_correction(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    known_at = datetime.now(UTC)
    register.correct_child(quarter.children["A"], field="sex", value="male",
                           reason="登记时填错", actor=STAFF)
    [late] = late_since(runner, known_at)
    assert (late["event_title"], late["township"], late["school"]) == (
        "性别更正", TOWN_1, CENTRAL)


def test_a_change_of_school_dated_in_the_quarter_is_a_late_record_of_the_move(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    known_at = datetime.now(UTC)
    register.change_school(quarter.children["B"], school=MIDDLE, class_name="五年级一班",
                           on=date(2026, 3, 2), actor=STAFF)
    [late] = late_since(runner, known_at)
    assert late["summary"].startswith("补录学校变更（升学、转学），发生于2026-03-02")


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_a_school_is_placed_where_its_enrolment_was_recorded_else_where_its_pupils_are(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    register.record_enrolment(region_code=TOWN_2, school=CENTRAL, term="2026春", pupils=30,
                              actor=TEACHER)
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        placed = school_townships(tx, COUNTY, known_at_instant(datetime.now(UTC)),
                                  [CENTRAL, MIDDLE, "无此学校"])
    assert placed == {CENTRAL: TOWN_2, MIDDLE: TOWN_2}
