"""For auditors (督导/审计): the access log (查阅记录) and the tamper check (防篡改校验)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console.gates import admitting
from api.console.pages import page, render
from api.console.queries import child_names
from api.deps import Register, Views
from api.routes import audit
from api.security import Principal
from domain.access.policy import may_audit
from domain.errors import NotFound
from projections.registers.access import AccessRegister, latest_reads

router = APIRouter(responses={403: page(
    "Not an admin or auditor account: a page saying so.")})
PAGE = 50


Auditor = Annotated[Principal, admitting(
    may_audit, "只有管理员和督导/审计人员可以查看查阅记录和防篡改校验")]


@router.get("/audit", response_class=HTMLResponse)
def access_log(request: Request, caller: Auditor, register: Register, views: Views,
               from_: Annotated[date | None, Query(alias="from")] = None,
               to: date | None = None,
               before: Annotated[int | None, Query(ge=0)] = None) -> HTMLResponse:
    """Who read which child's record (查阅记录) in a period (default the last seven days),
    newest first, a page at a time."""
    zone = ZoneInfo(register.programme.timezone)
    last = to or register.today()
    first = from_ or last - timedelta(days=6)
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(AccessRegister).read() as tx:
        rows = latest_reads(tx, since=datetime.combine(first, time.min, zone),
                            until=datetime.combine(last + timedelta(days=1), time.min, zone),
                            before=before, limit=PAGE)
    names = child_names(views, (row["child_id"] for row in rows))
    readers: dict[str, str] = {}
    for row in rows:
        if row["user_id"] not in readers:
            try:
                readers[row["user_id"]] = register.get_user(UUID(row["user_id"])).username
            except (NotFound, ValueError):
                readers[row["user_id"]] = row["user_id"][:8]
    entries = [{**row, "child_name": names.get(row["child_id"], "—"),
                "reader": readers[row["user_id"]],
                "at": datetime.fromisoformat(row["read_at"]).astimezone(zone)} for row in rows]
    return render(request, "audit.html", caller, reads=entries, first=first, last=last,
                  next=rows[-1]["position"] if len(rows) == PAGE else None)


@router.get("/audit/verify", response_class=HTMLResponse)
def tamper_check(request: Request, caller: Auditor, views: Views) -> HTMLResponse:
    """Re-read the whole event log against its hash chain and anchors (``GET /audit/verify``)."""
    result = audit.verify(caller, views, limit=200)
    return render(request, "verify.html", caller, result=result)
