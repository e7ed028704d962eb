"""/children/{id}/schooling, /transfer, /corrections: dynamic management (动态管理) of a
child's record."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.deps import Caller, IfMatch, Register, Views
from api.routes.children import _changeable, _respond, existing_shown
from api.schemas.children import ChildPublic
from api.schemas.dynamic import CorrectionIn, SchoolingIn, TransferIn
from domain.national_ids import ChildAlreadyRegistered
from projections.places.divisions import division_known
from projections.registers.pairings import PairingsRegister, list_pairings

router = APIRouter(prefix="/children", tags=["children"])


@router.post("/{child_id}/schooling", response_model=ChildPublic)
def change_school(child_id: UUID, body: SchoolingIn, caller: Caller, register: Register,
                  views: Views, expected: IfMatch, response: Response) -> ChildPublic:
    """升学、转学 within the region: the child's school and class from ``on`` (default
    today). The record as of an earlier date keeps the school it was at; the new school's
    account sees the child from then, the old school's no longer (404). By the staff who
    keep the child's record (the admin, federation staff of its region, its school). A move
    entered late, dated before one recorded already, takes its place in the history; the
    record shows the school of the latest date."""
    _changeable(register, views, caller, child_id)
    register.change_school(child_id, school=body.school, class_name=body.class_name,
                           on=body.on, reason=body.reason, actor=caller.actor,
                           expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/transfer", response_model=ChildPublic)
def transfer_child(child_id: UUID, body: TransferIn, caller: Caller, register: Register,
                   views: Views, expected: IfMatch, response: Response) -> ChildPublic:
    """迁出: the child moves to another region (a division code) from ``on`` (default today).
    From then the staff of the new region see the child with its whole history, and those of
    the old region no longer do (404): a county's clerk may move a child to another county,
    and then loses sight of it. The place moved to is a county on the national list of
    divisions or a township or village in the register of places (422 ``region_code``
    otherwise); ``school`` and ``class_name``, when given, are the child's school there
    from the same day, recorded with the move. Refused (409 ``transfer_rule``) while the
    child is in an active pairing: its caring mothers work in the region it leaves, so the
    pairing is ended first (``POST /pairings/{id}/end``) and the new region pairs the child
    anew; a move to the region the child already lives in is refused likewise."""
    _changeable(register, views, caller, child_id)
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, child_id=str(child_id), status="active", limit=1000)
    register.transfer_child(child_id, region_code=body.region_code, on=body.on,
                            reason=body.reason, actor=caller.actor,
                            pairings=[UUID(row["pairing_id"]) for row in rows],
                            school=body.school, class_name=body.class_name,
                            division_known=division_known, expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/corrections", response_model=ChildPublic,
             responses={409: {"description": "A rule of the domain refuses the correction; "
                              "for a national ID number already on the register, "
                              "`child_already_registered` (with `existing_id` when the caller "
                              "may read that child's record)."}})
def correct_child(child_id: UUID, body: CorrectionIn, caller: Caller, register: Register,
                  views: Views, expected: IfMatch,
                  response: Response) -> ChildPublic | JSONResponse:
    """更正: a part of the record typed wrong (name, sex, birth date, national ID number,
    ethnicity) is put right, with the reason. The record as known before (history's
    ``known_at``) shows the old value on every date, as known after the new one. The value
    follows the registration's rules (422 naming ``value``); a national ID number moves its
    claim: the old one is freed, and a new one already on the register is 409."""
    _changeable(register, views, caller, child_id)
    try:
        register.correct_child(child_id, field=body.field, value=body.value,
                               reason=body.reason, actor=caller.actor,
                               expected_version=expected)
    except ChildAlreadyRegistered as refused:
        content: dict[str, Any] = {"detail": refused.message, "rule": refused.rule}
        existing = existing_shown(register, caller, refused)
        if existing is not None:
            content["existing_id"] = str(existing)
        return JSONResponse(status_code=409, content=content)
    return _respond(register, views, response, child_id)
