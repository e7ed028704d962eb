"""/children: the child's record, its changes, concerns and exit."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.deps import Caller, IfMatch, Register, Views, admitting, etag
from api.paging import page_after
from api.schemas.child_care import (
    ChildContactCreated,
    ChildContactIn,
    ChildContactListed,
    ChildDuties,
    ChildDutyOut,
)
from api.schemas.children import (
    CategoriesChange,
    ChildCreate,
    ChildForRole,
    ChildForVolunteer,
    ChildListed,
    ChildPublic,
    ConcernCreated,
    ConcernIn,
    ExitIn,
    GuardianChange,
    ParentChange,
    ProfileIn,
    ResolutionIn,
)
from api.schemas.common import Day, Page
from api.schemas.history import AsOf, ChildHistory, KnownAt, TimelineEntry, business_day
from api.scope import caller_of, narrow_children, paired_children, phones_the_parents
from api.security import Principal
from domain.access.policy import (
    can_read_child,
    may_change_child,
    may_keep_records,
    may_read_history,
    may_report_concern,
    reads_in_full,
)
from domain.application import ChildView
from domain.children import Consent, Guardian, Parent, Profile
from domain.national_ids import ChildAlreadyRegistered
from projections.registers.children import (
    ChildFilter,
    ChildrenRegister,
    categories_of,
    list_children,
)
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.timeline import ChildTimeline, timeline
from storage.sql import Row

router = APIRouter(prefix="/children", tags=["children"])
Staff = Annotated[Principal, Depends(admitting(may_keep_records))]
#: Who reads a child's history: staff within their scope and auditors, not volunteers.
HistoryReader = Annotated[Principal, Depends(admitting(may_read_history))]


def public(view: ChildView) -> ChildPublic:
    return ChildPublic.model_validate(dataclasses.asdict(view))


def for_role(view: ChildView, caller: Principal, *,
             parents_phones: bool = False) -> ChildPublic | ChildForVolunteer:
    """The record as the caller's role may read it (最小必要): a caring mother reads only
    what her duties need (the parents' phones when ``parents_phones``: she must speak with
    them); staff and auditors the whole record."""
    if reads_in_full(caller_of(caller)):
        return public(view)
    return ChildForVolunteer.of(dataclasses.asdict(view), parents_phones=parents_phones)


def _visible(register: Register, views: Views, caller: Principal,
             child_id: UUID) -> ChildView:
    return register.child_in_scope(caller_of(caller), child_id, paired=paired_children(views))


def _changeable(register: Register, views: Views, caller: Principal,
                child_id: UUID) -> ChildView:
    view = _visible(register, views, caller, child_id)
    if not may_change_child(caller_of(caller), view):
        raise HTTPException(status_code=403, detail="您不能更改这名儿童的档案（this role cannot "
                                                    "change the child's record）")
    return view


def _respond(register: Register, views: Views, response: Response, child_id: UUID,
             status: int = 200) -> ChildPublic:
    views.wait_for(register.recorder.max_notification_id() or 0)
    view = register.get_child(child_id)
    response.headers["ETag"] = etag(view.version)
    response.status_code = status
    return public(view)


@router.post("", status_code=201, response_model=ChildPublic)
def register_child(body: ChildCreate, caller: Staff, register: Register, views: Views,
                   response: Response) -> ChildPublic | JSONResponse:
    """Register a child (建档) with the guardian's consent; returns the record.

    A national ID number (``id_number``) already on the register (not exited, not erased) is
    409 ``child_already_registered``, with ``existing_id`` beside the message when the
    caller may read the child holding it."""
    try:
        child_id = record_child(body, caller, register)
    except ChildAlreadyRegistered as refused:
        return _already_registered(register, caller, refused)
    return _respond(register, views, response, child_id, 201)


def record_child(body: ChildCreate, caller: Principal, register: Register) -> UUID:
    """Register the child ``body`` describes, as ``POST /children`` does: 403 outside the
    caller's scope; :class:`ChildAlreadyRegistered` for a national ID number on the register."""
    if not may_change_child(caller_of(caller), body):
        raise HTTPException(status_code=403, detail=(
            "只能登记您管辖范围内的儿童（a child is registered within your scope）"))
    values: dict[str, Any] = body.model_dump(exclude={"parents", "guardian", "consent",
                                                      "profile"})
    return register.register_child(
        actor=caller.actor, parents=[Parent(**p.model_dump()) for p in body.parents],
        guardian=Guardian(**body.guardian.model_dump()) if body.guardian else None,
        consent=Consent(**body.consent.model_dump()),
        profile=(Profile(**body.profile.model_dump(exclude={"on"})) if body.profile
                 else None),
        **values)


def existing_shown(register: Register, caller: Principal,
                   refused: ChildAlreadyRegistered) -> UUID | None:
    """The child holding a national ID number already on the register, for a caller who may
    read that child's record (None otherwise, and when none is named)."""
    if refused.existing_id is None:
        return None
    existing = register.get_child(refused.existing_id)
    return refused.existing_id if can_read_child(caller_of(caller), existing) else None


def _already_registered(register: Register, caller: Principal,
                        refused: ChildAlreadyRegistered) -> JSONResponse:
    """409 for a national ID number already on the register: ``existing_id`` names the child
    holding it only for a caller who may read that child's record (never otherwise)."""
    content: dict[str, Any] = {"detail": refused.message, "rule": refused.rule}
    existing = existing_shown(register, caller, refused)
    if existing is not None:
        content["existing_id"] = str(existing)
    return JSONResponse(status_code=409, content=content)


@router.get("", response_model=Page[ChildListed])
def list_registered(
    caller: Caller, views: Views, register: Register, region_code: str | None = None,
    school: str | None = None, left_behind: bool | None = None, category: str | None = None,
    status: str | None = None, paired: bool | None = None, on: date | None = None,
    after: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ChildListed]:
    """Children on the register within your scope, filtered, a page at a time."""
    where = narrow_children(caller_of(caller), views, ChildFilter(
        region_code=region_code, school=school, left_behind=left_behind, category=category,
        status=status, paired=paired))
    if where is None:
        return Page(items=[])
    with views.store.recorder(ChildrenRegister).read() as tx:
        rows = list_children(tx, where, on or register.today(), texts=views.texts,
                             after=after, limit=limit)
    items = [ChildListed(
        id=row["child_id"], version=row["version"], name=row["name"], sex=row["sex"],
        birth_date=row["birth_date"], region_code=row["region_code"], school=row["school"],
        class_name=row["class_name"], categories=categories_of(row),
        left_behind=bool(row["left_behind"]), status=row["status"],
        paired=row["active_pairings"] > 0, exited_on=row["exited_on"]) for row in rows]
    return Page(items=items, next=rows[-1]["child_id"] if len(rows) == limit else None)


@router.get("/{child_id}", response_model=ChildForRole)
def read_child(child_id: UUID, caller: Caller, register: Register, views: Views,
               response: Response,
               on: date | None = None) -> ChildPublic | ChildForVolunteer:
    """The child's record as it stands today (or on ``on``), in the view the caller's role
    may read (``view``: ``full`` or ``volunteer``); auditors' and federation staff's reads,
    and reads under break-glass, are themselves recorded on the child's timeline. A record
    merged into another (合并重复档案) is never lost: it reads as it now stands, `exited`
    (a merge is recorded as an exit) with `merged_into` naming the record kept."""
    view = register.read_child(caller_of(caller), child_id, paired=paired_children(views),
                               on=on).child
    response.headers["ETag"] = etag(view.version)
    return for_role(view, caller,
                    parents_phones=phones_the_parents(register, views, caller, child_id))


#: The history's page cursor: the ``next`` of the page before, a log position.
After = Annotated[int | None, Query(ge=0, le=2**63 - 1, description="The `next` of the "
                                    "page before: entries after this log position.")]


@router.get("/{child_id}/history", response_model=ChildHistory)
def read_history(child_id: UUID, caller: HistoryReader, register: Register, views: Views,
                 as_of: AsOf = None, known_at: KnownAt = None, after: After = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> ChildHistory:
    """The child's record as it was on ``as_of`` as the register knew it at ``known_at``
    (历史回溯), and the timeline of every event about the child within both bounds.

    Staff within their scope (federation staff beyond it under break-glass) and auditors
    read it; volunteers may not (403), since the timeline shows other people's work on the
    child and who read its record. Auditors' and federation staff's reads are themselves
    recorded on the timeline (after the answer is made, so a read shows on the next one).
    """
    zone = ZoneInfo(register.programme.timezone)
    day = _past_day(business_day(as_of, zone) if as_of else register.today(), register)
    known = known_at or datetime.now(zone)
    opened = register.open_child(caller_of(caller), child_id, paired=paired_children(views))
    state = register.child_as_of(child_id, day, known)  # 404 if not yet registered then
    entries, cursor = _timeline_page(register, views, child_id, day, known, after, limit)
    register.note_read(caller_of(caller), opened, "history")
    return ChildHistory(as_of=day, known_at=known, state=for_role(state, caller),
                        timeline=[TimelineEntry.of(row, zone) for row in entries], next=cursor)


def _timeline_page(register: Register, views: Views, child_id: UUID, day: date,
                   known: datetime, after: int | None, limit: int) -> tuple[list[Row], str | None]:
    """A page of the child's timeline within both bounds, once the views have caught up
    with the log (bounded wait), and the cursor of the next page if there is one."""
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(ChildTimeline).read() as tx:
        rows = timeline(tx, child_id, occurred_until=day, recorded_until=known,
                        after_position=after, limit=limit + 1)
    if len(rows) > limit:
        return rows[:limit], str(rows[limit - 1]["position"])
    return rows, None


def _past_day(day: date, register: Register) -> date:
    """History is of what has happened: a business date in the future is refused (422)."""
    if day > register.today():
        raise RequestValidationError([{
            "loc": ("query", "as_of"), "type": "future_date", "input": day.isoformat(),
            "msg": f"{day} is in the future (today is {register.today()}); "
                   "history is of what has happened"}])
    return day


@router.post("/{child_id}/parents/{role}", response_model=ChildPublic)
def change_parent(child_id: UUID, role: str, body: ParentChange, caller: Caller,
                  register: Register, views: Views, expected: IfMatch,
                  response: Response) -> ChildPublic:
    """A parent's status or work location changed (e.g. came home)."""
    view = _changeable(register, views, caller, child_id)
    current = next((p for p in view.parents if p.role == role), None)
    parent = Parent(role=role, status=body.status,  # type: ignore[arg-type]
                    name=body.name if body.name is not None else (current.name if current else ""),
                    phone=body.phone if body.phone is not None
                    else (current.phone if current else ""),
                    work_location=body.work_location if body.work_location is not None
                    else (current.work_location if current else ""))
    register.change_parent(child_id, parent, actor=caller.actor, on=body.on,
                           reason=body.reason, expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/guardian", response_model=ChildPublic)
def change_guardian(child_id: UUID, body: GuardianChange, caller: Caller, register: Register,
                    views: Views, expected: IfMatch, response: Response) -> ChildPublic:
    """The entrusted guardian (受委托监护人) changed, or an entry is corrected."""
    _changeable(register, views, caller, child_id)
    register.change_guardian(child_id, Guardian(**body.model_dump(exclude={"reason", "on"})),
                             actor=caller.actor, on=body.on, reason=body.reason,
                             expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/profile", response_model=ChildPublic)
def update_profile(child_id: UUID, body: ProfileIn, caller: Caller, register: Register,
                   views: Views, expected: IfMatch, response: Response) -> ChildPublic:
    """New health, study or psychology notes."""
    _changeable(register, views, caller, child_id)
    register.update_profile(child_id, Profile(**body.model_dump(exclude={"on"})),
                            actor=caller.actor, on=body.on, expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/categories", response_model=ChildPublic)
def change_categories(child_id: UUID, body: CategoriesChange, caller: Caller,
                      register: Register, views: Views, expected: IfMatch,
                      response: Response) -> ChildPublic:
    """The special-attention categories (重点关爱类别) from a date."""
    _changeable(register, views, caller, child_id)
    register.change_categories(child_id, body.categories, actor=caller.actor, on=body.on,
                               reason=body.reason, expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/exit", response_model=ChildPublic)
def exit_child(child_id: UUID, body: ExitIn, caller: Caller, register: Register,
               views: Views, expected: IfMatch, response: Response) -> ChildPublic:
    """The child leaves the programme; the history stays."""
    _changeable(register, views, caller, child_id)
    register.exit_child(child_id, reason=body.reason, actor=caller.actor, on=body.on,
                        expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/concerns", status_code=201, response_model=ConcernCreated)
def report_concern(child_id: UUID, body: ConcernIn, caller: Caller, register: Register,
                   views: Views, expected: IfMatch) -> ConcernCreated:
    """Report an anomaly (情况报告) at once: teachers, volunteers and staff. With
    ``If-Match``, only while the child's record is at that version (412 otherwise)."""
    _visible(register, views, caller, child_id)
    if not may_report_concern(caller_of(caller)):
        raise HTTPException(status_code=403, detail=(
            "审计人员只查阅档案，不报告情况（auditors read; they do not report）"))
    concern_id = register.report_concern(child_id, kind=body.kind,
                                         description=body.description, actor=caller.actor,
                                         occurred_on=body.occurred_on,
                                         expected_version=expected)
    version = register.get_child(child_id).version
    views.wait_for(register.recorder.max_notification_id() or 0)
    return ConcernCreated(id=concern_id, child_id=child_id, version=version)


@router.post("/{child_id}/concerns/{concern_id}/resolution", response_model=ChildPublic)
def resolve_concern(child_id: UUID, concern_id: str, body: ResolutionIn, caller: Caller,
                    register: Register, views: Views, expected: IfMatch,
                    response: Response) -> ChildPublic:
    """Close a concern with the action taken. With ``If-Match``, only while the child's
    record is at that version (412 otherwise)."""
    _changeable(register, views, caller, child_id)
    register.resolve_concern(child_id, concern_id, action=body.action, actor=caller.actor,
                             on=body.on, expected_version=expected)
    return _respond(register, views, response, child_id)


@router.post("/{child_id}/contacts", status_code=201, response_model=ChildContactCreated)
def record_own_contact(child_id: UUID, body: ChildContactIn, caller: Staff, register: Register,
                       views: Views, expected: IfMatch,
                       response: Response) -> ChildContactCreated:
    """Record a contact outside any pairing: the homeroom teacher's talk (谈心) or home visit
    (家访), a staff visit. By the child's school, federation staff of its region or the admin;
    a caring mother records hers on her pairing (403 here). Dated on the register, never ahead
    (422); an exited child's record takes no new facts (409). The school's duties
    (班主任职责) are judged on these contacts. With ``If-Match``, only while the child's
    record is at that version (412 otherwise)."""
    _changeable(register, views, caller, child_id)
    recorded = register.record_child_contact(
        child_id, kind=body.kind, notes=body.notes, actor=caller.actor,
        occurred_on=body.occurred_on, duration_minutes=body.duration_minutes,
        items=body.items, expected_version=expected)
    response.headers["ETag"] = etag(recorded.version)
    return ChildContactCreated(id=recorded.id, child_id=child_id, version=recorded.version)


@router.get("/{child_id}/contacts", response_model=Page[ChildContactListed])
def list_own_contacts(
    child_id: UUID, caller: HistoryReader, register: Register, views: Views,
    response: Response,
    after: Annotated[str | None, Query(max_length=64, description=(
        "The `next` of the page before: the contacts after this one."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ChildContactListed]:
    """The contacts recorded on the child itself, outside any pairing, a page at a time, by
    the day they happened (those of one day as recorded). Staff within their scope and
    auditors read them, as they read the child's history; their reads are recorded as reads
    of the record."""
    view = register.read_child(caller_of(caller), child_id, paired=paired_children(views)).child
    page, following = page_after(view.contacts, after, limit, "this child")
    response.headers["ETag"] = etag(view.version)
    return Page(items=[ChildContactListed(**dataclasses.asdict(contact), version=view.version)
                       for contact in page], next=following)


@router.get("/{child_id}/duties", response_model=ChildDuties)
def child_duties(child_id: UUID, caller: Caller, register: Register, views: Views,
                 on: Day | None = None) -> ChildDuties:
    """Every duty owed to the child on a date (default today): those of each of its pairings
    in force that day, judged on the contacts that name the child, and its school's (when the
    programme's duty sets include ``school``: owed to a left-behind pupil, judged on the
    contacts recorded on the child itself; ``pairing_id`` null). Read by whoever may read the
    child's record, and recorded as the record's reads are."""
    opened = register.open_child(caller_of(caller), child_id, paired=paired_children(views))
    day = on or register.today()
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, child_id=str(child_id), limit=1000)
    owed = register.child_duties(child_id, [UUID(row["pairing_id"]) for row in rows], day)
    register.note_read(caller_of(caller), opened, "duties")
    return ChildDuties(on=day, duties=[ChildDutyOut.model_validate({
        **dataclasses.asdict(duty.status), "child_id": duty.child_id,
        "pairing_id": duty.pairing_id}) for duty in owed])
