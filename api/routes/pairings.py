"""/pairings: form, record contacts, end, and where the duties stand."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import Caller, IfMatch, Register, Views, admitting, etag
from api.paging import page_after
from api.schemas.common import Day, Page
from api.schemas.pairings import (
    CONTACTS_SHOWN,
    ContactCreated,
    ContactIn,
    ContactListed,
    Duties,
    DutyOut,
    EndIn,
    PairingCreate,
    PairingListed,
    PairingPublic,
)
from api.scope import caller_of, hidden
from api.security import Principal
from domain.access.policy import (
    Listing,
    can_read_pairing,
    may_organise,
    may_pair,
    may_record_contact,
    narrow,
    pairs_anywhere,
)
from domain.application import PairingView
from projections.events import listed
from projections.registers.pairings import PairingsRegister, list_pairings

router = APIRouter(prefix="/pairings", tags=["pairings"])
Organiser = Annotated[Principal, Depends(admitting(may_organise))]


def public(view: PairingView) -> PairingPublic:
    """The pairing with its latest contacts (:data:`CONTACTS_SHOWN`) and their count."""
    values = {field.name: getattr(view, field.name) for field in dataclasses.fields(view)}
    return PairingPublic.model_validate({
        **values, "contacts": [dataclasses.asdict(c) for c in view.contacts[-CONTACTS_SHOWN:]],
        "contacts_total": len(view.contacts)})


def _visible(register: Register, views: Views, caller: Principal,
             pairing_id: UUID) -> PairingView:
    _check_visible(register, views, caller, pairing_id)
    return register.get_pairing(pairing_id)


def _check_visible(register: Register, views: Views, caller: Principal,
                   pairing_id: UUID) -> None:
    """404 unless the caller may see the pairing: a volunteer in it, staff who may see one
    of its children, or a role that reads all (unknown ids are 404 for every role)."""
    members = register.pairing_members(pairing_id)
    children = (register.get_child(child_id) for child_id in members.child_ids)
    if not can_read_pairing(caller_of(caller), members.volunteer_ids, children):
        raise hidden("pairing", pairing_id)


def _respond(register: Register, views: Views, response: Response,
             pairing_id: UUID, status: int = 200) -> PairingPublic:
    views.wait_for(register.recorder.max_notification_id() or 0)
    view = register.get_pairing(pairing_id)
    response.headers["ETag"] = etag(view.version)
    response.status_code = status
    return public(view)


@router.post("", status_code=201, response_model=PairingPublic)
def form_pairing(body: PairingCreate, caller: Organiser, register: Register, views: Views,
                 response: Response) -> PairingPublic:
    """Pair approved volunteers with active children, under a signed agreement (责任状)."""
    organiser = caller_of(caller)
    if not pairs_anywhere(organiser):
        for child_id in body.child_ids:
            if not may_pair(organiser, register.get_child(child_id).region_code):
                raise hidden("child", child_id)
        for volunteer_id in body.volunteer_ids:
            if not may_pair(organiser, register.get_volunteer(volunteer_id).form.region_code):
                raise hidden("volunteer", volunteer_id)
    pairing_id = register.form_pairing(
        child_ids=body.child_ids, volunteer_ids=body.volunteer_ids, principle=body.principle,
        agreement_signed_on=body.agreement_signed_on, starts_on=body.starts_on,
        duty_sets=body.duty_sets, actor=caller.actor)
    return _respond(register, views, response, pairing_id, 201)


@router.get("", response_model=Page[PairingListed])
def list_formed(
    caller: Caller, views: Views,
    region_code: Annotated[str | None, Query(max_length=12, pattern=r"^\d{2,12}$", description=(
        "A prefix of division codes: the pairings with a child there."))] = None,
    volunteer_id: UUID | None = None, child_id: UUID | None = None,
    status: Literal["active", "ended"] | None = None,
    after: Annotated[str | None, Query(max_length=64, description=(
        "The `next` of the page before."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[PairingListed]:
    """Pairings within your scope, a page at a time, by id: federation staff those with a
    child in their region, a school those with one of its pupils, a caring mother her own;
    the admin and auditors all."""
    scoped = narrow(Listing(region_code=region_code,
                            volunteer_id=volunteer_id), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(
            tx, status=status, child_id=str(child_id) if child_id else None,
            volunteer_id=str(scoped.volunteer_id) if scoped.volunteer_id else None,
            region_code=scoped.region_code, school=scoped.school, after=after, limit=limit)
    items = [PairingListed(
        id=row["pairing_id"], version=row["version"], status=row["status"],
        principle=row["principle"], shape=row["shape"],
        child_ids=[UUID(c) for c in listed(row["child_ids"])],
        volunteer_ids=[UUID(v) for v in listed(row["volunteer_ids"])],
        starts_on=row["starts_on"], ended_on=row["ended_on"], contacts=row["contacts"],
        home_visits=row["home_visits"], last_contact_on=row["last_contact_on"])
        for row in rows]
    return Page(items=items, next=rows[-1]["pairing_id"] if len(rows) == limit else None)


@router.get("/{pairing_id}", response_model=PairingPublic)
def read_pairing(pairing_id: UUID, caller: Caller, register: Register, views: Views,
                 response: Response) -> PairingPublic:
    """A pairing with its most recent contacts and how many it has in all."""
    view = _visible(register, views, caller, pairing_id)
    response.headers["ETag"] = etag(view.version)
    return public(view)


@router.post("/{pairing_id}/contacts", status_code=201, response_model=ContactCreated)
def record_contact(pairing_id: UUID, body: ContactIn, caller: Caller, register: Register,
                   views: Views, expected: IfMatch, response: Response) -> ContactCreated:
    """Record a contact or visit; it may be dated in the past, never in the future."""
    _check_visible(register, views, caller, pairing_id)
    if not may_record_contact(caller_of(caller)):
        raise HTTPException(status_code=403, detail="contacts are recorded by the volunteers "
                            "of the pairing or by staff")
    recorded = register.record_contact(
        pairing_id, kind=body.kind, notes=body.notes, actor=caller.actor,
        occurred_on=body.occurred_on, duration_minutes=body.duration_minutes,
        items=body.items, expected_version=expected, child_ids=body.child_ids,
        by_volunteer=caller.scope.volunteer_id)
    # No wait for the read side here: the contract reads contacts from the pairing itself,
    # and field apps record many of them; the registers catch up within the poll interval.
    response.headers["ETag"] = etag(recorded.version)
    return ContactCreated(id=recorded.id, pairing_id=pairing_id, version=recorded.version)


@router.get("/{pairing_id}/contacts", response_model=Page[ContactListed])
def list_contacts(
    pairing_id: UUID, caller: Caller, register: Register, views: Views, response: Response,
    after: Annotated[str | None, Query(max_length=64, description=(
        "The `next` of the page before: the contacts after this one."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ContactListed]:
    """The pairing's contacts, a page at a time, in the order the pairing shows them: by the
    day they happened (those of one day as recorded)."""
    view = _visible(register, views, caller, pairing_id)
    page, following = page_after(view.contacts, after, limit, "this pairing")
    response.headers["ETag"] = etag(view.version)
    return Page(items=[ContactListed(**dataclasses.asdict(contact), version=view.version)
                       for contact in page], next=following)


@router.post("/{pairing_id}/end", response_model=PairingPublic)
def end_pairing(pairing_id: UUID, body: EndIn, caller: Organiser, register: Register,
                views: Views, expected: IfMatch, response: Response) -> PairingPublic:
    """End the pairing with a reason; its history stays."""
    _check_visible(register, views, caller, pairing_id)
    register.end_pairing(pairing_id, reason=body.reason, actor=caller.actor, on=body.on,
                         expected_version=expected)
    return _respond(register, views, response, pairing_id)


@router.get("/{pairing_id}/duties", response_model=Duties)
def duties(pairing_id: UUID, caller: Caller, register: Register, views: Views,
           on: Day | None = None) -> Duties:
    """Each duty of the pairing's rule set owed to each of its children on a date: met, due
    or overdue, and why (one entry per duty and child; a contact counts only for the
    children it names)."""
    _check_visible(register, views, caller, pairing_id)
    day = on or register.today()
    statuses = register.pairing_duties(pairing_id, day)
    return Duties(on=day, duties=[DutyOut.model_validate(dataclasses.asdict(s))
                                  for s in statuses])
