"""/reminders: the reminders the background workers issued, and the scan on demand.

Listing reads the reminders register; scope as everywhere: a volunteer sees the reminders
sent to them, federation staff those within their division-code prefix (the pairing's code
or a volunteer's), a school those about its pupils, admin and auditors all of them.

Queuing a scan is the one route that needs the broker. If the broker is unreachable it answers
503 and records nothing; every other route (contacts above all) works without it, and the
reminders catch up at the next scan once the broker is back, since a scan derives everything
from the records.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from api.deps import Broker, Caller, Register, Views, admitting
from api.schemas.common import Page
from api.schemas.reminders import (
    DeliveryOut,
    EscalationOut,
    ReminderOut,
    ReminderStatus,
    ScanIn,
    ScanQueued,
)
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, may_administer, narrow
from domain.common import not_in_future
from projections.events import listed
from projections.registers.reminders import RemindersRegister, deliveries_of, list_reminders
from storage.sql import Row

log = logging.getLogger(__name__)

router = APIRouter(prefix="/reminders", tags=["reminders"])
Admin = Annotated[Principal, Depends(admitting(may_administer))]

#: Publishing gives up after about two seconds when the broker does not answer.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                  "interval_max": 1.0}
_BROKER_DOWN = ("the background broker is unreachable, so the scan was not queued; nothing "
                "else is affected (records are kept as usual): try again when it is back")


@router.get("", response_model=Page[ReminderOut])
def list_issued(
    caller: Caller, views: Views, volunteer_id: UUID | None = None,
    pairing_id: UUID | None = None, child_id: UUID | None = None,
    status: Annotated[ReminderStatus | None, Query(
        description="The duty's status when issued (due, overdue), or the delivery's "
        "(pending, sending, delivered, failed).")] = None,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2,12}$")] = None,
    escalated: bool | None = None,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReminderOut]:
    """Reminders issued for due and overdue duties (once per duty per period), oldest first."""
    scoped = narrow(Listing(region_code=region_code, volunteer_id=volunteer_id),
                    caller_of(caller))
    if scoped is None:
        return Page(items=[])
    # A school's reminders are those of its own pairings: the region is the pairing's.
    school_region = scoped.region_code if scoped.school else None
    with views.store.recorder(RemindersRegister).read() as tx:
        rows = list_reminders(
            tx, volunteer_id=_text(scoped.volunteer_id), pairing_id=_text(pairing_id),
            child_id=_text(child_id), status=status,
            region_code=region_code if scoped.school else scoped.region_code,
            school=scoped.school, school_region=school_region, escalated=escalated,
            after=after, limit=limit)
        deliveries = deliveries_of(tx, [row["reminder_id"] for row in rows])
    items = [_public(row, deliveries[row["reminder_id"]]) for row in rows]
    return Page(items=items, next=str(rows[-1]["position"]) if len(rows) == limit else None)


@router.post("/scan", status_code=202, response_model=ScanQueued, responses={
    503: {"description": "The broker is unreachable; the scan was not queued."}})
def queue_scan(caller: Admin, register: Register, celery: Broker,
               body: ScanIn | None = None) -> ScanQueued:
    """Queue the scan the schedule runs daily; scanning again issues nothing new."""
    on = not_in_future("on", body.on, register.today()) if body and body.on else register.today()
    try:
        result = celery.send_task("aixin.reminders.scan", kwargs={"on": on.isoformat()},
                                  ignore_result=True, retry=True, retry_policy=_PUBLISH_RETRY)
    except (KombuError, RedisError, OSError) as error:  # kombu wraps most in its own
        log.warning("could not queue a reminder scan: %s", type(error).__name__)
        raise HTTPException(status_code=503, detail=_BROKER_DOWN,
                            headers={"Retry-After": "30"}) from None
    return ScanQueued(id=result.id, on=on)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _public(row: Row, deliveries: list[Row]) -> ReminderOut:
    escalation: Any = None
    if row["escalation_id"]:
        escalation = EscalationOut(id=row["escalation_id"], on=row["escalated_on"])
    return ReminderOut(
        id=row["reminder_id"], pairing_id=row["pairing_id"], child_id=row["child_id"],
        child_ids=listed(row["child_ids"]),  # type: ignore[arg-type]
        volunteer_ids=listed(row["volunteer_ids"]),  # type: ignore[arg-type]
        duty=row["duty"], duty_title=row["duty_title"], status=row["status"],
        period=row["period_label"], period_start=row["period_start"],
        period_end=row["period_end"], overdue_since=row["overdue_since"], reason=row["reason"],
        issued_on=row["issued_on"], issued_at=row["issued_at"], region_code=row["region_code"],
        delivery=row["delivery"],
        deliveries=[DeliveryOut(volunteer_id=d["volunteer_id"], channel=d["channel"],
                                state=d["state"], attempts=d["attempts"], error=d["error"],
                                at=d["at"]) for d in deliveries],
        escalation=escalation)
