"""/volunteers: application, level-by-level review, suspension, disqualification."""

from __future__ import annotations

import dataclasses
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import Caller, IfMatch, Register, Views, admitting, etag
from api.schemas.common import Page
from api.schemas.volunteers import (
    CommendationIn,
    ReviewIn,
    ReviewOut,
    StatusChange,
    VolunteerCreate,
    VolunteerListed,
    VolunteerPublic,
)
from api.scope import caller_of, hidden
from api.security import Principal
from domain.access.policy import (
    Listing,
    can_read_volunteer,
    may_list_volunteers,
    may_manage_volunteer,
    may_organise,
    may_review,
    narrow,
)
from domain.application import VolunteerView
from domain.volunteers import WHO_GIVES, VolunteerForm
from domain.volunteers.managing import WHO_MANAGES, WHO_REGISTERS
from projections.registers.volunteers import VolunteersRegister, list_volunteers

router = APIRouter(prefix="/volunteers", tags=["volunteers"])
Approver = Annotated[Principal, Depends(admitting(may_organise))]


def public(view: VolunteerView) -> VolunteerPublic:
    return VolunteerPublic(
        id=view.id, version=view.version, **dataclasses.asdict(view.form),
        applied_on=view.applied_on, status=view.status, status_reason=view.status_reason,
        approval_levels=list(view.approval_levels), next_level=view.next_level,
        level_reached=view.level_reached,
        reviews=[ReviewOut(level=r.level, decision=r.decision, opinion=r.opinion, on=r.on,
                           signed_by=r.signed_by or None) for r in view.reviews],
        commendations=[{"reason": text, "on": on}  # type: ignore[misc]
                       for on, text in view.commendations])


def _visible(register: Register, caller: Principal, volunteer_id: UUID) -> VolunteerView:
    view = register.get_volunteer(volunteer_id)
    if can_read_volunteer(caller_of(caller), volunteer_id, view.form.region_code, view.form.unit):
        return view
    raise hidden("volunteer", volunteer_id)


def _manageable(register: Register, caller: Principal, volunteer_id: UUID) -> VolunteerView:
    view = _visible(register, caller, volunteer_id)
    if not may_manage_volunteer(caller_of(caller), view.form.region_code):
        raise HTTPException(status_code=403, detail=WHO_MANAGES)
    return view


def _respond(register: Register, views: Views, response: Response, volunteer_id: UUID,
             status: int = 200) -> VolunteerPublic:
    views.wait_for(register.recorder.max_notification_id() or 0)
    view = register.get_volunteer(volunteer_id)
    response.headers["ETag"] = etag(view.version)
    response.status_code = status
    return public(view)


@router.post("", status_code=201, response_model=VolunteerPublic)
def apply(body: VolunteerCreate, caller: Approver, register: Register, views: Views,
          response: Response) -> VolunteerPublic:
    """Record a volunteer's application (登记表)."""
    if not may_manage_volunteer(caller_of(caller), body.region_code):
        raise HTTPException(status_code=403, detail=WHO_REGISTERS)
    form = VolunteerForm(**body.model_dump(exclude={"applied_on"}))
    volunteer_id = register.apply_to_volunteer(form, actor=caller.actor,
                                               applied_on=body.applied_on)
    return _respond(register, views, response, volunteer_id, 201)


@router.get("", response_model=Page[VolunteerListed])
def list_registered(caller: Caller, views: Views, status: str | None = None,
                    region_code: str | None = None, level_reached: str | None = None,
                    after: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Page[VolunteerListed]:
    """Volunteers within your scope, by status, region and level reached."""
    if not may_list_volunteers(caller_of(caller)):
        raise HTTPException(status_code=403, detail="this role does not list volunteers")
    scoped = narrow(Listing(region_code=region_code), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    region_code = scoped.region_code
    with views.store.recorder(VolunteersRegister).read() as tx:
        rows = list_volunteers(tx, texts=views.texts, status=status, region_code=region_code,
                               level_reached=level_reached, after=after, limit=limit)
    items = [VolunteerListed(id=r["volunteer_id"], version=r["version"], name=r["name"],
                             region_code=r["region_code"], unit=r["unit"], status=r["status"],
                             level_reached=r["level_reached"], applied_on=r["applied_on"])
             for r in rows]
    return Page(items=items, next=rows[-1]["volunteer_id"] if len(rows) == limit else None)


@router.get("/{volunteer_id}", response_model=VolunteerPublic)
def read_volunteer(volunteer_id: UUID, caller: Caller, register: Register,
                   response: Response) -> VolunteerPublic:
    """A volunteer with the opinions of every level so far."""
    view = _visible(register, caller, volunteer_id)
    response.headers["ETag"] = etag(view.version)
    return public(view)


@router.post("/{volunteer_id}/reviews", response_model=VolunteerPublic)
def review(volunteer_id: UUID, body: ReviewIn, caller: Caller, register: Register,
           views: Views, expected: IfMatch, response: Response) -> VolunteerPublic:
    """One level's opinion: unit → county → city → province, in order, each signed by a
    different person (一人只签一级意见: 409 ``one_level_per_signer``). An admin keying in a
    paper form names who signed it (``signed_by``: 422 naming it when missing).

    Who gives which level (403 for anyone else): ``unit`` federation staff whose region
    holds the volunteer, or the school she works at; ``county``, ``city``, ``province``
    federation staff of that level (a region code of 6, 4 or 2 digits) whose region holds
    her (a township's staff give only ``unit``); an admin keying in a paper form, any
    level."""
    view = _visible(register, caller, volunteer_id)
    if not may_review(caller_of(caller), body.level, view.form.region_code, view.form.unit):
        raise HTTPException(status_code=403, detail=WHO_GIVES[body.level])
    register.review_volunteer(volunteer_id, level=body.level, decision=body.decision,
                              opinion=body.opinion, actor=caller.actor, on=body.on,
                              signed_by=body.signed_by, expected_version=expected)
    return _respond(register, views, response, volunteer_id)


@router.post("/{volunteer_id}/suspension", response_model=VolunteerPublic)
def suspend(volunteer_id: UUID, body: StatusChange, caller: Caller, register: Register,
            views: Views, expected: IfMatch, response: Response) -> VolunteerPublic:
    """Suspend an approved volunteer (暂停)."""
    _manageable(register, caller, volunteer_id)
    register.suspend_volunteer(volunteer_id, reason=body.reason, actor=caller.actor,
                               on=body.on, expected_version=expected)
    return _respond(register, views, response, volunteer_id)


@router.post("/{volunteer_id}/reinstatement", response_model=VolunteerPublic)
def reinstate(volunteer_id: UUID, body: StatusChange, caller: Caller, register: Register,
              views: Views, expected: IfMatch, response: Response) -> VolunteerPublic:
    """Reinstate a suspended volunteer (恢复)."""
    _manageable(register, caller, volunteer_id)
    register.reinstate_volunteer(volunteer_id, reason=body.reason, actor=caller.actor,
                                 on=body.on, expected_version=expected)
    return _respond(register, views, response, volunteer_id)


@router.post("/{volunteer_id}/disqualification", response_model=VolunteerPublic)
def disqualify(volunteer_id: UUID, body: StatusChange, caller: Caller, register: Register,
               views: Views, expected: IfMatch, response: Response) -> VolunteerPublic:
    """Disqualify for not doing the duties (取消资格), with a reason."""
    _manageable(register, caller, volunteer_id)
    register.disqualify_volunteer(volunteer_id, reason=body.reason, actor=caller.actor,
                                  on=body.on, expected_version=expected)
    return _respond(register, views, response, volunteer_id)


@router.post("/{volunteer_id}/commendations", response_model=VolunteerPublic)
def commend(volunteer_id: UUID, body: CommendationIn, caller: Caller, register: Register,
            views: Views, expected: IfMatch, response: Response) -> VolunteerPublic:
    """Commend a volunteer (表彰)."""
    _manageable(register, caller, volunteer_id)
    register.commend_volunteer(volunteer_id, reason=body.reason, actor=caller.actor,
                               on=body.on, expected_version=expected)
    return _respond(register, views, response, volunteer_id)
