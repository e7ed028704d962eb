"""The work-lists and reminders in the console (待办清单): what a clerk must act on within
her region, each item linked to its record (``work_items``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console.pages import page, render
from api.console.session import ConsoleCaller, Refused
from api.console.work_items import TURNING_WITHIN, Cursors, work_lists
from api.deps import Register, Views
from api.scope import caller_of
from domain.access.policy import Listing, may_keep_records, narrow

router = APIRouter()


@router.get("/work", response_class=HTMLResponse, responses={403: page(
    "Not an admin, federation or school account: a page saying so.")})
def work(request: Request, caller: ConsoleCaller, register: Register, views: Views,
         region_code: Annotated[str, Query(pattern=r"^(\d{2,12})?$")] = "",
         unpaired_after: str = "", overdue_after: str = "", turning_after: str = "",
         reminders_after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
         ) -> HTMLResponse:
    """The caller's work-lists within her scope (narrowed to ``region_code`` if given): the
    left-behind children not paired, the overdue duties, the children turning 16 within 30
    days, the open concerns and the reminders issued, a page of each."""
    who = caller_of(caller)
    if not may_keep_records(who):
        raise Refused(403, "只有管理员、妇联工作人员和学校可以查看待办清单")
    scope = narrow(Listing(region_code=region_code or None), who)
    lists = work_lists(views, caller, scope, register.today(), Cursors(
        unpaired_after, overdue_after, turning_after, reminders_after))
    return render(request, "work.html", caller, lists=lists, region_code=region_code,
                  within=TURNING_WITHIN)
