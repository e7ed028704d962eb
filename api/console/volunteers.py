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
from api.scope import caller_of
from domain.access.policy import Listing, may_list_volunteers, narrow, own_volunteer
from domain.errors import NotFound
from projections.registers.volunteers import VolunteersRegister, list_volunteers

router = APIRouter()
PAGE = 20


@router.get("/volunteers", response_class=HTMLResponse,
            responses={303: redirect("A volunteer: to their own page.")})
def volunteers(request: Request, caller: ConsoleCaller, views: Views, status: str = "",
               region_code: str = "", after: str = "") -> Response:
    """Volunteers within the caller's scope, by status and region, as ``GET /volunteers``."""
    reader = caller_of(caller)
    own = own_volunteer(reader)
    if own is not None:
        return RedirectResponse(f"/console/volunteers/{own}", 303)
    rows = []
    listed = may_list_volunteers(reader)
    scoped = narrow(Listing(region_code=region_code.strip() or None), reader) if listed else None
    if scoped is not None:
        with views.store.recorder(VolunteersRegister).read() as tx:
            rows = list_volunteers(tx, texts=views.texts, status=status or None,
                                   region_code=scoped.region_code,
                                   after=after or None, limit=PAGE)
    return render(request, "volunteers.html", caller, rows=rows, status=status,
                  region_code=region_code, listed=listed,
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
