"""A child's page (儿童档案): the record, its pairings with where their duties stand, the
timeline (时间线) and, for those who keep the record, its forms.

With ``as_of`` it shows the record as it was on that date (历史回溯): as the register knew it
at the end of that day (``known=then``) or as it knows it now (``known=now``), the fields and
timeline entries that differ between the two highlighted (later and corrected records,
补录/更正); the pairings as they stood then, with the contacts made by then. Reads are
recorded exactly as the API records them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.carers import carers_known
from api.console.choices import CHOICES
from api.console.forms import Refusal
from api.console.labels import masked_id_number
from api.console.pages import not_found, render
from api.console.place_filters import choices
from api.console.shown import Shown, pairings_of
from api.deps import Register, Views
from api.routes.children import for_role
from api.scope import caller_of, paired_children, phones_the_parents
from api.security import Principal
from domain.access.caller import Caller
from domain.access.policy import may_change_child, may_read_history, reads_in_full
from domain.application import CareRegister, ChildView
from domain.application.reading import OpenedChild
from domain.children.aggregate import CORRECTABLE
from domain.errors import NotFound
from projections.places.queries import Township
from projections.timeline import ChildTimeline, instant
from projections.timeline_facts import ReadsSeen, facts_by_day, reads_seen

#: The fields compared between "as known then" and "as known now".
COMPARED = ("name", "sex", "birth_date", "id_number", "ethnicity", "region_code", "school",
            "class_name", "address", "parents", "guardian", "profile", "categories", "left_behind",
            "status", "exited_on", "concerns")
#: The timeline's entries shown, the newest first.
TIMELINE_SHOWN = 500
#: What a form of the page says once it is recorded, by the form's name (``?saved=``).
SAVED = {"registered": "已登记儿童档案", "parents": "已更新父母情况", "guardian": "已更新监护人",
         "profile": "已更新成长情况", "categories": "已更新关爱类别", "exit": "已办理退出",
         "concern": "已记录情况报告", "resolution": "已办结情况报告",
         "schooling": "已登记升学、转学", "transfer": "已办理迁出", "correction": "已更正档案"}


def show(request: Request, caller: Principal, register: Register, views: Views,
         child_id: UUID, as_of: date | None = None, known: str = "now", *,
         typed: Mapping[str, Mapping[str, Any]] | None = None, refusal: Refusal | None = None,
         refused: str = "", status_code: int = 200, saved: str = "",
         full_id: bool = False) -> HTMLResponse:
    """The child's page; a form refused (``refused``, its name) shown with what was typed
    (``typed``, by form) and why (``refusal``); the national ID number in full only when
    asked (``full_id``), a read put on the record."""
    reader = caller_of(caller)
    try:
        opened = register.open_child(reader, child_id, paired=paired_children(views))
    except NotFound:
        return not_found(request, caller, "儿童档案")
    current = opened.child
    today = register.today()
    history = may_read_history(reader)
    context: dict[str, Any] = {"child_id": child_id, "today": today, "history": history,
                               "known": known, "as_of": as_of, "error": None,
                               "merged": kept_record(register, views, caller, current)}
    if as_of is not None and (not history or as_of > today):
        context["error"] = ("历史回溯不能选择未来的日期" if history
                            else "您的角色不能查看历史回溯")
        return _refused_only(request, caller, current, status_code, context)
    then: ChildView | None = None
    changed: set[str] = set()
    if as_of is None:
        record = current
        register.note_read(reader, opened, "record")
    else:
        try:
            if as_of < current.registered_on:  # before the child was registered (建档)
                raise NotFound(f"no child {child_id} on {as_of}")
            record, then, changed = _as_of(register, child_id, as_of, known)
        except NotFound:
            context["error"] = (f"截至 {as_of} 当日，系统中还没有该儿童的档案（档案是后来补录的）"
                                if known == "then" else f"{as_of} 时该儿童尚未建档")
            context["first_day"] = current.registered_on
            return _refused_only(request, caller, current, status_code, context)
    day = as_of or today
    known_at = _end_of(day, register) if as_of and known == "then" else _now(register)
    entries, reads = (_timeline(register, views, child_id, day, known_at, as_of) if history
                      else ([], ReadsSeen(0, None, None)))
    context["reads"] = _reads_shown(reads, register)
    context["cut"] = TIMELINE_SHOWN if len(entries) > TIMELINE_SHOWN else None
    entries = entries[:TIMELINE_SHOWN]
    if history:
        register.note_read(reader, opened, "history")
    pairings = pairings_of(register, views, caller, child_id=child_id, on=day,
                           known_at=known_at if as_of else None)
    if as_of is not None:
        pairings = as_they_stood(register, pairings, as_of, known_at)
    # Whom to call about the child's pairings: her caring mothers, named with their phones.
    context["carers"] = carers_known(register, views, caller, {
        volunteer_id: [current] for item in pairings for volunteer_id, _ in item.volunteers})
    # A caring mother reads only what her duties need, as through the API (最小必要).
    shown = record if reads_in_full(reader) else for_role(
        record, caller, parents_phones=phones_the_parents(register, views, caller, child_id))
    context["id_number"] = (id_number_shown(register, reader, opened, record.id_number, full_id)
                            if reads_in_full(reader) else None)
    # A merged record takes no new facts: they go on the record kept (已合并到).
    keeps = (as_of is None and context["merged"] is None and reads_in_full(reader)
             and may_change_child(reader, current))
    if keeps:  # where a transfer (迁出) may take the child: the places of its city (市州)
        context["destinations"] = destinations(views, current.region_code)
        context["correctable"] = tuple(CORRECTABLE.items())
    return render(request, "child.html", caller, status_code=status_code, child=shown,
                  then=then, changed=changed, entries=entries, pairings=pairings, day=day,
                  keeps=keeps, typed=typed or {}, refusal=refusal, refused=refused,
                  saved=SAVED.get(saved, ""), choices=CHOICES, **context)


def id_number_shown(register: CareRegister, reader: Caller, opened: OpenedChild, number: str,
                    full: bool) -> dict[str, Any]:
    """The national ID number (身份证号码) as the page shows it: masked (420881********0012),
    or in full when asked (显示完整号码). It is sensitive personal information: every reader
    who has it shown in full, whatever the role, puts that read on the record (查阅记录:
    完整身份证号码), under the break-glass grant it was opened with, if any."""
    if not number:
        return {"shown": "", "full": False}
    if not full:
        return {"shown": masked_id_number(number), "full": False}
    grant = opened.grant
    register.record_read(opened.child.id, what="id_number", actor=reader.actor,
                         reason=grant.reason if grant else "",
                         break_glass=grant.id if grant else None)
    return {"shown": number, "full": True}


def kept_record(register: Register, views: Views, caller: Principal,
                child: ChildView) -> dict[str, Any] | None:
    """For a record merged into another (合并重复档案): the day of the merge and the record
    kept, to link to (``kept``: its record when the reader may open it, else None); None for
    a record not merged."""
    if child.merged_into is None:
        return None
    try:
        kept: ChildView | None = register.child_in_scope(
            caller_of(caller), child.merged_into, paired=paired_children(views))
    except NotFound:
        kept = None
    return {"id": child.merged_into, "on": child.exited_on, "kept": kept}


#: The most places a transfer's chooser lists with their villages; beyond, townships only.
DESTINATIONS = 400


def destinations(views: Views, region_code: str) -> list[Township]:
    """The places a transfer (迁出) offers by name: those of the child's city (市州, the first
    4 digits of its division code), with their villages while they are few (a place not
    listed is typed as its code)."""
    found = choices(views, region_code[:4])
    if sum(1 + len(township.villages) for township in found) > DESTINATIONS:
        return [dataclasses.replace(township, villages=()) for township in found]
    return found


def _refused_only(request: Request, caller: Principal, current: ChildView, status_code: int,
                  context: dict[str, Any]) -> HTMLResponse:
    """A date the record cannot be shown on: only why, the date picker and the way back
    (nothing of today's record in a page that names another day)."""
    context.update(as_of=None, asked=context["as_of"])
    return render(request, "child_as_of_refused.html", caller, status_code=status_code,
                  child=current, **context)


def _reads_shown(reads: ReadsSeen, register: CareRegister) -> dict[str, Any] | None:
    """The reads of the record summed up for the timeline (被查阅 N 次，最近 …), with the
    days the access log is opened on; None if it was not read."""
    if not reads.count or reads.first is None or reads.last is None:
        return None
    zone = ZoneInfo(register.programme.timezone)
    first = datetime.fromisoformat(reads.first).astimezone(zone)
    last = datetime.fromisoformat(reads.last).astimezone(zone)
    return {"count": reads.count, "last": last, "from": first.date(), "to": last.date()}


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
              known_at: datetime, as_of: date | None) -> tuple[list[dict[str, Any]], ReadsSeen]:
    """The child's own facts by the day they happened, newest first, one more than are shown
    (to tell that there are more), and the reads of the record counted apart; entries
    recorded after the day they happened are marked (后补), and with ``as_of`` those
    recorded after that day (补录)."""
    views.wait_for(register.recorder.max_notification_id() or 0)
    with views.store.recorder(ChildTimeline).read() as tx:
        rows = facts_by_day(tx, child_id, occurred_until=day, recorded_until=known_at,
                            limit=TIMELINE_SHOWN + 1)
        reads = reads_seen(tx, child_id, occurred_until=day, recorded_until=known_at)
    zone = ZoneInfo(register.programme.timezone)
    cut = instant(_end_of(as_of, register)) if as_of else None
    entries = []
    for row in rows:
        recorded = datetime.fromisoformat(row["recorded_at"]).astimezone(zone)
        entries.append({**row, "recorded": recorded,
                        "late": cut is not None and row["recorded_at"] > cut,
                        "backdated": recorded.date().isoformat() > row["occurred_on"]})
    return entries, reads

