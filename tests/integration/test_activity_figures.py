"""Group activities and aid in the quarterly report (集体活动, 慰问): each activity counted once in
the township of its first child, each child reached counted once in its own, items and money
added up to the fen, as known at an instant; a call to the teacher, the guardian or the parents
reaches no child.

The quarter is 2026 Q2 (April to June) in county 420821; "today" is 15 June.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from domain.application import CareRegister
from projections.reports import ReportFacts, combine, compute_figures, to_json, townships
from projections.runner import ViewRunner
from tests.builders import MOTHER, STAFF, TEACHER, approved_volunteer, child_record

COUNTY, TOWN_1, TOWN_2 = "420821", "420821101", "420821102"
CENTRAL, MIDDLE = "石牌镇中心小学", "胡集镇中学"


def child(register: CareRegister, name: str, region: str = TOWN_1,
          school: str = CENTRAL) -> UUID:
    return register.register_child(actor=STAFF, **child_record(
        name=name, region_code=region, school=school))


def held(register: CareRegister, children: list[UUID], on: date = date(2026, 5, 1),
         **given: Any) -> UUID:
    return register.record_activity(kind="festival", title="端午节集体活动", occurred_on=on,
                                    child_ids=children, organiser="石牌镇妇联", actor=STAFF,
                                    **given)


def paired(register: CareRegister, child_id: UUID) -> UUID:
    return register.form_pairing(child_ids=[child_id],
                                 volunteer_ids=[approved_volunteer(register)],
                                 principle="nearby", starts_on=date(2026, 3, 10), actor=STAFF)


def figures(runner: ViewRunner, known_at: datetime | None = None,
            township: str | None = None) -> dict[str, Any]:
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        return compute_figures(tx, COUNTY, 2026, 2, known_at or datetime.now(UTC),
                               township=township)


def reach(unit: dict[str, Any]) -> tuple[int, int, int, int, float]:
    return (unit["group_activities"], unit["activities"], unit["children_reached"],
            unit["items_given"], unit["aid_yuan"])


def test_an_activity_for_three_children_counts_once_and_reaches_each_child_once(
        register: CareRegister, runner: ViewRunner) -> None:
    a, b = child(register, "甲"), child(register, "乙")
    c = child(register, "丙", TOWN_2, MIDDLE)
    held(register, [a, b, c], items=30, amount_yuan="1500.5")
    result = figures(runner)
    assert reach(result["totals"]) == (1, 1, 3, 30, 1500.5)
    assert result["totals"]["aid_fen"] == 150050
    # the activity where its first child is; each child reached where it is
    assert reach(result["townships"][TOWN_1]) == (1, 1, 2, 30, 1500.5)
    assert reach(result["townships"][TOWN_2]) == (0, 0, 1, 0, 0.0)
    assert result["schools"][MIDDLE]["children_reached"] == 1


@pytest.mark.parametrize("kind", ["teacher_contact", "guardian_contact", "parent_contact"])
def test_a_call_to_the_teacher_does_not_reach_the_child(
        register: CareRegister, runner: ViewRunner, kind: str) -> None:
    pairing = paired(register, child(register, "甲"))
    register.record_contact(pairing, kind=kind, notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 10))
    assert (figures(runner)["totals"]["contacts"],
            figures(runner)["totals"]["children_reached"]) == (1, 0)


def test_a_visit_to_the_child_reaches_it(register: CareRegister, runner: ViewRunner) -> None:
    pairing = paired(register, child(register, "甲"))
    register.record_contact(pairing, kind="home_visit", notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 10), items=2)
    totals = figures(runner)["totals"]
    assert (totals["children_reached"], totals["items_given"]) == (1, 2)


def test_a_contact_reaches_only_the_children_it_names(
        register: CareRegister, runner: ViewRunner) -> None:
    a, b = child(register, "甲"), child(register, "乙")
    pairing = register.form_pairing(child_ids=[a, b],
                                    volunteer_ids=[approved_volunteer(register)],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    register.record_contact(pairing, kind="phone", notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 10), child_ids=[b])
    assert figures(runner)["totals"]["children_reached"] == 1


def test_a_teachers_talk_outside_any_pairing_reaches_the_child(
        register: CareRegister, runner: ViewRunner) -> None:
    a = child(register, "甲")
    register.record_child_contact(a, kind="talk", notes="", actor=TEACHER,
                                  occurred_on=date(2026, 4, 10))
    assert figures(runner)["totals"]["children_reached"] == 1


def test_a_teachers_talk_and_home_visit_outside_any_pairing_count_among_the_contacts(
        register: CareRegister, runner: ViewRunner) -> None:
    a = child(register, "甲")
    register.record_contact(paired(register, a), kind="home_visit", notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 10))
    for kind, day in (("talk", date(2026, 4, 12)), ("home_visit", date(2026, 5, 8))):
        register.record_child_contact(a, kind=kind, notes="", actor=TEACHER, occurred_on=day)
    totals = figures(runner)["totals"]
    assert (totals["contacts"], totals["home_visits"]) == (3, 2)
    assert (totals["contacts_by_kind"]["talk"], totals["contacts_by_kind"]["home_visit"]) == (1, 2)


def test_a_teachers_talk_outside_the_quarter_is_not_among_its_contacts(
        register: CareRegister, runner: ViewRunner) -> None:
    a = child(register, "甲")
    register.record_child_contact(a, kind="talk", notes="", actor=TEACHER,
                                  occurred_on=date(2026, 3, 30))
    assert figures(runner)["totals"]["contacts"] == 0


def test_a_child_reached_by_a_contact_and_an_activity_is_counted_once_and_their_items_add(
        register: CareRegister, runner: ViewRunner) -> None:
    a = child(register, "甲")
    register.record_contact(paired(register, a), kind="material_aid", notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 10), items=2)
    held(register, [a], items=5)
    totals = figures(runner)["totals"]
    assert (totals["children_reached"], totals["items_given"]) == (1, 7)


def test_the_money_given_adds_up_to_the_fen(register: CareRegister,
                                           runner: ViewRunner) -> None:
    a = child(register, "甲")
    for amount in ("0.10", "0.20", "100"):
        held(register, [a], amount_yuan=amount)
    totals = figures(runner)["totals"]
    assert (totals["aid_fen"], totals["aid_yuan"]) == (10030, 100.3)
    assert b'"aid_yuan":100.3' in to_json(figures(runner))


def test_an_activity_outside_the_quarter_is_not_counted(
        register: CareRegister, runner: ViewRunner) -> None:
    held(register, [child(register, "甲")], on=date(2026, 3, 31), items=4, amount_yuan=50)
    assert reach(figures(runner)["totals"]) == (0, 0, 0, 0, 0.0)


def test_a_cancelled_activity_counts_only_in_reports_known_before_its_cancellation(
        register: CareRegister, runner: ViewRunner) -> None:
    activity = held(register, [child(register, "甲")], items=4, amount_yuan=50)
    known_before = datetime.now(UTC)
    first = to_json(figures(runner, known_before))
    register.cancel_activity(activity, reason="重复录入", actor=STAFF)
    assert reach(figures(runner)["totals"]) == (0, 0, 0, 0, 0.0)
    assert to_json(figures(runner, known_before)) == first
    assert reach(figures(runner, known_before)["totals"]) == (1, 1, 1, 4, 50.0)


def test_an_activity_recorded_late_leaves_a_report_known_before_it_as_it_was(
        register: CareRegister, runner: ViewRunner) -> None:
    a = child(register, "甲")
    held(register, [a])
    known_at = datetime.now(UTC)
    first = to_json(figures(runner, known_at))
    held(register, [a, child(register, "乙")], on=date(2026, 4, 2), amount_yuan="20")
    assert to_json(figures(runner, known_at)) == first
    assert reach(figures(runner)["totals"]) == (2, 2, 2, 0, 20.0)


def test_erasing_a_child_leaves_the_figures_as_they_were(
        register: CareRegister, runner: ViewRunner) -> None:
    a, b = child(register, "甲"), child(register, "乙")
    held(register, [a, b], items=3, amount_yuan=10)
    before = reach(figures(runner)["totals"])
    register.erase_personal_data(a, reason="监护人撤回同意", actor=STAFF)
    assert reach(figures(runner)["totals"]) == before == (1, 1, 2, 3, 10.0)


def test_township_parts_combined_give_the_whole_regions_activity_figures(
        register: CareRegister, runner: ViewRunner) -> None:
    a, c = child(register, "甲"), child(register, "丙", TOWN_2, MIDDLE)
    held(register, [a, c], items=6, amount_yuan="12.34")
    held(register, [c], amount_yuan="0.66")
    register.record_contact(paired(register, c), kind="phone", notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 10))
    known_at = datetime.now(UTC)
    whole = figures(runner, known_at)
    with runner.store.recorder(ReportFacts).read() as tx:
        codes = townships(tx, COUNTY, known_at)
    parts = [figures(runner, known_at, township=code) for code in codes]
    assert to_json(combine(parts)) == to_json(whole)
    assert reach(whole["totals"]) == (2, 2, 2, 6, 13.0)
