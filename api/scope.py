"""The API's side of the access policy (:mod:`domain.access.policy`): the caller a
principal is, the facts the policy needs from the views, and what a caller outside its
scope is told (the record does not exist: 404, never 403)."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from api.security import Principal
from domain.access.caller import Caller
from domain.access.policy import Listing, narrow, own_volunteer
from domain.application import CareRegister
from domain.application.reading import PairedChildren
from domain.errors import NotFound
from projections.events import listed
from projections.registers.children import ChildFilter
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.runner import ViewRunner


def caller_of(principal: Principal) -> Caller:
    """The caller the access policy decides for."""
    return Caller.of(principal.user_id, principal.scope)


def volunteers_children(volunteer_id: UUID, views: ViewRunner) -> set[str]:
    """The children a volunteer is paired with now (from the pairings register)."""
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, volunteer_id=str(volunteer_id), status="active", limit=1000)
    return {child for row in rows for child in listed(row["child_ids"])}


def phones_the_parents(register: CareRegister, views: ViewRunner, principal: Principal,
                       child_id: UUID) -> bool:
    """Whether the caller is a caring mother whose duties to the child have her speak with its
    parents (``parent_contact``, 三个一: "每三个月与孩子父母通一次电话"): under a duty set in
    force, or under the sets of one of her pairings with the child. She then needs, and sees,
    the parents' phones."""
    own = own_volunteer(caller_of(principal))
    if own is None:
        return False
    programme = register.programme
    if programme.asks_for_parent_contact():
        return True
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, volunteer_id=str(own), child_id=str(child_id),
                             status="active", limit=100)
    known = programme.duty_set_catalogue  # a set the programme no longer holds asks nothing
    sets = tuple(name for row in rows for name in listed(row["duty_sets"]) if name in known)
    return programme.asks_for_parent_contact(sets)


def paired_children(views: ViewRunner) -> PairedChildren:
    """The pairings register as the reading use case asks it: a volunteer's children now."""
    return lambda volunteer_id: volunteers_children(volunteer_id, views)


def narrow_children(caller: Caller, views: ViewRunner, where: ChildFilter) -> ChildFilter | None:
    """The children's register filter narrowed to the caller's scope (None: nothing); a
    caring mother's listing is of the children she is paired with now."""
    scoped = narrow(Listing(region_code=where.region_code, school=where.school), caller)
    if scoped is None:
        return None
    where = dataclasses.replace(where, region_code=scoped.region_code, school=scoped.school)
    if scoped.volunteer_id is not None:
        where = dataclasses.replace(
            where, child_ids=tuple(volunteers_children(scoped.volunteer_id, views)))
    return where


def hidden(noun: str, record_id: object) -> NotFound:
    """What a caller outside the scope is told: the record does not exist for them."""
    return NotFound(f"no {noun} {record_id}")
