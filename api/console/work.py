"""The work-lists and reminders in the console (待办清单): what a clerk must act on within
her region, each item linked to its record (``work_items``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console.pages import page, render
from api.console.place_filters import choices, names_for
from api.console.session import ConsoleCaller, Refused
from api.console.work_items import TURNING_WITHIN, Cursors, work_lists
from api.deps import Register, Views
from api.scope import caller_of
from domain.access.policy import Listing, may_read_work_lists, narrow

router = APIRouter()


@router.get("/work", response_class=HTMLResponse, responses={403: page(
    "Not an admin, federation, school or auditor account: a page saying so.")})
def work(request: Request, caller: ConsoleCaller, register: Register, views: Views,
         region_code: Annotated[str, Query(pattern=r"^(\d{2,12})?$")] = "",
         unpaired_after: str = "", overdue_after: str = "", turning_after: str = "",
         still_paired_after: str = "",
         reminders_after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
         ) -> HTMLResponse:
    """The caller's work-lists within her scope (narrowed to ``region_code`` if given, a place
    of hers: otherwise the page says so): the left-behind children not covered by a pairing,
    the children still paired who are no longer left behind, the overdue duties, the children
    turning 16 within 30 days, the open concerns and the reminders issued, a page of each.
    Auditors read them too (督导: read, never change); like the children's list, a list
    puts no read on the records it names: opening a record does."""
    who = caller_of(caller)
    if not may_read_work_lists(who):
        raise Refused(403, "只有管理员、妇联工作人员、学校和督导审计人员可以查看待办清单")
    scope = narrow(Listing(region_code=region_code or None), who)
    wrong = not_a_place(request, scope, region_code)
    lists = work_lists(register, views, caller, None if wrong else scope, register.today(), Cursors(
        unpaired=unpaired_after, still_paired=still_paired_after, overdue=overdue_after,
        turning=turning_after, reminders=reminders_after))
    return render(request, "work.html", caller, lists=lists, region_code=region_code,
                  within=TURNING_WITHIN, wrong_place=wrong,
                  places=choices(views, caller.scope.region_code))


def not_a_place(request: Request, scope: Listing | None, region_code: str) -> str:
    """Why ``region_code`` chooses nothing (not a place known by name, or outside the
    caller's area), in words; empty when it is one of her places or not given."""
    if not region_code:
        return ""
    if scope is None or names_for(request).name(region_code) == region_code:
        return f"“{region_code}”不是您所辖范围内的地区代码，请从列表中按名称选择地区"
    return ""
