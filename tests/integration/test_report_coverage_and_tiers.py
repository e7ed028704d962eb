"""The report's derived figures (季度报送): pairing coverage counts a left-behind child only if one
of its active pairings has a volunteer in good standing on the quarter's last day, as known at the
report's instant; the volunteers paired, both parents away, the special tier and the guardians of
another generation (隔代监护), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from domain.application import CareRegister
from domain.children import Guardian, Parent
from projections.reports import ReportFacts, combine, compute_figures, to_json, townships
from projections.runner import ViewRunner
from tests.builders import REVIEWERS, STAFF, TEACHER, child_record, volunteer_form
from tests.integration.conftest import EACH_STORE

pytestmark = pytest.mark.parametrize("store", EACH_STORE, indirect=True)

COUNTY, TOWN_1, TOWN_2 = "420821", "420821101", "420821102"
D = date


def volunteer(register: CareRegister, region: str = TOWN_1) -> UUID:
    volunteer_id = register.apply_to_volunteer(volunteer_form(region_code=region), actor=STAFF,
                                               applied_on=D(2025, 9, 1))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer_id, level=level, decision="approve", opinion="同意",
                                  on=D(2025, 9, 10), actor=REVIEWERS[level])
    return volunteer_id


def child(register: CareRegister, region: str = TOWN_1, **record: Any) -> UUID:
    return register.register_child(actor=STAFF, **child_record(
        region_code=region, registered_on=D(2025, 10, 1), **record))


def pair(register: CareRegister, children: list[UUID], volunteers: list[UUID]) -> UUID:
    return register.form_pairing(child_ids=children, volunteer_ids=volunteers,
                                 principle="nearby", starts_on=D(2025, 10, 10), actor=STAFF,
                                 duty_sets=["five_ones"])


def totals(runner: ViewRunner, known_at: datetime | None = None, **options: Any) -> dict:
    """The county's 2026 Q1 totals as known at ``known_at`` (default now)."""
    return figures(runner, known_at, **options)["totals"]


def figures(runner: ViewRunner, known_at: datetime | None = None, **options: Any) -> dict:
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        return compute_figures(tx, COUNTY, 2026, 1, known_at or datetime.now(UTC), **options)


def coverage(runner: ViewRunner, known_at: datetime | None = None) -> tuple[int, int, float]:
    t = totals(runner, known_at)
    return t["left_behind"], t["left_behind_paired"], t["pairing_coverage"]


def test_a_child_whose_only_volunteer_is_suspended_on_the_quarters_last_day_is_not_covered(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register)
    pair(register, [child(register)], [mother])
    register.suspend_volunteer(mother, reason="外出学习", actor=STAFF, on=D(2026, 3, 20))
    assert coverage(runner) == (1, 0, 0.0)
    assert totals(runner)["left_behind_unpaired"] == 1


def test_a_volunteer_suspended_after_the_quarter_still_covers_her_children_in_it(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register)
    pair(register, [child(register)], [mother])
    register.suspend_volunteer(mother, reason="外出学习", actor=STAFF, on=D(2026, 4, 2))
    assert coverage(runner) == (1, 1, 1.0)


def test_a_volunteer_reinstated_by_the_quarters_last_day_covers_her_children_again(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register)
    pair(register, [child(register)], [mother])
    register.suspend_volunteer(mother, reason="外出学习", actor=STAFF, on=D(2026, 2, 1))
    register.reinstate_volunteer(mother, reason="学习结束", actor=STAFF, on=D(2026, 3, 1))
    assert coverage(runner) == (1, 1, 1.0)


def test_one_volunteer_in_good_standing_is_enough_to_cover_the_children_of_a_pairing(
        register: CareRegister, runner: ViewRunner) -> None:
    first, second = volunteer(register), volunteer(register)
    pair(register, [child(register)], [first, second])
    register.suspend_volunteer(first, reason="外出学习", actor=STAFF, on=D(2026, 3, 20))
    assert coverage(runner) == (1, 1, 1.0)


def test_a_suspension_recorded_after_known_at_leaves_the_report_as_known_then(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register)
    pair(register, [child(register)], [mother])
    known_at = datetime.now(UTC)
    first = to_json(figures(runner, known_at))
    register.suspend_volunteer(mother, reason="补录：三月已暂停", actor=STAFF, on=D(2026, 3, 20))
    assert to_json(figures(runner, known_at)) == first
    assert coverage(runner, known_at) == (1, 1, 1.0)
    assert coverage(runner) == (1, 0, 0.0)


def test_each_volunteer_of_an_active_pairing_is_counted_once_in_her_own_township(
        register: CareRegister, runner: ViewRunner) -> None:
    near, far = volunteer(register, TOWN_1), volunteer(register, TOWN_2)
    pair(register, [child(register)], [near, far])
    pair(register, [child(register, name="王小明")], [near])
    volunteer(register, TOWN_2)  # approved, never paired
    report = figures(runner)
    assert report["totals"]["volunteers_paired"] == 2
    assert {code: unit["volunteers_paired"] for code, unit in report["townships"].items()} == {
        TOWN_1: 1, TOWN_2: 1}


def test_a_volunteer_whose_pairings_ended_before_the_quarters_last_day_is_not_paired(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register)
    pairing = pair(register, [child(register)], [mother])
    register.end_pairing(pairing, reason="调整结对", actor=STAFF, on=D(2026, 3, 1))
    assert totals(runner)["volunteers_paired"] == 0


def test_both_parents_away_and_the_special_tier_follow_the_parents_on_the_last_day(
        register: CareRegister, runner: ViewRunner) -> None:
    one_away = (Parent(role="father", status="away"), Parent(role="mother", status="incapable"))
    typed_but_not = child(register, parents=one_away, categories=("both_parents_away",))
    child(register, name="王小明", parents=one_away, categories=("disabled",))
    child(register, name="王小红", categories=())  # both away, nothing typed
    register.change_parent(typed_but_not, Parent(role="mother", status="away"), actor=TEACHER,
                           on=D(2026, 4, 1))  # after the quarter
    t = totals(runner)
    assert (t["left_behind"], t["both_parents_away"], t["special_attention"]) == (3, 1, 2)
    assert t["left_behind_by_category"]["both_parents_away"] == 1


def test_a_study_difficulty_alone_is_not_the_special_tier(
        register: CareRegister, runner: ViewRunner) -> None:
    one_away = (Parent(role="father", status="away"), Parent(role="mother", status="deceased"))
    child(register, parents=one_away, categories=("study_difficulty",))
    t = totals(runner)
    assert (t["left_behind"], t["special_attention"], t["left_behind_special"]) == (1, 0, 1)


def test_a_guardian_of_another_generation_is_a_grandparent_of_either_side_on_the_last_day(
        register: CareRegister, runner: ViewRunner) -> None:
    child(register, guardian=Guardian(name="张桂兰", relation="外婆"))
    aunt = child(register, name="王小明", guardian=Guardian(name="王秀梅", relation="姑姑"))
    grandfather = child(register, name="王小红", guardian=Guardian(name="王德福", relation="爷爷"))
    register.change_guardian(aunt, Guardian(name="王德福", relation="祖父"), actor=TEACHER,
                             on=D(2026, 3, 1))
    register.change_guardian(grandfather, Guardian(name="王秀梅", relation="姑姑"),
                             actor=TEACHER, on=D(2026, 4, 1))  # after the quarter
    assert totals(runner)["grandparent_guardians"] == 3


def test_the_new_figures_of_township_parts_add_up_to_the_regions(
        register: CareRegister, runner: ViewRunner) -> None:
    near, far = volunteer(register, TOWN_1), volunteer(register, TOWN_2)
    pair(register, [child(register)], [near, far])
    pair(register, [child(register, TOWN_2, name="王小明"),
                    child(register, TOWN_2, name="王小红")], [far])
    register.suspend_volunteer(far, reason="外出学习", actor=STAFF, on=D(2026, 3, 20))
    known_at = datetime.now(UTC)
    whole = figures(runner, known_at)
    with runner.store.recorder(ReportFacts).read() as tx:
        codes = townships(tx, COUNTY, known_at)
    parts = [figures(runner, known_at, township=code) for code in codes]
    assert to_json(combine(parts)) == to_json(whole)
    assert (whole["totals"]["left_behind_paired"], whole["totals"]["volunteers_paired"]) == (1, 2)
