"""Read-side look-ups only the console needs (candidates to move beside their views).

Each reads one view's tables in one short transaction, as the API's routes do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from uuid import UUID

from api.scope import caller_of, narrow_children
from api.security import Principal
from domain.access.policy import can_read_volunteer
from projections.duties import DutyView, overdue
from projections.registers.children import (
    ChildFilter,
    ChildrenRegister,
    list_children,
    names_of,
)
from projections.registers.volunteers import VolunteersRegister
from projections.runner import ViewRunner
from projections.worklists import volunteer_rows

_OVERDUE_PAGE = 1000


def children_overdue(views: ViewRunner, on: date, region_code: str | None) -> set[str]:
    """The children owed a duty of an active pairing that is overdue on ``on`` (逾期名单)."""
    found: set[str] = set()
    after: str | None = None
    with views.store.recorder(DutyView).read() as tx:
        while True:
            rows = overdue(tx, on, region_code=region_code, after=after, limit=_OVERDUE_PAGE)
            found.update(row["child_id"] for row in rows)
            if len(rows) < _OVERDUE_PAGE:
                return found
            after = rows[-1]["cursor"]


def child_names(views: ViewRunner, child_ids: Iterable[str]) -> dict[str, str]:
    """Names from the children's register, by id (ids not on it are left out)."""
    with views.store.recorder(ChildrenRegister).read() as tx:
        return names_of(tx, child_ids, views.texts)


def child_names_seen(views: ViewRunner, caller: Principal, child_ids: Iterable[str], *,
                     on: date) -> dict[str, str]:
    """The names of those of these children the caller may read (as ``can_read_child``
    decides: the register narrowed to the caller's scope), by id; the others are left out,
    so a page never names a child outside the caller's scope."""
    wanted = set(child_ids)
    scoped = narrow_children(caller_of(caller), views, ChildFilter()) if wanted else None
    if scoped is None:
        return {}
    if scoped.child_ids is not None:  # a caring mother: the children she is paired with
        wanted &= set(scoped.child_ids)
    if not wanted:
        return {}
    where = dataclasses.replace(scoped, child_ids=tuple(sorted(wanted)))
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows = list_children(tx, where, on, texts=views.texts, limit=len(wanted))
    return {row["child_id"]: row["name"] for row in rows}


def volunteer_names_seen(views: ViewRunner, caller: Principal,
                         volunteer_ids: Iterable[object]) -> dict[str, str]:
    """The names of those of these volunteers whose form the caller may read (as ``GET
    /volunteers/{id}``), from the volunteers' register in one query, by id."""
    who = caller_of(caller)
    with views.store.recorder(VolunteersRegister).read() as tx:
        rows = volunteer_rows(tx, (str(i) for i in volunteer_ids), views.texts)
    return {vid: row["name"] for vid, row in rows.items()
            if can_read_volunteer(who, UUID(vid), row["region_code"], row["unit"])}
