"""/worklists: what a clerk must act on within her scope (待办清单), a page at a time, each
item with its reason in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.exceptions import RequestValidationError

from api.carers import Place, carers_known
from api.deps import Register, Views, admitting
from api.schemas.common import Page
from api.schemas.worklists import WorkItem
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, may_read_work_lists, narrow
from projections.worklist_pages import WORK_LISTS, Asked, work_page

router = APIRouter(prefix="/worklists", tags=["worklists"])
#: Who reads the work-lists: the admin, federation staff and schools, within their scope, and
#: auditors (督导审计), who read everything. A list puts no read on the records it names (as
#: ``GET /children`` does not): opening a record does.
Readers = Annotated[Principal, Depends(admitting(may_read_work_lists))]
_NAMES = "、".join(WORK_LISTS)


@router.get("/{name}", response_model=Page[WorkItem], responses={
    404: {"description": f"No work-list of that name; the names are {_NAMES}."}})
def read_work_list(
    name: Annotated[str, Path(max_length=64, description=f"One of {_NAMES}.",
                              json_schema_extra={"enum": list(WORK_LISTS)})],
    caller: Readers, views: Views, register: Register,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2,12}$", description=(
        "A division-code prefix within your scope; outside it the list is empty."))] = None,
    on: Annotated[date | None, Query(description=(
        "The day the list is made for (default today, never in the future); overdue "
        "duties are those the duty view evaluated on that day."))] = None,
    after: Annotated[str | None, Query(pattern=r"^[0-9A-Za-z_/-]{1,200}$", description=(
        "The `next` of the page before."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[WorkItem]:
    """A page of the work-list ``name`` within your scope (turning_16: within 30 days;
    paired_but_not_left_behind; unpaired_left_behind; overdue_duties; open_concerns), each
    item with its child and the reason in Chinese; overdue duties name their caring mothers."""
    if name not in WORK_LISTS:
        raise HTTPException(status_code=404, detail=(
            f"没有名为“{name}”的待办清单，可用的有：{_NAMES}（no work-list {name!r}; "
            f"the work-lists are {', '.join(WORK_LISTS)}）"))
    today = register.today()
    day = on or today
    if day > today:
        raise RequestValidationError([{
            "loc": ("query", "on"), "type": "date_not_in_future", "input": day.isoformat(),
            "msg": f"待办清单的日期不能晚于今天（{today}）（{day} is in the future）"}])
    scoped = narrow(Listing(region_code=region_code), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    views.wait_for(register.recorder.max_notification_id() or 0)
    page = work_page(views, name, Asked(on=day, region_code=scoped.region_code,
                                        school=scoped.school, after=after, limit=limit))
    if name == "overdue_duties":
        _name_carers(register, views, caller, page.items)
    return Page(items=[WorkItem.model_validate(item) for item in page.items], next=page.next)


def _name_carers(register: Register, views: Views, caller: Principal,
                 items: list[dict[str, Any]]) -> None:
    """Each overdue duty's caring mothers, named with their phones as the caller may know
    them (as the console's work-lists name them)."""
    paired_with: dict[str, list[Place]] = {}
    for item in items:
        for volunteer_id in item["volunteer_ids"]:
            paired_with.setdefault(volunteer_id, []).append(
                Place(item["region_code"], item["school"] or ""))
    carers = carers_known(register, views, caller, paired_with)
    for item in items:
        item["volunteers"] = [{"id": v, "name": carers[v].name, "phone": carers[v].phone}
                              for v in item["volunteer_ids"]]
