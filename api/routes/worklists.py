"""/worklists: what a clerk must act on within her scope (待办清单), a page at a time, each
item with its reason in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.exceptions import RequestValidationError

from api.deps import Register, Views, admitting
from api.schemas.common import Page
from api.schemas.worklists import WorkItem
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, may_keep_records, narrow
from projections.worklist_pages import WORK_LISTS, Asked, work_page

router = APIRouter(prefix="/worklists", tags=["worklists"])
#: Who reads the work-lists: the admin, federation staff and schools, within their scope.
Staff = Annotated[Principal, Depends(admitting(may_keep_records))]
_NAMES = "、".join(WORK_LISTS)


@router.get("/{name}", response_model=Page[WorkItem], responses={
    404: {"description": f"No work-list of that name; the names are {_NAMES}."}})
def read_work_list(
    name: Annotated[str, Path(max_length=64, description=f"One of {_NAMES}.",
                              json_schema_extra={"enum": list(WORK_LISTS)})],
    caller: Staff, views: Views, register: Register,
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
    item with its child and the reason in Chinese."""
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
    return Page(items=[WorkItem.model_validate(item) for item in page.items], next=page.next)
