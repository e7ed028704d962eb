"""/duplicates and /children/{id}/merges: likely duplicates, and merging two records of one
child (合并重复档案)."""

from __future__ import annotations

import dataclasses
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import IfMatch, Register, Views, admitting, etag
from api.schemas.children import ChildPublic
from api.schemas.common import Page
from api.schemas.duplicates import (
    ChildOfPair,
    DistinctionIn,
    Distinguished,
    LikelyPair,
    MergeIn,
)
from api.scope import caller_of, paired_children
from api.security import Principal
from domain.access.policy import may_change_child, may_organise
from projections.duplicates import likely_pairs, pair_key
from projections.registers.pairings import PairingsRegister, list_pairings

router = APIRouter(tags=["duplicates"])
#: Who lists likely duplicates and merges them: the admin, and federation staff (妇联) in scope.
Clerk = Annotated[Principal, Depends(admitting(may_organise))]

#: The `after` of a page: the key of the last pair of the page before.
PairAfter = Annotated[str | None, Query(
    max_length=80, pattern=r"^[0-9a-f-]{1,36}(~[0-9a-f-]{0,36})?$",
    description="The `next` of the page before: the key of its last pair.")]


@router.get("/duplicates", response_model=Page[LikelyPair])
def likely_duplicates(
    caller: Clerk, views: Views, register: Register,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2,12}$", description=(
        "A division-code prefix within your scope."))] = None,
    after: PairAfter = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[LikelyPair]:
    """Likely duplicates (疑似重复档案) within your scope: pairs of children on the register with
    the same name and birth date in one county, or a close name and a phone in common, both
    children in scope, a page at a time by key. Merged, exited and erased children are not
    listed."""
    pairs = likely_pairs(views, caller_of(caller), region_code=region_code,
                         up_to=register.recorder.max_notification_id() or 0, after=after,
                         limit=limit)
    items = [LikelyPair(key=pair.key, reason_code=pair.reason,  # type: ignore[arg-type]
                        reason=pair.reason_words,
                        children=[ChildOfPair(**side) for side in pair.children])
             for pair in pairs]
    return Page(items=items, next=pairs[-1].key if len(pairs) == limit else None)


@router.post("/children/{child_id}/merges", response_model=ChildPublic,
             responses={409: {"description": "The merge is refused (`merge_refused`): the "
                              "message says why, in Chinese."}})
def merge_child(child_id: UUID, body: MergeIn, caller: Clerk, register: Register,
                views: Views, expected: IfMatch, response: Response) -> ChildPublic:
    """Merge the record `duplicate_id` into this child's (合并重复档案): one transaction records
    the duplicate merged (it leaves every list and count; `GET /children/{duplicate_id}` then
    reads it `exited`, its `merged_into` naming this record) and this record absorbing it
    (its timeline reads the duplicate's entries from then). Both records in your scope and on
    the register; refused (409 `merge_refused`) for records with different national ID
    numbers, one already merged or exited, or a duplicate still paired (end its pairing
    first). The duplicate's national ID number passes to this record if it has none.
    `If-Match` is this record's version."""
    _both_changeable(register, views, caller, child_id, body.duplicate_id)
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(PairingsRegister).read() as tx:
        pairings = [UUID(row["pairing_id"]) for row in
                    list_pairings(tx, child_id=str(body.duplicate_id), limit=1000)]
    merged = register.merge_children(child_id, body.duplicate_id, reason=body.reason,
                                     actor=caller.actor, pairing_ids=pairings,
                                     expected_version=expected)
    views.wait_for(register.recorder.max_notification_id() or 0)
    view = register.get_child(child_id)
    response.headers["ETag"] = etag(merged.surviving_version)
    return ChildPublic.model_validate(dataclasses.asdict(view))


@router.post("/children/{child_id}/distinctions", status_code=201,
             response_model=Distinguished,
             responses={409: {"description": "Refused (`merge_refused`): one record, a pair told "
                              "apart already, or a record off the register; in Chinese."}})
def tell_apart(child_id: UUID, body: DistinctionIn, caller: Clerk, register: Register,
               views: Views, response: Response) -> Distinguished:
    """This record and `other_id` are two children (不是同一人), though they looked like one
    child registered twice: recorded on both (each timeline shows it), and the pair is no
    longer listed by `GET /duplicates`. Both records in your scope and on the register."""
    _both_changeable(register, views, caller, child_id, body.other_id)
    version = register.tell_children_apart(child_id, body.other_id, reason=body.reason,
                                           actor=caller.actor)
    views.wait_for(register.recorder.max_notification_id() or 0)
    response.headers["ETag"] = etag(version)
    return Distinguished(key=pair_key(str(child_id), str(body.other_id)),
                         child_ids=[child_id, body.other_id], version=version)


def _both_changeable(register: Register, views: Views, caller: Principal,
                     *child_ids: UUID) -> None:
    """Each record in the caller's scope (404 otherwise) and changeable by her (403)."""
    who = caller_of(caller)
    for record_id in child_ids:
        view = register.child_in_scope(who, record_id, paired=paired_children(views))
        if not may_change_child(who, view):
            raise HTTPException(status_code=403, detail="您不能更改这名儿童的档案（this role "
                                                        "cannot change the child's record）")
