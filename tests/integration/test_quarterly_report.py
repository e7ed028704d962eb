"""The quarterly report (季度报送): a hand-made quarter whose every figure is counted by hand,
reproducibility as known at an instant, and township parts combined, on SQLite and PostgreSQL.

The quarter is 2026 Q1 (1 January to 31 March) in county 420821, with two townships, 101 and
102; "today" is 15 June, so the quarter is over and late records (补录) can still arrive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from domain.application import CareRegister
from domain.children import CATEGORIES, Guardian, Parent
from domain.common import SYSTEM
from domain.duties import STANDARD_CONTACT_KINDS
from domain.programme import Programme
from domain.reminders.due import DueDuty
from projections.reports import (
    ReportFacts,
    changes_between,
    combine,
    compute_figures,
    explain_changes,
    to_json,
    townships,
)
from projections.runner import ViewRunner
from tests.builders import MOTHER, REVIEWERS, STAFF, TEACHER, child_record, volunteer_form

COUNTY, TOWN_1, TOWN_2 = "420821", "420821101", "420821102"
CENTRAL, MIDDLE = "石牌镇中心小学", "胡集镇中学"
D = date


@dataclass(frozen=True)
class HandMade:
    """What the hand-made quarter holds, for the tests to refer to."""

    children: dict[str, UUID]
    pairings: dict[str, UUID]
    volunteers: dict[str, UUID]


def volunteer(register: CareRegister, region: str, applied: date,
              approved: date | None = None) -> UUID:
    volunteer_id = register.apply_to_volunteer(
        volunteer_form(region_code=region), actor=STAFF, applied_on=applied)
    if approved is not None:
        for level in ("unit", "county", "city", "province"):
            register.review_volunteer(volunteer_id, level=level, decision="approve",
                                      opinion="同意", on=approved, actor=REVIEWERS[level])
    return volunteer_id


def escalate(register: CareRegister, pairing_id: UUID, duty: str, on: date) -> None:
    """The reminders' scan flags the pairing's overdue duty up (逾期上报) on ``on``."""
    pairing = register.get_pairing(pairing_id)
    status = next(s for s in register.pairing_duties(pairing_id, on) if s.name == duty)
    register.escalate(DueDuty(
        pairing_id=pairing_id, child_ids=tuple(pairing.child_ids),
        volunteer_ids=tuple(pairing.volunteer_ids), region_code=TOWN_1, school=CENTRAL,
        volunteer_region_codes=(TOWN_1,), status=status, on=on), threshold_days=14,
        actor=SYSTEM)


def child(register: CareRegister, name: str, sex: str, born: date, region: str, school: str,
          registered: date, **record: Any) -> UUID:
    return register.register_child(actor=STAFF, **child_record(
        name=name, sex=sex, birth_date=born, region_code=region, school=school,
        registered_on=registered, **record))


def hand_made_quarter(register: CareRegister) -> HandMade:
    """Children A-F in county 420821 (G elsewhere, H registered after the quarter), pairings
    P1-P3 (PG elsewhere), volunteers V1-V6 (V7 elsewhere), with their contacts and concerns.

    On 31 March: A, B, D are left behind (C turned 16 on 15 March, E exited, F's mother came
    home); A and B are paired; D is not.
    """
    r = register
    v = {
        "V1": volunteer(r, TOWN_1, D(2025, 9, 1), approved=D(2025, 9, 10)),
        "V2": volunteer(r, TOWN_2, D(2026, 1, 5), approved=D(2026, 2, 1)),
        "V3": volunteer(r, COUNTY, D(2026, 2, 1)),
        "V4": volunteer(r, TOWN_1, D(2025, 8, 1), approved=D(2025, 8, 20)),
        "V5": volunteer(r, TOWN_2, D(2026, 3, 20)),
        "V6": volunteer(r, TOWN_1, D(2025, 7, 1), approved=D(2025, 7, 10)),
        "V7": volunteer(r, "420822101", D(2026, 1, 5), approved=D(2026, 1, 20)),
    }
    r.review_volunteer(v["V3"], level="unit", decision="approve", opinion="同意",
                       on=D(2026, 2, 5), actor=STAFF)
    r.review_volunteer(v["V3"], level="county", decision="reject", opinion="不符合条件",
                       on=D(2026, 2, 10), actor=REVIEWERS["county"])
    r.review_volunteer(v["V5"], level="unit", decision="approve", opinion="同意",
                       on=D(2026, 3, 25), actor=STAFF)
    r.disqualify_volunteer(v["V4"], reason="未履行帮扶职责", actor=STAFF, on=D(2026, 3, 15))
    r.suspend_volunteer(v["V6"], reason="外出学习", actor=STAFF, on=D(2026, 1, 20))
    r.commend_volunteer(v["V1"], reason="帮扶成效显著", actor=STAFF, on=D(2026, 3, 8))

    father_away_mother_home = (Parent(role="father", status="away"),
                               Parent(role="mother", status="home"))
    c = {
        "A": child(r, "甲", "female", D(2016, 5, 20), TOWN_1 + "001", CENTRAL, D(2025, 12, 1),
                   categories=("both_parents_away",)),
        "B": child(r, "乙", "male", D(2014, 2, 10), TOWN_1, CENTRAL, D(2026, 1, 10),
                   categories=("poor_family", "both_parents_away")),
        "C": child(r, "丙", "female", D(2010, 3, 15), TOWN_2, MIDDLE, D(2025, 11, 1)),
        "D": child(r, "丁", "male", D(2018, 7, 1), TOWN_2, CENTRAL, D(2026, 2, 1),
                   parents=father_away_mother_home, categories=(),
                   guardian=Guardian(name="王秀梅", relation="姑姑")),
        "E": child(r, "戊", "female", D(2015, 1, 1), TOWN_1, CENTRAL, D(2025, 10, 1)),
        "F": child(r, "己", "male", D(2013, 6, 1), TOWN_1, CENTRAL, D(2026, 1, 5)),
        "G": child(r, "庚", "male", D(2014, 1, 1), "420822101", "外县小学", D(2025, 12, 1)),
        "H": child(r, "辛", "female", D(2017, 1, 1), TOWN_1, CENTRAL, D(2026, 4, 10)),
    }
    r.change_parent(c["D"], Parent(role="mother", status="away"), actor=TEACHER,
                    on=D(2026, 3, 1), reason="外出务工")
    r.change_parent(c["F"], Parent(role="mother", status="home"), actor=TEACHER,
                    on=D(2026, 3, 20), reason="返乡")
    r.change_categories(c["A"], ["both_parents_away", "study_difficulty"], actor=TEACHER,
                        on=D(2026, 2, 1))
    r.change_categories(c["B"], [], actor=TEACHER, on=D(2026, 4, 15))
    r.change_guardian(c["B"], Guardian(name="王秀梅", relation="姑姑"), actor=TEACHER,
                      on=D(2026, 4, 15))

    def pair(children: list[str], starts: date) -> UUID:
        return r.form_pairing(child_ids=[c[name] for name in children], volunteer_ids=[v["V1"]],
                              principle="nearby", starts_on=starts, actor=STAFF,
                              duty_sets=["five_ones"])

    p = {"P1": pair(["A", "C"], D(2025, 12, 5)), "P2": pair(["B"], D(2026, 1, 15)),
         "P3": pair(["E"], D(2025, 10, 10)), "PG": pair(["G"], D(2026, 1, 1))}
    contacts = [("P1", "phone", D(2025, 12, 20), 0), ("P1", "home_visit", D(2026, 1, 10), 0),
                ("P1", "phone", D(2026, 2, 14), 0), ("P1", "material_aid", D(2026, 3, 5), 3),
                ("P1", "festival", D(2026, 3, 20), 0), ("P2", "home_visit", D(2026, 2, 20), 0),
                ("P2", "teacher_contact", D(2026, 3, 10), 0), ("P3", "phone", D(2026, 1, 20), 0),
                ("PG", "phone", D(2026, 2, 1), 0), ("P2", "home_visit", D(2026, 4, 10), 0)]
    for pairing, kind, on, items in contacts:  # each with every child of its pairing
        r.record_contact(p[pairing], kind=kind, notes="", actor=MOTHER, occurred_on=on,
                         items=items, child_ids=r.pairing_members(p[pairing]).child_ids)
    r.end_pairing(p["P3"], reason="儿童退出", actor=STAFF, on=D(2026, 2, 20))
    r.exit_child(c["E"], reason="随父母迁出", actor=STAFF, on=D(2026, 2, 20))
    escalate(r, p["P1"], "monthly_parent_call", D(2026, 3, 31))
    escalate(r, p["P1"], "monthly_teacher_contact", D(2026, 4, 10))  # raised in the next quarter

    absence = r.report_concern(c["A"], kind="缺课", description="缺课两天", actor=TEACHER,
                               occurred_on=D(2026, 2, 10))
    r.resolve_concern(c["A"], absence, action="已返校", actor=TEACHER, on=D(2026, 2, 12))
    r.report_concern(c["B"], kind="生病", description="发烧", actor=TEACHER,
                     occurred_on=D(2026, 3, 25))
    injury = r.report_concern(c["C"], kind="受伤", description="摔伤", actor=TEACHER,
                              occurred_on=D(2025, 12, 15))
    r.resolve_concern(c["C"], injury, action="已就医", actor=TEACHER, on=D(2026, 1, 5))
    r.report_concern(c["A"], kind="缺课", description="缺课", actor=TEACHER,
                     occurred_on=D(2026, 4, 2))
    return HandMade(c, p, v)


def figures(runner: ViewRunner, known_at: datetime | None = None, **options: Any) -> dict:
    """The county's 2026 Q1 figures as known at ``known_at`` (default now)."""
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        return compute_figures(tx, COUNTY, 2026, 1, known_at or datetime.now(UTC), **options)


def some(unit: dict, expected: dict) -> dict:
    return {key: unit[key] for key in expected}


# -- every total, counted by hand ---------------------------------------------------------------

CHILDREN = {
    "children_registered": 5,  # A B C D F (E exited, G elsewhere, H registered in April)
    "children_registered_boys": 3, "children_registered_girls": 2,
    "registered_in_quarter": 3,  # B F D
    "exited_in_quarter": 1, "exit_reasons": {"随父母迁出": 1},
    "left_behind": 3,  # A B D; C turned 16, F's mother came home
    "left_behind_boys": 2, "left_behind_girls": 1,
    "left_behind_by_age": {"9": 1, "12": 1, "7": 1},
    "left_behind_by_age_band": {"0-5": 0, "6-11": 2, "12-15": 1},
    "left_behind_age_min": 7, "left_behind_age_max": 12,
    "left_behind_by_category": {**dict.fromkeys(CATEGORIES, 0), "both_parents_away": 3,
                                "poor_family": 1, "study_difficulty": 1},
    "left_behind_special": 3,  # A B D: D's mother left on 1 March (both parents away)
    "both_parents_away": 3,  # derived from the parents on 31 March, typed or not
    "special_attention": 3,  # A B D: both parents away (B also poor)
    "grandparent_guardians": 2,  # A B (B's aunt from April on); D's guardian is his aunt
}
PAIRINGS = {
    "left_behind_paired": 2, "left_behind_unpaired": 1, "pairing_coverage": 0.6667,
    "pairings_formed": 1,  # P2
    "pairings_active": 2,  # P1 P2
    "pairings_active_by_shape": {"one_to_many": 1, "one_to_one": 1, "many_to_one": 0},
    "pairings_ended": 1, "pairing_end_reasons": {"儿童退出": 1},
}
CONTACTS = {
    "contacts": 7,  # P1: 4 in the quarter, P2: 2, P3: 1
    "contacts_by_kind": {**dict.fromkeys(STANDARD_CONTACT_KINDS, 0), "home_visit": 2,
                         "phone": 2, "material_aid": 1, "festival": 1, "teacher_contact": 1},
    "home_visits": 2, "activities": 1, "items_given": 3,
    "children_contacted": 4,  # A and C (P1), B (P2), E (P3)
    "children_reached": 4,  # the same: P2's call to the teacher reaches no one, its visit B
    "group_activities": 0, "aid_fen": 0, "aid_yuan": 0.0,
}
_NO_PERIOD = {"periods_due": 0, "periods_met": 0, "compliance_rate": None}
DUTIES = {
    # duties are owed to each child: months owed in the quarter: P1 Jan Feb Mar to A and to C
    # (its contacts name both), P2 Feb Mar (started 15 Jan) to B, P3 Jan (ended 20 Feb) to E;
    # on 31 March, P1's two children and P2's child are evaluated (P3 has ended)
    "duties": {
        "monthly_contact": {"periods_due": 9, "periods_met": 8, "compliance_rate": 0.8889,
                            "met": 2, "due": 1, "overdue": 0, "escalated": 0},
        "monthly_parent_call": {"periods_due": 9, "periods_met": 0, "compliance_rate": 0.0,
                                "met": 0, "due": 0, "overdue": 3, "escalated": 3},
        "monthly_teacher_contact": {"periods_due": 9, "periods_met": 1,
                                    "compliance_rate": 0.1111, "met": 1, "due": 0,
                                    "overdue": 2, "escalated": 2},
        "yearly_birthday": {**_NO_PERIOD, "met": 0, "due": 3, "overdue": 0, "escalated": 0},
        "yearly_festival": {**_NO_PERIOD, "met": 2, "due": 1, "overdue": 0, "escalated": 0},
    },
    "duties_periods_due": 27, "duties_periods_met": 9, "duty_compliance": 0.3333,
    # A's and C's parent call and teacher contact since 1 Feb, B's parent call since 1 Mar
    "duties_overdue": 5,
    "duties_escalated": 5,  # all overdue 14 days or more on 31 March
    "pairings_with_overdue": 2,
    "escalations_raised": 1,  # P1's parent call on 31 March (its teacher contact in April)
}
CONCERNS = {
    "concerns_reported": 2, "concerns_resolved": 2,  # A's absence and C's December injury
    "concerns_open": 1, "concerns_by_kind": {"缺课": 1, "生病": 1},
}
VOLUNTEERS = {
    "volunteers_applied": 3,  # V2 V3 V5
    "volunteers_newly_approved": 1,  # V2
    "volunteers_rejected": 1, "volunteers_disqualified": 1, "volunteers_commended": 1,
    "volunteers_approved": 2,  # V1 V2 (V4 disqualified, V6 suspended)
    "volunteers_pending": 1, "volunteers_suspended": 1,
    "volunteers_paired": 1,  # V1, of P1 and P2 (and PG, elsewhere)
}
PUPILS = {  # no school's enrolment given
    "schools_with_pupils": 0, "pupils": None, "left_behind_in_schools_with_pupils": 0,
    "left_behind_share_of_pupils": None,
}


@pytest.mark.parametrize("expected", [
    pytest.param(CHILDREN, id="children"), pytest.param(PAIRINGS, id="pairings"),
    pytest.param(CONTACTS, id="contacts"), pytest.param(DUTIES, id="duties"),
    pytest.param(CONCERNS, id="concerns"), pytest.param(VOLUNTEERS, id="volunteers"),
    pytest.param(PUPILS, id="pupils")])
def test_the_quarters_totals_are_the_hand_counted_ones(
        register: CareRegister, runner: ViewRunner, expected: dict) -> None:
    hand_made_quarter(register)
    assert some(figures(runner)["totals"], expected) == expected


def test_every_total_is_among_the_hand_counted_ones(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    counted = {**CHILDREN, **PAIRINGS, **CONTACTS, **DUTIES, **CONCERNS, **VOLUNTEERS, **PUPILS}
    assert sorted(figures(runner)["totals"]) == sorted(counted)


def test_the_totals_hold_the_keys_the_api_contract_promises(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    totals = figures(runner)["totals"]
    assert {"children_registered", "left_behind", "left_behind_boys", "left_behind_girls",
            "pairings_active", "pairing_coverage", "volunteers_approved", "contacts",
            "home_visits", "concerns_reported", "concerns_resolved"} <= totals.keys()


# -- breakdowns --------------------------------------------------------------------------------


def test_each_township_counts_its_own_children_pairings_and_volunteers(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    by_township = figures(runner)["townships"]
    assert sorted(by_township) == [COUNTY, TOWN_1, TOWN_2]
    shown = ("left_behind", "left_behind_paired", "pairings_active", "contacts",
             "children_contacted", "volunteers_approved", "volunteers_rejected")
    assert {code: {key: unit[key] for key in shown} for code, unit in by_township.items()} == {
        # V3 applied with the county's code only
        COUNTY: dict.fromkeys(shown, 0) | {"volunteers_rejected": 1},
        # A B; P1 P2 are homed here (first child), so their contacts count here
        TOWN_1: {"left_behind": 2, "left_behind_paired": 2, "pairings_active": 2,
                 "contacts": 7, "children_contacted": 3, "volunteers_approved": 1,
                 "volunteers_rejected": 0},
        # D (unpaired); C is reached through P1, homed in 101
        TOWN_2: {"left_behind": 1, "left_behind_paired": 0, "pairings_active": 0,
                 "contacts": 0, "children_contacted": 1, "volunteers_approved": 1,
                 "volunteers_rejected": 0},
    }


def test_each_school_counts_its_pupils_whatever_their_township(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    by_school = figures(runner)["schools"]
    shown = ("children_registered", "left_behind", "left_behind_paired", "pairing_coverage")
    assert {name: {key: unit[key] for key in shown} for name, unit in by_school.items()} == {
        # A B D F on the register (D lives in township 102); A B D left behind, A B paired
        CENTRAL: {"children_registered": 4, "left_behind": 3, "left_behind_paired": 2,
                  "pairing_coverage": 0.6667},
        MIDDLE: {"children_registered": 1, "left_behind": 0, "left_behind_paired": 0,
                 "pairing_coverage": None},
    }
    assert "volunteers_approved" not in by_school[CENTRAL]


def enrolled(register: CareRegister, pupils: int = 30) -> None:
    """The central school states its pupils for the spring term (2026春, from 1 February)."""
    register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term="2026春", pupils=pupils,
                              actor=TEACHER)


def test_the_share_of_pupils_counts_only_schools_whose_enrolment_is_known(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    enrolled(register)
    report = figures(runner)
    assert some(report["totals"], PUPILS) == {
        "schools_with_pupils": 1, "pupils": 30, "left_behind_in_schools_with_pupils": 3,
        "left_behind_share_of_pupils": 0.1}
    assert report["schools"][MIDDLE]["left_behind_share_of_pupils"] is None


def test_a_duty_is_escalated_only_once_overdue_for_the_threshold_days(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    # P2's parent call is overdue since 1 March: 30 days on 31 March, not 31; P1's two
    # children's parent call and teacher contact since 1 February
    assert figures(runner, escalate_after_days=31)["totals"]["duties_escalated"] == 4


def test_a_parent_coming_home_in_a_later_quarter_does_not_change_this_one(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    register.change_parent(quarter.children["A"], Parent(role="father", status="home"),
                           actor=TEACHER, on=D(2026, 5, 1))
    assert figures(runner)["totals"]["left_behind"] == 3


def test_a_make_up_visit_in_the_summer_holiday_counts_for_the_spring_term(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register, TOWN_1, D(2025, 1, 5), approved=D(2025, 1, 10))
    pupil = child(register, "壬", "female", D(2015, 3, 1), TOWN_1, CENTRAL, D(2025, 1, 20))
    pairing = register.form_pairing(child_ids=[pupil], volunteer_ids=[mother], principle="kin",
                                    starts_on=D(2025, 2, 1), actor=STAFF,
                                    duty_sets=["two_visits"])
    register.record_contact(pairing, kind="school_visit", notes="", actor=MOTHER,
                            occurred_on=D(2025, 8, 15))
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        duties = compute_figures(tx, COUNTY, 2025, 3, datetime.now(UTC))["totals"]["duties"]
    # the spring term (1 Feb - 31 Jul) ends in Q3; its holiday runs to 31 August
    assert {name: (d["periods_due"], d["periods_met"]) for name, d in duties.items()} == {
        "semester_teacher_visit": (1, 1), "semester_guardian_visit": (1, 0)}


# -- reproducibility -------------------------------------------------------------------------


def late_records(register: CareRegister, quarter: HandMade) -> None:
    """Recorded in June: a parent call of 28 March on P2, and an April visit on P1."""
    register.record_contact(quarter.pairings["P2"], kind="parent_call", notes="补录",
                            actor=MOTHER, occurred_on=D(2026, 3, 28))
    register.record_contact(quarter.pairings["P1"], kind="home_visit", notes="",
                            actor=MOTHER, occurred_on=D(2026, 4, 20),
                            child_ids=[quarter.children["A"], quarter.children["C"]])


def test_the_same_known_at_gives_the_same_bytes_after_late_contacts(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    known_at = datetime.now(UTC)
    first = to_json(figures(runner, known_at))
    late_records(register, quarter)
    assert to_json(figures(runner, known_at)) == first


def test_a_later_known_at_counts_the_late_contacts_of_the_quarter(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    late_records(register, quarter)
    totals = figures(runner)["totals"]
    assert (totals["contacts"], totals["contacts_by_kind"]["parent_call"]) == (8, 1)
    assert totals["duties"]["monthly_parent_call"]["periods_met"] == 1  # P2's March
    assert totals["duties_overdue"] == 4  # P2's parent call is met for March


def test_the_late_events_that_changed_the_quarter_are_listed(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    known_at = datetime.now(UTC)
    late_records(register, quarter)
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        late = changes_between(tx, COUNTY, 2026, 1, known_at, datetime.now(UTC),
                               zone=Programme.timezone)
    assert [(e["event"], e["kind"], e["occurred_on"], e["school"]) for e in late] == [
        ("ContactRecorded", "parent_call", "2026-03-28", CENTRAL)]  # not April's visit
    assert "补录联系走访（亲情电话/书信）" in late[0]["summary"]


def test_explaining_two_reports_gives_the_figures_that_moved_and_why(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    before = figures(runner, datetime.now(UTC))
    late_records(register, quarter)
    after = figures(runner)
    with runner.store.recorder(ReportFacts).read() as tx:
        changes = explain_changes(tx, before, after)
    moved = {c["figure"]: (c["before"], c["after"]) for c in changes["figures"]}
    assert moved == {
        "contacts": (7, 8), "contacts_by_kind.parent_call": (0, 1),
        "duties.monthly_parent_call.periods_met": (0, 1),
        "duties.monthly_parent_call.compliance_rate": (0.0, 0.1111),
        "duties.monthly_parent_call.met": (0, 1),
        "duties.monthly_parent_call.overdue": (3, 2),
        "duties.monthly_parent_call.escalated": (3, 2),
        "duties_periods_met": (9, 10), "duty_compliance": (0.3333, 0.3704),
        "duties_overdue": (5, 4), "duties_escalated": (5, 4), "pairings_with_overdue": (2, 1)}
    assert [e["occurred_on"] for e in changes["events"]] == ["2026-03-28"]


def test_the_late_records_are_told_in_the_time_of_the_programmes_zone(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    london = Programme(timezone="Europe/London")
    before = figures(runner, datetime.now(UTC), programme=london)
    late_records(register, quarter)
    after = figures(runner, programme=london)
    with runner.store.recorder(ReportFacts).read() as tx:
        late = explain_changes(tx, before, after)["events"][0]
    recorded = datetime.fromisoformat(late["recorded_at"]).astimezone(ZoneInfo("Europe/London"))
    assert late["summary"].endswith(f"记录于{recorded:%Y-%m-%d %H:%M}（Europe/London）")


# -- fan-out ---------------------------------------------------------------------------------


def test_township_parts_combined_give_the_whole_regions_figures(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    enrolled(register)
    known_at = datetime.now(UTC)
    whole = figures(runner, known_at)
    with runner.store.recorder(ReportFacts).read() as tx:
        codes = townships(tx, COUNTY, known_at)
    parts = [figures(runner, known_at, township=code) for code in codes]
    assert to_json(combine(parts)) == to_json(whole)


def test_parts_of_several_townships_combine_as_well(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    known_at = datetime.now(UTC)
    parts = [figures(runner, known_at, township=[COUNTY, TOWN_2]),
             figures(runner, known_at, township=TOWN_1)]
    assert to_json(combine(parts)) == to_json(figures(runner, known_at))


def test_parts_of_different_reports_are_not_combined(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    parts = [figures(runner, datetime(2026, 6, 1, tzinfo=UTC), township=TOWN_1),
             figures(runner, datetime.now(UTC), township=TOWN_2)]
    with pytest.raises(ValueError, match="different reports"):
        combine(parts)


def test_the_figures_are_plain_json_in_a_stable_order(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    report = figures(runner)
    assert json.loads(to_json(report)) == report
    assert list(report["totals"]) == sorted(report["totals"])
