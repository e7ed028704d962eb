"""Fill an empty store with the demo county (演示县):
``build_demo(settings, seed=7, children=3000, today=None, progress=None)``.

The planned steps (:mod:`aixin.demo.scenario`) run in the order they are entered, each through
the register's use cases on its own day; the projector, the reminder scan and the quarterly
reports run in this process at their moments, as the workers would. At the end every view is
caught up and the duty status is as of today, so the service starts on a living programme.

Ids are the register's own (random: the use cases do not take ids), so two builds with one seed
give the same log but for the ids; recorded instants come from the demo's clock and are the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from aixin.bootstrap import build_register, build_report_store, build_view_store
from aixin.demo.county import COUNTY_CODE
from aixin.demo.places import name_demo_places
from aixin.demo.register import DemoClock, DemoRegister, demo_log_clock
from aixin.demo.scenario import plan_demo
from aixin.demo.steps import CatchUp, Ids, QuarterlyReportStep, ReminderScan, Step
from aixin.demo.volunteers import STAFF
from aixin.settings import Settings
from domain.application import programme_today
from domain.common import SYSTEM
from projections.catalog import ALL_VIEWS
from projections.policies import PairingsFollowTheirMembers
from projections.runner import ViewRunner
from workers.reminders.scan import run_scan
from workers.reports.generation import Reporting, produce

#: ``progress(done, total)`` after each step.
Progress = Callable[[int, int], None]


class DemoRefused(Exception):
    """The demo cannot be built as asked; nothing was recorded."""


class StoreNotEmpty(DemoRefused):
    """The demo fills an empty store only; it never mixes with real records."""


@dataclass(frozen=True)
class DemoSummary:
    """What was built: the window of days, how many of each step, the log's length, the time."""

    seed: int
    first_day: date
    today: date
    steps: dict[str, int]
    events: int
    seconds: float
    reports: list[str] = field(default_factory=list)


def store_is_empty(settings: Settings) -> bool:
    """Whether the configured event store holds no event yet."""
    register = build_register(settings)
    try:
        return not register.recorder.max_notification_id()
    finally:
        register.close()


def build_demo(settings: Settings, *, seed: int = 7, children: int = 3000,
               today: date | None = None, progress: Progress | None = None) -> DemoSummary:
    """Fill the (empty) store of ``settings`` with the demo county's two years up to ``today``
    (default: the programme's today). StoreNotEmpty if it holds any event."""
    started = time.perf_counter()
    real_today = programme_today(settings.timezone)()
    day = today or real_today
    if day > real_today:
        raise DemoRefused(f"today: {day} is in the future (the programme's today is "
                         f"{real_today}); the demo records nothing ahead of time")
    if not store_is_empty(settings):
        raise StoreNotEmpty("the store already holds records; the demo fills an empty store "
                            "only (use a new AIXIN_DATA_DIR or AIXIN_POSTGRES_SCHEMA)")
    programme = settings.programme()
    plan, county = plan_demo(seed, children, day, programme.approval_levels)
    clock = DemoClock(plan.start, settings.timezone)
    register = build_register(settings, clock=clock.today, kind=DemoRegister)
    assert isinstance(register, DemoRegister)
    register.relax_durability()
    runner = ViewRunner(register, build_view_store(settings), ALL_VIEWS,
                        batch_size=settings.projections_batch_size)
    results = build_report_store(settings)
    try:
        steps = plan.ordered()
        reporting = Reporting(register, runner, results,
                              townships_per_task=settings.report_townships_per_task,
                              parts=settings.report_parts)
        ids, reports = Ids(), []
        with demo_log_clock(clock):
            name_demo_places(register, county)
            for done, step in enumerate(steps, 1):
                clock.enter(step.recorded_on)
                if isinstance(step, CatchUp | ReminderScan | QuarterlyReportStep):
                    with register.unbatched():
                        reports += _system_step(step, register, runner, reporting, settings)
                else:
                    step.do(register, ids)
                if progress is not None:
                    progress(done, len(steps))
            clock.enter(day)
            with register.unbatched():
                runner.catch_up_all()
                runner.refresh(day)
        counts: dict[str, int] = {}
        for step in steps:
            counts[type(step).__name__] = counts.get(type(step).__name__, 0) + 1
        return DemoSummary(seed, plan.start, day, counts,
                           register.recorder.max_notification_id() or 0,
                           round(time.perf_counter() - started, 1), reports)
    finally:
        results.close()
        runner.store.close()
        register.close()


def _system_step(step: Step, register: DemoRegister, runner: ViewRunner,
                 reporting: Reporting, settings: Settings) -> list[str]:
    """The policy, the reminder scan or a quarterly report, as on ``step.recorded_on``.

    Each catches up only the views it reads (the scan the duty view, the report its facts),
    and the policy first, which ends the pairings of children who left and of a disqualified
    volunteer; every other view catches up once, at the end of the build.
    """
    runner.catch_up(PairingsFollowTheirMembers)
    if isinstance(step, ReminderScan):
        run_scan(register, runner, settings, step.recorded_on)
    elif isinstance(step, QuarterlyReportStep):
        escalate = settings.reminder_escalation_days
        if step.scheduled:
            report_id, _ = register.request_scheduled_report(
                region_code=COUNTY_CODE, year=step.year, quarter=step.quarter, actor=SYSTEM,
                escalate_after_days=escalate)
        else:
            report_id = register.request_report(
                region_code=COUNTY_CODE, year=step.year, quarter=step.quarter, actor=STAFF,
                escalate_after_days=escalate)
        produce(reporting, report_id)
        return [str(report_id)]
    return []
