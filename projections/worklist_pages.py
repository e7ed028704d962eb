"""One page of one work-list (待办清单) as items, each naming its child and why it is on the
list (in Chinese): the left-behind children turning 16 within 30 days (即将年满16周岁), the
children still paired who are no longer left behind (仍结对但已不属留守), the left-behind
children not covered by a pairing (留守未结对), the overdue duties (逾期职责) and the open
concerns (未办结的情况报告). The queries are the console's (:mod:`projections.worklists`,
:mod:`projections.uncovered`, :func:`projections.duties.overdue`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.vocabulary import CONCERN_KIND_TITLES
from projections.duties import DutyView, overdue
from projections.events import listed
from projections.registers.children import ChildrenRegister, names_of
from projections.registers.concerns import ConcernsRegister
from projections.reports.facts import ReportFacts
from projections.runner import ViewRunner
from projections.uncovered import paired_but_not_covered
from projections.worklists import (
    TURNING_WITHIN,
    open_concerns_on,
    overdue_reason,
    paired_not_left_behind,
    still_paired_reason,
    turning_16,
    turning_reason,
    unpaired,
    unpaired_reason,
)
from storage.sql import Row

#: Each work-list's name and title (in Chinese).
WORK_LISTS = {
    "turning_16": f"{TURNING_WITHIN} 天内年满16周岁的留守儿童",
    "paired_but_not_left_behind": "仍在结对但已不属于留守儿童",
    "unpaired_left_behind": "留守且未结对（或结对未覆盖）",
    "overdue_duties": "逾期未履行的帮扶职责",
    "open_concerns": "未办结的情况报告",
}


@dataclass
class WorkPage:
    """A page of a work-list's items and the cursor of the next page (None: the last)."""

    items: list[dict[str, Any]] = field(default_factory=list)
    next: str | None = None


@dataclass(frozen=True)
class Asked:
    """Which page of a list, within which region and school, as things stand on ``on``."""

    on: date
    region_code: str | None = None
    school: str | None = None
    after: str | None = None
    limit: int = 50


def work_page(views: ViewRunner, name: str, asked: Asked) -> WorkPage:
    """The page ``asked`` of the work-list ``name`` (one of :data:`WORK_LISTS`)."""
    rows, key = _READERS[name](views, asked)
    page = WorkPage(items=[_item(row) for row in rows])
    if len(rows) == asked.limit and rows:
        page.next = str(rows[-1][key])
    return page


def _item(row: Row) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key in _SHOWN}


_SHOWN = {"child_id", "reason", "name", "region_code", "school", "class_name", "birth_date",
          "turns_16_on", "days_left", "registered_on", "pairing_id", "duty", "title",
          "period", "overdue_since", "volunteer_ids", "concern_id", "kind", "occurred_on"}


def _turning(views: ViewRunner, asked: Asked) -> tuple[list[Row], str]:
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows = turning_16(tx, asked.on, within_days=TURNING_WITHIN,
                          region_code=asked.region_code, school=asked.school,
                          after=asked.after, limit=asked.limit, texts=views.texts)
    for row in rows:
        row["days_left"] = (date.fromisoformat(row["turns_16_on"]) - asked.on).days
        row["reason"] = turning_reason(row, asked.on)
    return rows, "cursor"


def _still_paired(views: ViewRunner, asked: Asked) -> tuple[list[Row], str]:
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows, _ = paired_not_left_behind(tx, asked.on, region_code=asked.region_code,
                                         school=asked.school, after=asked.after,
                                         limit=asked.limit, texts=views.texts)
    for row in rows:
        row["reason"] = still_paired_reason(row, asked.on)
    return rows, "child_id"


def _unpaired(views: ViewRunner, asked: Asked) -> tuple[list[Row], str]:
    with views.store.recorder(ReportFacts).read() as tx:
        not_covered = paired_but_not_covered(tx, asked.on, region_code=asked.region_code,
                                             school=asked.school)
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows, _ = unpaired(tx, asked.on, not_covered, region_code=asked.region_code,
                           school=asked.school, after=asked.after, limit=asked.limit,
                           texts=views.texts)
    for row in rows:
        row["reason"] = f"留守且{unpaired_reason(row, not_covered)}"
    return rows, "child_id"


def _overdue(views: ViewRunner, asked: Asked) -> tuple[list[Row], str]:
    with views.store.recorder(DutyView).read() as tx:
        rows = overdue(tx, asked.on, region_code=asked.region_code, school=asked.school,
                       after=asked.after, limit=asked.limit)
    named = _names(views, rows)
    for row in rows:
        since = date.fromisoformat(row["overdue_since"]) if row["overdue_since"] else None
        row.update(duty=row["name"], period=row["period_label"],
                   volunteer_ids=list(listed(row["volunteer_ids"])),
                   name=named.get(row["child_id"], ""),
                   reason=f"{row['title']}：{overdue_reason(row['reason'], since, asked.on)}")
    return rows, "cursor"


def _concerns(views: ViewRunner, asked: Asked) -> tuple[list[Row], str]:
    with views.store.recorder(ConcernsRegister).read() as tx:
        rows = open_concerns_on(tx, asked.on, region_code=asked.region_code,
                                school=asked.school, after=asked.after, limit=asked.limit)
    named = _names(views, rows)
    for row in rows:
        kind = CONCERN_KIND_TITLES.get(row["kind"], row["kind"])
        row.update(name=named.get(row["child_id"], ""),
                   reason=f"情况报告：{kind}（{row['occurred_on']}起未办结）")
    return rows, "concern_id"


def _names(views: ViewRunner, rows: list[Row]) -> dict[str, str]:
    with views.store.recorder(ChildrenRegister).read() as tx:
        return names_of(tx, [row["child_id"] for row in rows], views.texts)


_READERS: dict[str, Callable[[ViewRunner, Asked], tuple[list[Row], str]]] = {
    "turning_16": _turning, "paired_but_not_left_behind": _still_paired,
    "unpaired_left_behind": _unpaired, "overdue_duties": _overdue, "open_concerns": _concerns}
