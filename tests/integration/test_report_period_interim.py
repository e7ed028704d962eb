"""A report of a quarter that has not ended counts up to the day it is known (季度未结束): its
state figures as of that day, its period from the quarter's start to that day, and it says so.

The register records facts at the real instant, so the report is known now, and the quarter is
the one now falls in (in Beijing time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.application import CareRegister
from domain.reports import Quarter
from projections.reports import ReportFacts, compute_figures
from projections.runner import ViewRunner
from tests.builders import child_record
from tests.integration.test_quarterly_report import STAFF


def _sixteen_on(day: date) -> date:
    return day.replace(year=day.year - 16)


def test_a_quarter_not_ended_is_counted_up_to_the_day_it_is_known(
        register: CareRegister, runner: ViewRunner) -> None:
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    quarter = Quarter.of(day)
    # he turns 16 the day after: left behind on the day known, not on the quarter's last day
    register.register_child(actor=STAFF, **child_record(
        name="张小军", sex="male", birth_date=_sixteen_on(day + timedelta(days=1)),
        registered_on=date(2026, 6, 1)))
    runner.catch_up(ReportFacts)
    known_at = datetime.now(UTC)
    assert known_at.astimezone(ZoneInfo("Asia/Shanghai")).date() == day  # not past midnight
    with runner.store.recorder(ReportFacts).read() as tx:
        figures = compute_figures(tx, "420821", quarter.year, quarter.number, known_at)
    meta = figures["meta"]
    assert (meta["period_start"], meta["period_end"], meta["quarter_end"],
            meta["quarter_ended"], figures["totals"]["left_behind"]) == (
        quarter.start.isoformat(), day.isoformat(), quarter.last_day.isoformat(), False, 1)


def test_a_quarter_known_after_it_ended_is_counted_to_its_last_day(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record())
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        figures = compute_figures(tx, "420821", 2026, 1, datetime.now(UTC))
    meta = figures["meta"]
    assert (meta["period_end"], meta["quarter_end"], meta["quarter_ended"]) == (
        "2026-03-31", "2026-03-31", True)
