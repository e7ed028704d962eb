"""The demo's two years, planned from a seed (演示方案): every step with the day it is entered.

Planning is pure: the same seed, size, day and approval levels give the same steps, whatever the
store. The programme's machinery runs at its usual moments: the policy catches up each week
(ending the pairings of children who left and of the disqualified volunteer), the reminder scan
runs on a few past days, and the county's quarterly report is requested at each quarter's turn,
one quarter again weeks later, after late records came in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from aixin.demo.activities import plan_activities
from aixin.demo.children import plan_children
from aixin.demo.county import County, demo_county
from aixin.demo.endings import (
    plan_all_contacts,
    plan_disqualification,
    plan_endings,
    plan_suspensions_and_commendations,
)
from aixin.demo.enrolment import plan_enrolment
from aixin.demo.pairings import match
from aixin.demo.school import plan_school_work
from aixin.demo.steps import CatchUp, QuarterlyReportStep, ReminderScan
from aixin.demo.timeline import Plan, month_starts, years_later
from aixin.demo.volunteers import plan_volunteers
from domain.reports import Quarter

#: Volunteers who apply, per child on the register.
VOLUNTEERS_PER_CHILD = 0.8


def plan_demo(seed: int, children: int, today: date,
              approval_levels: Sequence[str]) -> tuple[Plan, County]:
    """Every step of the demo county's last two years up to ``today``."""
    if children < 1:
        raise ValueError("children: the demo county needs at least one child")
    rng = random.Random(seed)
    plan = Plan(start=years_later(today, -2).replace(day=1), today=today)
    county = demo_county(rng)
    kids = plan_children(rng, county, children, plan)
    volunteers = plan_volunteers(rng, county, max(2, round(children * VOLUNTEERS_PER_CHILD)),
                                 plan, approval_levels, seed)
    pairings = match(rng, plan, kids, volunteers, seed)
    plan_endings(rng, plan, pairings)
    gone = plan_disqualification(rng, plan, pairings, volunteers)
    plan_suspensions_and_commendations(rng, plan, pairings, gone)
    plan_all_contacts(rng, plan, pairings, seed)
    plan_activities(seed, plan, county, kids)
    plan_school_work(seed, plan, kids)
    plan_enrolment(seed, plan, county)
    _plan_machinery(plan)
    return plan, county


def _plan_machinery(plan: Plan) -> None:
    """The policy's catch-up each Sunday, reminder scans on a few past days, the reports."""
    months = month_starts(plan.start, plan.today)
    sunday = plan.start + timedelta(days=6 - plan.start.weekday())
    while sunday < plan.today:
        plan.add(CatchUp(sunday))
        sunday += timedelta(days=7)
    for first in months[-4:-1]:  # the 25th of the last three months
        plan.add(ReminderScan(first.replace(day=25)))
    plan.add(ReminderScan(plan.today - timedelta(days=1)))
    quarters = [first for first in months if first.month in (1, 4, 7, 10) and first > plan.start]
    for turn in quarters:  # the quarter just ended, requested at the turn (季度报送)
        ended = Quarter.before(turn)
        plan.add(QuarterlyReportStep(turn, ended.year, ended.number))
    if quarters and quarters[-1] + timedelta(days=30) < plan.today:
        again = plan.today - timedelta(days=7)  # the same quarter after late records (补录)
        ended = Quarter.before(quarters[-1])
        plan.add(QuarterlyReportStep(again, ended.year, ended.number, scheduled=False))
