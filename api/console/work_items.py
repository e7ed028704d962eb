"""The work-lists' items (待办清单) as the console shows them, read from the registers.

Each list is one page of one register's query, narrowed to the caller's scope, with its
total: the left-behind children not covered by a pairing (留守未结对: not paired, or paired
only with caring mothers no longer in good standing, each with its reason), the children still
paired who are no longer left behind or are 16 (仍结对但已不属留守/已满16周岁), the overdue
duties with who owes them to which child and since when (逾期职责), the left-behind children
turning 16 within 30 days (即将年满 16 周岁), the number of open concerns (情况报告), and the
reminders and escalations the workers issued, the newest first, each as it stands today
(``work_reminders``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from api.carers import Place, carers_known
from api.console.queries import child_names_seen
from api.console.work_reminders import issued
from api.security import Principal
from domain.access.policy import Listing
from domain.application import CareRegister
from projections.duties import DutyView, overdue
from projections.events import listed
from projections.registers.children import ChildrenRegister
from projections.registers.concerns import ConcernsRegister
from projections.reports.facts import ReportFacts
from projections.runner import ViewRunner
from projections.uncovered import paired_but_not_covered
from projections.worklists import (
    TURNING_WITHIN,
    open_concern_count,
    overdue_count,
    overdue_reason,
    paired_not_left_behind,
    still_paired_reason,
    turning_16,
    turning_16_count,
    unpaired,
    unpaired_reason,
)
from storage.sql import Row

#: Items on each list's page.
PAGE = 20


@dataclass(frozen=True)
class Cursors:
    """Where each list's page starts (the last item of the page before; empty: the first)."""

    unpaired: str = ""
    still_paired: str = ""
    overdue: str = ""
    turning: str = ""
    reminders: int | None = None


@dataclass(frozen=True)
class Person:
    """Someone an item names, linked to their page; ``name`` is empty if the caller may not
    see it. A caring mother (结对帮扶人) has her ``phone`` beside her name, and ``page`` says
    whether the caller may open her form (a township clerk knows whom to call about the
    children of her township without reading the form of a mother registered elsewhere)."""

    id: str
    name: str
    phone: str = ""
    page: bool = True


@dataclass(frozen=True)
class Overdue:
    """An overdue duty: who owes it (``volunteers``), what (``title``) to whom (``child``),
    for which period and since when."""

    child: Person
    volunteers: list[Person]
    title: str
    period: str
    since: date | None
    days: int | None
    reason: str


@dataclass(frozen=True)
class Reminder:
    """A reminder or an escalation the workers issued, with the people it names."""

    item: Row
    child: Person | None
    volunteers: list[Person]


@dataclass
class WorkLists:
    """The caller's work-lists on ``on``; ``next_*`` is the cursor of a list's next page and
    ``totals`` each list's number of items in all."""

    on: date
    unpaired: list[Row] = field(default_factory=list)
    still_paired: list[Row] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    overdue: list[Overdue] = field(default_factory=list)
    turning: list[Row] = field(default_factory=list)
    open_concerns: int = 0
    reminders: list[Reminder] = field(default_factory=list)
    next_unpaired: str = ""
    next_still_paired: str = ""
    next_overdue: str = ""
    next_turning: str = ""
    next_reminders: str = ""


def _next(rows: list[Row], key: str) -> str:
    return str(rows[-1][key]) if len(rows) == PAGE else ""


def work_lists(register: CareRegister, views: ViewRunner, caller: Principal,
               scope: Listing | None, on: date, at: Cursors) -> WorkLists:
    """The caller's work-lists within ``scope`` (None: outside it, every list empty)."""
    found = WorkLists(on=on)
    if scope is None:
        return found
    region, school = scope.region_code, scope.school
    with views.store.recorder(ReportFacts).read() as tx:
        not_covered = paired_but_not_covered(tx, on, region_code=region, school=school)
    with views.store.recorder(ChildrenRegister).read() as tx:
        found.unpaired, found.totals["unpaired"] = unpaired(
            tx, on, not_covered, region_code=region, school=school,
            after=at.unpaired or None, limit=PAGE, texts=views.texts)
        found.still_paired, found.totals["still_paired"] = paired_not_left_behind(
            tx, on, region_code=region, school=school, after=at.still_paired or None,
            limit=PAGE, texts=views.texts)
        found.turning = turning_16(tx, on, within_days=TURNING_WITHIN, region_code=region,
                                   school=school, after=at.turning or None, limit=PAGE,
                                   texts=views.texts)
        found.totals["turning"] = turning_16_count(tx, on, within_days=TURNING_WITHIN,
                                                   region_code=region, school=school)
    for row in found.unpaired:
        row["reason"] = unpaired_reason(row, not_covered)
    for row in found.still_paired:
        row["reason"] = still_paired_reason(row, on)
    for row in found.turning:
        row["days_left"] = (date.fromisoformat(row["turns_16_on"]) - on).days
    with views.store.recorder(DutyView).read() as tx:
        late = overdue(tx, on, region_code=region, school=school,
                       after=at.overdue or None, limit=PAGE)
        found.totals["overdue"] = overdue_count(tx, on, region_code=region, school=school)
    with views.store.recorder(ConcernsRegister).read() as tx:
        found.open_concerns = open_concern_count(tx, region_code=region, school=school)
    page = issued(views, scope, on, at.reminders, PAGE)
    children = child_names_seen(views, caller, [row["child_id"] for row in late]
                                + [r["child_id"] for r in page.rows if r["child_id"]], on=on)
    paired_with: dict[str, list[Place]] = {}  # each mother named, with where her children are
    named = [(listed(row["volunteer_ids"]), row) for row in late]
    for volunteers, row in [*named, *((r["volunteer_list"], r) for r in page.rows)]:
        for volunteer_id in volunteers:
            paired_with.setdefault(volunteer_id, []).append(
                Place(row["region_code"], row["school"] or ""))
    people = {volunteer_id: Person(carer.id, carer.name, carer.phone, carer.form)
              for volunteer_id, carer in carers_known(register, views, caller,
                                                      paired_with).items()}
    found.overdue = [_overdue(row, on, children, people) for row in late]
    found.reminders = [Reminder(
        item=r, child=Person(r["child_id"], children.get(r["child_id"], ""))
        if r["child_id"] else None, volunteers=[people[v] for v in r["volunteer_list"]])
        for r in page.rows]
    found.next_unpaired = _next(found.unpaired, "child_id")
    found.next_still_paired = _next(found.still_paired, "child_id")
    found.next_turning = _next(found.turning, "cursor")
    found.next_overdue = _next(late, "cursor")
    found.next_reminders = page.next
    return found


def _overdue(row: Row, on: date, children: dict[str, str],
             people: dict[str, Person]) -> Overdue:
    since = date.fromisoformat(row["overdue_since"]) if row["overdue_since"] else None
    return Overdue(child=Person(row["child_id"], children.get(row["child_id"], "")),
                   volunteers=[people[v] for v in listed(row["volunteer_ids"])],
                   title=row["title"], period=row["period_label"], since=since,
                   days=(on - since).days if since else None,
                   reason=overdue_reason(row["reason"], since, on))
