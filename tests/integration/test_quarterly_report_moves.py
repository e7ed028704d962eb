"""The quarterly report (季度报送) counts a child where it was on the quarter's last day: a
transfer (迁出) moves it from the old region's figures to the new one's from the quarter of
its date, a change of school (升学、转学) likewise between schools, and a correction (更正) of
a sex or a birth date counts on every date from the instant it was recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from domain.application import CareRegister
from projections.reports import ReportFacts, combine, compute_figures, townships
from projections.reports.quarterly import counties
from projections.runner import ViewRunner
from tests.builders import STAFF, child_record

OLD, NEW = "420821", "420822"


def totals(runner: ViewRunner, region: str, quarter: int,
           known_at: datetime | None = None) -> dict[str, Any]:
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        figures = compute_figures(tx, region, 2026, quarter, known_at or datetime.now(UTC))
    return figures["totals"]  # type: ignore[no-any-return]


def registered(register: CareRegister) -> Any:
    return register.register_child(actor=STAFF, **child_record(
        region_code="420821101", registered_on=date(2026, 1, 10)))


def test_a_transferred_child_counts_in_the_new_region_from_the_quarter_of_its_move(
        register: CareRegister, runner: ViewRunner) -> None:
    child = registered(register)
    before = datetime.now(UTC)
    register.transfer_child(child, region_code="420822100", reason="随祖父母迁往沙洋县",
                            actor=STAFF, on=date(2026, 5, 1))
    assert (totals(runner, OLD, 1)["children_registered"],
            totals(runner, NEW, 1)["children_registered"]) == (1, 0)
    assert (totals(runner, OLD, 2)["children_registered"],
            totals(runner, NEW, 2)["left_behind"]) == (0, 1)
    assert totals(runner, OLD, 2, known_at=before)["children_registered"] == 1


def test_a_corrected_sex_counts_from_when_it_was_recorded(
        register: CareRegister, runner: ViewRunner) -> None:
    child = registered(register)
    before = datetime.now(UTC)
    register.correct_child(child, field="sex", value="male", reason="性别录入错误", actor=STAFF)
    assert totals(runner, OLD, 1)["children_registered_boys"] == 1
    assert totals(runner, OLD, 1, known_at=before)["children_registered_girls"] == 1


def test_a_concern_reported_after_a_transfer_counts_in_the_new_region(
        register: CareRegister, runner: ViewRunner) -> None:
    child = registered(register)
    register.transfer_child(child, region_code="420822100", reason="随祖父母迁往沙洋县",
                            actor=STAFF, on=date(2026, 5, 1))
    register.report_concern(child, kind="缺课", description="缺课两天", actor=STAFF,
                            occurred_on=date(2026, 5, 20))
    assert (totals(runner, OLD, 2)["concerns_reported"],
            totals(runner, NEW, 2)["concerns_reported"]) == (0, 1)


def test_a_region_a_child_moved_to_is_reported_in_township_parts_that_add_up(
        register: CareRegister, runner: ViewRunner) -> None:
    child = registered(register)
    register.transfer_child(child, region_code="420822100", reason="随祖父母迁往沙洋县",
                            actor=STAFF, on=date(2026, 5, 1))
    runner.catch_up(ReportFacts)
    now = datetime.now(UTC)
    with runner.store.recorder(ReportFacts).read() as tx:
        assert "420822" in counties(tx)
        parts = [compute_figures(tx, NEW, 2026, 2, now, township=township)
                 for township in townships(tx, NEW, now)]
        whole = compute_figures(tx, NEW, 2026, 2, now)
    assert combine(parts)["totals"]["children_registered"] == 1
    assert whole["totals"]["children_registered"] == 1
