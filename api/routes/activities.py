"""/activities: group activities and aid (集体活动, 慰问), recorded once for every child they
reached, read and listed as far as the caller may see those children."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from api.deps import Caller, IfMatch, Register, Views, admitting, etag
from api.schemas.activities import (
    KIND_DESCRIPTION,
    ActivityCreate,
    ActivityListed,
    ActivityPublic,
    CancellationIn,
    KindOfGroup,
)
from api.schemas.common import Day, Page
from api.scope import caller_of, paired_children, volunteers_children
from api.security import Principal
from domain.access.policy import Listing, may_change_child, may_keep_records, narrow
from projections.registers.activities import (
    ActivitiesRegister,
    ActivityFilter,
    list_activities,
)

router = APIRouter(prefix="/activities", tags=["activities"])
#: Who records a group activity: the admin, 妇联 federation staff and 学校 schools, each for
#: the children whose records they keep; caring mothers and auditors do not (403).
Staff = Annotated[Principal, Depends(admitting(may_keep_records))]


def _read(register: Register, views: Views, caller: Principal,
          activity_id: UUID) -> ActivityPublic:
    view = register.read_activity(caller_of(caller), activity_id,
                                  paired=paired_children(views))
    return ActivityPublic.model_validate(dataclasses.asdict(view))


@router.post("", status_code=201, response_model=ActivityPublic)
def record_activity(body: ActivityCreate, caller: Staff, register: Register, views: Views,
                    response: Response) -> ActivityPublic:
    """Record a group activity or aid (集体活动, 慰问) for the children it reached: by the
    admin, federation staff whose region holds every child named, or a school whose pupils
    they all are. A child outside your scope is 404 (as one that does not exist); one who left
    the programme is 409 (`child_exited`); a day before a child was registered is 409
    (`activity_before_registration`); no child, a child twice, a day in the future, negative
    items or money, or money in more than two decimal places are 422."""
    who = caller_of(caller)
    for child_id in dict.fromkeys(body.child_ids):
        child = register.child_in_scope(who, child_id, paired=paired_children(views))
        if not may_change_child(who, child):
            raise HTTPException(status_code=403, detail=(
                "集体活动由保管其所涉每名儿童档案的工作人员记录（an activity is recorded by "
                "those who keep the records of every child it names）"))
    activity_id = register.record_activity(
        kind=body.kind, title=body.title, occurred_on=body.occurred_on,
        child_ids=body.child_ids, organiser=body.organiser, items=body.items,
        amount_yuan=body.amount_yuan, actor=caller.actor)
    views.wait_for(register.recorder.max_notification_id() or 0)
    activity = _read(register, views, caller, activity_id)
    response.headers["ETag"] = etag(activity.version)
    response.headers["Location"] = f"/api/v1/activities/{activity_id}"
    return activity


@router.get("", response_model=Page[ActivityListed])
def list_held(
    caller: Caller, views: Views,
    region_code: Annotated[str | None, Query(max_length=12, pattern=r"^\d{2,12}$", description=(
        "A prefix of division codes: the activities reaching a child there."))] = None,
    school: Annotated[str | None, Query(max_length=100)] = None,
    child_id: Annotated[UUID | None, Query(description="The activities reaching this child.")]
    = None,
    kind: Annotated[KindOfGroup | None, Query(description=KIND_DESCRIPTION)] = None,
    since: Annotated[Day | None, Query(description="Held on or after this day.")] = None,
    until: Annotated[Day | None, Query(description="Held on or before this day.")] = None,
    after: Annotated[str | None, Query(max_length=64, description=(
        "The `next` of the page before."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ActivityListed]:
    """Group activities reaching a child within your scope, a page at a time, by id: federation
    staff their region's, a school its pupils', a caring mother her paired children's; the
    admin and auditors all. Each lists the children it reached that you may see."""
    scoped = narrow(Listing(region_code=region_code, school=school), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    children = (tuple(sorted(volunteers_children(scoped.volunteer_id, views)))
                if scoped.volunteer_id is not None else None)
    where = ActivityFilter(
        region_code=scoped.region_code, school=scoped.school, child_ids=children,
        child_id=str(child_id) if child_id else None, kind=kind,
        since=since.isoformat() if since else None, until=until.isoformat() if until else None)
    with views.store.recorder(ActivitiesRegister).read() as tx:
        rows = list_activities(tx, where, after=after, limit=limit)
    items = [ActivityListed(
        id=row["activity_id"], version=row["version"], kind=row["kind"], title=row["title"],
        occurred_on=date.fromisoformat(row["occurred_on"]), organiser=row["organiser"],
        items=row["items"], amount_yuan=Decimal(row["amount_yuan"]), status=row["status"],
        children=row["children"], child_ids=row["shown"]) for row in rows]
    return Page(items=items, next=rows[-1]["activity_id"] if len(rows) == limit else None)


@router.get("/{activity_id}", response_model=ActivityPublic)
def read_activity(activity_id: UUID, caller: Caller, register: Register, views: Views,
                  response: Response) -> ActivityPublic:
    """A group activity, with the children it reached that you may see (404 unless you may
    see one of them)."""
    activity = _read(register, views, caller, activity_id)
    response.headers["ETag"] = etag(activity.version)
    return activity


@router.post("/{activity_id}/cancellation", response_model=ActivityPublic)
def cancel_activity(activity_id: UUID, body: CancellationIn, caller: Staff,
                    register: Register, views: Views, expected: IfMatch,
                    response: Response) -> ActivityPublic:
    """Cancel an activity recorded in error (撤销), with a reason: it stays on the children's
    timelines and no longer counts in reports known after. By those who may record it for
    every child it names; once only (409 `activity_cancelled`)."""
    _read(register, views, caller, activity_id)  # 404 outside the caller's scope
    if not register.may_change_activity(caller_of(caller), activity_id):
        raise HTTPException(status_code=403, detail=(
            "集体活动由保管其所涉每名儿童档案的工作人员撤销（an activity is cancelled by those "
            "who keep the records of every child it names）"))
    register.cancel_activity(activity_id, reason=body.reason, on=body.on, actor=caller.actor,
                             expected_version=expected)
    views.wait_for(register.recorder.max_notification_id() or 0)
    activity = _read(register, views, caller, activity_id)
    response.headers["ETag"] = etag(activity.version)
    return activity
