"""Schools' enrolment (在校学生数) as dated facts: recorded term by term through the use case,
put right with a reason, and read by the quarterly report as known at its instant.

The quarter is the hand-made 2026 Q1 of county 420821 (see ``test_quarterly_report``): the
central school (石牌镇中心小学, in township 420821101) has three left-behind pupils on 31 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.application import CareRegister
from domain.errors import DateInFuture, InvalidRecord
from domain.schools import EnrolmentRule, read_term
from projections.reports import ReportFacts, compute_figures
from projections.reports.enrolment import enrolment_listed
from projections.runner import ViewRunner
from tests.builders import STAFF, TEACHER, child_record
from tests.integration.test_quarterly_report import (
    CENTRAL,
    MIDDLE,
    TOWN_1,
    figures,
    hand_made_quarter,
)

SHARE = ("schools_with_pupils", "pupils", "left_behind_in_schools_with_pupils",
         "left_behind_share_of_pupils")


def share(report: dict) -> dict:
    return {key: report["totals"][key] for key in SHARE}


def count(register: CareRegister, pupils: int, term: str = "2026春", reason: str = "") -> bool:
    return register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term=term,
                                     pupils=pupils, actor=TEACHER, reason=reason).recorded


@pytest.mark.parametrize(("written", "kept"), [
    ("2026秋", ("2026秋", date(2026, 9, 1))),
    ("2026年春季学期", ("2026春", date(2026, 2, 1))),
    ("2026年秋季", ("2026秋", date(2026, 9, 1))),
    ("2026-02-20", ("2026-02-20", date(2026, 2, 20)))])
def test_a_term_is_read_as_people_write_it(written: str, kept: tuple[str, date]) -> None:
    assert read_term(written) == kept


@pytest.mark.parametrize("written", ["2026冬", "秋季", "2026-02-30", "1999秋", ""])
def test_a_term_not_written_so_is_refused_naming_the_field(written: str) -> None:
    with pytest.raises(InvalidRecord, match=r"^term: 学期"):
        read_term(written)


def test_without_enrolment_the_report_gives_no_share_of_pupils(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    assert share(figures(runner)) == {
        "schools_with_pupils": 0, "pupils": None, "left_behind_in_schools_with_pupils": 0,
        "left_behind_share_of_pupils": None}


def test_the_recorded_enrolment_gives_the_schools_share_of_pupils_left_behind(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    count(register, 30)
    report = figures(runner)
    assert share(report) == {"schools_with_pupils": 1, "pupils": 30,
                             "left_behind_in_schools_with_pupils": 3,
                             "left_behind_share_of_pupils": 0.1}
    assert report["schools"][CENTRAL]["pupils"] == 30
    assert report["schools"][MIDDLE]["pupils"] is None


def test_a_correction_counts_from_when_it_was_recorded(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    count(register, 30)
    before = datetime.now(UTC)
    assert count(register, 60, reason="漏报插班生，核实后更正")
    assert share(figures(runner, before))["left_behind_share_of_pupils"] == 0.1
    assert share(figures(runner))["left_behind_share_of_pupils"] == 0.05


def test_the_count_of_a_term_not_begun_by_the_quarters_end_is_not_used(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    count(register, 30, term="2025秋")
    count(register, 60, term="2026-04-01")  # a term that begins after 31 March
    assert share(figures(runner))["pupils"] == 30


def test_a_change_of_a_counted_term_without_a_reason_is_refused_and_records_nothing(
        register: CareRegister, runner: ViewRunner) -> None:
    count(register, 30)
    with pytest.raises(EnrolmentRule, match="须说明原因"):
        count(register, 31)
    assert register.enrolment_terms(TOWN_1, CENTRAL) == {"2026春": (30, date(2026, 2, 1))}


def test_the_same_count_again_records_nothing(register: CareRegister) -> None:
    count(register, 30)
    last = register.recorder.max_notification_id()
    assert count(register, 30) is False
    assert register.recorder.max_notification_id() == last


def test_a_count_stated_after_today_is_refused(register: CareRegister) -> None:
    with pytest.raises(DateInFuture):
        register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term="2026春",
                                  pupils=30, on=date(2027, 1, 1), actor=STAFF)


def test_the_list_keeps_each_terms_count_with_the_counts_it_put_right(
        register: CareRegister, runner: ViewRunner) -> None:
    count(register, 30)
    count(register, 60, reason="核实后更正")
    count(register, 55, term="2026秋")
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        listed = list(enrolment_listed(tx, "420821"))
    assert [(c.term, c.pupils, c.reason, [row["pupils"] for row in c.earlier])
            for c in listed] == [("2026秋", 55, "", []), ("2026春", 60, "核实后更正", [30])]


def test_schools_of_one_name_in_two_counties_are_two_schools_in_a_citys_report(
        register: CareRegister, runner: ViewRunner) -> None:
    for township, pupils in (("420881108", 20), ("420822100", 40)):  # 钟祥市, 沙洋县
        register.register_child(actor=STAFF, **child_record(
            region_code=township, school="中心小学", registered_on=date(2026, 1, 10)))
        register.record_enrolment(region_code=township, school="中心小学", term="2026春",
                                  pupils=pupils, actor=STAFF)
    runner.catch_up(ReportFacts)
    now = datetime.now(UTC)
    with runner.store.recorder(ReportFacts).read() as tx:
        city = compute_figures(tx, "4208", 2026, 1, now)
        county = compute_figures(tx, "420881", 2026, 1, now)
    assert {name: (school["pupils"], school["left_behind"])
            for name, school in city["schools"].items()} == {
        "中心小学（钟祥市）": (20, 1), "中心小学（沙洋县）": (40, 1)}
    assert city["totals"]["pupils"] == 60
    assert {name: school["pupils"] for name, school in county["schools"].items()} == {
        "中心小学": 20}
