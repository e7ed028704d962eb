"""/me: the caller's own work in one answer, for the field app on a phone.

A caring mother (爱心妈妈) gets the children of her active pairings, a teacher (学校) the
left-behind pupils of its school; each child as the role may read it (the same view
``GET /children/{id}`` gives, cut to its essentials), with every duty owed to it today in
the duty engine's words, and a caring mother's reminders whose duty is still not met. One
request instead of one per child: the phone is often on a slow network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from api.deps import Register, Views, roles
from api.routes.children import for_role
from api.schemas.me import MyChild, MyDuty, MyPairing, MyReminder, MyWork, Titled
from api.scope import caller_of, narrow_children
from api.security import Principal
from domain.access.policy import Listing, narrow, own_volunteer
from domain.application.child_care import OwedDuty
from domain.application.reading import PairedChildren
from domain.duties import period_title
from domain.vocabulary import (
    CATEGORY_TITLES,
    CONCERN_KIND_TITLES,
    CONTACT_KIND_TITLES,
    GUARDIAN_RELATION_TITLES,
    ROLE_TITLES,
    title_of,
)
from projections.events import listed
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.registers.reminders import RemindersRegister, list_reminders
from storage.sql import Row

router = APIRouter(prefix="/me", tags=["me"])
FieldWorker = Annotated[Principal, Depends(roles("volunteer", "school"))]

#: Children in one answer; a school with more lists the rest from the register.
MOST_CHILDREN = 200
#: The kinds each role records most, offered first.
_FIRST_KINDS = {"volunteer": ("phone", "home_visit", "meeting", "parent_call", "tutoring"),
                "school": ("talk", "home_visit", "parent_contact", "guardian_contact")}


@router.get("/work", response_model=MyWork)
def my_work(caller: FieldWorker, register: Register, views: Views) -> MyWork:
    """The caller's children with every duty owed to each today (and why), their pairings
    and open reminders, for a caring mother or a teacher; other roles 403."""
    today = register.today()
    pairings = _active_pairings(views, caller)
    if caller.role == "volunteer":
        child_ids = list(dict.fromkeys(UUID(c) for row in pairings
                                       for c in listed(row["child_ids"])))
        truncated = False
    else:
        child_ids, truncated = _pupils(caller, views, register)
    of_child: dict[UUID, list[UUID]] = {}
    for row in pairings:
        for child in listed(row["child_ids"]):
            of_child.setdefault(UUID(child), []).append(UUID(row["pairing_id"]))
    owed = register.children_duties({child_id: of_child.get(child_id, [])
                                     for child_id in child_ids}, today)
    hers = {child for row in pairings for child in listed(row["child_ids"])}
    phones = _phones_the_parents(register, caller, pairings)
    children = [_child(register, caller, child_id, of_child.get(child_id, []), owed[child_id],
                       paired=lambda _: hers, phones=phones(child_id))
                for child_id in child_ids]
    return MyWork(
        username=caller.username, role=caller.role,  # type: ignore[arg-type]
        role_title=title_of(ROLE_TITLES, caller.role), school=caller.scope.school,
        today=today, timezone=register.programme.timezone,
        records_on="pairing" if caller.role == "volunteer" else "child",
        contact_kinds=_kinds(register.programme.contact_kinds, caller.role),
        concern_kinds=[Titled(code=c, title=t) for c, t in CONCERN_KIND_TITLES.items()],
        children=children,
        pairings=[MyPairing(id=row["pairing_id"], version=row["version"],
                            child_ids=[UUID(c) for c in listed(row["child_ids"])],
                            starts_on=row["starts_on"])
                  for row in pairings] if caller.role == "volunteer" else [],
        reminders=_open_reminders(views, caller, children), truncated=truncated)


def _active_pairings(views: Views, caller: Principal) -> list[Row]:
    """The active pairings within the caller's scope: hers (the same the register gives
    :func:`api.scope.paired_children`), or those of the school's pupils."""
    scoped = narrow(Listing(), caller_of(caller))
    if scoped is None:
        return []
    with views.store.recorder(PairingsRegister).read() as tx:
        return list_pairings(
            tx, status="active",
            volunteer_id=str(scoped.volunteer_id) if scoped.volunteer_id else None,
            region_code=scoped.region_code, school=scoped.school, limit=1000)


def _pupils(caller: Principal, views: Views, register: Register) -> tuple[list[UUID], bool]:
    """The school's left-behind pupils on the register, and whether there are more."""
    where = narrow_children(caller_of(caller), views,
                            ChildFilter(status="active", left_behind=True))
    if where is None:
        return [], False
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows = list_children(tx, where, register.today(), texts=views.texts,
                             limit=MOST_CHILDREN + 1)
    return [UUID(row["child_id"]) for row in rows[:MOST_CHILDREN]], len(rows) > MOST_CHILDREN


def _phones_the_parents(register: Register, caller: Principal,
                        pairings: list[Row]) -> Callable[[UUID], bool]:
    """:func:`api.scope.phones_the_parents` for each of the caller's children, from her
    active pairings read once: a caring mother sees the parents' phones when a duty set in
    force, or one of her pairings with the child, has her speak with them."""
    if own_volunteer(caller_of(caller)) is None:
        return lambda _: False
    programme = register.programme
    if programme.asks_for_parent_contact():
        return lambda _: True
    known = programme.duty_set_catalogue  # a set the programme no longer holds asks nothing
    sets: dict[UUID, list[str]] = {}
    for row in pairings:
        for child in listed(row["child_ids"]):
            sets.setdefault(UUID(child), []).extend(
                name for name in listed(row["duty_sets"]) if name in known)
    return lambda child_id: programme.asks_for_parent_contact(tuple(sets.get(child_id, ())))


def _child(register: Register, caller: Principal, child_id: UUID, pairing_ids: list[UUID],
           owed: tuple[OwedDuty, ...], *, paired: PairedChildren, phones: bool) -> MyChild:
    """The child as the role reads it (``GET /children/{id}``'s view), with its duties."""
    view = register.read_child(caller_of(caller), child_id, paired=paired).child
    record = for_role(view, caller, parents_phones=phones).model_dump()
    if record.get("guardian"):
        relation = record["guardian"]["relation"]
        record["guardian"]["relation"] = title_of(GUARDIAN_RELATION_TITLES, relation)
    return MyChild.model_validate({
        **record, "categories": [Titled(code=c, title=title_of(CATEGORY_TITLES, c))
                                 for c in record["categories"]],
        "pairing_ids": pairing_ids if caller.role == "volunteer" else [],
        "duties": [_duty(duty) for duty in owed]})


def _duty(owed: OwedDuty) -> MyDuty:
    return MyDuty.model_validate({**dataclasses.asdict(owed.status),
                                  "pairing_id": owed.pairing_id})


def _kinds(known: Iterable[str], role: str) -> list[Titled]:
    """The programme's contact kinds in Chinese, the role's usual ones first."""
    ordered = [*_FIRST_KINDS.get(role, ()), *CONTACT_KIND_TITLES, *sorted(known)]
    kinds = [kind for kind in dict.fromkeys(ordered) if kind in set(known)]
    return [Titled(code=kind, title=title_of(CONTACT_KIND_TITLES, kind)) for kind in kinds]


def _open_reminders(views: Views, caller: Principal,
                    children: list[MyChild]) -> list[MyReminder]:
    """A caring mother's reminders whose duty, in the reminder's period, is still unmet."""
    volunteer_id = caller.scope.volunteer_id
    if caller.role != "volunteer" or volunteer_id is None:
        return []
    unmet = {(str(duty.pairing_id), str(child.id), duty.name, duty.period.label)
             for child in children for duty in child.duties if duty.status != "met"}
    found: list[MyReminder] = []
    after: int | None = None
    with views.store.recorder(RemindersRegister).read() as tx:
        while True:
            rows = list_reminders(tx, volunteer_id=str(volunteer_id), after=after, limit=200)
            found += [_reminder(row) for row in rows if (
                row["pairing_id"], row["child_id"], row["duty"], row["period_label"]) in unmet]
            if len(rows) < 200:
                return found
            after = rows[-1]["position"]


def _reminder(row: Row) -> MyReminder:
    return MyReminder(id=row["reminder_id"], pairing_id=row["pairing_id"],
                      child_id=row["child_id"], duty=row["duty"], duty_title=row["duty_title"],
                      status=row["status"], period=row["period_label"],
                      period_title=period_title(row["period_label"]), reason=row["reason"],
                      issued_on=row["issued_on"])
