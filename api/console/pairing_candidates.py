"""Whom a pairing form offers (结对候选): active children and approved volunteers within the
caller's region, found by part of their name, so that nobody types an id."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from api.deps import Views
from api.scope import caller_of, narrow_children
from api.security import Principal
from domain.access.policy import Listing, narrow
from projections.pairings_found import active_pairings_of
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.registers.pairings import PairingsRegister
from projections.registers.volunteers import VolunteersRegister, list_volunteers
from storage.sql import Row

#: How many of each a search shows.
SHOWN = 20
#: How many approved volunteers of a region are read at a time to find one by name (names
#: are sealed on the register, with no index to search them by: they are matched once
#: opened, page after page until enough are found or the region is read through).
READ = 500


@dataclass(frozen=True)
class Candidate:
    """A child or a volunteer to choose: its id, name and what tells it apart."""

    id: str
    name: str
    detail: str
    region_code: str = ""
    #: Active pairings it is in now (a child: paired or not; a volunteer: how many, 就近).
    pairings: int | None = None


def children_named(views: Views, caller: Principal, today: date, name: str) -> list[Candidate]:
    """Active children within the caller's scope whose name holds ``name`` (all if empty),
    those not yet paired first."""
    where = narrow_children(caller_of(caller), views, ChildFilter(
        name=name.strip() or None, status="active"))
    if where is None:
        return []
    rows: list[Row] = []
    with views.store.recorder(ChildrenRegister).read() as tx:
        for paired in (False, True):
            rows += list_children(tx, dataclasses.replace(where, paired=paired), today,
                                  texts=views.texts, limit=SHOWN - len(rows))
            if len(rows) >= SHOWN:
                break
    return [Candidate(id=row["child_id"], name=row["name"],
                      detail=f"{row['school']} {row['class_name']}",
                      region_code=row["region_code"], pairings=row["active_pairings"])
            for row in rows]


def volunteers_named(views: Views, caller: Principal, name: str) -> list[Candidate]:
    """Approved volunteers within the caller's region whose name holds ``name``."""
    scoped = narrow(Listing(), caller_of(caller))
    if scoped is None:
        return []
    wanted = name.strip()
    found: list[Candidate] = []
    after: str | None = None
    with views.store.recorder(VolunteersRegister).read() as tx:
        while len(found) < SHOWN:
            rows = list_volunteers(tx, texts=views.texts, status="approved",
                                   region_code=scoped.region_code, after=after, limit=READ)
            found += [Candidate(id=row["volunteer_id"], name=row["name"], detail=row["unit"],
                                region_code=row["region_code"])
                      for row in rows if wanted in row["name"]]
            if len(rows) < READ:
                break
            after = rows[-1]["volunteer_id"]
    found = found[:SHOWN]
    with views.store.recorder(PairingsRegister).read() as tx:
        active = active_pairings_of(tx, [c.id for c in found])
    return [dataclasses.replace(c, pairings=active.get(c.id, 0)) for c in found]


#: How many children found by name a pairings' list is narrowed to at most.
NAMED = 1000


def child_ids_named(views: Views, caller: Principal, today: date,
                    name: str) -> tuple[str, ...]:
    """The ids of the children within the caller's scope (on the register or not) whose name
    holds ``name``, for narrowing a list of pairings."""
    where = narrow_children(caller_of(caller), views, ChildFilter(name=name.strip()))
    if where is None:
        return ()
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows = list_children(tx, where, today, texts=views.texts, limit=NAMED)
    return tuple(row["child_id"] for row in rows)


def volunteer_ids_named(views: Views, caller: Principal, name: str) -> tuple[str, ...]:
    """The ids of the volunteers within the caller's region, whatever their standing, whose
    name holds ``name``, for narrowing a list of pairings."""
    scoped = narrow(Listing(), caller_of(caller))
    if scoped is None:
        return ()
    wanted = name.strip()
    found: list[str] = []
    after: str | None = None
    with views.store.recorder(VolunteersRegister).read() as tx:
        while True:
            rows = list_volunteers(tx, texts=views.texts, region_code=scoped.region_code,
                                   after=after, limit=READ)
            found += [row["volunteer_id"] for row in rows if wanted in row["name"]]
            if len(rows) < READ:
                return tuple(found)
            after = rows[-1]["volunteer_id"]
