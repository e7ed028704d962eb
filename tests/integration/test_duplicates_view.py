"""Likely duplicates (疑似重复档案) and merges, as the views follow the log: the pairs found by
keyed hashes of names and phones, the timeline joined after a merge, and a rebuild from zero
that gives the rows following the log gave."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from domain.access.caller import Caller
from domain.application import CareRegister
from domain.children import Guardian
from projections.duplicates import (
    CLOSE_NAME_SAME_PHONE,
    SAME_NAME_AND_BIRTH,
    LikelyDuplicates,
    likely_pairs,
)
from projections.registers.children import ChildrenRegister
from projections.reports import ReportFacts, compute_figures
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline, timeline
from storage.sql import Row
from tests.builders import STAFF, child_record

TABLES = ("dup_children", "dup_phones", "dup_pairs")


def child(register: CareRegister, **record: object) -> UUID:
    return register.register_child(actor=STAFF, **child_record(**record))  # type: ignore[arg-type]


def pairs(runner: ViewRunner) -> dict[frozenset[str], str]:
    runner.catch_up(LikelyDuplicates)
    with runner.store.recorder(LikelyDuplicates).read() as tx:
        return {frozenset((row["first_id"], row["second_id"])): row["reason"]
                for row in tx.execute("SELECT * FROM dup_pairs").all()}


def rows(runner: ViewRunner) -> list[list[Row]]:
    runner.catch_up(LikelyDuplicates)
    with runner.store.recorder(LikelyDuplicates).read() as tx:
        return [tx.execute(f"SELECT * FROM {table} ORDER BY 1, 2").all() for table in TABLES]


def test_pairs_are_found_for_each_reason_and_not_for_other_children(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    same = child(register, parents=(), guardian=None)  # no phone: the same name and birth
    close = child(register, name="王 晓花", birth_date=date(2016, 5, 1), parents=())
    child(register, name="李明", parents=())  # the same guardian's phone, another name
    assert pairs(runner) == {
        frozenset((str(first), str(same))): SAME_NAME_AND_BIRTH,
        frozenset((str(first), str(close))): CLOSE_NAME_SAME_PHONE}


def test_the_view_keeps_no_name_or_phone_in_clear_text(
        register: CareRegister, runner: ViewRunner) -> None:
    child(register)
    stored = repr(rows(runner))
    assert "王小花" not in stored and "13900000003" not in stored


def test_an_erased_child_is_not_findable_by_its_hashes_any_more(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    child(register)
    register.erase_personal_data(first, reason="监护人撤回同意", actor=STAFF)
    assert pairs(runner) == {}
    assert str(first) not in repr(rows(runner))


def test_a_guardian_whose_phone_changes_makes_a_new_pair(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register, parents=())
    other = child(register, name="王小华", parents=(), guardian=Guardian(
        name="李桂英", relation="外祖母", age=66, phone="13900000009"))
    assert pairs(runner) == {}
    register.change_guardian(other, Guardian(name="张桂兰", relation="祖母", age=68,
                                             phone="139-0000-0003"), actor=STAFF)
    assert pairs(runner) == {frozenset((str(first), str(other))): CLOSE_NAME_SAME_PHONE}


def test_a_merged_pair_leaves_the_list(register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    assert pairs(runner) == {}


def test_the_survivors_timeline_reads_the_duplicates_entries_only_as_known_after_the_merge(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    concern = register.report_concern(second, kind="absence", description="缺课", actor=STAFF)
    register.resolve_concern(second, concern, action="家访后复学", actor=STAFF)
    before = datetime.now(UTC)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    runner.catch_up(ChildTimeline)
    with runner.store.recorder(ChildTimeline).read() as tx:
        then = [row["event_type"] for row in timeline(tx, first, recorded_until=before)]
        now = [(row["child_id"], row["event_type"]) for row in timeline(tx, first)]
    assert then == ["ChildRegistered"]
    assert (str(second), "ConcernReported") in now and (str(first), "ChildAbsorbed") in now


def test_a_rebuild_from_zero_gives_the_rows_following_the_log_gave(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    child(register, name="王晓花", parents=())
    runner.catch_up(LikelyDuplicates)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    followed = rows(runner)
    runner.catch_up(ChildTimeline)
    with runner.store.recorder(ChildTimeline).read() as tx:
        merges = tx.execute("SELECT * FROM tl_merges").all()
    runner.rebuild(LikelyDuplicates)
    runner.rebuild(ChildTimeline)
    assert rows(runner) == followed
    with runner.store.recorder(ChildTimeline).read() as tx:
        assert tx.execute("SELECT * FROM tl_merges").all() == merges


def test_the_register_lists_the_duplicate_as_merged(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    runner.catch_up(ChildrenRegister)
    with runner.store.recorder(ChildrenRegister).read() as tx:
        statuses = {row["child_id"]: row["status"] for row in tx.execute(
            "SELECT child_id, status FROM reg_children").all()}
    assert statuses == {str(first): "active", str(second): "merged"}


def test_the_quarterly_report_counts_the_merged_child_once(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    before = datetime.now(UTC)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        then = compute_figures(tx, "420821", 2026, 2, before)["totals"]
        now = compute_figures(tx, "420821", 2026, 2, datetime.now(UTC))["totals"]
    assert (then["children_registered"], now["children_registered"]) == (2, 1)


def quarter_totals(runner: ViewRunner, quarter: int, known_at: datetime) -> dict[str, object]:
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        totals: dict[str, object] = compute_figures(tx, "420821", 2026, quarter,
                                                    known_at)["totals"]
    return totals


def test_a_merge_is_not_counted_as_a_child_leaving_the_programme(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    now = quarter_totals(runner, 2, datetime.now(UTC))
    assert (now["exited_in_quarter"], now["exit_reasons"]) == (0, {})


def test_a_merge_leaves_the_exits_of_the_quarter_as_they_were(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    leaving = child(register, name="李明")
    register.exit_child(leaving, reason="随父母外出", actor=STAFF, on=date(2026, 5, 4))
    before = datetime.now(UTC)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    then, now = quarter_totals(runner, 2, before), quarter_totals(runner, 2, datetime.now(UTC))
    assert (now["exited_in_quarter"], now["exit_reasons"]) == (1, {"随父母外出": 1})
    assert (now["exited_in_quarter"], now["exit_reasons"]) == (
        then["exited_in_quarter"], then["exit_reasons"])


def test_a_quarter_before_the_merge_counts_both_records_as_known_before_it_and_one_after(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register)
    before = datetime.now(UTC)
    register.merge_children(first, second, reason="同一儿童登记两次", actor=STAFF)
    then, now = quarter_totals(runner, 1, before), quarter_totals(runner, 1, datetime.now(UTC))
    assert (then["children_registered"], then["registered_in_quarter"]) == (2, 2)
    assert (now["children_registered"], now["registered_in_quarter"]) == (1, 1)
    assert (then["left_behind"], now["left_behind"]) == (2, 1)


def test_a_caller_is_listed_the_pairs_within_her_scope_only(
        register: CareRegister, runner: ViewRunner) -> None:
    first = child(register)
    second = child(register, parents=(), guardian=None)
    child(register, region_code="420822101")  # the same girl's name, in another county
    child(register, region_code="420822101", parents=(), guardian=None)
    up_to = register.recorder.max_notification_id() or 0
    runner.catch_up_all()
    county = Caller("staff-2", "federation", region_code="420821")  # type: ignore[arg-type]
    elsewhere = Caller("staff-3", "federation", region_code="420823")  # type: ignore[arg-type]

    (pair,) = likely_pairs(runner, county, region_code=None, up_to=up_to)

    assert {side["id"] for side in pair.children} == {str(first), str(second)}
    assert {side["name"] for side in pair.children} == {"王小花"}
    assert likely_pairs(runner, county, region_code="420822", up_to=up_to) == []
    assert likely_pairs(runner, elsewhere, region_code=None, up_to=up_to) == []
