"""The console's volunteers (爱心妈妈): the list, and a volunteer's page with the opinions
of every level (审核意见), the pairings and how the duties stand across them (履职情况)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console.charts import Bar, share_bars
from api.console.pages import not_found, redirect, render
from api.console.session import ConsoleCaller
from api.console.shown import pairings_of, volunteer_visible
from api.deps import Register, Views
from api.scope import READ_ALL
from domain.errors import NotFound
from projections.registers.volunteers import VolunteersRegister, list_volunteers

router = APIRouter()
PAGE = 20


@router.get("/volunteers", response_class=HTMLResponse,
            responses={303: redirect("A volunteer: to their own page.")})
def volunteers(request: Request, caller: ConsoleCaller, views: Views, status: str = "",
               region_code: str = "", after: str = "") -> Response:
    """Volunteers within the caller's scope, by status and region, as ``GET /volunteers``."""
    if caller.role == "volunteer" and caller.scope.volunteer_id:
        return RedirectResponse(f"/console/volunteers/{caller.scope.volunteer_id}", 303)
    rows = []
    prefix = region_code.strip()
    if caller.role == "federation":
        own = caller.scope.region_code or ""
        prefix = "\0" if prefix and not prefix.startswith(own) else max(prefix, own, key=len)
    if caller.role in (*READ_ALL, "federation") and prefix != "\0":
        with views.store.recorder(VolunteersRegister).read() as tx:
            rows = list_volunteers(tx, texts=views.texts, status=status or None,
                                   region_code=prefix or None,
                                   after=after or None, limit=PAGE)
    return render(request, "volunteers.html", caller, rows=rows, status=status,
                  region_code=region_code, listed=caller.role in (*READ_ALL, "federation"),
                  next=rows[-1]["volunteer_id"] if len(rows) == PAGE else None)


@router.get("/volunteers/{volunteer_id}", response_class=HTMLResponse)
def volunteer_page(request: Request, volunteer_id: UUID, caller: ConsoleCaller,
                   register: Register, views: Views) -> HTMLResponse:
    """The volunteer's form, approvals, pairings and compliance."""
    try:
        view = register.get_volunteer(volunteer_id)
    except NotFound:
        return not_found(request, caller, "爱心妈妈")
    if not volunteer_visible(caller, view):
        return not_found(request, caller, "爱心妈妈")
    today = register.today()
    pairings = pairings_of(register, views, caller, volunteer_id=volunteer_id, on=today)
    active = [p for p in pairings if p.row["status"] == "active" and p.duties]
    by_duty: dict[str, list[bool]] = {}
    for shown in active:
        for duty in shown.duties:
            by_duty.setdefault(duty.title, []).append(duty.status.value == "met")
    chart = share_bars("各项职责完成情况（有效结对）", [
        Bar(title, sum(met) / len(met), f"{sum(met)}/{len(met)}")
        for title, met in by_duty.items()])
    duties = [d for shown in active for d in shown.duties]
    met = sum(d.status.value == "met" for d in duties)
    return render(request, "volunteer.html", caller, volunteer=view, pairings=pairings,
                  chart=chart, today=today, met=met, total=len(duties),
                  overdue=sum(d.status.value == "overdue" for d in duties))
