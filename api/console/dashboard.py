"""The staff's dashboard (工作概览): the console's landing page for those who keep the
registers (the admin, 妇联 federation staff, schools), within their scope: coverage and
overdue duties by township, contacts by month, this quarter against the last."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.console.charts import Bar, StateBar, count_bars, share_bars, state_bars
from api.console.gates import admitting
from api.console.pages import page, render
from api.console.place_filters import names_for
from api.console.session import Refused
from api.deps import Register, Views
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, may_keep_records, narrow
from projections.dashboard import (
    TOWNSHIP_DIGITS,
    Within,
    by_township,
    contacts_by_month,
    quarter_trends,
)

router = APIRouter(responses={403: page(
    "Not an account that keeps the registers (admin, federation, school): a page saying so.")})

#: The quarter's figures in the programme's words.
TREND_TITLES = {"contacts": "联系次数", "children_reached": "联系到的儿童（人）",
                "pairings_formed": "新结对", "children_registered": "新登记儿童",
                "concerns_reported": "情况报告"}


def month_label(month: str, *, first: bool) -> str:
    """A month ("2026-01") as a chart names it: 1月, with its year where a year starts and
    on the first row (2026年1月)."""
    number = int(month[5:])
    return f"{month[:4]}年{number}月" if first or number == 1 else f"{number}月"


#: What the dashboard's groups are called (各乡镇, 各村, 各班级).
GROUP_TITLES = {"township": "乡镇", "village": "村（社区）", "class": "班级"}


def grouping(scope: Within) -> str:
    """How the dashboard breaks the caller's scope down: a school by class, a township by
    village, anyone wider by township."""
    if scope.school:
        return "class"
    if scope.region_code and len(scope.region_code) >= TOWNSHIP_DIGITS:
        return "village"
    return "township"


Keeper = Annotated[Principal, admitting(
    may_keep_records, "工作概览供管理员、妇联工作人员和学校使用")]


def within(caller: Principal) -> Within:
    """The caller's scope as the access policy narrows a listing (everything for the admin);
    403 for an account whose scope holds nothing (a school account without its place)."""
    scope = narrow(Listing(), caller_of(caller))
    if scope is None:
        raise Refused(403, "此账号还没有所属地区，暂时看不到工作概览，请管理员补充账号的所在地")
    return Within(region_code=scope.region_code, school=scope.school)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, caller: Keeper, register: Register,
              views: Views) -> HTMLResponse:
    """Coverage and duties by township, contacts by month and the quarter's trends, within
    the caller's scope, as charts."""
    today, scope = register.today(), within(caller)
    views.wait_for(register.recorder.max_notification_id() or 0)
    group = grouping(scope)
    townships = by_township(views, scope, today, group)
    if group == "class" and all(not t.code for t in townships):  # the register has no class
        group, townships = "township", by_township(views, scope, today)
    months = contacts_by_month(views, scope, today)
    this, last, trends = quarter_trends(views, scope, today)
    names = (dict((t.code, t.code or "未填班级") for t in townships) if group == "class"
             else names_for(request).names(t.code for t in townships))
    covered = [t for t in townships if t.left_behind]
    owed = [t for t in townships if t.overdue + t.due + t.met]
    unit = GROUP_TITLES[group]
    charts = {
        "coverage": share_bars(f"各{unit}结对覆盖率（有结对的留守儿童／留守儿童）", [
            Bar(names[t.code], t.paired / t.left_behind, f"{t.paired}/{t.left_behind}")
            for t in covered]),
        "duties": state_bars(f"各{unit}帮扶职责（今日）", [
            StateBar(names[t.code], t.met, t.due, t.overdue) for t in owed]),
        "contacts": count_bars("近 12 个月联系次数", [
            (month_label(month, first=index == 0), count)
            for index, (month, count) in enumerate(months)]),
    }
    left_behind = sum(t.left_behind for t in townships)
    paired = sum(t.paired for t in townships)
    return render(request, "dashboard.html", caller, today=today, charts=charts,
                  left_behind=left_behind, paired=paired,
                  overdue=sum(t.overdue for t in townships),
                  children_overdue=sum(t.children_overdue for t in townships),
                  months=months, this=this, last=last, trends=trends, titles=TREND_TITLES,
                  scope=scope)
