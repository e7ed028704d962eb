"""The console's children: the search (花名册查询) and a child's page (儿童档案).

A child's page shows the record, its pairings with where their duties stand, and the
timeline (时间线). With ``as_of`` it shows the record as it was on that date (历史回溯): as the
register knew it at the end of that day (``known=then``) or as it knows it now (``known=now``),
the fields and timeline entries that differ between the two highlighted (later and corrected
records, 补录/更正). Reads are recorded exactly as the API records them.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.console.pages import not_found, render
from api.console.queries import children_overdue
from api.console.session import ConsoleCaller
from api.console.shown import Shown, pairings_of
from api.deps import Register, Views
from api.routes.children import for_role
from api.scope import caller_of, narrow_children, paired_children
from domain.access.policy import may_read_history, reads_in_full
from domain.application import CareRegister, ChildView
from domain.errors import NotFound
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.timeline import ChildTimeline, instant, timeline

router = APIRouter()
PAGE = 20
#: The fields compared between "as known then" and "as known now".
COMPARED = ("name", "school", "class_name", "address", "parents", "guardian", "profile",
            "categories", "left_behind", "status", "exited_on", "concerns")


@router.get("/children", response_class=HTMLResponse)
def search(request: Request, caller: ConsoleCaller, register: Register, views: Views,
           name: str = "", school: str = "", township: str = "", category: str = "",
           left_behind: Literal["", "yes", "no"] = "", overdue: bool = False,
           after: str = "") -> HTMLResponse:
    """Search the children's register within the caller's scope, a page at a time."""
    today = register.today()
    where = narrow_children(caller_of(caller), views, ChildFilter(
        name=name.strip() or None, school=school.strip() or None,
        region_code=township.strip() or None, category=category or None,
        left_behind={"yes": True, "no": False}.get(left_behind)))
    rows: list[Any] = []
    if where is not None and overdue:
        late = children_overdue(views, today, where.region_code)
        if where.child_ids is not None:
            late &= set(where.child_ids)
        where = dataclasses.replace(where, child_ids=tuple(sorted(late)))
    if where is not None:
        with views.store.recorder(ChildrenRegister).read() as tx:
            rows = list_children(tx, where, today, texts=views.texts, after=after or None,
                                 limit=PAGE)
    query = {"name": name, "school": school, "township": township, "category": category,
             "left_behind": left_behind, "overdue": "true" if overdue else ""}
    return render(request, "children.html", caller, rows=rows, query=query, today=today,
                  next=rows[-1]["child_id"] if len(rows) == PAGE else None, first=not after)


@router.get("/children/{child_id}", response_class=HTMLResponse)
def child_page(request: Request, child_id: UUID, caller: ConsoleCaller, register: Register,
               views: Views, as_of: Annotated[date | None, Query()] = None,
               known: Literal["then", "now"] = "now") -> HTMLResponse:
    """The child's record, pairings, duties and timeline; as of a date if given."""
    reader = caller_of(caller)
    try:
        opened = register.open_child(reader, child_id, paired=paired_children(views))
    except NotFound:
        return not_found(request, caller, "儿童档案")
    current = opened.child
    today = register.today()
    history = may_read_history(reader)
    context: dict[str, Any] = {"child_id": child_id, "today": today, "history": history,
                               "known": known, "as_of": as_of, "error": None}
    if as_of is not None and (not history or as_of > today):
        context["error"] = ("历史回溯不能选择未来的日期" if history
                            else "您的角色不能查看历史回溯")
        as_of = None
    then: ChildView | None = None
    changed: set[str] = set()
    if as_of is None:
        record = current
        register.note_read(reader, opened, "record")
    else:
        try:
            record, then, changed = _as_of(register, child_id, as_of, known)
        except NotFound:
            context["error"] = (f"截至 {as_of} 当日，系统中还没有该儿童的档案（档案是后来补录的）"
                                if known == "then" else f"{as_of} 时该儿童尚未建档")
            record, as_of = current, None
            context["as_of"] = None
    day = as_of or today
    known_at = _end_of(day, register) if as_of and known == "then" else _now(register)
    entries = _timeline(register, views, child_id, day, known_at, as_of) if history else []
    if history:
        register.note_read(reader, opened, "history")
    pairings = pairings_of(register, views, caller, child_id=child_id, on=day,
                           known_at=known_at if as_of else None)
    if as_of is not None:
        pairings = as_they_stood(register, pairings, as_of, known_at)
    # A caring mother reads only what her duties need, as through the API (最小必要).
    shown = record if reads_in_full(reader) else for_role(record, caller)
    return render(request, "child.html", caller, child=shown, then=then, changed=changed,
                  entries=entries, pairings=pairings, day=day, **context)


def as_they_stood(register: CareRegister, pairings: list[Shown], day: date,
                  known_at: datetime) -> list[Shown]:
    """The pairings as they stood on ``day`` as known at ``known_at``: those formed by then
    (and recorded by then), ended only if they had ended, with the contacts made by then."""
    stood = []
    for item in pairings:
        try:
            then = register.pairing_as_of(UUID(item.row["pairing_id"]), day, known_at)
        except NotFound:  # not yet recorded then
            continue
        if then.starts_on > day:
            continue
        last = max((c.occurred_on for c in then.contacts), default=None)
        row = {**item.row, "status": then.status, "ended_on": then.ended_on,
               "end_reason": then.end_reason, "contacts": len(then.contacts),
               "last_contact_on": last}
        stood.append(dataclasses.replace(item, row=row))
    return stood


def _now(register: CareRegister) -> datetime:
    return datetime.now(ZoneInfo(register.programme.timezone))


def _end_of(day: date, register: CareRegister) -> datetime:
    """The last instant of ``day`` where the programme is, or now if that is later."""
    zone = ZoneInfo(register.programme.timezone)
    end = datetime.combine(day + timedelta(days=1), time.min, zone) - timedelta(microseconds=1)
    return min(end, _now(register))


def _as_of(register: CareRegister, child_id: UUID, day: date,
           known: str) -> tuple[ChildView, ChildView | None, set[str]]:
    """(the record shown, the record as known at the end of ``day`` or None if it was not
    yet recorded then, the fields that differ between then and now).

    NotFound if the record to show did not exist: as known now, the child was registered
    after ``day``; as known then, nothing about the child had been recorded by then."""
    now = register.child_as_of(child_id, day, _now(register))
    try:
        then = register.child_as_of(child_id, day, _end_of(day, register))
    except NotFound:
        if known == "then":
            raise
        return now, None, {"recorded_later"}
    changed = {field for field in COMPARED if getattr(then, field) != getattr(now, field)}
    return (then if known == "then" else now), then, changed


def _timeline(register: CareRegister, views: Views, child_id: UUID, day: date,
              known_at: datetime, as_of: date | None) -> list[dict[str, Any]]:
    """The timeline, newest first; with ``as_of``, entries recorded after that day are
    marked late (补录, recorded after the day they are about)."""
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(ChildTimeline).read() as tx:
        rows = timeline(tx, child_id, occurred_until=day, recorded_until=known_at, limit=2000)
    zone = ZoneInfo(register.programme.timezone)
    cut = instant(_end_of(as_of, register)) if as_of else None
    entries = []
    for row in reversed(rows):
        recorded = datetime.fromisoformat(row["recorded_at"]).astimezone(zone)
        entries.append({**row, "recorded": recorded,
                        "late": cut is not None and row["recorded_at"] > cut,
                        "backdated": recorded.date().isoformat() > row["occurred_on"]})
    return entries

