"""Break-glass access (紧急调阅): federation staff read a child outside their scope only by
stating a reason, for a bounded time (``AIXIN_BREAK_GLASS_MINUTES``); auditors list every use."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError

from api.deps import Register, Views, admitting
from api.schemas.access import BreakGlassIn, BreakGlassOut, BreakGlassUse, ComplianceAuditOut
from api.schemas.common import Page
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import can_read_child, may_audit, may_break_glass
from domain.errors import BreakGlassRule
from projections.compliance import compliance_audit, usernames
from projections.registers.access import AccessRegister, break_glass_uses

router = APIRouter(tags=["access"])
Federation = Annotated[Principal, Depends(admitting(may_break_glass))]
Auditor = Annotated[Principal, Depends(admitting(may_audit))]


@router.post("/children/{child_id}/break-glass", status_code=201, response_model=BreakGlassOut)
def break_glass(child_id: UUID, body: BreakGlassIn, caller: Federation, register: Register,
                views: Views) -> BreakGlassOut:
    """Open a child's record outside your scope for a bounded time, stating why (紧急调阅):
    at least ten letters or digits of reason, spaces and punctuation not counted (422).

    A grant is not extended: asking again while yours is in force is 409
    (``break_glass_not_extended``) and its end stays; once it has run out, ask anew with
    its own reason."""
    if can_read_child(caller_of(caller), register.get_child(child_id)):
        raise BreakGlassRule("the child is within your scope: read its record directly; "
                             "break-glass is for children outside it")
    grant = register.grant_break_glass(child_id, reason=body.reason, actor=caller.actor)
    views.wait_for(register.recorder.max_notification_id() or 0)
    return BreakGlassOut(id=grant.id, version=grant.version, child_id=grant.child_id,
                         reason=grant.reason, expires_at=grant.expires_at)


@router.get("/audit/break-glass", response_model=Page[BreakGlassUse], tags=["audit"])
def list_break_glass(
    caller: Auditor, register: Register, views: Views,
    from_: Annotated[date | None, Query(alias="from", description="The first day (included), "
                                        "in the programme's time zone.")] = None,
    to: Annotated[date | None, Query(description="The last day (included).")] = None,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[BreakGlassUse]:
    """Every break-glass grant in the period, oldest first: who, which child, why, until
    when, and how many reads were made under it."""
    if from_ and to and from_ > to:
        raise RequestValidationError([{
            "loc": ("query", "to"), "type": "period_order", "input": to.isoformat(),
            "msg": f"the period ends ({to}) before it starts ({from_})"}])
    views.wait_for(register.recorder.max_notification_id() or 0)  # the reads made so far
    zone = ZoneInfo(register.programme.timezone)
    since = datetime.combine(from_, time(), zone) if from_ else None
    until = datetime.combine(to + timedelta(days=1), time(), zone) if to else None
    with views.store.recorder(AccessRegister).read() as tx:
        rows = break_glass_uses(tx, since=since, until=until, after=after, limit=limit)
    names = usernames(register)
    items = [BreakGlassUse(
        position=row["position"], grant_id=row["grant_id"], child_id=row["child_id"],
        user_id=row["user_id"], username=names(row["user_id"]),
        role=row["role"], reason=row["reason"], minutes=row["minutes"],
        granted_at=datetime.fromisoformat(row["granted_at"]).astimezone(zone),
        expires_at=datetime.fromisoformat(row["expires_at"]).astimezone(zone),
        reads=row["reads"]) for row in rows]
    return Page(items=items, next=str(rows[-1]["position"]) if len(rows) == limit else None)



@router.get("/audit/compliance", response_model=ComplianceAuditOut, tags=["audit"],
            response_model_by_alias=True)
def compliance(caller: Auditor, register: Register, views: Views,
               year: Annotated[int, Query(ge=2000, le=9998)]) -> ComplianceAuditOut:
    """The annual compliance audit (年度合规审计) of a year: who read which children's records
    and why, break-glass uses, erasures, breaches of duty and key rotations."""
    views.wait_for(register.recorder.max_notification_id() or 0)
    return ComplianceAuditOut.model_validate(compliance_audit(register, views, year))
